// Regenerates docs/benchmarks.md and docs/bench-*.svg from bench/results/*.json alone (nothing is
// measured here).   node dist/bench/report.js
import path from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type BenchRecord, DOCS_DIR, PEER_MMAP_THRESHOLD_MIB, ROOT, RUN_JS, fmt, readResult, resultPath, resultTags } from './lib.js';
import { pct, table } from './markdown.js';
import { writeReadmeSummary } from './readme-summary.js';
import { COLORS, hbarChart, lineChartLog2, type Bar } from './svg.js';
import { describeHostSpeed, hostSpeedFraction, isSlowHost } from './host-speed.js';

const NAMES = ['kernels', 'trainer', 'peers', 'scaling', 'proxy-peer'] as const;

function bytes(b: number): string {
  if (!Number.isFinite(b)) return 'n/a';
  if (b >= 2 ** 20) return `${(b / 2 ** 20).toFixed(2)} MiB`;
  if (b >= 1024) return `${(b / 1024).toFixed(1)} KiB`;
  return `${b} B`;
}
const sizeLabel = (b: number) => (b >= 2 ** 20 ? `${+(b / 2 ** 20).toFixed(1)} MiB` : `${+(b / 1024).toFixed(1)} KiB`);


/** the kernels benchmark's ceilings that the other results' host-speed probes are set against (generateReport) */
let hostCeilings: { f32Gflops: number; readGBs: number } | null = null;

function hostSpeedLines(r: BenchRecord): string[] {
  if (!r.hostSpeed) return [];
  const c = hostCeilings;
  const lines = [`*Host speed, the ceiling probes run just before and after (median round): ${describeHostSpeed(r.hostSpeed)}` +
    (c ? `; the ceilings in §1: ${fmt(c.f32Gflops)} GFLOP/s, ${fmt(c.readGBs)} GB/s at 4 MiB.*` : '.*')];
  if (c && isSlowHost(r.hostSpeed, c)) {
    const f = hostSpeedFraction(r.hostSpeed, c);
    lines.push(`> **Slow host**: around this run the core ran at ${Math.round(f.f32 * 100)}% and the memory path at ${Math.round(f.read * 100)}% of the ceilings in §1` +
      (r.load.contended ? ' (other processes held the CPUs, above)' : ', with no other process of this machine busy: the slowdown came from outside it (a virtual machine\'s neighbours, the clock)') +
      ': throughput figures are lower bounds; ratios measured side by side stay valid.');
  }
  return lines;
}

function provenance(r: BenchRecord): string {
  const lines = [
    `*Measured ${r.startedAt.replace('T', ' ').replace(/\..*/, '')} UTC in ${r.durationS} s` +
      ` on ${r.machine.cpuModel} (${r.machine.logicalCores} cores), node ${r.machine.node}` +
      (r.machine.git.commit ? `, commit ${r.machine.git.commit.slice(0, 10)}${r.machine.git.dirty ? ' + uncommitted changes' : ''}` : '') +
      ((r.nodeFlags ?? []).length ? ` (process flags: ${r.nodeFlags.join(' ')})` : '') + `. Reproduce: \`${r.command}\`.*`,
    `*Load: ${r.load.note}; load average ${r.load.loadavgBefore.join(' / ')} before, ${r.load.loadavgAfter.join(' / ')} after.*`,
    ...hostSpeedLines(r),
  ];
  if (r.quick) lines.push('> **Quick run** (`--quick`, tiny settings): these figures only show that the harness works; rerun without `--quick` for real ones.');
  if (r.load.contended) lines.push('> **Measured under load**: another process held CPU time during this run, so throughput figures are lower bounds and any parallel (2-worker) figure is meaningless.');
  for (const w of r.warnings.filter((w) => !w.startsWith('machine was busy'))) lines.push(`> Warning: ${w}`);
  return lines.join('\n\n');
}

function writeSvg(name: string, svg: string, out: string[]): string {
  const file = path.join(DOCS_DIR, name);
  writeFileSync(file, svg);
  out.push(file);
  return `![${name}](${name})`;
}

function kernelsSection(r: BenchRecord, svgs: string[]): string {
  const res = r.results;
  const c = res.ceilings;
  const md: string[] = ['## 1. Kernel ceilings', provenance(r)];
  md.push('What one core of this machine can do at best with the instructions the kernels use (probes in `assembly/bench/probes.ts`), ' +
    'then each hot kernel of the registry (`src/wasm/kernels.ts`) on inputs captured from real MNIST test images passed through a briefly trained network, ' +
    'as a fraction of the ceiling that binds it (the highest of: f32 peak, popcount peak, the divider (Adam), bandwidth at the kernel\'s working-set size), and its SIMD speedup over the scalar twin, timed side by side in interleaved rounds (medians).');
  md.push('Ceilings are the best round of the probe (another process can only slow a round down); kernel times are medians of rounds. ' +
    'This host also runs at about half speed for spells of seconds to minutes (docs/speed-history.md, "How steady one host is"), which a median of one case\'s rounds cannot always escape: ' +
    'so each case\'s rounds also take turns with the probe of its ceiling (the f32 peak, popcount or divider probe, or the stream probe at its working-set size and traffic), ' +
    'and "paired" is the median over rounds of the kernel\'s rate over the probe\'s rate in the same round: a slow spell slows both and leaves the ratio.');
  md.push(table(['ceiling', 'value'], [
    ['f32x4 mul+add, 12 independent chains', `${fmt(c.f32PeakGflops)} GFLOP/s`],
    ['i64.popcnt over XOR of u64 words, in L1', `${fmt(c.popcountGbits)} Gbit/s`],
    ...(c.divsqrtGlanes !== undefined ? [['f32x4 sqrt then two divisions (Adam\'s divider work per lane), 8 independent chains', `${fmt(c.divsqrtGlanes)} G lanes/s`]] : []),
    ...c.stream.map((s: any) => s.copyGBs === undefined
      ? [`stream over ${sizeLabel(s.bytes)}: read / in-place update (read + write)`, `${fmt(s.readGBs)} / ${fmt(s.updateGBs)} GB/s`]
      : [`stream over ${sizeLabel(s.bytes)}: read / in-place update (read + write) / copy into a second array (read + write; both arrays in the working set)`, `${fmt(s.readGBs)} / ${fmt(s.updateGBs)} / ${fmt(s.copyGBs)} GB/s`]),
    ...(c.gather ?? []).map((g: any) => [`gather: 64-byte rows at random offsets within ${sizeLabel(g.bytes)}, summed (best of 4 and 8 chains: ${g.chains})`, `${fmt(g.GBs)} GB/s`]),
  ]));
  if (c.gather?.length) md.push('The gather rows are the access of the event-driven kernels (an input event adds its weight row\'s 64-byte segments, found through an index): ' +
    'their rows are also held against that probe at their working set ("% of gather ceiling"), beside the streaming ceiling that the "bound by" column keeps.');
  md.push(writeSvg('bench-bandwidth.svg', lineChartLog2({
    title: 'WASM streaming bandwidth by working-set size (one core)', xUnit: 'working set', yUnit: 'GB/s', xLabel: sizeLabel,
    series: [
      { name: 'read', color: COLORS.ours, points: c.stream.map((s: any) => [s.bytes, s.readGBs]) },
      { name: 'update (r+w)', color: COLORS.peer2, points: c.stream.map((s: any) => [s.bytes, s.updateGBs]) },
      ...(c.stream.every((s: any) => s.copyGBs !== undefined)
        ? [{ name: 'copy (r+w)', color: COLORS.peer, points: c.stream.map((s: any) => [s.bytes, s.copyGBs]) }] : []),
    ],
  }), svgs));
  const rows = res.kernels as any[];
  const pairedPct = (k: any) => (k.bound?.pairedFraction == null ? '—' : pct(k.bound.pairedFraction));
  const gatherPct = (k: any) => (k.gather ? `${pct(k.gather.pairedFraction ?? k.gather.fraction)} (rows within ${k.gather.ceiling.replace(/.* within /, '')})` : '—');
  md.push(table(['kernel', 'case', 'shape', 'µs / call (fast)', 'throughput', 'bound by', '% of ceiling', '% of ceiling, paired', '% of gather ceiling, paired', 'scalar twin µs', 'SIMD speedup'],
    rows.map((k) => [
      `\`${k.kernel}\``, k.label + (k.note ? ` — ${k.note}` : ''), k.shape, fmt(k.usPerCall.fast),
      [k.gflops !== null ? `${fmt(k.gflops)} GFLOP/s` : '', k.gbits !== null ? `${fmt(k.gbits)} Gbit/s` : '', k.gbs !== null ? `${fmt(k.gbs)} GB/s` : ''].filter(Boolean).join(', ') || '—',
      k.bound ? `${k.bound.ceiling} (${fmt(k.bound.ceilingValue)})` : k.usPerCall.ref !== null ? '— (no ceiling)' : '— (scalar, no ceiling)', k.bound ? pct(k.bound.fraction) : '—', pairedPct(k), gatherPct(k),
      k.usPerCall.ref !== null ? fmt(k.usPerCall.ref) : '—', k.simdSpeedup !== null ? `${fmt(k.simdSpeedup)}× (paired ${fmt(k.pairedSimdSpeedup)}×)` : '— (no twin)',
    ])));
  if ((res.notMeasured ?? []).length) md.push(`Registry kernels without a case (each at most ~2% of a training step in the CPU profiles, docs/kernel-changes.md: called once per sample on a few values, once per 1000 steps, on one chunk's small planes, or not on a training path): ${res.notMeasured.map((k: string) => `\`${k}\``).join(', ')}.`);
  const withBound = rows.filter((k) => k.bound);
  md.push(writeSvg('bench-kernel-ceilings.svg', hbarChart({
    title: 'Hot kernels as % of the ceiling that binds them (paired: the probe timed in the same rounds)', unit: '% of ceiling', max: 100,
    bars: withBound.map((k) => {
      const f = k.bound.pairedFraction ?? k.bound.fraction;
      return { label: `${k.kernel} ${k.shape}`, value: 100 * f, text: `${fmt(100 * f)}% of ${k.bound.ceiling.replace(/ bandwidth at.*/, ' bw')}` };
    }),
  }), svgs));
  const twins = rows.filter((k) => k.simdSpeedup !== null);
  md.push(writeSvg('bench-simd-speedup.svg', hbarChart({
    title: 'SIMD / popcount kernels vs their scalar twins (same inputs, same run)', unit: 'speedup (×)', log: true, refLine: { value: 1, label: '1×' },
    bars: twins.map((k) => ({ label: `${k.kernel} ${k.shape}`, value: k.simdSpeedup, text: `${fmt(k.simdSpeedup)}×` })),
  }), svgs));

  const bf = res.binaryForward;
  md.push('### Binary forward kernel: `ttfs_forward_bin_i16` vs `ttfs_forward_bin_popc`');
  md.push(`**Decision: ${bf.decision.winner === bf.decision.projectUses ? `keep \`${bf.decision.winner}\`` : `switch to \`${bf.decision.winner}\``}.** ${bf.decision.text}`);
  const brows: (string | number)[][] = [];
  for (const [state, s] of Object.entries(bf.states) as [string, any][]) {
    for (const L of s.layers) {
      brows.push([state, `${L.layer} ${L.shape}`, fmt(L.meanEvents), fmt(L.meanProcessedEvents), fmt(L.meanDistinctTimes),
        fmt(L.usPerImage.i16.median), fmt(L.usPerImage.popc.median), fmt(L.usPerImage.i16ref.median), `${fmt(L.pairedRatioPopcOverI16)}×`]);
    }
    brows.push([state, '**both layers**', '', '', '', `**${fmt(s.usPerImage.i16)}**`, `**${fmt(s.usPerImage.popc)}**`, '', `${fmt(s.usPerImage.popc / s.usPerImage.i16)}×`]);
  }
  md.push(table(['weights', 'layer', 'events / image', 'processed', 'distinct times', 'i16 µs/image', 'popc µs/image', 'i16 scalar µs', 'popc / i16 (paired)'], brows));
  md.push(`"init" is the all-positive initialisation (every hidden neuron fires on the same early count, so both kernels exit early); "trained" is after ${r.params && (r.params as any).trainSamples} online samples. ` +
    'Spike times and recorded counts of all three kernels were compared on every image: ' + Object.entries(bf.states).map(([k, s]: [string, any]) => `${k} ${s.agree ? 'identical' : '**DIFFERENT**'}`).join(', ') + '.');
  return md.join('\n\n');
}

function trainerSection(r: BenchRecord, svgs: string[]): string {
  const rows = r.results.configs as any[];
  const md: string[] = ['## 2. Trainer throughput', provenance(r)];
  md.push(`One epoch slice of real training per run (the library trainer \`src/train/trainer.ts\`, the loop behind \`snnwasm train\`, \`--workers 1\`), ` +
    `${(r.params as any).samples} MNIST training samples (fewer where the configuration says: the slice is in its command below), each run in its own process; samples/s is the trainer's own training-loop timing (evaluation excluded); median of ${(r.params as any).repeats} interleaved runs.`);
  // the f32 host probe just before and after each child run: a run slowed by the host shows a dip there (or not:
  // a burst inside a run escapes it), so a wide samples/s range can be read against it
  const probeRange = (x: any) => {
    const g = (x.perRun ?? []).flatMap((p: any) => p.hostF32Gflops ?? []) as number[];
    return g.length ? `${fmt(Math.min(...g))} – ${fmt(Math.max(...g))}` : '—';
  };
  // the output's silence beside the accuracy: a short slice can leave every output silent, where the strict rule
  // gives 0 and the authors' tie rule (a full tie counts as correct) 100%
  const silent = (x: any) => (typeof x.testOutputSilentShare === 'number' ? pct(x.testOutputSilentShare) : '—');
  md.push(table(['configuration', 'samples/s (median)', 'min – max', 'runs', '60k epoch', 'test acc. after the slice (strict / first-index / reference rule)', 'test images with no output spike (TTFS)', 'host f32 probe around the runs (GFLOP/s)'],
    rows.map((x) => [x.label, `**${fmt(x.samplesPerSecond.median)}**`, `${fmt(x.samplesPerSecond.min)} – ${fmt(x.samplesPerSecond.max)}`, x.runs, `${fmt(x.epochSeconds)} s`,
      x.testAccuracy ? `${pct(x.testAccuracy.strict)} / ${pct(x.testAccuracy['first-index'])} / ${pct(x.testAccuracy.reference)} (${x.testImages} images)` : 'n/a', silent(x), probeRange(x)])));
  md.push('The slices are for speed; their accuracies only show that training ran. A strict 0% beside a reference 100% ' +
    '(the proxy\'s 1,000-sample slice: 10 Adam steps) means every test image ended its T steps with the ten output ' +
    'counts all equal (no output spike yet): the strict rule counts such a tie wrong, first-index picks class 0, and the ' +
    'rule of the authors\' final evaluation (the label among the maxima is correct, algorithms.md) counts it right. ' +
    'Trained accuracies are in the README and docs/results.md.');
  md.push(writeSvg('bench-trainer.svg', hbarChart({
    title: 'Training throughput, one worker (MNIST)', unit: 'samples / s',
    bars: rows.map((x) => ({ label: x.label, value: x.samplesPerSecond.median })),
  }), svgs));
  md.push('<details><summary>Equivalent CLI commands</summary>\n\n' + rows.map((x) => `- ${x.label}: \`${x.cli}\``).join('\n') + '\n\n</details>');
  return md.join('\n\n');
}

function memorySection(tr: BenchRecord | null, pe: BenchRecord | null): string {
  const md: string[] = ['## 5. Memory and model size'];
  if (!tr) return md.concat([`Not measured yet: \`node ${RUN_JS} trainer\`.`]).join('\n\n');
  md.push('Peak resident set of each training run (`process.resourceUsage().maxRSS` in the run\'s own child process: Node, the wasm memory, both MNIST splits and the model), ' +
    'the wasm memory the model and its 8 shard workspaces occupy, and what a run leaves on disk: the checkpoint (weights, optimiser state, history) and the exported `.npy` weights; ' +
    'then the model as `snnwasm export` writes it: a NIR graph (HDF5, gzip) and, for binary weights, the packed model at one bit per weight (— : the model has no such form).');
  const opt = (b: number | null | undefined, x: any) => (b === undefined ? 'not measured' : b === null ? '—' : `${bytes(b)} (${fmt(x.npyBytes / b)}× smaller than .npy)`);
  const rows: (string | number)[][] = (tr.results.configs as any[]).map((x) => [x.label, `${fmt(x.maxRssMiB)} MiB`, `${fmt(x.wasmMemoryMiB)} MiB`, bytes(x.checkpointBytes), `${bytes(x.npyBytes)} (${x.npyFiles.join(', ')})`,
    opt(x.nirBytes, x), opt(x.packedBytes, x)]);
  if (pe) {
    const n = pe.results.numpy, t = pe.results.torch;
    if (Number.isFinite(n?.maxRssMiB)) rows.push(['peer: NumPy dense S4NN + BS4NN (one process)', `${fmt(n.maxRssMiB)} MiB`, '—', '—', '—', '—', '—']);
    if (Number.isFinite(t?.maxRssMiB)) rows.push(['peer: PyTorch MLP 784-600-10 (one process)', `${fmt(t.maxRssMiB)} MiB`, '—', '—', '—', '—', '—']);
  }
  md.push(table(['run', 'peak RSS', 'wasm memory', 'checkpoint', '.npy weights', 'NIR graph', 'packed (1 bit per weight)'], rows));
  md.push(`*From \`bench/results/trainer.json\`${pe ? ' and `bench/results/peers.json`' : ''}; reproduce with \`${tr.command}\`.*`);
  return md.join('\n\n');
}

function peersSection(r: BenchRecord, svgs: string[]): string {
  const res = r.results;
  const md: string[] = ['## 3. Peers on the same machine, in the same run', provenance(r)];
  const P = r.params as any;
  md.push(`**(a) The authors' approach**: dense time-stepped training as the reference code does it (one-hot spike trains over 257 steps, a tensordot per layer, cumsum over time, ` +
    `S4NN's relative-target backward pass, per-sample SGD, float64), re-implemented in \`bench/peers/s4nn_numpy.py\` and timed on ${P.numpySamples} samples, extrapolated to a 60k epoch, ` +
    `against our trainers on ${P.oursSamples} samples (same architecture, \`--workers 1\`). The NumPy runs unset OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE and raise glibc's mmap threshold to ${PEER_MMAP_THRESHOLD_MIB} MiB (MALLOC_MMAP_THRESHOLD_, as every Python peer here: with the default, each fresh array of ~1 MB can be a new mapping faulted in page by page, which made the NumPy peer 4.3× slower on a VM with dear page faults; bench/peers.ts); they are timed with OpenBLAS' default thread count and with 1 thread (ours uses one core).`);
  const n = res.numpy;
  if (n.python?.error) md.push(`> NumPy peer not run: ${n.python.error}`);
  if (n.python?.install) md.push(`> apt-get install python3-numpy: ${n.python.install.ok ? 'installed' : 'FAILED'} (${n.python.install.log})`);
  const nv = (n.vsOurs ?? []) as any[];
  if (nv.length) {
    md.push(table(['algorithm', 'network', 'BLAS threads', 'NumPy samples/s', 'NumPy 60k epoch', 'ours samples/s', 'ours 60k epoch', 'speedup (ratio of medians)', 'paired', 'goal ≥ 100×'],
      nv.map((v) => [v.algo, v.architecture, v.blasThreads, fmt(v.numpySamplesPerSecond.median), `${fmt(v.numpyEpochMinutes)} min`, fmt(v.oursSamplesPerSecond), `${fmt(v.oursEpochSeconds)} s`,
        `**${fmt(v.speedup)}×**`, `${fmt(v.pairedSpeedup)}×`, v.goalMet ? 'met' : '**not met**'])));
    const blas = n.blas?.libraries?.[0] ?? n.blas?.pools?.[0];
    md.push(`NumPy ${n.numpyVersion ?? '?'} via ${n.python?.python ?? '?'}` + (blas ? `; BLAS: ${blas.config ?? blas.internal_api ?? ''} core ${blas.corename ?? blas.architecture ?? '?'}` : '') +
      '. For scale: algorithms.md section 5 measured the authors\' own code on this machine class at ~10.4 min (S4NN) and ~8.6 min (BS4NN) per epoch.');
  }
  md.push(`**(b) "Just use PyTorch"**: a plain float32 MLP of BS4NN's shape (784-600-10, ReLU, cross-entropy, SGD) on the CPU (\`bench/peers/mlp_torch.py\`), ${P.torchB1} samples at batch 1 and ${P.torchB100} at batch 100, against our BS4NN (online, batch 1) and BNN (batch 100).`);
  const t = res.torch;
  if (t.python?.error) md.push(`> PyTorch peer not run: ${t.python.error}`);
  if (t.python?.install) md.push(`> apt-get install python3-torch: ${t.python.install.ok ? 'installed' : 'FAILED'} (${t.python.install.log})`);
  const tv = (t.vsOurs ?? []) as any[];
  if (tv.length) {
    md.push(table(['batch', 'torch threads', 'PyTorch samples/s', 'ours', 'ours samples/s', 'ours / PyTorch', 'paired'],
      tv.map((v) => [v.batch, v.threads, fmt(v.torchSamplesPerSecond.median), v.ours, fmt(v.oursSamplesPerSecond), `**${fmt(v.oursOverTorch)}×**`, `${fmt(v.pairedOursOverTorch)}×`])));
    md.push(`PyTorch ${t.version ?? '?'} via ${t.python?.python ?? '?'}` +
      (t.blasInfo ? ` (${t.blasInfo.join('; ')}; its sgemm ran at ${fmt(t.sgemmGflops)} GFLOP/s on 1 thread)` : '') +
      (t.systemBlas?.install ? `; libopenblas0-pthread ${t.systemBlas.install.ok ? 'was installed by this run' : `could not be installed (${t.systemBlas.install.log})`}` : '') + `. The MLP does float multiply-adds on every weight for every sample; the spiking networks do work only per input spike (S4NN/BS4NN) or per 64 weights (BNN popcounts), and the models differ in accuracy: this compares training cost, not results.`);
  }
  if ((res.errors ?? []).length) md.push('Failures: ' + res.errors.map((e: string) => `\`${e}\``).join('; '));
  const bars: Bar[] = [];
  for (const v of nv.filter((x) => x.blasThreads === 'default')) {
    bars.push({ label: `NumPy dense ${v.algo} ${v.architecture}`, value: v.numpySamplesPerSecond.median, color: COLORS.peer });
    bars.push({ label: `ours ${v.algo} ${v.architecture}`, value: v.oursSamplesPerSecond, color: COLORS.ours, text: `${fmt(v.oursSamplesPerSecond)} (${fmt(v.speedup)}×)` });
  }
  for (const v of tv.filter((x) => x.threads === 1)) {
    bars.push({ label: `PyTorch MLP batch ${v.batch} (1 thread)`, value: v.torchSamplesPerSecond.median, color: COLORS.peer2 });
    bars.push({ label: `ours ${v.ours.replace(/,.*/, '')} batch ${v.batch}`, value: v.oursSamplesPerSecond, color: COLORS.ours, text: `${fmt(v.oursSamplesPerSecond)} (${fmt(v.oursOverTorch)}×)` });
  }
  if (bars.length) md.push(writeSvg('bench-peers.svg', hbarChart({ title: 'Training throughput vs peers (same machine, same run)', unit: 'samples / s', log: true, bars }), svgs));
  return md.join('\n\n');
}

/** How a section is titled and where its chart goes: the page's own machine, or a tagged one (§7). */
interface Variant { heading: string; svg: (base: string) => string }
const MAIN: Variant = { heading: '', svg: (b) => `${b}.svg` };

function scalingSection(r: BenchRecord, svgs: string[], v: Variant = MAIN): string {
  const rows = r.results.configs as any[];
  const md: string[] = [v.heading || '## 4. Worker scaling of minibatch training', provenance(r)];
  const poolsOf = (x: any): number[] => x.pools ?? [1, 2];
  const modesOf = (x: any): string[] => ['inline', ...poolsOf(x).map((w) => `pool${w}`), ...(x.callerTakesPart ? [`wait${x.callerTakesPart.workers}`] : [])];
  const label = (m: string, w: number) => (m === 'inline' ? 'inline (--workers 1)' : m === 'pool1' ? 'pool of 1 thread, caller waits' :
    m.startsWith('wait') ? `pool of ${w} threads, caller waits` : `--workers ${w}: caller + ${w - 1} pool thread${w > 2 ? 's' : ''}`);
  md.push('The trainer\'s minibatch step (split into shard tasks, `executor.run`, then reduction + apply on the main thread) with the inline executor (`--workers 1`), ' +
    `with \`--workers N\` for N = ${[...new Set(rows.flatMap(poolsOf))].filter((w) => w > 1).join(', ')} (the calling thread and N - 1 pool threads claim tasks from one shared cursor), ` +
    'and, for comparison, with pools whose caller only waits (a 1-thread pool, and N pool threads: what `--workers N` did before the caller took part), ' +
    `in interleaved blocks of steps over one model (${(r.params as any).repeats} repeats, medians). "Ideal" is the greedy schedule of the same tasks timed inline; ` +
    'pool overhead = time in `executor.run` minus that ideal (dispatch, wake-up, messages, imbalance). A thread count above a step\'s task count is not timed (its extra threads could only idle).');
  const trows: (string | number)[][] = [];
  for (const x of rows) {
    for (const m of modesOf(x)) {
      const e = x.modes[m];
      if (!e) continue;
      trows.push([x.label, label(m, e.workers), `**${fmt(e.samplesPerSecond.median)}**`, fmt(e.stepMs), fmt(e.runMs), fmt(e.idealComputeMs),
        m === 'inline' ? '—' : `${fmt(e.poolOverheadMs)} (${pct(e.poolOverheadShare)})`, `${fmt(e.applyMs)} (${pct(e.reduceApplyShare)})`, fmt(e.otherCores.median)]);
    }
  }
  md.push(table(['configuration', 'executor', 'samples/s', 'step ms', 'run ms', 'ideal compute ms', 'pool overhead ms (share of step)', 'reduce + apply ms (share)', 'other processes (cores)'], trows));
  const srows: (string | number)[][] = [];
  for (const x of rows) {
    const det = x.determinism ? (x.determinism.identical ? `identical (${x.determinism.steps} steps)` : '**DIFFERS**') : 'not checked';
    const verdict = x.contended ? `**meaningless**: other processes used ${fmt(x.otherCoresMedian)} cores meanwhile` : 'quiet machine: valid';
    const by: any[] = x.byPool ?? [{ workers: 2, overInline: x.ratios.pool2OverInline, idealOverInline: null }];
    const ctp = x.callerTakesPart;
    for (const b of by.filter((b) => b.workers > 1)) {
      srows.push([x.label, b.workers, `**${fmt(b.overInline)}×**`, pct(b.overInline / b.workers),
        b.idealOverInline !== null ? `${fmt(b.idealOverInline)}×` : 'n/a',
        ctp && ctp.workers === b.workers ? `${fmt(ctp.overWaiting)}× (waiting: ${fmt(ctp.waitingOverInline)}× inline)` : '—', det, verdict]);
    }
  }
  md.push('Speed-ups are medians of per-repeat ratios of blocks run side by side; efficiency = speed-up over inline / threads; "ideal" = inline step / (greedy schedule of its tasks on that many threads + the serial reduction and apply), what a pool without overhead would reach. ' +
    '"Caller computing / waiting" is `--workers N` against N pool threads with an idle caller, paired. "State" compares the SHA-256 of the whole model state after the same 3 steps from the same initialisation on every executor.');
  md.push(table(['configuration', 'threads', 'over inline (paired)', 'efficiency', 'ideal over inline', 'caller computing / waiting (paired)', 'state on every executor', 'verdict'], srows));
  const color = (m: string) => (m === 'inline' ? COLORS.peer : m === 'pool1' || m.startsWith('wait') ? COLORS.ours2 : COLORS.ours);
  md.push(writeSvg(v.svg('bench-scaling'), hbarChart({
    title: `Minibatch training throughput by executor (${r.machine.logicalCores} cores)`, unit: 'samples / s',
    bars: rows.flatMap((x) => modesOf(x).filter((m) => x.modes[m]).map((m) => ({ label: `${x.id} ${m}`, value: x.modes[m].samplesPerSecond.median, color: color(m) }))),
  }), svgs));
  return md.join('\n\n');
}

function proxySection(r: BenchRecord, svgs: string[], v: Variant = MAIN): string {
  const res = r.results;
  const md: string[] = [v.heading || '## 6. Proxy learning vs PyTorch, one training step', provenance(r)];
  md.push('Images/s of **one training step** of proxy learning at batch 100 (the SNN forward over T steps, the ANN forward and backward, Adam; BN in its epoch-0 train mode), ' +
    'median of the timed steps after a warm-up step, on the same Fashion-MNIST images (the first of the seed\'s epoch-0 permutation). ' +
    '**Ours**: the trainer\'s inner loop (`bench/step-child.ts`: micro-shards -> executor -> applyShards, with the algorithm\'s defaults: 8 shards (one per worker where there are more workers), or fewer where the workspaces do not fit in wasm memory, training augmentation included) with `--workers` = all cores and 1. ' +
    '**PyTorch**: `bench/peers/proxy_torch.py`, an independent implementation of the authors\' step (IF neurons written out as in SpikingJelly 0.0.0.0.8, dense tensors, ' +
    '`torch.set_num_threads` = all cores and 1; no augmentation, which the reference does in its DataLoader outside the step; glibc\'s mmap threshold raised to ' + PEER_MMAP_THRESHOLD_MIB + ' MiB as for every Python peer, §3), the kind of code the authors ran. Both implement the same step: `test/algorithms/proxy-torch-fixture.test.ts` checks our step against the fixtures of this PyTorch code (equal spike counts, gradients within float32 rounding). Only a few steps are timed: one step of `fmnist-paper` is ~3 G multiply-adds per image.');
  const t = res.torch ?? {};
  if (t.python?.error) md.push(`> PyTorch peer not run: ${t.python.error}`);
  if (t.python?.install) md.push(`> apt-get install python3-torch: ${t.python.install.ok ? 'installed' : 'FAILED'} (${t.python.install.log})`);
  const rows: (string | number)[][] = [];
  const bars: Bar[] = [];
  for (const c of (res.configs ?? []) as any[]) {
    for (const x of c.perThreads) {
      rows.push([`\`${c.model}\``, c.T, x.threads, x.ours ? `**${fmt(x.ours.imagesPerSecond)}** (${x.ours.shards} shards)` : 'n/a', x.ours ? x.ours.stepSeconds.map((s: number) => fmt(s)).join(', ') : '—',
        x.torch ? `**${fmt(x.torch.imagesPerSecond)}**` : 'n/a', x.torch ? x.torch.stepSeconds.map((s: number) => fmt(s)).join(', ') : '—',
        x.torch ? `ANN fwd ${fmt(x.torch.phasesMedian.annForward)}, SNN ${fmt(x.torch.phasesMedian.snnForward)}, ANN bwd ${fmt(x.torch.phasesMedian.annBackward)}, Adam ${fmt(x.torch.phasesMedian.adam)}` : '—',
        x.oursOverTorch !== null ? `**${fmt(x.oursOverTorch)}×**` : 'n/a',
        x.ours?.imagesPerCpuSecond && x.torch?.imagesPerCpuSecond ? `${fmt(x.ours.imagesPerCpuSecond)} / ${fmt(x.torch.imagesPerCpuSecond)} = ${fmt(x.oursOverTorchPerCpuSecond)}×` : 'n/a']);
      if (x.torch) bars.push({ label: `PyTorch ${c.model} (${x.threads} thr)`, value: x.torch.imagesPerSecond, color: COLORS.peer2 });
      if (x.ours) bars.push({ label: `ours ${c.model} (${x.threads} worker${x.threads > 1 ? 's' : ''})`, value: x.ours.imagesPerSecond, color: COLORS.ours,
        text: `${fmt(x.ours.imagesPerSecond)}${x.oursOverTorch !== null ? ` (${fmt(x.oursOverTorch)}×)` : ''}` });
    }
  }
  if (rows.length) {
    md.push(table(['model', 'T', 'threads / workers', 'ours images/s', 'ours step s', 'PyTorch images/s', 'PyTorch step s', 'PyTorch phases (s, median)', 'ours / PyTorch', 'images per CPU-second: ours / PyTorch'], rows));
    md.push('The last column divides by the CPU time the process used (all its threads) instead of wall time: it is less affected when other processes take cores, ' +
      'but it charges PyTorch for the CPU its OpenMP threads spend spinning at barriers, and charges neither side for waiting.');
    const rates = ((res.configs ?? []) as any[]).map((c) => {
      const tr = c.perThreads.map((x: any) => x.torch?.spikeRates).find(Boolean);
      return tr ? `\`${c.model}\`: ${Object.entries(tr).map(([l, v]) => `layer ${l} ${fmt(100 * (v as number))}%`).join(', ')}` : null;
    }).filter(Boolean);
    if (rates.length) {
      md.push(`Spike rates of the IF layers (spikes per neuron per time step, PyTorch run, last batch, untrained weights): ${rates.join('; ')}. ` +
        'Both sides start from PyTorch\'s default initialisation (each its own draw), so these are the rates of an untrained network: PyTorch\'s dense SNN costs the same at any rate, ' +
        'our spike-driven SNN forward costs more as rates grow with training (see the proxy-snn benchmark for rates after training).');
    }
    const cli = ((res.configs ?? []) as any[]).flatMap((c) => c.perThreads.filter((x: any) => x.ours).map((x: any) => `- ${c.model}, ${x.threads} worker(s): \`${x.ours.cli}\``));
    if (cli.length) md.push('<details><summary>Equivalent CLI training runs (epoch slices of the same configuration)</summary>\n\n' + cli.join('\n') + '\n\n</details>');
  }
  if (t.torch) md.push(`PyTorch ${t.torch} (NumPy ${t.numpy}) via ${t.python?.python ?? '?'}; ${(t.blasInfo ?? []).join('; ')}. PyTorch's convolutions use its bundled oneDNN; the fully connected layers use the system BLAS.`);
  if ((res.errors ?? []).length) md.push('Failures: ' + res.errors.map((e: string) => `\`${e}\``).join('; '));
  if (bars.length) md.push(writeSvg(v.svg('bench-proxy'), hbarChart({ title: 'Proxy learning training step, images / s (same machine, same run)', unit: 'images / s', log: true, bars }), svgs));
  return md.join('\n\n');
}

/** §7: the results of another machine (`--tag=NAME`), each benchmark's own section where it has one,
 *  its printed summary otherwise. The host-speed lines compare with that machine's kernels run, if any. */
function taggedSection(tag: string, names: string[], sources: string[], svgs: string[]): string {
  const recs = names.map((n) => readResult(n, tag)).filter((r): r is BenchRecord => r !== null);
  for (const r of recs) sources.push(resultPath(r.name, tag));
  if (!recs.length) return `## 7. Another machine: \`${tag}\`\n\nIts result files (\`bench/results/*@${tag}.json\`) could not be read.`;
  const m = recs[0].machine;
  const md: string[] = [`## 7. Another machine: \`${tag}\``,
    `Results kept with \`--tag=${tag}\` (files \`bench/results/*@${tag}.json\`), measured on ${m.cpuModel} (family ${m.cpuFamily}, model ${m.cpuModelNumber}${m.hypervisor ? ', virtual machine' : ''}), ` +
    `${m.logicalCores} logical cores, ${m.memTotalGiB} GiB, Node ${m.node}. They are not comparable with the tables above (another CPU); ratios within each run are.`];
  const saved = hostCeilings;
  const kc = recs.find((r) => r.name === 'kernels')?.results?.ceilings as { f32PeakGflops: number; stream: { bytes: number; readGBs: number }[] } | undefined;
  const kr = kc?.stream.find((x) => x.bytes === 4 << 20)?.readGBs;
  hostCeilings = kc && kr ? { f32Gflops: kc.f32PeakGflops, readGBs: kr } : null;
  try {
    for (const r of recs) {
      const v: Variant = { heading: `### 7.${recs.indexOf(r) + 1} ${r.title} (\`${tag}\`)`, svg: (b) => `${b}-${tag}.svg` };
      if (r.name === 'scaling') md.push(scalingSection(r, svgs, v));
      else if (r.name === 'proxy-peer') md.push(proxySection(r, svgs, v));
      else md.push([v.heading, provenance(r), 'Figures as the benchmark printed them:', r.summary.map((x) => `- ${x}`).join('\n')].join('\n\n'));
    }
  } finally {
    hostCeilings = saved;
  }
  return md.join('\n\n');
}

export function generateReport(): { markdown: string; svgs: string[]; sources: string[] } {
  mkdirSync(DOCS_DIR, { recursive: true });
  const recs: Partial<Record<(typeof NAMES)[number], BenchRecord>> = {};
  const sources: string[] = [];
  for (const n of NAMES) { const r = readResult(n); if (r) { recs[n] = r; sources.push(resultPath(n)); } }
  const ceil = recs.kernels?.results?.ceilings as { f32PeakGflops: number; stream: { bytes: number; readGBs: number }[] } | undefined;
  const read4 = ceil?.stream.find((x) => x.bytes === 4 << 20)?.readGBs;
  hostCeilings = ceil && read4 ? { f32Gflops: ceil.f32PeakGflops, readGBs: read4 } : null;
  const svgs: string[] = [];
  const md: string[] = ['# Benchmarks',
    `> Generated by \`node dist/bench/report.js\` from ${sources.length ? sources.map((s) => `\`${path.relative(ROOT, s)}\``).join(', ') : 'no result files yet'}. Do not edit: rerun the benchmarks instead.`];
  const quick = NAMES.filter((n) => recs[n]?.quick), loaded = NAMES.filter((n) => recs[n]?.load.contended);
  const slow = NAMES.filter((n) => { const r = recs[n]; return !!(r?.hostSpeed && hostCeilings && isSlowHost(r.hostSpeed, hostCeilings)); });
  if (quick.length || loaded.length || slow.length) {
    const parts = [quick.length ? `${quick.join(', ')} ${quick.length > 1 ? 'are' : 'is a'} \`--quick\` smoke run${quick.length > 1 ? 's' : ''} (tiny settings)` : '',
      loaded.length ? `${loaded.join(', ')} measured while other processes held the CPUs` : '',
      slow.length ? `${slow.join(', ')} measured while the host ran below its ceilings (host-speed probes)` : ''].filter(Boolean);
    md.push(`> **Status:** ${parts.join('; ')}. Not representative: rerun on a quiet machine.`);
  }
  md.push(['## How to run', '```sh', 'npm run build                      # wasm (with the probe kernels) and TypeScript',
    'npm run bench                      # every benchmark, each in its own process, then this page', `node ${RUN_JS} kernels             # one of: ${NAMES.join(', ')}`,
    `node ${RUN_JS} --quick             # smoke test of the whole harness (< 2 min), figures not representative`, `node ${RUN_JS} --list              # what each measures`,
    'node dist/bench/report.js          # rebuild this page and docs/bench-*.svg from bench/results/*.json',
    `node ${RUN_JS} scaling --tag=NAME  # another machine's results, kept as bench/results/<name>@NAME.json (section 7)`,
    'bash scripts/bench-bundle.sh pack DIR   # Node + built project + data for a machine without npm or network; there: bash DIR/run.sh NAME', '```',
    'Run on a quiet machine (`uptime`): every result records the load average and the CPU time other processes took meanwhile, and flags itself when that exceeded 0.2 cores. ' +
    'The peers and proxy-peer benchmarks install `python3-numpy` / `python3-torch` (and `libopenblas0-pthread`) with apt-get when no python3 can import them (failures are recorded, not fatal). No timing threshold is asserted anywhere.'].join('\n'));
  const hostOf = (x: { cpuModel: string; cpuFamily: string | null; cpuModelNumber: string | null }) => `${x.cpuModel} family ${x.cpuFamily} model ${x.cpuModelNumber}`;
  const any = NAMES.map((n) => recs[n]).find(Boolean);
  if (any) {
    const m = any.machine;
    const others = NAMES.filter((n) => recs[n] && hostOf(recs[n]!.machine) !== hostOf(m));
    md.push('## Machine\n\n' + table(['', ''], [
      ['CPU', `${m.cpuModel} (family ${m.cpuFamily}, model ${m.cpuModelNumber}${m.hypervisor ? ', virtual machine' : ''}), ${m.logicalCores} logical cores, SIMD flags: ${m.simdFlags.join(' ')}`],
      ['memory', `${m.memTotalGiB} GiB`], ['Node', `${m.node} (V8 ${m.v8}), ${m.platform}/${m.arch}, kernel ${m.kernel}`],
      ...NAMES.filter((n) => recs[n]).map((n) => [`${n} run`, `${recs[n]!.startedAt.slice(0, 19).replace('T', ' ')} UTC, ${recs[n]!.quick ? 'quick' : 'full'}, ${recs[n]!.load.contended ? '**contended**' : 'quiet'} (${recs[n]!.load.note})` +
        (others.includes(n) ? `, **on another host: ${hostOf(recs[n]!.machine)}**` : '')]),
    ]));
    // results kept from an earlier host are not comparable with this one's: say so above the tables
    if (others.length) md.push(`> **Mixed hosts:** ${others.join(', ')} ${others.length > 1 ? 'were' : 'was'} measured on another CPU than the one above; ratios within one benchmark stay valid, figures across benchmarks are not comparable. Rerun \`npm run bench\` on one quiet machine to make them so.`);
  }
  md.push(recs.kernels ? kernelsSection(recs.kernels, svgs) : `## 1. Kernel ceilings\n\nNot measured yet: \`node ${RUN_JS} kernels\`.`);
  md.push(recs.trainer ? trainerSection(recs.trainer, svgs) : `## 2. Trainer throughput\n\nNot measured yet: \`node ${RUN_JS} trainer\`.`);
  md.push(recs.peers ? peersSection(recs.peers, svgs) : `## 3. Peers\n\nNot measured yet: \`node ${RUN_JS} peers\`.`);
  md.push(recs.scaling ? scalingSection(recs.scaling, svgs) : `## 4. Worker scaling\n\nNot measured yet: \`node ${RUN_JS} scaling\`.`);
  md.push(memorySection(recs.trainer ?? null, recs.peers ?? null));
  md.push(recs['proxy-peer'] ? proxySection(recs['proxy-peer'], svgs) : `## 6. Proxy learning vs PyTorch\n\nNot measured yet: \`node ${RUN_JS} proxy-peer\`.`);
  for (const [tag, names] of resultTags()) md.push(taggedSection(tag, names, sources, svgs));
  const file = path.join(DOCS_DIR, 'benchmarks.md');
  writeFileSync(file, md.join('\n\n') + '\n');
  // the README's summary block, from the same records
  writeReadmeSummary(recs);
  return { markdown: file, svgs, sources };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = generateReport();
  process.stdout.write(`wrote ${path.relative(ROOT, r.markdown)} and ${r.svgs.length} charts from ${r.sources.length} result files\n`);
}
