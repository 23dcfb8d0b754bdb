// Small hand-written SVG charts for docs/benchmarks.md: horizontal bars (linear or log scale, with an
// optional reference line) and a line chart over a log2 x axis. No dependencies.
import { FONT, esc } from '../src/plot/svg-text.js';

export interface Bar { label: string; value: number; color?: string; text?: string }

export const COLORS = { ours: '#2563eb', ours2: '#60a5fa', peer: '#9ca3af', peer2: '#f59e0b', bad: '#dc2626', good: '#16a34a', ref: '#6b7280' };


function niceNum(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  const a = Math.abs(x);
  if (a >= 1e6) return `${+(x / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${+(x / 1e3).toPrecision(3)}k`;
  if (a >= 100) return x.toFixed(0);
  return `${+x.toPrecision(3)}`;
}

function linearTicks(max: number): number[] {
  if (!(max > 0)) return [0];
  const raw = max / 5, p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = 0; ; v += step) { out.push(v); if (v >= max * 0.9999) break; }
  return out;
}

export function hbarChart(o: { title: string; unit: string; bars: Bar[]; log?: boolean; refLine?: { value: number; label: string }; width?: number; max?: number }): string {
  const width = o.width ?? 760;
  const labelW = Math.min(400, Math.max(120, 7.2 * Math.max(...o.bars.map((b) => b.label.length), 10) + 8));
  const rowH = 22, top = 40, bottom = 36, right = 90;
  const plotW = width - labelW - right - 10;
  const height = top + rowH * o.bars.length + bottom;
  const vals = o.bars.map((b) => b.value).filter((v) => Number.isFinite(v) && (!o.log || v > 0));
  let maxV = o.max ?? Math.max(...vals, o.refLine?.value ?? 0);
  if (!(maxV > 0)) maxV = 1;
  let minV = 0;
  let ticks: number[];
  if (o.log) {
    minV = 10 ** Math.floor(Math.log10(Math.min(...vals, o.refLine?.value ?? Infinity)));
    maxV = 10 ** Math.ceil(Math.log10(maxV));
    if (minV >= maxV) minV = maxV / 10;
    ticks = [];
    for (let v = minV; v <= maxV * 1.0001; v *= 10) ticks.push(v);
  } else {
    ticks = linearTicks(maxV);
    maxV = Math.max(maxV, ticks[ticks.length - 1]);
  }
  const x = (v: number) => {
    if (o.log) return labelW + (plotW * (Math.log10(Math.max(v, minV)) - Math.log10(minV))) / (Math.log10(maxV) - Math.log10(minV));
    return labelW + (plotW * Math.max(0, v)) / maxV;
  };
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="12">`);
  parts.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  parts.push(`<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="600">${esc(o.title)}</text>`);
  for (const t of ticks) {
    const tx = x(t);
    parts.push(`<line x1="${tx.toFixed(1)}" y1="${top - 4}" x2="${tx.toFixed(1)}" y2="${top + rowH * o.bars.length}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${tx.toFixed(1)}" y="${top + rowH * o.bars.length + 14}" text-anchor="middle" fill="#374151">${niceNum(t)}</text>`);
  }
  parts.push(`<text x="${labelW + plotW / 2}" y="${height - 6}" text-anchor="middle" fill="#374151">${esc(o.unit)}${o.log ? ' (log scale)' : ''}</text>`);
  o.bars.forEach((b, i) => {
    const y = top + i * rowH;
    parts.push(`<text x="${labelW - 6}" y="${y + rowH / 2 + 4}" text-anchor="end" fill="#111827">${esc(b.label)}</text>`);
    if (Number.isFinite(b.value) && (!o.log || b.value > 0)) {
      const w = Math.max(1, x(b.value) - labelW);
      parts.push(`<rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${b.color ?? COLORS.ours}" rx="2"/>`);
      parts.push(`<text x="${(labelW + w + 4).toFixed(1)}" y="${y + rowH / 2 + 4}" fill="#111827">${esc(b.text ?? niceNum(b.value))}</text>`);
    } else {
      parts.push(`<text x="${labelW + 4}" y="${y + rowH / 2 + 4}" fill="${COLORS.bad}">not measured</text>`);
    }
  });
  if (o.refLine) {
    const rx = x(o.refLine.value);
    parts.push(`<line x1="${rx.toFixed(1)}" y1="${top - 6}" x2="${rx.toFixed(1)}" y2="${top + rowH * o.bars.length}" stroke="${COLORS.bad}" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${rx.toFixed(1)}" y="${top - 9}" text-anchor="middle" fill="${COLORS.bad}" font-size="11">${esc(o.refLine.label)}</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

export interface Series { name: string; color: string; points: [number, number][] }

/** Line chart, x on a log2 axis labelled by `xLabel(x)`. */
export function lineChartLog2(o: { title: string; xUnit: string; yUnit: string; series: Series[]; xLabel: (x: number) => string; width?: number; height?: number }): string {
  const width = o.width ?? 760, height = o.height ?? 320;
  const left = 60, right = 130, top = 36, bottom = 44;
  const pts = o.series.flatMap((s) => s.points).filter(([a, b]) => a > 0 && Number.isFinite(b));
  const xs = pts.map(([a]) => Math.log2(a));
  const x0 = Math.min(...xs), x1 = Math.max(...xs, x0 + 1);
  const ticks = linearTicks(Math.max(...pts.map(([, b]) => b), 1));
  const yMax = ticks[ticks.length - 1];
  const X = (v: number) => left + ((width - left - right) * (Math.log2(v) - x0)) / (x1 - x0);
  const Y = (v: number) => top + (height - top - bottom) * (1 - v / yMax);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="12">`);
  parts.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  parts.push(`<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="600">${esc(o.title)}</text>`);
  for (const t of ticks) {
    parts.push(`<line x1="${left}" y1="${Y(t).toFixed(1)}" x2="${width - right}" y2="${Y(t).toFixed(1)}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${left - 6}" y="${(Y(t) + 4).toFixed(1)}" text-anchor="end" fill="#374151">${niceNum(t)}</text>`);
  }
  const xsUnique = [...new Set(pts.map(([a]) => a))].sort((a, b) => a - b);
  for (const v of xsUnique) parts.push(`<text x="${X(v).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle" fill="#374151">${esc(o.xLabel(v))}</text>`);
  parts.push(`<text x="${(left + width - right) / 2}" y="${height - 8}" text-anchor="middle" fill="#374151">${esc(o.xUnit)}</text>`);
  parts.push(`<text x="14" y="${(top + height - bottom) / 2}" text-anchor="middle" fill="#374151" transform="rotate(-90 14 ${(top + height - bottom) / 2})">${esc(o.yUnit)}</text>`);
  o.series.forEach((s, i) => {
    const p = s.points.filter(([a, b]) => a > 0 && Number.isFinite(b));
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${p.map(([a, b]) => `${X(a).toFixed(1)},${Y(b).toFixed(1)}`).join(' ')}"/>`);
    for (const [a, b] of p) parts.push(`<circle cx="${X(a).toFixed(1)}" cy="${Y(b).toFixed(1)}" r="3" fill="${s.color}"/>`);
    parts.push(`<rect x="${width - right + 12}" y="${top + i * 20}" width="12" height="12" fill="${s.color}"/>`);
    parts.push(`<text x="${width - right + 30}" y="${top + i * 20 + 10}" fill="#111827">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
