// The README's benchmark summary, written between two marker lines from bench/results/*.json (the same files as
// docs/benchmarks.md), so the figures quoted on the front page are those of the latest runs and never typed by hand.
// generateReport (bench/report.ts) calls writeReadmeSummary; a README without the markers is left alone.
import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../src/io/atomic.js';
import { type BenchRecord, ROOT, fmt } from './lib.js';
import { pct, table } from './markdown.js';

export const SUMMARY_BEGIN = '<!-- bench-summary:begin -->';
export const SUMMARY_END = '<!-- bench-summary:end -->';

/** The #5 goal for a kernel: at least this fraction of the ceiling that binds it. */
const KERNEL_GOAL = 0.8;

export type Recs = Partial<Record<'kernels' | 'trainer' | 'peers' | 'scaling' | 'proxy-peer', BenchRecord>>;

const int = (x: number) => Math.round(x).toLocaleString('en-US');
const when = (r: BenchRecord) => `${r.startedAt.slice(0, 16).replace('T', ' ')} UTC`;
const cmd = (r: BenchRecord) => `\`${r.command}\``;

/** The paired fraction where the run has one (the probe timed in the kernel's own rounds), else the best-round one. */
const kernelFraction = (k: any): number => k.bound.pairedFraction ?? k.bound.fraction;
const gatherFraction = (k: any): number => k.gather.pairedFraction ?? k.gather.fraction;

function peersTable(pe: BenchRecord | undefined, pp: BenchRecord | undefined): string[] {
  const rows: (string | number)[][] = [];
  for (const v of (pe?.results.numpy.vsOurs ?? []) as any[]) {
    rows.push([`${v.algo.toUpperCase()} ${v.architecture}, online, 1 worker`, `${int(v.oursSamplesPerSecond)} samples/s (60k epoch ${fmt(v.oursEpochSeconds)} s)`,
      `the authors' dense method in NumPy, ${v.blasThreads === 'default' ? 'default BLAS threads' : `${v.blasThreads} BLAS thread`}: ${int(v.numpySamplesPerSecond.median)} samples/s (${fmt(v.numpyEpochMinutes)} min)`,
      `**${fmt(v.speedup)}×** (${fmt(v.pairedSpeedup)}×)`, `≥ ${v.goal}×: ${v.goalMet ? 'met' : '**not met**'}`]);
  }
  for (const v of (pe?.results.torch.vsOurs ?? []) as any[]) {
    rows.push([`${v.ours}, 1 worker`, `${int(v.oursSamplesPerSecond)} samples/s`,
      `PyTorch float MLP 784-600-10, batch ${v.batch}, ${v.threads} thread${v.threads > 1 ? 's' : ''}: ${int(v.torchSamplesPerSecond.median)} samples/s`,
      `${fmt(v.oursOverTorch)}× (${fmt(v.pairedOursOverTorch)}×)`, '—']);
  }
  for (const c of (pp?.results.configs ?? []) as any[]) {
    for (const x of c.perThreads) {
      if (!x.ours || !x.torch) continue;
      rows.push([`proxy learning \`${c.model}\` (T ${c.T}), one step at batch 100, ${x.threads} worker${x.threads > 1 ? 's' : ''}`, `${fmt(x.ours.imagesPerSecond)} images/s`,
        `PyTorch, the authors' step, ${x.threads} thread${x.threads > 1 ? 's' : ''}: ${fmt(x.torch.imagesPerSecond)} images/s`, `**${fmt(x.oursOverTorch)}×**`, `> 1×: ${x.oursOverTorch > 1 ? 'met' : '**not met**'}`]);
    }
  }
  if (!rows.length) return [];
  const runs = [pe && `peers ${when(pe)} (${cmd(pe)})`, pp && `proxy-peer ${when(pp)} (${cmd(pp)})`].filter(Boolean).join('; ');
  return [table(['ours', 'throughput', 'peer, same machine, same run', 'ours / peer (paired)', 'goal'], rows), `*Runs: ${runs}. Ratios are medians measured side by side in one run.*`];
}

function trainerTable(tr: BenchRecord | undefined, sc: BenchRecord | undefined): string[] {
  if (!tr) return [];
  const scaling = new Map<string, any>();
  for (const x of (sc?.results.configs ?? []) as any[]) scaling.set(x.label, x);
  const rows = (tr.results.configs as any[]).map((x) => [x.label, `**${int(x.samplesPerSecond.median)}**`, `${fmt(x.epochSeconds)} s`, `${fmt(x.maxRssMiB)} MiB`]);
  const out = [table(['trainer (MNIST, 1 worker)', 'samples/s', '60k-sample epoch', 'peak RSS'], rows), `*Run: trainer ${when(tr)} (${cmd(tr)}).*`];
  if (sc) {
    const srows = (sc.results.configs as any[]).map((x) => {
      const two = (x.byPool ?? []).find((b: any) => b.workers === 2);
      return [x.label, two ? `**${fmt(two.overInline)}×**` : 'n/a', x.determinism ? (x.determinism.identical ? 'identical' : '**differs**') : 'not checked'];
    });
    out.push(table(['minibatch trainer', '2 workers / 1 (paired)', 'model state on every executor'], srows), `*Run: scaling ${when(sc)} (${cmd(sc)}), ${sc.machine.logicalCores} cores.*`);
  }
  return out;
}

function kernelTable(ke: BenchRecord | undefined): string[] {
  if (!ke) return [];
  const rows = (ke.results.kernels as any[]).filter((k) => k.bound);
  const met = rows.filter((k) => kernelFraction(k) >= KERNEL_GOAL);
  const gathers = rows.filter((k) => k.gather);
  const c = ke.results.ceilings;
  const tput = (k: any) => [k.gflops !== null ? `${fmt(k.gflops)} GFLOP/s` : '', k.gbits !== null ? `${fmt(k.gbits)} Gbit/s` : '', k.gbs !== null ? `${fmt(k.gbs)} GB/s` : ''].filter(Boolean).join(', ');
  return [
    `Ceilings of one core, measured in the same run (${when(ke)}, ${cmd(ke)}): f32x4 multiply-add ${fmt(c.f32PeakGflops)} GFLOP/s, XOR-popcount ${fmt(c.popcountGbits)} Gbit/s, ` +
      `read bandwidth ${c.stream.map((s: any) => `${fmt(s.readGBs)} GB/s at ${s.bytes >= 2 ** 20 ? `${s.bytes / 2 ** 20} MiB` : `${s.bytes / 1024} KiB`}`).join(', ')}. ` +
      `**${met.length} of ${rows.length}** kernel cases reach ${pct(KERNEL_GOAL)} of the ceiling that binds them (paired: the probe timed in the kernel's own rounds): ` +
      `${met.map((k) => `\`${k.kernel}\``).filter((x, i, a) => a.indexOf(x) === i).join(', ')}. The others are listed below; docs/kernel-changes.md says, kernel by kernel, what bounds them.` +
      (gathers.length ? ` The event-driven kernels read weight rows found through an index; against the machine's gather of 64-byte rows at random offsets in the same working set ` +
        `(a probe with nothing else in its loop) ${gathers.map((k) => `\`${k.kernel}\` ${k.shape} ${pct(gatherFraction(k))}`).join(', ')}.` : ''),
    '<details><summary>Every kernel case against its ceiling</summary>\n\n' +
      table(['kernel', 'case', 'shape', 'throughput', 'bound by', '% of ceiling (paired)', `goal ≥ ${pct(KERNEL_GOAL)}`, '% of gather ceiling (paired)'],
        rows.map((k) => [`\`${k.kernel}\``, k.label, k.shape, tput(k), k.bound.ceiling, pct(kernelFraction(k)), kernelFraction(k) >= KERNEL_GOAL ? 'met' : 'below',
          k.gather ? pct(gatherFraction(k)) : '—'])) +
      '\n\n</details>',
  ];
}

/** The summary block (without the markers). */
export function readmeSummary(recs: Recs): string {
  const any = recs.kernels ?? recs.trainer ?? recs.peers;
  if (!any) return 'No benchmark results yet: `npm run bench`.';
  const m = any.machine;
  const parts = [
    `*Generated by \`node dist/bench/report.js\` from \`bench/results/*.json\` (the runs behind [docs/benchmarks.md](docs/benchmarks.md), which has every table in full); ` +
      `${m.cpuModel} family ${m.cpuFamily} model ${m.cpuModelNumber}, ${m.logicalCores} cores, Node ${m.node}. Do not edit between the markers: rerun the benchmarks.*`,
    ...peersTable(recs.peers, recs['proxy-peer']),
    ...trainerTable(recs.trainer, recs.scaling),
    ...kernelTable(recs.kernels),
  ];
  return parts.join('\n\n');
}

/** `text` with the lines between the markers replaced by `block`, or null when the markers are missing or out of order. */
export function replaceSummary(text: string, block: string): string | null {
  const a = text.indexOf(SUMMARY_BEGIN), b = text.indexOf(SUMMARY_END);
  if (a < 0 || b < a) return null;
  return text.slice(0, a + SUMMARY_BEGIN.length) + '\n' + block + '\n' + text.slice(b);
}

/** Replaces the block between the markers of README.md (atomically); returns whether the markers were there. */
export function writeReadmeSummary(recs: Recs): boolean {
  const file = path.join(ROOT, 'README.md');
  if (!existsSync(file)) return false;
  const text = readFileSync(file, 'utf8');
  const next = replaceSummary(text, readmeSummary(recs));
  if (next === null) return false;
  if (next !== text) writeFileAtomic(file, new TextEncoder().encode(next));
  return true;
}
