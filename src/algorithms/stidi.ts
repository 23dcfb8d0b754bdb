// STiDi-BP (Mirsadeghi, Shalchian, Kheradpisheh & Masquelier): temporal-coded convolutional SNNs
// with a piecewise-linear PSP and layer-local spike-time displacement learning, real or binary
// (--binary) weights. No reference code exists; every choice is derived in docs/stidi-bp.md.
import type { AlgorithmEntry } from './types.js';
import type { StidiConfig } from './stidi/config.js';
import { STIDI_MODELS } from './stidi/config.js';
import { StidiModel } from './stidi/model.js';
import { STIDI_OPTIONS, resolveStidiConfig } from './stidi/options.js';

export const stidi: AlgorithmEntry<StidiConfig> = {
  name: 'stidi',
  summary: 'STiDi-BP: convolutional time-to-first-spike SNN, ramp PSP, layer-local spike-time displacement (--binary: sign weights)',
  defaults: { ...STIDI_MODELS['stidi-mnist'], model: 'stidi-mnist', binary: false, imageShape: { channels: 1, height: 28, width: 28 } },
  options: STIDI_OPTIONS,
  sampling: 'permutation',
  defaultEpochs: 10,
  defaultBatchSize: 1,
  resolve: (flags, dataset) => resolveStidiConfig(flags, dataset),
  create: (ctx, cfg) => new StidiModel(ctx, cfg),
};
