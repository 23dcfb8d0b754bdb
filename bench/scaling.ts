// Worker scaling of minibatch training: the trainer's minibatch step (shardSlices -> executor.run ->
// model.applyShards, as in src/train/trainer.ts) timed with the inline executor (what --workers 1
// uses), a 1-thread pool and a 2-thread pool, in interleaved blocks over one model. From the inline
// blocks' per-task compute times it derives the ideal time of each pool step (greedy list schedule of
// the same tasks, as piscina hands them out) and so the pool's own overhead (dispatch, wake-up,
// result transfer, imbalance) as a share of the step; the reduction + apply time is measured apart.
import os from 'node:os';
import { ALGORITHMS } from '../src/algorithms/registry.js';
import { createExecutor, createSession, sharedImages } from '../src/session.js';
import { loadDataset } from '../src/data/index.js';
import { shardSlices } from '../src/pool/shards.js';
import { epochPermutation } from '../src/train/rng.js';
import type { Executor } from '../src/pool/executor.js';
import type { ImageSource, ShardTask } from '../src/algorithms/types.js';
import { type Benchmark, type BenchContext, CONTENDED_CORES, type CpuWindow, cpuSnap, cpuWindow, fmt, median, pick, sig, stat } from './lib.js';

interface ScaleConfig { id: string; label: string; algo: string; flags: Record<string, unknown>; batch: number; shards: number;
  /** warm-up steps per executor, when the default is too many for a slow step */
  warmSteps?: number }

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
];

type Mode = 'inline' | 'pool1' | 'pool2';
const MODES: Mode[] = ['inline', 'pool1', 'pool2'];

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

interface StepTimes { runMs: number; applyMs: number; taskMs: number[] | null }

async function runConfig(c: ScaleConfig, train: ImageSource & { count: number }, P: { repeats: number; blockMs: number; warmSteps: number; seed: number }, ctx: BenchContext) {
  const s = createSession(ALGORITHMS[c.algo], 'mnist', c.flags, { shards: c.shards });
  s.model.initialise(P.seed);
  // evaluation never runs here: the training set stands in for the test set the pool init requires
  const data = { train, test: train };
  const ex: Record<Mode, Executor> = {
    inline: createExecutor(s, data, 1),
    // a pool with one thread: createExecutor builds a pool for workers <= 1 only when given fault
    // settings; [0, 0] injects nothing (tasks are counted from 1)
    pool1: createExecutor(s, data, 1, [0, 0]),
    pool2: createExecutor(s, data, 2),
  };
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
    // warm-up: V8 tiers up per thread, so every executor warms its own workers
    let est = 0;
    for (const m of MODES) {
      const t0 = performance.now(), warm = c.warmSteps ?? P.warmSteps;
      for (let i = 0; i < warm; i++) await step(m);
      if (m === 'inline') est = (performance.now() - t0) / warm;
    }
    const steps = Math.max(3, Math.round(P.blockMs / Math.max(est, 0.1)));
    const blocks: Record<Mode, { samplesPerSecond: number[]; steps: StepTimes[]; load: CpuWindow[] }> = {
      inline: { samplesPerSecond: [], steps: [], load: [] }, pool1: { samplesPerSecond: [], steps: [], load: [] }, pool2: { samplesPerSecond: [], steps: [], load: [] },
    };
    for (let r = 0; r < P.repeats; r++) {
      for (let i = 0; i < MODES.length; i++) {
        const m = MODES[(i + r) % MODES.length];
        const a = cpuSnap();
        const t0 = performance.now();
        for (let k = 0; k < steps; k++) blocks[m].steps.push(await step(m));
        const wall = performance.now() - t0;
        blocks[m].samplesPerSecond.push((steps * c.batch) / (wall / 1000));
        blocks[m].load.push(cpuWindow(a, cpuSnap()));
      }
      ctx.monitor.sample();
      ctx.log(`  [${r + 1}/${P.repeats}] ${c.label}: ` + MODES.map((m) => `${m} ${fmt(blocks[m].samplesPerSecond[r])}`).join(', ') + ' samples/s' +
        ` (others used ${fmt(median(MODES.map((m) => blocks[m].load[r].otherCores)))} cores)`);
    }
    // ideal pool step times from the inline blocks' task times
    const inlineSteps = blocks.inline.steps;
    const ideal = (w: number) => median(inlineSteps.map((x) => listSchedule(x.taskMs!, w)));
    const perMode: Record<string, unknown> = {};
    for (const m of MODES) {
      const b = blocks[m];
      const run = median(b.steps.map((x) => x.runMs)), apply = median(b.steps.map((x) => x.applyMs));
      const stepMs = median(b.steps.map((x) => x.runMs + x.applyMs));
      const workers = m === 'pool2' ? 2 : 1;
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
    const others = median(MODES.flatMap((m) => blocks[m].load.map((x) => x.otherCores)));
    const taskCount = shardSlices(c.batch, c.shards).length;
    return {
      id: c.id, label: c.label, batch: c.batch, shards: c.shards, tasksPerStep: taskCount, stepsPerBlock: steps, repeats: P.repeats,
      modes: perMode,
      ratios: {
        pool2OverInline: paired('pool2', 'inline'), pool2OverPool1: paired('pool2', 'pool1'), pool1OverInline: paired('pool1', 'inline'),
        pool2OverInlineOfMedians: sig(median(sps('pool2')) / median(sps('inline')), 3),
      },
      inlineTaskMsMedian: sig(median(inlineSteps.flatMap((x) => x.taskMs!))),
      otherCoresMedian: sig(others, 3),
      contended: others > CONTENDED_CORES,
    };
  } finally {
    for (const m of MODES) await ex[m].close();
  }
}

export const scaling: Benchmark = {
  name: 'scaling',
  title: 'Worker scaling of minibatch training',
  about: 'samples/s of minibatch training with the inline executor (--workers 1), a 1-thread pool and a 2-thread pool, interleaved; the 2-vs-1 ratio; the pool\'s per-step overhead (run time minus the ideal schedule of inline-timed tasks) and the reduction+apply time as shares of the step.',
  async run(ctx) {
    const P = pick(ctx.quick, { repeats: 7, blockMs: 1500, warmSteps: 10, seed: 1 }, { repeats: 2, blockMs: 250, warmSteps: 5, seed: 1 });
    const tr = loadDataset('mnist', 'train');
    const train = { ...sharedImages(tr.images, tr.labels, 784), count: tr.count };
    const rows = [];
    // SNN_SCALING_ONLY=id1,id2 runs a subset (e.g. the proxy step alone in a short quiet window)
    const only = process.env.SNN_SCALING_ONLY?.split(',').filter(Boolean);
    for (const c of CONFIGS) if (!only || only.includes(c.id)) rows.push(await runConfig(c, train, P, ctx));
    const summary: string[] = [];
    for (const r of rows) {
      const m = r.modes as Record<Mode, any>;
      summary.push(`${r.label}: inline ${fmt(m.inline.samplesPerSecond.median)}, pool×1 ${fmt(m.pool1.samplesPerSecond.median)}, pool×2 ${fmt(m.pool2.samplesPerSecond.median)} samples/s; ` +
        `2 workers / inline = ${fmt(r.ratios.pool2OverInline)}× (2 / 1 pool threads ${fmt(r.ratios.pool2OverPool1)}×); ` +
        `pool overhead ${fmt(m.pool2.poolOverheadMs)} ms = ${fmt(100 * m.pool2.poolOverheadShare)}% of a ${fmt(m.pool2.stepMs)} ms step (2 threads), ` +
        `${fmt(m.pool1.poolOverheadMs)} ms = ${fmt(100 * m.pool1.poolOverheadShare)}% (1 thread); reduction+apply ${fmt(m.inline.applyMs)} ms = ${fmt(100 * m.inline.reduceApplyShare)}% of the inline step`);
      if (r.contended) {
        const w = `${r.label}: other processes used ${fmt(r.otherCoresMedian)} cores on average during the blocks (load avg ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}); ` +
          `with ${os.availableParallelism()} cores the 2-worker figure is MEANINGLESS: rerun on a quiet machine`;
        ctx.warn(w);
        summary.push(`WARNING: ${w}`);
      }
    }
    return { params: P, results: { configs: rows }, summary };
  },
};
