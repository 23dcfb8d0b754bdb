// STiDi-BP's command-line options and their validation (UsageError names the flag).
import { UsageError } from '../../errors.js';
import { DATASETS, type DatasetName } from '../../data/registry.js';
import type { OptionSpec } from '../types.js';
import { perLayer } from '../ttfs/config.js';
import { INPUT_CODES, codedChannels, type InputCode } from './input-code.js';
import { TARGET_FIRING_OPTION, THETA_RATE_OPTION, resolveTargetFiring } from '../homeostasis.js';
import { BINARY_SCALE_OPTION, type BinaryScale } from '../binary-scale.js';
import { STIDI_MODELS, STIDI_MODEL_NAMES, defaultStidiModel, type StidiConfig } from './config.js';

export const STIDI_OPTIONS: OptionSpec[] = [
  { flag: '--model', key: 'model', kind: 'choice', choices: STIDI_MODEL_NAMES, help: 'stidi: architecture (default: stidi-fmnist for fashion-mnist, else stidi-mnist)' },
  { flag: '--fc', key: 'fc', kind: 'ints', help: 'stidi: hidden fully connected layer sizes after the conv layers (e.g. 200); their init is the output range scaled to the fan-in', min: 1, max: 4096 },
  { flag: '--binary', key: 'binary', kind: 'bool', help: 'stidi: binary CSNN (sign(w) forward with a per-layer scale, real w learned)' },
  { flag: '--maps', key: 'maps', kind: 'ints', help: 'stidi: feature maps per conv layer, comma-separated', min: 1, max: 256 },
  { flag: '--theta', key: 'theta', kind: 'floats', help: 'threshold per layer (one value, or one per layer)', min: 1e-9 },
  { flag: '--eta', key: 'eta', kind: 'floats', help: 'learning rate per layer', min: 0 },
  { flag: '--eta-decay', key: 'etaDecay', kind: 'float', help: 'stidi: multiply the learning rates by this after every epoch (default 1)', min: 0, max: 1 },
  { flag: '--lambda', key: 'lambda', kind: 'floats', help: 'L2 weight decay per layer', min: 0 },
  { flag: '--gamma', key: 'gamma', kind: 'int', help: 'target margin (time steps)', min: 0, max: 255 },
  { flag: '--tmax', key: 'tmax', kind: 'int', help: 'simulation length (the encodings assume 256)', min: 4, max: 4096 },
  { flag: '--center', key: 'center', kind: 'bool', help: 'stidi: remove the layer mean from hidden displacements (default true)' },
  { flag: '--input-code', key: 'inputCode', kind: 'choice', choices: [...INPUT_CODES], help: 'stidi: input spike times from pixel intensity (default, S4NN\'s code) or from on/off difference-of-Gaussians contrast (dog: two channels per image channel)' },
  TARGET_FIRING_OPTION,
  THETA_RATE_OPTION,
  BINARY_SCALE_OPTION,
  { flag: '--real-layers', key: 'realLayers', kind: 'ints', help: 'stidi --binary: layers kept real-valued, by index from 0 (e.g. 0: the first conv layer, as binary networks usually keep it)', min: 0, max: 64 },
  { flag: '--shift', key: 'shift', kind: 'int', help: 'stidi: training augmentation, each training image moved by up to N pixels in y and x (zero fill; 0: none, the default)', min: 0, max: 8 },
  { flag: '--revive', key: 'revive', kind: 'float', help: 'stidi: gain of the "fire earlier" displacement given to silent hidden neurons (0: none, the default; docs/stidi-bp.md §4.8)', min: 0, max: 100 },
  { flag: '--tau', key: 'tau', kind: 'ints', help: 'stidi: PSP rise time in steps (K(s) = min(max(s,0)/tau, 1)), one value or one per layer', min: 1, max: 4096 },
];

export interface StidiFlags {
  /** a whole resolved config (a checkpoint's) may come back through resolve: its layers and init are kept */
  convs?: StidiConfig['convs']; init?: StidiConfig['init']; fc?: number[];
  model?: string; binary?: boolean; maps?: number[]; theta?: number[]; eta?: number[]; lambda?: number[];
  gamma?: number; tmax?: number; tau?: number | number[]; center?: boolean; etaDecay?: number; inputCode?: InputCode;
  targetFiring?: number[]; thetaRate?: number; binaryScale?: BinaryScale; realLayers?: number[]; shift?: number; revive?: number;
}

export function resolveStidiConfig(flags: StidiFlags, dataset: string): StidiConfig {
  const model = flags.model ?? defaultStidiModel(dataset);
  const base = STIDI_MODELS[model];
  if (!base) throw new UsageError('--model', `unknown model "${model}" (known: ${STIDI_MODEL_NAMES.join(', ')})`);
  const info = DATASETS[dataset as DatasetName];
  if (!info) throw new UsageError('--dataset', `unknown dataset "${dataset}"`);
  const cfg: StidiConfig = {
    ...structuredClone(base), model, binary: flags.binary ?? false,
    imageShape: { channels: info.channels, height: info.height, width: info.width },
  };
  if (flags.convs) cfg.convs = structuredClone(flags.convs);
  if (flags.init) cfg.init = structuredClone(flags.init);
  if (flags.maps) {
    if (flags.maps.length !== cfg.convs.length) throw new UsageError('--maps', `needs ${cfg.convs.length} values (one per conv layer of ${model}), got ${flags.maps.length}`);
    cfg.convs = cfg.convs.map((c, l) => ({ ...c, maps: flags.maps![l] }));
  }
  if (flags.fc) {
    // new FC layers start like the output layer scaled to their fan-in (same mean drive per neuron)
    const last = pooledShapes(cfg).at(-1)!;
    const fanIn = (l: number): number => (l === 0 ? last.c * last.h * last.w : flags.fc![l - 1]);
    if (!flags.init) {
      const [lo, hi] = cfg.init[cfg.init.length - 1], base = fanIn(0);
      cfg.init = [...cfg.init.slice(0, cfg.convs.length), ...[...flags.fc, 0].map((_, l) => [lo * base / fanIn(l), hi * base / fanIn(l)] as [number, number])];
    }
    cfg.fc = [...flags.fc];
  }
  for (const key of ['gamma', 'tmax', 'etaDecay', 'shift', 'revive'] as const) if (flags[key] !== undefined) cfg[key] = flags[key]!;
  if (flags.center !== undefined) cfg.center = flags.center;
  if (flags.inputCode !== undefined) cfg.inputCode = flags.inputCode;
  const n = cfg.convs.length + cfg.fc.length + 1;
  const list = (key: 'theta' | 'eta' | 'lambda', flag: string): number[] => {
    try { return perLayer(flags[key] ?? cfg[key], n); } catch (e) { throw new UsageError(flag, (e as Error).message); }
  };
  // one value keeps the scalar form (every layer, as checkpoints from before per-layer values hold it)
  if (flags.tau !== undefined) {
    const tau = ([] as number[]).concat(flags.tau); // a checkpoint's config may hold the scalar form
    try { cfg.tau = tau.length === 1 ? tau[0] : perLayer(tau, n); } catch (e) { throw new UsageError('--tau', (e as Error).message); }
  }
  cfg.theta = list('theta', '--theta');
  cfg.eta = list('eta', '--eta');
  cfg.lambda = list('lambda', '--lambda');
  if (flags.targetFiring !== undefined) cfg.targetFiring = resolveTargetFiring(flags.targetFiring, n);
  if (flags.thetaRate !== undefined) cfg.thetaRate = flags.thetaRate;
  if (flags.binaryScale !== undefined) {
    if (flags.binaryScale === 'filter' && !cfg.binary) throw new UsageError('--binary-scale', 'applies to binary networks only (add --binary)');
    cfg.binaryScale = flags.binaryScale;
  }
  if (flags.realLayers !== undefined) {
    if (!cfg.binary) throw new UsageError('--real-layers', 'applies to binary networks only (add --binary)');
    const bad = flags.realLayers.find((l) => l >= n);
    if (bad !== undefined) throw new UsageError('--real-layers', `layer ${bad} does not exist (${model} has layers 0..${n - 1})`);
    const real = [...new Set(flags.realLayers)].sort((a, b) => a - b);
    if (real.length === n) throw new UsageError('--real-layers', `would keep every layer real: drop --binary instead`);
    cfg.realLayers = real;
  }
  if (cfg.init.length !== n) throw new UsageError('--model', `${model}: init needs ${n} ranges (one per layer), got ${cfg.init.length}`);
  if (cfg.gamma >= cfg.tmax) throw new UsageError('--gamma', `must be below --tmax (${cfg.tmax})`);
  // the geometry must leave at least one neuron per map after every conv and pooling
  pooledShapes(cfg).slice(1).forEach(({ h, w }, l) => {
    if (h < 1 || w < 1) throw new UsageError('--model', `${model}: conv layer ${l} leaves no output on ${dataset}'s ${info.height}x${info.width} images`);
  });
  return cfg;
}

/** The map (channels, height, width) entering the network and after each conv layer with its pooling (valid conv, stride 1). */
function pooledShapes(cfg: StidiConfig): { c: number; h: number; w: number }[] {
  const out = [{ c: codedChannels(cfg.inputCode, cfg.imageShape.channels), h: cfg.imageShape.height, w: cfg.imageShape.width }];
  for (const cv of cfg.convs) {
    const p = out[out.length - 1];
    out.push({ c: cv.maps, h: Math.floor((p.h - cv.kernel + 1) / cv.pool), w: Math.floor((p.w - cv.kernel + 1) / cv.pool) });
  }
  return out;
}
