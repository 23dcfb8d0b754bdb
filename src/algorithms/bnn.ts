// The plain binarised network (BinaryNet-style) of BS4NN's architecture: the paper's baseline.
import type { AlgorithmEntry } from './types.js';
import type { BnnConfig } from './bnn/network.js';
import { BnnModel } from './bnn/model.js';
import { UsageError } from '../errors.js';

// Small latent weights (U[-0.05, 0.05], about Glorot's range for 784-600) so that Adam steps of a few
// 1e-3 flip signs within an epoch: with U[-1, 1] (our first default) a sign needed hundreds of steps
// to flip and the network underfit (MNIST 93.3% train and test after 30 epochs; README, docs/ttfs.md).
export const BNN_DEFAULTS: BnnConfig = { hidden: [600], lr: 3e-3, lrDecay: 0.95, beta1: 0.9, beta2: 0.999, eps: 1e-8, initScale: 0.05, muMomentum: 0.01 };

export const bnn: AlgorithmEntry<BnnConfig> = {
  name: 'bnn',
  summary: 'BNN baseline: +-1 weights and activations, XNOR/AND-popcount forward, straight-through Adam',
  defaults: BNN_DEFAULTS,
  datasetDefaults: { 'fashion-mnist': { hidden: [1000] } },
  options: [
    { flag: '--hidden', key: 'hidden', kind: 'ints', help: 'hidden layer sizes, comma-separated', min: 1, max: 32766 },
    { flag: '--lr', key: 'lr', kind: 'float', help: 'Adam learning rate', min: 0 },
    { flag: '--init-scale', key: 'initScale', kind: 'float', help: 'latent weights start in U[-s, s]', min: 0, max: 1 },
    { flag: '--lr-decay', key: 'lrDecay', kind: 'float', help: 'learning-rate factor per epoch', min: 0, max: 1 },
  ],
  sampling: 'permutation',
  defaultEpochs: 30,
  defaultBatchSize: 100,
  resolve: (flags, dataset) => {
    const cfg = { ...bnn.defaults, ...bnn.datasetDefaults?.[dataset], ...flags } as BnnConfig;
    if (!(cfg.lr > 0)) throw new UsageError('--lr', 'must be > 0');
    return cfg;
  },
  create: (ctx, cfg) => new BnnModel(ctx, cfg),
};
