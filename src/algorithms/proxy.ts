// Proxy learning (Kheradpisheh, Mirsadeghi, Masquelier, IEEE Access 2022): a deep conv IF network
// trained through a ReLU network that shares its weights. Defaults are the reference code's
// (Proxy_FashionMnist.ipynb, algorithms.md 4.2) except where docs/proxy.md says otherwise.
import type { AlgorithmEntry } from './types.js';
import type { ProxyConfig } from './proxy/network.js';
import { ProxyModel } from './proxy/model.js';
import { ARCHITECTURE_NAMES, architecture } from './proxy/models.js';
import { AUGMENTS } from './proxy/augment.js';
import { DATASETS, type DatasetName } from '../data/registry.js';
import { UsageError } from '../errors.js';

export const PROXY_DEFAULTS: Omit<ProxyConfig, 'input'> = {
  model: 'fmnist-small', T: 15, evalT: [5, 10, 15, 30], theta: 2.0,
  lr: 1e-4, lrDecay: 1, beta1: 0.8, beta2: 0.99, eps: 1e-8, weightDecay: 1e-6,
  bnMomentum: 0.1, bnEps: 1e-5, bnBatchEpochs: 1, bnRefresh: 0, chunk: 16, targetCount: 1, augment: 'crop26pad1', snnPath: 'sparse',
};

export const proxy: AlgorithmEntry<ProxyConfig> = {
  name: 'proxy',
  summary: 'proxy learning: conv IF network trained through a weight-sharing ReLU network (counts substituted for its output)',
  defaults: PROXY_DEFAULTS as ProxyConfig,
  datasetDefaults: {
    'cifar-10': { model: 'cifar10-small', augment: 'pad4crop-flip' },
  },
  options: [
    { flag: '--model', key: 'model', kind: 'choice', choices: ARCHITECTURE_NAMES, help: 'proxy: named architecture (src/algorithms/proxy/models.ts)' },
    { flag: '--T', key: 'T', kind: 'int', help: 'proxy: SNN time steps (reference 15)', min: 1, max: 10000 },
    { flag: '--eval-T', key: 'evalT', kind: 'ints', help: 'proxy: also report test accuracy after these numbers of time steps', min: 1, max: 10000 },
    // the same flag as s4nn/bs4nn's per-layer thresholds (one option table for all algorithms): one value here
    { flag: '--theta', key: 'theta', kind: 'floats', help: 'threshold per layer (one value, or one per layer); proxy: one IF threshold (reference 2.0)', min: 1e-9 },
    { flag: '--lr', key: 'lr', kind: 'float', help: 'Adam learning rate', min: 0 },
    { flag: '--lr-decay', key: 'lrDecay', kind: 'float', help: 'learning-rate factor per epoch; proxy: lr · decay^epoch (reference 1: constant)', min: 0, max: 1 },
    { flag: '--weight-decay', key: 'weightDecay', kind: 'float', help: 'proxy: coupled L2 weight decay (reference 1e-6)', min: 0 },
    { flag: '--chunk', key: 'chunk', kind: 'int', help: 'proxy: samples per workspace pass (the ghost-batch size of epoch-0 batch norm)', min: 1, max: 4096 },
    { flag: '--target-count', key: 'targetCount', kind: 'float', help: 'proxy: target spike count of the label (reference one-hot: 1)', min: 0 },
    { flag: '--augment', key: 'augment', kind: 'choice', choices: AUGMENTS, help: 'proxy: training augmentation' },
    { flag: '--snn-path', key: 'snnPath', kind: 'choice', choices: ['sparse', 'dense'], help: 'proxy: SNN layers add active inputs\' weights (sparse) or run GEMMs (dense)' },
    { flag: '--bn-batch-epochs', key: 'bnBatchEpochs', kind: 'int', help: 'proxy: epochs with batch-statistics BN before freezing (reference 1)', min: 0 },
    { flag: '--bn-refresh', key: 'bnRefresh', kind: 'int', help: 'proxy: at the start of each frozen-BN epoch, re-estimate the BN statistics on this many training samples with the current weights (reference 0: never)', min: 0 },
  ],
  sampling: 'permutation',
  evaluationKeys: ['evalT'],
  defaultEpochs: 100,
  defaultBatchSize: 100,
  resolve: (flags, dataset) => {
    const info = DATASETS[dataset as DatasetName];
    if (!info) throw new UsageError('--dataset', `unknown dataset ${dataset}`);
    if (Array.isArray(flags.theta)) {
      if (flags.theta.length !== 1) throw new UsageError('--theta', `proxy takes one threshold for every layer, got ${flags.theta.length} values`);
      flags = { ...flags, theta: flags.theta[0] };
    }
    const cfg = { ...proxy.defaults, ...proxy.datasetDefaults?.[dataset], ...flags,
      input: { channels: info.channels, height: info.height, width: info.width } } as ProxyConfig;
    architecture(cfg.model);
    if (!(cfg.lr > 0)) throw new UsageError('--lr', 'must be > 0');
    if (cfg.augment === 'crop26pad1' && info.height < 3) throw new UsageError('--augment', 'crop26pad1 needs images of at least 3x3');
    cfg.evalT = [...new Set(cfg.evalT)].sort((a, b) => a - b);
    return cfg;
  },
  create: (ctx, cfg) => new ProxyModel(ctx, cfg),
};
