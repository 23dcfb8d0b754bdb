// BS4NN (Kheradpisheh, Mirsadeghi & Masquelier 2021): S4NN with sign(W) in the forward pass, the
// real W updated, and a learned per-layer scale alpha (threshold theta/alpha). Defaults are the
// reference notebook's (SRKH/BS4NN BS4NN_mnist.ipynb, algorithms.md 2.2): eta 0.1, gamma 1,
// lambda 0, alpha [5, 5] learned at 0.01, no update when no output fires, draws with replacement.
import type { AlgorithmEntry } from './types.js';
import type { TtfsConfig } from './ttfs/config.js';
import { TtfsModel } from './ttfs/model.js';
import { TTFS_OPTIONS, resolveTtfsConfig } from './ttfs/options.js';

export const BS4NN_DEFAULTS: TtfsConfig = {
  hidden: [600], theta: [100, 100], eta: [0.1, 0.1], etaDecay: 1, lambda: [0, 0], init: [[0, 5], [0, 48]],
  gamma: 1, tmax: 256, binary: true, alphaInit: [5, 5], alphaLr: [0.01, 0.01], encoding: 'bs4nn',
  noSpikeTarget: 'none', deadNeuronReinit: 'off', deadFraction: 0.001,
};

export const bs4nn: AlgorithmEntry<TtfsConfig> = {
  name: 'bs4nn',
  summary: 'BS4NN: binary (sign) weights in a time-to-first-spike IF network, learned scale',
  defaults: BS4NN_DEFAULTS,
  // Fashion-MNIST [GAP in the notes]: the paper's hidden size is recalled as 1000; its thresholds are
  // unknown. With theta = 100 every hidden neuron of the all-positive initial network fires on the same
  // early spike count of F-MNIST's brighter images and training stays stuck in that symmetry (measured:
  // strict 15-25% after 2 x 20k samples); theta_hidden = 250 starts from later, more varied spikes (42-46%).
  datasetDefaults: { 'fashion-mnist': { hidden: [1000], theta: [250, 100] } },
  options: TTFS_OPTIONS,
  sampling: 'replacement',
  defaultEpochs: 200,
  defaultBatchSize: 1,
  resolve: (flags, dataset) => resolveTtfsConfig({ ...bs4nn.defaults, ...bs4nn.datasetDefaults?.[dataset] }, flags),
  create: (ctx, cfg) => new TtfsModel(ctx, cfg),
};
