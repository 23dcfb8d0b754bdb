// The training loop shared by every algorithm: epoch sample order from the counter-based RNG,
// online or minibatch steps, evaluation after each epoch under every decision rule, a JSON-lines
// metrics log, and an atomic checkpoint per epoch from which --resume continues exactly.
import { existsSync, mkdirSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlgorithmEntry, ImageSource, Model, ShardTask } from '../algorithms/types.js';
import type { Executor } from '../pool/executor.js';
import { shardSlices } from '../pool/shards.js';
import { saveCheckpoint, findLatestGoodCheckpoint, weightsSha256, writeNpy } from '../io/index.js';
import type { Checkpoint } from '../io/index.js';
import { SnnError, UsageError } from '../errors.js';
import { epochDrawsWithReplacement, epochPermutation } from './rng.js';
import { AccuracyMeter, type DecisionRule } from './decision.js';
import { evaluateModel, type EvalResult } from './evaluate.js';
import { createProgress } from './progress.js';
import { CODE_VERSION } from '../version.js';

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
  log?: (line: string) => void;
}

export interface EpochRecord {
  epoch: number; samples: number; seconds: number; samplesPerSecond: number;
  trainAccuracy: Record<DecisionRule, number>; test: EvalResult; extra: Record<string, number>;
}

export interface TrainSummary {
  algorithm: string; dataset: string; config: unknown; seed: number; epochs: number; batchSize: number; shards: number; workers: number;
  final: EpochRecord | null; best: { epoch: number; accuracy: Record<DecisionRule, number> } | null;
  weightsSha256: string; history: EpochRecord[]; codeVersion: string;
}

export const CHECKPOINT_FILE = 'checkpoint.ckpt';

export function checkpointMeta(o: TrainOptions, dataset: string, epoch: number, step: number, history: EpochRecord[], best: TrainSummary['best'], scalars: unknown) {
  return {
    format: 'snnwasm-checkpoint', codeVersion: CODE_VERSION, algorithm: o.algorithm.name, dataset, config: o.config,
    seed: o.seed, epochs: o.epochs, batchSize: o.batchSize, shards: o.shards, epoch, step,
    // every random draw is a pure function of (seed, purpose, epoch, index): the RNG state is the epoch
    rng: { generator: 'philox4x32-10', seed: o.seed, nextEpoch: epoch },
    limitTrain: o.limitTrain ?? null, scalars, history, best,
  };
}

function sameJson(a: unknown, b: unknown): boolean { return JSON.stringify(a) === JSON.stringify(b); }

/** Loads the checkpoint to resume from, refusing one made by another run configuration. */
function openResume(o: TrainOptions, dataset: string): Checkpoint | null {
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
  const mismatch = (['algorithm', 'dataset', 'config', 'seed', 'batchSize', 'shards', 'limitTrain'] as const)
    .filter((k) => !sameJson(m[k], k === 'algorithm' ? o.algorithm.name : k === 'dataset' ? dataset : k === 'limitTrain' ? o.limitTrain ?? null : (o as unknown as Record<string, unknown>)[k]));
  if (mismatch.length) throw new UsageError('--resume', `checkpoint ${found.path} was made with a different ${mismatch.join(', ')}; start a new --out directory`);
  return found.checkpoint;
}

export async function train(o: TrainOptions, data: TrainData, model: Model, executor: Executor): Promise<TrainSummary> {
  const log = o.log ?? ((s: string) => process.stderr.write(s + '\n'));
  mkdirSync(o.outDir, { recursive: true });
  const ckptPath = join(o.outDir, CHECKPOINT_FILE);
  const metricsPath = join(o.outDir, 'metrics.jsonl');
  let startEpoch = 0, step = 0;
  let history: EpochRecord[] = [];
  let best: TrainSummary['best'] = null;

  const resumed = o.resume ? openResume(o, data.dataset) : null;
  if (resumed) {
    const m = resumed.meta as Record<string, any>;
    model.loadState({ scalars: m.scalars, tensors: resumed.tensors as Record<string, Float32Array | Float64Array> });
    startEpoch = m.epoch; step = m.step; history = m.history; best = m.best;
    log(`resumed from ${ckptPath} at epoch ${startEpoch} (step ${step})`);
  } else {
    if (existsSync(ckptPath)) throw new UsageError('--out', `${o.outDir} already holds a checkpoint: pass --resume to continue it, or choose another --out`);
    model.initialise(o.seed);
  }

  const nTrain = Math.min(o.limitTrain ?? data.train.count, data.train.count);
  const progress = createProgress(o.progress);
  const px = data.train.pixels;
  for (let epoch = startEpoch; epoch < o.epochs; epoch++) {
    const order = o.algorithm.sampling === 'replacement'
      ? epochDrawsWithReplacement(o.seed, epoch, nTrain) : epochPermutation(o.seed, epoch, nTrain);
    const meter = new AccuracyMeter();
    const t0 = performance.now();
    progress.start(nTrain, `epoch ${epoch + 1}/${o.epochs}`);
    for (let s = 0; s < nTrain; s += o.batchSize) {
      const end = Math.min(nTrain, s + o.batchSize);
      if (o.batchSize === 1) {
        // online SGD is sequential by nature: it runs on this thread, in the main workspace
        const i = order[s];
        meter.add(model.trainSample(data.train.images, i * px, data.train.labels[i]).correct);
      } else {
        const slices = shardSlices(end - s, o.shards);
        const tasks: ShardTask[] = slices.map(([a, b], shard) => ({ kind: 'grad', shard, indices: order.slice(s + a, s + b) }));
        const outs = await executor.run('train', tasks);
        for (const out of outs) meter.addCounts(out.hits, out.n);
        model.applyShards(slices.length, end - s);
      }
      step += end - s;
      if (Math.floor(step / o.finiteCheckEvery) !== Math.floor((step - (end - s)) / o.finiteCheckEvery)) model.checkFinite(step);
      if ((s & 255) === 0 || end === nTrain) progress.update(end, { acc: meter.accuracy('reference') });
    }
    progress.stop();
    const seconds = (performance.now() - t0) / 1000;
    const extra = model.endEpoch(o.seed, epoch, nTrain);
    model.checkFinite(step);
    const test = await evaluateModel(model, executor, o.shards, Math.min(o.limitTest ?? data.test.count, data.test.count));
    const rec: EpochRecord = { epoch: epoch + 1, samples: nTrain, seconds, samplesPerSecond: nTrain / seconds,
      trainAccuracy: meter.summary(), test, extra };
    history.push(rec);
    if (!best || test.accuracy.reference > best.accuracy.reference) best = { epoch: epoch + 1, accuracy: test.accuracy };
    const st = model.state();
    saveCheckpoint(ckptPath, checkpointMeta(o, data.dataset, epoch + 1, step, history, best, st.scalars), st.tensors, { keep: o.keepCheckpoints });
    appendFileSync(metricsPath, JSON.stringify({ type: 'epoch', ...rec }) + '\n');
    log(`epoch ${epoch + 1}/${o.epochs}: ${seconds.toFixed(1)}s (${rec.samplesPerSecond.toFixed(0)} samples/s) ` +
      `test strict ${pct(test.accuracy.strict)} first-index ${pct(test.accuracy['first-index'])} reference ${pct(test.accuracy.reference)}` +
      (test.stats.meanWinnerTime !== undefined ? ` winner t ${test.stats.meanWinnerTime.toFixed(1)}` : '') +
      (test.stats.noOutputSpike !== undefined ? ` no-spike ${test.stats.noOutputSpike}` : ''));
  }
  const weights = model.weights();
  const wdir = join(o.outDir, 'weights');
  mkdirSync(wdir, { recursive: true });
  for (const w of weights) writeNpy(join(wdir, `${w.name}.npy`), [w.rows, w.cols], w.data);
  const summary: TrainSummary = {
    algorithm: o.algorithm.name, dataset: data.dataset, config: o.config, seed: o.seed, epochs: o.epochs, batchSize: o.batchSize, shards: o.shards, workers: executor.workers,
    final: history[history.length - 1] ?? null, best, weightsSha256: weightsSha256(weights.map((w) => w.data)), history, codeVersion: CODE_VERSION,
  };
  return summary;
}

export function pct(x: number): string { return (x * 100).toFixed(2) + '%'; }
