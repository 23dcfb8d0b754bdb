// S4NN (Kheradpisheh & Masquelier 2020): real-valued weights, exact spike-time backprop with
// relative targets. Defaults are the reference code's (SRKH/S4NN S4NN.py, algorithms.md 1.3).
import type { AlgorithmEntry } from './types.js';
import type { TtfsConfig } from './ttfs/config.js';
import { TtfsModel } from './ttfs/model.js';
import { TTFS_OPTIONS, resolveTtfsConfig } from './ttfs/options.js';

export const S4NN_DEFAULTS: TtfsConfig = {
  hidden: [400], theta: [100, 100], eta: [0.2, 0.2], etaDecay: 1, lambda: [1e-6, 1e-6], init: [[0, 5], [0, 48]],
  gamma: 3, tmax: 256, binary: false, alphaInit: [1, 1], alphaLr: [0, 0], encoding: 's4nn',
  noSpikeTarget: 'pull-label', deadNeuronReinit: 'inputs', deadFraction: 0.001,
};

export const s4nn: AlgorithmEntry<TtfsConfig> = {
  name: 's4nn',
  summary: 'S4NN: time-to-first-spike IF network, real weights, exact spike-time backprop',
  defaults: S4NN_DEFAULTS,
  // Fashion-MNIST [GAP]: S4NN was not published on it; BS4NN's paper compares with a real-valued
  // network of its architecture (hidden 1000, recalled). Measured (docs/ttfs.md): S4NN's dead-neuron
  // rule collapses it within 5-6 epochs (a woken neuron's stale negative outgoing weights silence the
  // outputs), so this dataset's default is 'revive'; a later first hidden spike (theta_hidden 400 against
  // 250 / 600) is worth about 5 points; eta 0.05 (0.2 oscillated, 0.02 was slower).
  datasetDefaults: { 'fashion-mnist': { hidden: [1000], theta: [400, 100], eta: [0.05, 0.05], deadNeuronReinit: 'revive' } },
  options: TTFS_OPTIONS,
  sampling: 'permutation',
  defaultEpochs: 40,
  defaultBatchSize: 1,
  resolve: (flags, dataset) => resolveTtfsConfig({ ...s4nn.defaults, ...s4nn.datasetDefaults?.[dataset] }, flags),
  create: (ctx, cfg) => new TtfsModel(ctx, cfg),
};
