// A spike raster of one image (`snnwasm spikes --svg`): one panel per layer, time across, neurons down, a
// mark per spike. Time-to-first-spike layers have at most one mark per neuron (silent neurons none);
// rate-coded layers one per (neuron, step). Layers with more neurons than fit are shown by an evenly strided
// subset, and the panel says which. The output panel labels its rows with the class names.
import type { SpikeLayer, SpikeRecord } from '../algorithms/types.js';
import { FONT, esc } from '../plot/svg-text.js';

export interface RasterOptions {
  title: string;
  /** at most this many neuron rows per panel (default 400) */
  maxRows?: number;
  /** class names, for the output panel's rows */
  classNames?: string[];
  /** the output neuron the decision picked (highlighted), if any */
  winner?: number;
}

const WIDTH = 760, LEFT = 150, RIGHT = 20, TOP = 44, GAP = 36, AXIS = 26;
const DOT = '#2563eb', WIN = '#dc2626';

/** Neuron rows shown for a layer of n: all of them, or every k-th (k = ceil(n / maxRows)). */
export function shownRows(n: number, maxRows: number): { every: number; rows: number } {
  const every = Math.max(1, Math.ceil(n / maxRows));
  return { every, rows: Math.ceil(n / every) };
}

/** (neuron, step) pairs of a layer's spikes: its raster (rate coding) or its spike times (time-to-first-spike). */
export function spikePairs(layer: SpikeLayer, steps: number): [number, number][] {
  const out: [number, number][] = [];
  if (layer.raster) for (let i = 0; i + 1 < layer.raster.length; i += 2) out.push([layer.raster[i], layer.raster[i + 1]]);
  else if (layer.times) layer.times.forEach((t, j) => { if (t < steps) out.push([j, t]); });
  return out;
}

export function spikeRasterSvg(rec: SpikeRecord, o: RasterOptions): string {
  const maxRows = o.maxRows ?? 400, plotW = WIDTH - LEFT - RIGHT;
  const x = (t: number) => LEFT + ((t + 0.5) / rec.steps) * plotW;
  const parts: string[] = [];
  let y0 = TOP;
  rec.layers.forEach((layer, li) => {
    const n = layer.shape.reduce((a, b) => a * b, 1);
    const isOutput = li === rec.layers.length - 1;
    const { every, rows } = shownRows(n, maxRows);
    // rows get 1-12 px each, so a 10-neuron output is readable and a 400-row panel stays under 400 px
    const rowH = Math.max(1, Math.min(12, Math.floor(400 / rows)));
    const h = rows * rowH;
    const pairs = spikePairs(layer, rec.steps);
    const fired = layer.times ? pairs.length : (layer.counts ? layer.counts.reduce((a, c) => a + (c > 0 ? 1 : 0), 0) : 0);
    const caption = `${layer.name} [${layer.shape.join('×')}]: ${pairs.length} spike${pairs.length === 1 ? '' : 's'}, ` +
      `${fired} of ${n} neurons fired` + (every > 1 ? ` (1 neuron in ${every} shown)` : '');
    parts.push(`<text x="${LEFT}" y="${y0 - 6}" font-size="12" ${FONT}>${esc(caption)}</text>`);
    parts.push(`<rect x="${LEFT}" y="${y0}" width="${plotW}" height="${h}" fill="#f8fafc" stroke="#cbd5e1"/>`);
    const w = Math.max(2, plotW / rec.steps - 0.5), markH = Math.max(2, rowH - (rowH > 3 ? 1 : 0));
    for (const [j, t] of pairs) {
      if (j % every !== 0) continue;
      const r = j / every;
      const color = isOutput && o.winner === j ? WIN : DOT;
      parts.push(`<rect x="${(x(t) - w / 2).toFixed(1)}" y="${(y0 + r * rowH).toFixed(1)}" width="${w.toFixed(1)}" height="${markH}" fill="${color}"/>`);
    }
    if (isOutput && rows <= 40) {
      for (let r = 0; r < rows; r++) {
        const name = o.classNames?.[r * every] ?? String(r * every);
        const weight = o.winner === r * every ? ' font-weight="bold"' : '';
        parts.push(`<text x="${LEFT - 6}" y="${(y0 + (r + 0.8) * rowH).toFixed(1)}" font-size="${Math.min(11, rowH)}" text-anchor="end"${weight} ${FONT}>${esc(name)}</text>`);
      }
    } else {
      parts.push(`<text x="${LEFT - 6}" y="${y0 + 10}" font-size="10" text-anchor="end" ${FONT}>neuron 0</text>`);
      parts.push(`<text x="${LEFT - 6}" y="${y0 + h}" font-size="10" text-anchor="end" ${FONT}>${n - 1}</text>`);
    }
    y0 += h + GAP;
  });
  // time axis under the last panel
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => Math.min(rec.steps - 1, Math.round(f * rec.steps)));
  const axisY = y0 - GAP + 14;
  for (const t of ticks) parts.push(`<text x="${x(t).toFixed(1)}" y="${axisY}" font-size="10" text-anchor="middle" ${FONT}>${t}</text>`);
  parts.push(`<text x="${LEFT + plotW / 2}" y="${axisY + 14}" font-size="11" text-anchor="middle" ${FONT}>time step (${rec.coding === 'rate' ? `T = ${rec.steps}` : `tmax = ${rec.steps}`})</text>`);
  const height = axisY + AXIS;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">\n` +
    `<rect width="100%" height="100%" fill="white"/>\n` +
    `<text x="${WIDTH / 2}" y="20" font-size="14" text-anchor="middle" font-weight="bold" ${FONT}>${esc(o.title)}</text>\n` +
    parts.join('\n') + '\n</svg>\n';
}
