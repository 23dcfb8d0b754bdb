// The training loop shared by every algorithm: epoch sample order from the counter-based RNG,
// online or minibatch steps, evaluation after each epoch under every decision rule, a JSON-lines
// metrics log, and an atomic checkpoint per epoch from which --resume continues exactly.
import { existsSync, mkdirSync, appendFileSync, readdirSync, unlinkSync, fsyncSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { AlgorithmEntry, ImageSource, Model, ShardTask } from '../algorithms/types.js';
import type { Executor } from '../pool/executor.js';
import { shardSlices } from '../pool/shards.js';
import { saveCheckpoint, findLatestGoodCheckpoint, weightsSha256, writeNpy, writeFileAtomic } from '../io/index.js';
import type { Checkpoint, AtomicFs } from '../io/index.js';
import { NumericalError, SnnError, UsageError } from '../errors.js';
import { epochDrawsWithReplacement, epochPermutation } from './rng.js';
import { AccuracyMeter, type DecisionRule } from './decision.js';
import { evaluateModel, type EvalResult } from './evaluate.js';
import { createProgress } from './progress.js';
import { minibatchStep } from './minibatch-step.js';
import { CODE_VERSION } from '../version.js';
import { WeightAverage, type AverageOptions } from './average.js';
import { crossedMultiple } from './schedule.js';

export interface TrainData { train: ImageSource & { count: number }; test: ImageSource & { count: number }; dataset: string }

export interface TrainOptions {
  algorithm: AlgorithmEntry;
  config: unknown;
  epochs: number;
  batchSize: number;
  /** micro-shards per minibatch: part of the determinism contract (results depend on it, not on workers) */
  shards: number;
  seed: number;
  outDir: string;
  resume: boolean | string;
  keepCheckpoints: number;
  progress: boolean;
  limitTrain?: number;
  limitTest?: number;
  /** steps between NaN/Inf checks of the weights (always checked before a checkpoint) */
  finiteCheckEvery: number;
  /** evaluate and export an exponential moving average of the weights (--ema); absent: the raw weights */
  average?: AverageOptions;
  log?: (line: string) => void;
}

export interface EpochRecord {
  epoch: number; samples: number; seconds: number; samplesPerSecond: number;
  trainAccuracy: Record<DecisionRule, number>; test: EvalResult; extra: Record<string, number>;
  /** with --ema, `test` is the averaged weights' evaluation and this the raw (last) weights' accuracy */
  rawTest?: Record<DecisionRule, number>;
}

export interface TrainSummary {
  algorithm: string; dataset: string; config: unknown; seed: number; epochs: number; batchSize: number; shards: number; workers: number;
  final: EpochRecord | null; best: { epoch: number; accuracy: Record<DecisionRule, number> } | null;
  weightsSha256: string; history: EpochRecord[]; codeVersion: string;
  /** --ema: the reported accuracies and exported weights are the average's */
  average: AverageOptions | null;
}

export const CHECKPOINT_FILE = 'checkpoint.ckpt';

export function checkpointMeta(o: TrainOptions, dataset: string, epoch: number, step: number, history: EpochRecord[], best: TrainSummary['best'], scalars: unknown) {
  return {
    format: 'snnwasm-checkpoint', codeVersion: CODE_VERSION, algorithm: o.algorithm.name, dataset, config: o.config,
    seed: o.seed, epochs: o.epochs, batchSize: o.batchSize, shards: o.shards, epoch, step, average: o.average ?? null,
    // every random draw is a pure function of (seed, purpose, epoch, index): the RNG state is the epoch
    rng: { generator: 'philox4x32-10', seed: o.seed, nextEpoch: epoch },
    limitTrain: o.limitTrain ?? null, scalars, history, best,
  };
}

function sameJson(a: unknown, b: unknown, view: (x: unknown) => unknown = (x) => x): boolean { return JSON.stringify(view(a)) === JSON.stringify(view(b)); }

/** Loads the checkpoint to resume from (and says which file it was), refusing one made by another run configuration. */
function openResume(o: TrainOptions, dataset: string): { checkpoint: Checkpoint; path: string } | null {
  const path = typeof o.resume === 'string' ? o.resume : join(o.outDir, CHECKPOINT_FILE);
  const found = findLatestGoodCheckpoint(path);
  // a missing newest file is not corruption; a present one that failed to load is
  const corrupt = found.failures.filter((f) => existsSync(f.path));
  if (corrupt.length > 0) {
    const offer = found.path ? `; the previous good checkpoint is ${found.path}: resume from it with --resume ${found.path}` : '; no good checkpoint remains';
    throw new SnnError(`checkpoint ${corrupt[0].path} is unusable (${corrupt[0].error.message})${offer}`);
  }
  if (!found.checkpoint) {
    if (typeof o.resume === 'string') throw new UsageError('--resume', `no checkpoint at ${path}`);
    return null; // --resume on a fresh run directory starts from scratch
  }
  const m = found.checkpoint.meta as Record<string, unknown>;
  // evaluation-only settings may change on resume: they do not touch the training trajectory
  const training = (c: unknown): unknown => c && typeof c === 'object'
    ? Object.fromEntries(Object.entries(c).filter(([k]) => !(o.algorithm.evaluationKeys ?? []).includes(k))) : c;
  const mismatch = (['algorithm', 'dataset', 'config', 'seed', 'batchSize', 'shards', 'limitTrain', 'average'] as const)
    .filter((k) => !sameJson(m[k] ?? null, k === 'algorithm' ? o.algorithm.name : k === 'dataset' ? dataset : k === 'limitTrain' ? o.limitTrain ?? null
      : k === 'average' ? o.average ?? null : (o as unknown as Record<string, unknown>)[k], k === 'config' ? training : undefined));
  if (mismatch.length) throw new UsageError('--resume', `checkpoint ${found.path} was made with a different ${mismatch.join(', ')}; start a new --out directory`);
  return { checkpoint: found.checkpoint, path: found.path! };
}

/**
 * Removes temp files (`.<name>.<pid>-<thread>-<n>.tmp`, see io/atomic.ts) that a process killed
 * mid-save left in the run directory. Only files of processes that no longer exist are removed,
 * so a concurrent writer's temp file is never touched.
 */
function removeStaleTempFiles(dir: string): void {
  let names: string[];
  try { names = readdirSync(dir); } catch { return; }
  for (const name of names) {
    const m = /^\..+\.(\d+)-\d+-\d+\.tmp$/.exec(name);
    if (!m || Number(m[1]) === process.pid) continue;
    try {
      process.kill(Number(m[1]), 0);
      continue; // that process is alive (or not ours to signal): leave its file alone
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') continue;
    }
    try { unlinkSync(join(dir, name)); } catch { /* already gone */ }
  }
}

/**
 * Test hook for the kill/resume tests (test/reliability/kill-resume.test.ts, docs/reliability.md):
 * with SNN_TEST_CHECKPOINT_PAUSE_MS=N set, every checkpoint save prints
 * `test-hook: checkpoint epoch E <stage>` on stderr and sleeps N ms at two stages, so a test can
 * SIGKILL the process inside the write window: `before-fsync` (the temp file is written, not yet
 * synced; nothing renamed) and `before-rename` (the temp file is synced, older checkpoints are
 * rotated to .1, .2, ...; the new one is not yet renamed into place, so no checkpoint.ckpt exists).
 * Unset (always, outside tests), the save uses the plain file-system calls.
 */
function checkpointTestHook(epoch: number): Partial<AtomicFs> | undefined {
  const ms = Number(process.env.SNN_TEST_CHECKPOINT_PAUSE_MS);
  if (!(ms > 0)) return undefined;
  const pause = (stage: string) => {
    process.stderr.write(`test-hook: checkpoint epoch ${epoch} ${stage}\n`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  };
  let synced = false;
  return {
    // the first fsync is the temp file's; the later one is the directory's, after the rename
    fsyncSync: (fd) => { if (!synced) { synced = true; pause('before-fsync'); } fsyncSync(fd); },
    // the temp file's rename over the target (rotation renames use node:fs directly)
    renameSync: (from, to) => { pause('before-rename'); renameSync(from, to); },
  };
}

export async function train(o: TrainOptions, data: TrainData, model: Model, executor: Executor): Promise<TrainSummary> {
  const log = o.log ?? ((s: string) => process.stderr.write(s + '\n'));
  mkdirSync(o.outDir, { recursive: true });
  const ckptPath = join(o.outDir, CHECKPOINT_FILE);
  const metricsPath = join(o.outDir, 'metrics.jsonl');
  let startEpoch = 0, step = 0;
  let history: EpochRecord[] = [];
  let best: TrainSummary['best'] = null;

  const average = o.average ? new WeightAverage(o.average, o.algorithm.name, model) : null;
  const resumed = o.resume ? openResume(o, data.dataset) : null;
  removeStaleTempFiles(o.outDir);
  removeStaleTempFiles(join(o.outDir, 'weights'));
  if (resumed) {
    const m = resumed.checkpoint.meta as Record<string, any>;
    model.loadState({ scalars: m.scalars, tensors: resumed.checkpoint.tensors as Record<string, Float32Array | Float64Array> });
    startEpoch = m.epoch; step = m.step; history = m.history; best = m.best;
    average?.load(resumed.checkpoint.tensors as Record<string, Float32Array | Float64Array>, Number(m.averageSnapshots ?? 0));
    log(`resumed from ${resumed.path} at epoch ${startEpoch} (step ${step})`);
  } else {
    if (existsSync(ckptPath)) throw new UsageError('--out', `${o.outDir} already holds a checkpoint: pass --resume to continue it, or choose another --out`);
    model.initialise(o.seed);
  }
  // metrics.jsonl holds one line per epoch of the checkpoint's history (none on a fresh start): a run
  // killed between its checkpoint and its metrics line, or mid-line, or after epochs whose checkpoint
  // it then lost, would otherwise leave the log out of step with the run
  writeFileAtomic(metricsPath, new TextEncoder().encode(history.map((rec) => JSON.stringify({ type: 'epoch', ...rec }) + '\n').join('')));
  // a checkpoint (or weights) holding NaN/Inf is refused before the first step; this also gives the
  // networks the weight magnitudes their per-step overflow guard starts from
  try {
    model.checkFinite(step);
  } catch (e) {
    if (!(e instanceof NumericalError)) throw e;
    throw new NumericalError(e.where, e.step, `${e.problem} in ${resumed ? `checkpoint ${resumed.path}` : 'the initial weights'}; nothing was trained${resumed ? ', the checkpoint is left as it is' : ''}`);
  }
  let saved = resumed ? { epoch: startEpoch, path: resumed.path } : null;
  // per-step checks (TTFS deltas, potentials, thresholds, scales; BNN pre-activations and loss) do
  // not know the step: name it here, and say what is left on disk
  const numerical = (e: unknown, at: number): unknown => {
    if (!(e instanceof NumericalError)) return e;
    const kept = saved ? `the last good checkpoint (epoch ${saved.epoch}) is intact: ${saved.path}` : 'no checkpoint was written';
    return new NumericalError(e.where, e.step >= 0 ? e.step : at, `${e.problem}; the run stopped, ${kept}`);
  };

  const nTrain = Math.min(o.limitTrain ?? data.train.count, data.train.count);
  const progress = createProgress(o.progress);
  const px = data.train.pixels;
  for (let epoch = startEpoch; epoch < o.epochs; epoch++) {
    const order = o.algorithm.sampling === 'replacement'
      ? epochDrawsWithReplacement(o.seed, epoch, nTrain) : epochPermutation(o.seed, epoch, nTrain);
    const meter = new AccuracyMeter();
    const t0 = performance.now();
    // statistics re-estimated at the start of the epoch, so that it trains (and is evaluated) with them
    let refreshed: Record<string, number>;
    try {
      refreshed = await refreshStatistics(model, executor, order, Math.min(nTrain, model.statsRefreshSamples?.(epoch) ?? 0), o);
    } catch (e) {
      throw numerical(e, step);
    }
    progress.start(nTrain, `epoch ${epoch + 1}/${o.epochs}`);
    for (let s = 0; s < nTrain; s += o.batchSize) {
      const end = Math.min(nTrain, s + o.batchSize);
      try {
        if (o.batchSize === 1) {
          // online SGD is sequential by nature: it runs on this thread, in the main workspace
          const i = order[s];
          meter.add(model.trainSample(data.train.images, i * px, data.train.labels[i]).correct);
        } else {
          const outs = await minibatchStep(executor, model, order.subarray(s, end), o.shards);
          for (const out of outs) meter.addCounts(out.hits, out.n);
        }
        step += end - s;
        average?.observe(model, step - (end - s), step);
        if (crossedMultiple(step - (end - s), step, o.finiteCheckEvery)) model.checkFinite(step);
      } catch (e) {
        progress.stop();
        throw numerical(e, step + (end - s));
      }
      if ((s & 255) === 0 || end === nTrain) progress.update(end, { acc: meter.accuracy('reference') });
    }
    progress.stop();
    const seconds = (performance.now() - t0) / 1000;
    let extra: Record<string, number>, test: EvalResult, rawTest: Record<DecisionRule, number> | undefined;
    try {
      extra = { ...refreshed, ...model.endEpoch(o.seed, epoch, nTrain) };
      model.checkFinite(step);
      const nTest = Math.min(o.limitTest ?? data.test.count, data.test.count);
      test = await evaluateModel(model, executor, o.shards, nTest);
      if (average?.ready) {
        rawTest = test.accuracy;
        test = await average.withAveraged(model, () => evaluateModel(model, executor, o.shards, nTest));
        model.checkFinite(step); // loadState callers re-establish the networks' overflow guards
      }
    } catch (e) {
      throw numerical(e, step);
    }
    const rec: EpochRecord = { epoch: epoch + 1, samples: nTrain, seconds, samplesPerSecond: nTrain / seconds,
      trainAccuracy: meter.summary(), test, extra, ...(rawTest ? { rawTest } : {}) };
    history.push(rec);
    if (!best || test.accuracy.reference > best.accuracy.reference) best = { epoch: epoch + 1, accuracy: test.accuracy };
    const st = model.state();
    saveCheckpoint(ckptPath, { ...checkpointMeta(o, data.dataset, epoch + 1, step, history, best, st.scalars), averageSnapshots: average?.snapshots ?? 0 },
      { ...st.tensors, ...average?.tensors() },
      { keep: o.keepCheckpoints, fs: checkpointTestHook(epoch + 1) });
    saved = { epoch: epoch + 1, path: ckptPath };
    appendFileSync(metricsPath, JSON.stringify({ type: 'epoch', ...rec }) + '\n');
    log(`epoch ${epoch + 1}/${o.epochs}: ${seconds.toFixed(1)}s (${rec.samplesPerSecond.toFixed(0)} samples/s) ` +
      `test strict ${pct(test.accuracy.strict)} first-index ${pct(test.accuracy['first-index'])} reference ${pct(test.accuracy.reference)}` +
      (test.stats.meanWinnerTime !== undefined ? ` winner t ${test.stats.meanWinnerTime.toFixed(1)}` : '') +
      (test.stats.noOutputSpike !== undefined ? ` no-spike ${test.stats.noOutputSpike}` : '') +
      (test.stats.layerFiringShare ? ` firing ${test.stats.layerFiringShare.map(pct).join('/')}` : '') +
      (rawTest ? ` (averaged weights; raw weights: strict ${pct(rawTest.strict)} reference ${pct(rawTest.reference)})` : ''));
  }
  // with --ema the exported model is the averaged one: the weights every reported accuracy was measured on
  const weights = average ? average.weights(model) : model.weights();
  const wdir = join(o.outDir, 'weights');
  mkdirSync(wdir, { recursive: true });
  for (const w of weights) writeNpy(join(wdir, `${w.name}.npy`), [w.rows, w.cols], w.data);
  const summary: TrainSummary = {
    algorithm: o.algorithm.name, dataset: data.dataset, config: o.config, seed: o.seed, epochs: o.epochs, batchSize: o.batchSize, shards: o.shards, workers: executor.workers,
    final: history[history.length - 1] ?? null, best, weightsSha256: weightsSha256(weights.map((w) => w.data)), history, codeVersion: CODE_VERSION,
    average: o.average ?? null,
  };
  return summary;
}

/**
 * Re-estimates a model's normalisation statistics (the proxy's `--bn-refresh`): forward passes over the
 * first n samples of `order`, in minibatches on the pool, nothing learned. In training it runs at the
 * start of an epoch (the epoch then trains and is evaluated with the new statistics; its checkpoint holds
 * them, so a resumed run is the uninterrupted one); `snnwasm eval --bn-refresh n` runs it before
 * evaluating a checkpoint (which is not changed).
 */
export async function refreshStatistics(model: Model, executor: Executor, order: Uint32Array, n: number,
  o: Pick<TrainOptions, 'batchSize' | 'shards'>): Promise<Record<string, number>> {
  if (n <= 0) return {};
  if (!model.addStatsShards || !model.finishStats) throw new UsageError('--bn-refresh', 'this model has no statistics to refresh');
  const t0 = performance.now();
  const batch = Math.max(2, o.batchSize);
  for (let s = 0; s < n; s += batch) {
    const end = Math.min(n, s + batch);
    const slices = shardSlices(end - s, o.shards);
    await executor.run('train', slices.map(([a, b], shard): ShardTask => ({ kind: 'stats', shard, indices: order.slice(s + a, s + b) })));
    model.addStatsShards(slices.length);
  }
  return { ...model.finishStats(), refreshSamples: n, refreshSeconds: (performance.now() - t0) / 1000 };
}

export function pct(x: number): string { return (x * 100).toFixed(2) + '%'; }
