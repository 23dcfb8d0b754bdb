// A trained model as `snnwasm eval` and `snnwasm spikes` load it: from a checkpoint (its config, its state, its
// averaged weights when it was trained with --ema) or from .npy weight matrices (the authors' published ones),
// with the per-layer thresholds and scales the command line gives.
import { createSession, type Session } from '../session.js';
import { loadCheckpoint, readNpyMatrix } from '../io/index.js';
import { averagedFromCheckpoint } from '../train/average.js';
import { DATASETS, type DatasetName } from '../data/index.js';
import { UsageError, FileFormatError } from '../errors.js';
import type { AlgorithmEntry } from '../algorithms/types.js';
import { algorithmFlags } from './common.js';
import { parseList } from './values.js';
import { isPackedModel, readPackedModel } from '../io/packed-model.js';

export interface TrainedModel {
  session: Session;
  /** the parsed algorithm flags merged over the checkpoint's config */
  flags: Record<string, unknown>;
  /** the checkpoint's metadata ({} for .npy weights) */
  meta: Record<string, any>;
  /** which weights are in use, in words */
  weightsUsed: string;
}

export function loadTrainedModel(algo: AlgorithmEntry, dataset: DatasetName, opts: Record<string, unknown>): TrainedModel {
  if ((opts.checkpoint === undefined) === (opts.weights === undefined)) {
    throw new UsageError('--checkpoint/--weights', 'give exactly one of --checkpoint or --weights');
  }
  const flags = algorithmFlags(algo, opts);
  if (opts.weights !== undefined && !algo.options.some((o) => o.key === 'hidden')) {
    // e.g. proxy: its weight files hold the parameters only, not the BN running statistics a trained net needs
    throw new UsageError('--weights', `--algo ${algo.name} is evaluated from a --checkpoint (its weight files do not hold the whole model state)`);
  }
  let matrices: { rows: number; cols: number; data: Float32Array; file: string }[] = [];
  // read once: its config shapes the model, its state fills it, its seed/epoch order a --bn-refresh
  const ck = opts.checkpoint !== undefined ? loadCheckpoint(String(opts.checkpoint)) : null;
  const meta = (ck?.meta ?? {}) as Record<string, any>;
  if (opts.weights !== undefined) {
    const files = String(opts.weights).split(',');
    matrices = files.map((file) => ({ ...readNpyMatrix(file), file }));
    // the hidden sizes follow from the matrices, unless given
    if (flags.hidden === undefined) flags.hidden = matrices.slice(0, -1).map((m) => m.rows);
  } else {
    if (meta.algorithm !== algo.name) throw new UsageError('--algo', `checkpoint ${opts.checkpoint} holds a ${meta.algorithm} model`);
    Object.assign(flags, { ...meta.config, ...flags });
  }
  // the checkpoint's shard count: it fitted in wasm memory when the run trained (the default 8 need not: fmnist-paper);
  // evaluation does not depend on it
  const s = createSession(algo, dataset, flags, { shards: typeof meta.shards === 'number' ? meta.shards : undefined });
  let weightsUsed = opts.weights !== undefined ? 'the .npy files' : 'the checkpoint\'s weights';
  if (opts.weights !== undefined) {
    const info = DATASETS[dataset];
    const want = [info.channels * info.height * info.width, ...(flags.hidden as number[]), info.classes];
    if (matrices.length !== want.length - 1) throw new UsageError('--weights', `expected ${want.length - 1} weight files for layers ${want.join('-')}, got ${matrices.length}`);
    matrices.forEach((m, l) => {
      if (m.rows !== want[l + 1] || m.cols !== want[l]) throw new FileFormatError(m.file, `expected shape [${want[l + 1]}, ${want[l]}] for layer ${l}, got [${m.rows}, ${m.cols}]`);
      s.model.setWeights(l, m.data);
    });
  } else if (ck && isPackedModel(meta)) {
    // a packed binary model (export --format packed): the signs and the forward state, nothing to average
    if (!s.model.loadPackedState) throw new UsageError('--algo', `${algo.name} cannot load a packed binary model`);
    const file = String(opts.checkpoint), p = readPackedModel(file, ck);
    const want = s.model.weights();
    if (p.signs.length !== want.length) throw new FileFormatError(file, `packed model has ${p.signs.length} layers, its config builds ${want.length}`);
    p.signs.forEach((m, l) => { if (m.rows !== want[l].rows || m.cols !== want[l].cols) throw new FileFormatError(file, `packed layer ${l} is ${m.rows}x${m.cols}, its config builds ${want[l].rows}x${want[l].cols}`); });
    try { s.model.loadPackedState(p); } catch (e) { throw new FileFormatError(file, `packed model state: ${(e as Error).message}`); }
    weightsUsed = 'the packed binary model (1 bit per weight)';
  } else if (ck) {
    s.model.loadState({ scalars: meta.scalars, tensors: ck.tensors as Record<string, Float32Array | Float64Array> });
    // a run trained with --ema reported (and exported) its averaged weights: use those by default
    const avg = averagedFromCheckpoint(ck.tensors as Record<string, Float32Array | Float64Array>);
    if (avg.length && !opts.rawWeights) {
      if (!s.model.useWeights) throw new UsageError('--checkpoint', `${algo.name} cannot be evaluated with averaged weights`);
      s.model.useWeights(avg);
      weightsUsed = `exponential moving average (beta ${meta.average?.beta}, ${meta.averageSnapshots} snapshots)`;
    }
  }
  const nLayers = s.model.weights().length;
  const theta = flags.theta as number[] | undefined;
  const alpha = opts.alpha !== undefined ? parseList('--alpha', String(opts.alpha), false, 1e-12) : undefined;
  if (alpha && alpha.length !== nLayers) throw new UsageError('--alpha', `needs ${nLayers} values, got ${alpha.length}`);
  s.model.setLayerScalars({ theta: opts.theta !== undefined ? theta : undefined, alpha });
  return { session: s, flags, meta, weightsUsed };
}

/** The options that choose the trained model (shared by eval and spikes). */
export const TRAINED_MODEL_OPTIONS: [string, string][] = [
  ['--checkpoint <file>', 'a checkpoint written by snnwasm train, or a packed binary model (snnwasm export --format packed)'],
  ['--weights <files>', 'comma-separated .npy files, one [n_out, n_in] matrix per layer'],
  ['--alpha <values>', 'binary: per-layer scales (the reference keeps them outside the weight files)'],
  ['--raw-weights', 'a checkpoint trained with --ema: use its last raw weights instead of the averaged ones'],
];
