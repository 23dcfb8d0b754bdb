// Exponential moving average of a model's weights (Polyak-Ruppert averaging, `--ema beta`): the model
// that is evaluated and exported is the average of the weights along the training trajectory, while
// training itself goes on from the raw weights. Why: S4NN, BS4NN and STiDi-BP normalise every update
// to a fixed length, so with a constant rate the raw weights keep moving by a fixed amount per sample
// and the test accuracy swings from epoch to epoch (docs/ttfs.md, docs/stidi-bp.md); the average sits
// near the middle of that wandering. The average is kept in float64 on the main thread and updated in
// a fixed order every `every` training samples, so it is deterministic and resumes exactly (checkpoint
// tensors `ema.<layer>`).
import type { Model, WeightMatrix } from '../algorithms/types.js';
import { UsageError } from '../errors.js';
import { crossedMultiple } from './schedule.js';

export interface AverageOptions {
  /** a <- beta a + (1 - beta) w at every snapshot; the first snapshot starts the average */
  beta: number;
  /** training samples between snapshots */
  every: number;
}

export const AVERAGE_TENSOR_PREFIX = 'ema.';

export class WeightAverage {
  private avg: Float64Array[] | null = null;
  snapshots = 0;
  constructor(readonly opts: AverageOptions, algorithm: string, model: Model) {
    if (!model.useWeights) throw new UsageError('--ema', `${algorithm} does not support weight averaging (its evaluation depends on state besides the weights)`);
    if (model.averagingUnsupported) throw new UsageError('--ema', model.averagingUnsupported);
  }

  /** after an update that took the sample count from `before` to `after`: a snapshot at every multiple of `every` crossed */
  observe(model: Model, before: number, after: number): void {
    if (crossedMultiple(before, after, this.opts.every)) this.snapshot(model);
  }

  snapshot(model: Model): void {
    const w = model.weights();
    if (!this.avg) this.avg = w.map((m) => Float64Array.from(m.data));
    else {
      const b = this.opts.beta, c = 1 - b;
      w.forEach((m, l) => {
        const a = this.avg![l], x = m.data;
        for (let i = 0; i < a.length; i++) a[i] = b * a[i] + c * x[i];
      });
    }
    this.snapshots++;
  }

  get ready(): boolean { return this.avg !== null; }

  /** Runs fn with the averaged weights in the model, then puts the model back exactly as it was. */
  async withAveraged<T>(model: Model, fn: () => Promise<T>): Promise<T> {
    if (!this.avg) return fn();
    const saved = model.state();
    model.useWeights!(this.avg.map((a) => Float32Array.from(a)));
    try {
      return await fn();
    } finally {
      model.loadState(saved);
    }
  }

  /** The averaged weights in the model's export layout (the raw weights until the first snapshot). */
  weights(model: Model): WeightMatrix[] {
    const w = model.weights();
    return this.avg ? w.map((m, l) => ({ ...m, data: Float32Array.from(this.avg![l]) })) : w;
  }

  tensors(): Record<string, Float64Array> {
    return Object.fromEntries((this.avg ?? []).map((a, l) => [`${AVERAGE_TENSOR_PREFIX}${l}`, a.slice()]));
  }

  load(tensors: Record<string, Float32Array | Float64Array>, snapshots: number): void {
    const avg = storedAverage(tensors);
    this.avg = avg.length ? avg.map((t) => Float64Array.from(t)) : null;
    this.snapshots = snapshots;
  }
}

/** The average's tensors ema.0, ema.1, ... of a checkpoint, in layer order (empty: the run did not average). */
function storedAverage(tensors: Record<string, Float32Array | Float64Array>): (Float32Array | Float64Array)[] {
  const out: (Float32Array | Float64Array)[] = [];
  for (let l = 0; tensors[`${AVERAGE_TENSOR_PREFIX}${l}`]; l++) out.push(tensors[`${AVERAGE_TENSOR_PREFIX}${l}`]);
  return out;
}

/** The averaged weights stored in a checkpoint's tensors, as f32 per layer (empty: none). */
export function averagedFromCheckpoint(tensors: Record<string, Float32Array | Float64Array>): Float32Array[] {
  return storedAverage(tensors).map((t) => Float32Array.from(t));
}
