// Progress reporting: a cli-progress bar (ETA, samples/s, running accuracy) on an interactive
// terminal, and a plain line every few percent otherwise (logs, CI), so a long run always shows it lives.
import cliProgress from 'cli-progress';

export interface Progress {
  start(total: number, label: string): void;
  update(done: number, fields: { acc: number }): void;
  stop(): void;
}

export function createProgress(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled) return { start() {}, update() {}, stop() {} };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar({
      format: '{label} |{bar}| {percentage}% {value}/{total} | {rate} samples/s | acc {acc} | ETA {eta_formatted}',
      stream, hideCursor: true, etaBuffer: 200,
    }, cliProgress.Presets.shades_classic);
    let t0 = 0;
    return {
      start(total, label) { t0 = performance.now(); bar.start(total, 0, { label, rate: '-', acc: '-' }); },
      update(done, f) {
        const rate = done / ((performance.now() - t0) / 1000);
        bar.update(done, { rate: rate.toFixed(0), acc: (f.acc * 100).toFixed(2) + '%' });
      },
      stop() { bar.stop(); },
    };
  }
  let t0 = 0, total = 0, label = '', nextPct = 0;
  return {
    start(n, l) { t0 = performance.now(); total = n; label = l; nextPct = 10; },
    update(done, f) {
      const pct = (100 * done) / total;
      if (pct + 1e-9 < nextPct && done < total) return;
      nextPct = Math.floor(pct / 10) * 10 + 10;
      const s = (performance.now() - t0) / 1000;
      const rate = done / s;
      const eta = rate > 0 ? (total - done) / rate : 0;
      stream.write(`${label} ${pct.toFixed(0)}% ${done}/${total} ${rate.toFixed(0)} samples/s acc ${(f.acc * 100).toFixed(2)}% ETA ${eta.toFixed(0)}s\n`);
    },
    stop() {},
  };
}
