// Worker scaling of minibatch training: the trainer's minibatch step (shardSlices -> executor.run ->
// model.applyShards, as in src/train/trainer.ts) timed with the inline executor (what --workers 1
// uses) and pools of 1, 2, 4 ... threads up to the machine's cores, in interleaved blocks over one
// model. From the inline blocks' per-task compute times it derives the ideal time of each pool step
// (greedy list schedule of the same tasks, as piscina hands them out) and so the pool's own overhead
// (dispatch, wake-up, result transfer, imbalance) as a share of the step; the reduction + apply time
// is measured apart. Before timing, every executor trains the same 3 steps from the same
// initialisation and the model states' SHA-256 must agree: determinism across worker counts,
// checked at whatever core count the machine has.
import os from 'node:os';
import { createHash } from 'node:crypto';
import { ALGORITHMS } from '../src/algorithms/registry.js';
import { createExecutor, createSession, sharedImages } from '../src/session.js';
import { loadDataset } from '../src/data/index.js';
import { shardSlices } from '../src/pool/shards.js';
import { epochPermutation } from '../src/train/rng.js';
import type { Executor } from '../src/pool/executor.js';
import type { ImageSource, Model, ShardTask } from '../src/algorithms/types.js';
import { type Benchmark, type BenchContext, CONTENDED_CORES, type CpuWindow, cpuSnap, cpuWindow, fmt, median, pick, sig, stat } from './lib.js';

interface ScaleConfig { id: string; label: string; algo: string; flags: Record<string, unknown>; batch: number; shards: number;
  /** warm-up steps per executor, when the default is too many for a slow step */
  warmSteps?: number;
  /** run only on machines with at least this many cores (16-shard steps for many-core scaling) */
  minCores?: number }

const CONFIGS: ScaleConfig[] = [
  { id: 'bs4nn-600-b64', label: 'BS4NN 784-600-10, batch 64, 8 shards', algo: 'bs4nn', flags: { hidden: [600] }, batch: 64, shards: 8 },
  { id: 'bnn-600-b100', label: 'BNN 784-600-10, batch 100, 8 shards', algo: 'bnn', flags: { hidden: [600] }, batch: 100, shards: 8 },
  // larger batches amortise the serial reduction+apply and the per-task round trips
  { id: 'bs4nn-600-b256', label: 'BS4NN 784-600-10, batch 256, 16 shards', algo: 'bs4nn', flags: { hidden: [600] }, batch: 256, shards: 16 },
  { id: 'bnn-600-b256', label: 'BNN 784-600-10, batch 256, 16 shards', algo: 'bnn', flags: { hidden: [600] }, batch: 256, shards: 16 },
  { id: 's4nn-400-b64', label: 'S4NN 784-400-10, batch 64, 8 shards', algo: 's4nn', flags: { hidden: [400] }, batch: 64, shards: 8 },
  // the convolutional TTFS network: ~0.25 ms of event-driven work per sample
  { id: 'stidi-b64', label: 'STiDi stidi-mnist (conv 5x5x16), batch 64, 8 shards', algo: 'stidi', flags: {}, batch: 64, shards: 8 },
  // a compute-heavy step (seconds, not milliseconds): the pool's fixed costs vanish against it
  { id: 'proxy-small-b100', label: 'Proxy fmnist-small (T 15), batch 100, 8 shards', algo: 'proxy', flags: { model: 'fmnist-small' }, batch: 100, shards: 8, warmSteps: 2 },
  // many cores: 16 tasks per step so 16 workers have one each (a different shard count is a
  // different reduction tree, so these are other runs' bits, not the 8-shard configurations')
  { id: 's4nn-400-b256', label: 'S4NN 784-400-10, batch 256, 16 shards', algo: 's4nn', flags: { hidden: [400] }, batch: 256, shards: 16, minCores: 4 },
  { id: 'stidi-b256', label: 'STiDi stidi-mnist (conv 5x5x16), batch 256, 16 shards', algo: 'stidi', flags: {}, batch: 256, shards: 16, minCores: 4 },
  { id: 'proxy-small-b160', label: 'Proxy fmnist-small (T 15), batch 160, 16 shards', algo: 'proxy', flags: { model: 'fmnist-small' }, batch: 160, shards: 16, warmSteps: 2, minCores: 4 },
];

/** Pool sizes to time: 1, 2, 4 ... up to the machine's cores, and the core count itself
 *  (SNN_SCALING_WORKERS=1,2,16 picks others). 'inline' is always timed beside them. */
function poolSizes(ncpu: number): number[] {
  const env = process.env.SNN_SCALING_WORKERS;
  if (env) {
    const w = env.split(',').map(Number);
    if (!w.length || w.some((x) => !Number.isInteger(x) || x < 1 || x > 256)) throw new Error(`SNN_SCALING_WORKERS=${env}: a comma-separated list of thread counts 1..256`);
    return [...new Set(w)].sort((a, b) => a - b);
  }
  const out = [1, 2];
  for (let w = 4; w <= ncpu; w *= 2) out.push(w);
  if (!out.includes(ncpu)) out.push(ncpu);
  return out.sort((a, b) => a - b);
}

// 'inline' | `pool${n}`: n threads compute (the calling thread and n - 1 pool threads; pool1 is one pool
// thread while the caller waits) | `wait${n}`: n pool threads while the caller waits (the pool before
// the caller took part), timed for the largest n beside the others
type Mode = string;
const poolMode = (w: number): Mode => `pool${w}`;
const waitMode = (w: number): Mode => `wait${w}`;
const threadsOf = (m: Mode): number => (m === 'inline' ? 1 : Number(m.slice(4)));

/** Makespan of tasks handed in order to the first free of w workers. */
function listSchedule(times: number[], w: number): number {
  const free = new Array<number>(w).fill(0);
  for (const t of times) {
    let k = 0;
    for (let i = 1; i < w; i++) if (free[i] < free[k]) k = i;
    free[k] += t;
  }
  return Math.max(...free);
}

/** SHA-256 of a model's whole state (tensors in name order, then the scalars). */
function stateSha256(m: Model): string {
  const st = m.state(), h = createHash('sha256');
  for (const k of Object.keys(st.tensors).sort()) { const t = st.tensors[k]; h.update(k); h.update(new Uint8Array(t.buffer, t.byteOffset, t.byteLength)); }
  h.update(JSON.stringify(Object.keys(st.scalars).sort().map((k) => [k, st.scalars[k]])));
  return h.digest('hex');
}

interface StepTimes { runMs: number; applyMs: number; taskMs: number[] | null }

const DETERMINISM_STEPS = 3;

async function runConfig(c: ScaleConfig, train: ImageSource & { count: number }, P: { repeats: number; blockMs: number; warmSteps: number; seed: number; pools: number[] }, ctx: BenchContext) {
  const s = createSession(ALGORITHMS[c.algo], 'mnist', c.flags, { shards: c.shards });
  s.model.initialise(P.seed);
  // evaluation never runs here: the training set stands in for the test set the pool init requires
  const data = { train, test: train };
  const taskCount = shardSlices(c.batch, c.shards).length;
  // a pool larger than the step's task count has idle threads by construction: not timed
  const pools = P.pools.filter((w) => w <= taskCount);
  const widest = Math.max(...pools);
  const modes: Mode[] = ['inline', ...pools.map(poolMode), ...(widest >= 2 ? [waitMode(widest)] : [])];
  const ex: Record<Mode, Executor> = { inline: createExecutor(s, data, 1) };
  // a pool with one thread: createExecutor builds a pool for workers <= 1 only when given fault
  // settings; [0, 0] injects nothing (tasks are counted from 1)
  for (const w of pools) ex[poolMode(w)] = w === 1 ? createExecutor(s, data, 1, [0, 0]) : createExecutor(s, data, w);
  if (widest >= 2) ex[waitMode(widest)] = createExecutor(s, data, widest, undefined, true);
  const order = epochPermutation(P.seed, 0, train.count);
  let cursor = 0;
  const step = async (mode: Mode): Promise<StepTimes> => {
    if (cursor + c.batch > order.length) cursor = 0;
    const idx = order.subarray(cursor, cursor + c.batch);
    cursor += c.batch;
    const slices = shardSlices(c.batch, c.shards);
    const tasks: ShardTask[] = slices.map(([a, b], shard) => ({ kind: 'grad', shard, indices: idx.slice(a, b) }));
    const t0 = performance.now();
    let taskMs: number[] | null = null;
    if (mode === 'inline') {
      // exactly InlineExecutor.run (tasks.map(runShard)), with each task timed
      taskMs = [];
      for (const t of tasks) { const a = performance.now(); s.model.runShard(t, train); taskMs.push(performance.now() - a); }
    } else {
      await ex[mode].run('train', tasks);
    }
    const t1 = performance.now();
    s.model.applyShards(slices.length, c.batch);
    return { runMs: t1 - t0, applyMs: performance.now() - t1, taskMs };
  };
  try {
    // determinism: the same steps from the same initialisation on every executor, same state bits
    const hashes: Record<Mode, string> = {};
    for (const m of modes) {
      s.model.initialise(P.seed);
      cursor = 0;
      for (let k = 0; k < DETERMINISM_STEPS; k++) await step(m);
      hashes[m] = stateSha256(s.model);
    }
    const identical = new Set(Object.values(hashes)).size === 1;
    ctx.log(`  ${c.label}: state after ${DETERMINISM_STEPS} steps ${identical ? `identical on ${modes.join(', ')} (sha256 ${hashes.inline.slice(0, 16)}…)` : 'DIFFERS: ' + modes.map((m) => `${m} ${hashes[m].slice(0, 12)}`).join(', ')}`);
    if (!identical) ctx.warn(`${c.label}: the model state after ${DETERMINISM_STEPS} steps differs between executors: ${modes.map((m) => `${m} ${hashes[m]}`).join(', ')}`);
    // warm-up: V8 tiers up per thread, so every executor warms its own workers
    let est = 0;
    for (const m of modes) {
      const t0 = performance.now(), warm = c.warmSteps ?? P.warmSteps;
      for (let i = 0; i < warm; i++) await step(m);
      if (m === 'inline') est = (performance.now() - t0) / warm;
    }
    const steps = Math.max(3, Math.round(P.blockMs / Math.max(est, 0.1)));
    const blocks: Record<Mode, { samplesPerSecond: number[]; steps: StepTimes[]; load: CpuWindow[] }> = {};
    for (const m of modes) blocks[m] = { samplesPerSecond: [], steps: [], load: [] };
    for (let r = 0; r < P.repeats; r++) {
      for (let i = 0; i < modes.length; i++) {
        const m = modes[(i + r) % modes.length];
        const a = cpuSnap();
        const t0 = performance.now();
        for (let k = 0; k < steps; k++) blocks[m].steps.push(await step(m));
        const wall = performance.now() - t0;
        blocks[m].samplesPerSecond.push((steps * c.batch) / (wall / 1000));
        blocks[m].load.push(cpuWindow(a, cpuSnap()));
      }
      ctx.monitor.sample();
      ctx.log(`  [${r + 1}/${P.repeats}] ${c.label}: ` + modes.map((m) => `${m} ${fmt(blocks[m].samplesPerSecond[r])}`).join(', ') + ' samples/s' +
        ` (others used ${fmt(median(modes.map((m) => blocks[m].load[r].otherCores)))} cores)`);
    }
    // ideal pool step times from the inline blocks' task times
    const inlineSteps = blocks.inline.steps;
    const ideal = (w: number) => median(inlineSteps.map((x) => listSchedule(x.taskMs!, w)));
    const perMode: Record<string, unknown> = {};
    for (const m of modes) {
      const b = blocks[m];
      const run = median(b.steps.map((x) => x.runMs)), apply = median(b.steps.map((x) => x.applyMs));
      const stepMs = median(b.steps.map((x) => x.runMs + x.applyMs));
      const workers = threadsOf(m);
      const computeMs = ideal(workers);
      const overheadMs = m === 'inline' ? 0 : run - computeMs;
      perMode[m] = {
        workers, samplesPerSecond: stat(b.samplesPerSecond), stepMs: sig(stepMs), runMs: sig(run), applyMs: sig(apply),
        idealComputeMs: sig(computeMs), poolOverheadMs: sig(overheadMs),
        poolOverheadShare: sig(overheadMs / stepMs, 3), reduceApplyShare: sig(apply / stepMs, 3),
        otherCores: stat(b.load.map((x) => x.otherCores)),
      };
    }
    const sps = (m: Mode) => blocks[m].samplesPerSecond;
    const paired = (x: Mode, y: Mode) => sig(median(sps(x).map((v, i) => v / sps(y)[i])), 3);
    const others = median(modes.flatMap((m) => blocks[m].load.map((x) => x.otherCores)));
    // per thread count: paired speed-ups over inline and over the 1-thread pool, and the parallel
    // efficiency (speed-up over inline / threads); the ideal from the inline task times
    // (Amdahl with the serial reduction+apply) says what a free pool would reach
    const inlineStep = median(inlineSteps.map((x) => x.runMs + x.applyMs)), inlineApply = median(inlineSteps.map((x) => x.applyMs));
    const byPool = pools.map((w) => ({
      workers: w,
      overInline: paired(poolMode(w), 'inline'),
      overPool1: pools.includes(1) ? paired(poolMode(w), 'pool1') : null,
      efficiency: sig(paired(poolMode(w), 'inline') / w, 3),
      idealOverInline: sig(inlineStep / (ideal(w) + inlineApply), 3),
    }));
    const r: Record<string, unknown> = {
      id: c.id, label: c.label, batch: c.batch, shards: c.shards, tasksPerStep: taskCount, stepsPerBlock: steps, repeats: P.repeats,
      pools, skippedPools: P.pools.filter((w) => w > taskCount),
      // the calling thread taking part against waiting, same thread count, paired
      callerTakesPart: widest >= 2 ? { workers: widest, overWaiting: paired(poolMode(widest), waitMode(widest)), waitingOverInline: paired(waitMode(widest), 'inline') } : null,
      determinism: { steps: DETERMINISM_STEPS, identical, sha256: hashes },
      modes: perMode, byPool,
      ratios: {
        pool2OverInline: pools.includes(2) ? paired('pool2', 'inline') : null,
        pool2OverPool1: pools.includes(2) && pools.includes(1) ? paired('pool2', 'pool1') : null,
        pool1OverInline: pools.includes(1) ? paired('pool1', 'inline') : null,
        pool2OverInlineOfMedians: pools.includes(2) ? sig(median(sps('pool2')) / median(sps('inline')), 3) : null,
      },
      inlineTaskMsMedian: sig(median(inlineSteps.flatMap((x) => x.taskMs!))),
      otherCoresMedian: sig(others, 3),
      contended: others > CONTENDED_CORES,
    };
    return r;
  } finally {
    for (const m of modes) await ex[m].close();
  }
}

export const scaling: Benchmark = {
  name: 'scaling',
  title: 'Worker scaling of minibatch training',
  about: 'samples/s of minibatch training with the inline executor (--workers 1), --workers 2, 4 ... up to the core count (the caller and N - 1 pool threads), a 1-thread pool and N pool threads with an idle caller, interleaved; paired speed-ups and parallel efficiency; the pool\'s per-step overhead (run time minus the ideal schedule of inline-timed tasks) and the reduction+apply time as shares of the step; and whether every executor gives the same model state after the same 3 steps. SNN_SCALING_ONLY=id,... picks configurations, SNN_SCALING_WORKERS=1,2,... pool sizes, SNN_SCALING_REPEATS / SNN_SCALING_BLOCK_MS the timing.',
  async run(ctx) {
    const ncpu = os.availableParallelism();
    const P = pick(ctx.quick, { repeats: 7, blockMs: 1500, warmSteps: 10, seed: 1, pools: poolSizes(ncpu) }, { repeats: 2, blockMs: 250, warmSteps: 5, seed: 1, pools: poolSizes(ncpu) });
    const envInt = (k: string, lo: number, hi: number): number | undefined => {
      const v = process.env[k];
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isInteger(n) || n < lo || n > hi) throw new Error(`${k}=${v}: an integer ${lo}..${hi}`);
      return n;
    };
    P.repeats = envInt('SNN_SCALING_REPEATS', 1, 100) ?? P.repeats;
    P.blockMs = envInt('SNN_SCALING_BLOCK_MS', 10, 60_000) ?? P.blockMs;
    const tr = loadDataset('mnist', 'train');
    const train = { ...sharedImages(tr.images, tr.labels, 784), count: tr.count };
    const rows: Record<string, any>[] = [];
    // SNN_SCALING_ONLY=id1,id2 runs a subset (e.g. the proxy step alone in a short quiet window)
    const only = process.env.SNN_SCALING_ONLY?.split(',').filter(Boolean);
    for (const id of only ?? []) if (!CONFIGS.some((c) => c.id === id)) throw new Error(`SNN_SCALING_ONLY: unknown configuration "${id}" (known: ${CONFIGS.map((c) => c.id).join(', ')})`);
    for (const c of CONFIGS) {
      if (only ? !only.includes(c.id) : (c.minCores ?? 1) > ncpu) continue;
      rows.push(await runConfig(c, train, P, ctx));
    }
    const summary: string[] = [];
    for (const r of rows) {
      const m = r.modes as Record<Mode, any>;
      const pools = r.pools as number[];
      summary.push(`${r.label}: inline ${fmt(m.inline.samplesPerSecond.median)}, ` + pools.map((w) => `pool×${w} ${fmt(m[poolMode(w)].samplesPerSecond.median)}`).join(', ') + ' samples/s; ' +
        (r.byPool as any[]).filter((x) => x.workers > 1).map((x) => `${x.workers} workers / inline = ${fmt(x.overInline)}× (efficiency ${fmt(100 * x.efficiency)}%${x.overPool1 !== null ? `; / 1-thread pool ${fmt(x.overPool1)}×` : ''})`).join('; ') +
        (m.pool2 ? `; pool overhead ${fmt(m.pool2.poolOverheadMs)} ms = ${fmt(100 * m.pool2.poolOverheadShare)}% of a ${fmt(m.pool2.stepMs)} ms step (2 threads)` : '') +
        (m.pool1 ? `, ${fmt(m.pool1.poolOverheadMs)} ms = ${fmt(100 * m.pool1.poolOverheadShare)}% (1 thread)` : '') +
        `; reduction+apply ${fmt(m.inline.applyMs)} ms = ${fmt(100 * m.inline.reduceApplyShare)}% of the inline step; ` +
        (r.callerTakesPart ? `caller computing / waiting with ${r.callerTakesPart.workers} threads ${fmt(r.callerTakesPart.overWaiting)}× (waiting / inline ${fmt(r.callerTakesPart.waitingOverInline)}×); ` : '') +
        `state after ${r.determinism.steps} steps ${r.determinism.identical ? 'identical on every executor' : 'DIFFERS between executors'}`);
      if (r.contended) {
        const w = `${r.label}: other processes used ${fmt(r.otherCoresMedian)} cores on average during the blocks (load avg ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}); ` +
          `with ${os.availableParallelism()} cores the multi-worker figures are MEANINGLESS: rerun on a quiet machine`;
        ctx.warn(w);
        summary.push(`WARNING: ${w}`);
      }
    }
    return { params: P, results: { configs: rows }, summary };
  },
};
