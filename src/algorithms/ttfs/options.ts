// The command-line options shared by the time-to-first-spike algorithms, and their validation.
import { UsageError } from '../../errors.js';
import type { OptionSpec } from '../types.js';
import type { TtfsConfig } from './config.js';
import { DEAD_NEURON_RULES, perLayer } from './config.js';
import { MAX_LATENCY_POWER } from './encode.js';
import { NO_SPIKE_TARGETS, type NoSpikeTarget } from './targets.js';
import { BINARY_SCALE_OPTION } from '../binary-scale.js';
import { TARGET_FIRING_OPTION, THETA_RATE_OPTION, resolveTargetFiring } from '../homeostasis.js';

export const TTFS_OPTIONS: OptionSpec[] = [
  { flag: '--hidden', key: 'hidden', kind: 'ints', help: 'hidden layer sizes, comma-separated (e.g. 600 or 400,400)', min: 1, max: 32766 },
  { flag: '--theta', key: 'theta', kind: 'floats', help: 'threshold per layer (one value, or one per layer)', min: 1e-9 },
  { flag: '--eta', key: 'eta', kind: 'floats', help: 'learning rate per layer', min: 0 },
  { flag: '--eta-decay', key: 'etaDecay', kind: 'float', help: 'multiply the learning rates by this after every epoch (default 1: the reference codes\' constant rate)', min: 0, max: 1 },
  { flag: '--lambda', key: 'lambda', kind: 'floats', help: 'L2 weight decay per layer', min: 0 },
  { flag: '--gamma', key: 'gamma', kind: 'int', help: 'target margin (time steps)', min: 0, max: 255 },
  { flag: '--tmax', key: 'tmax', kind: 'int', help: 'simulation length (the encodings assume 256)', min: 4, max: 4096 },
  { flag: '--init-hidden', key: 'initHidden', kind: 'floats', help: 'hidden init range lo,hi' },
  { flag: '--init-output', key: 'initOutput', kind: 'floats', help: 'output init range lo,hi' },
  { flag: '--alpha-init', key: 'alphaInit', kind: 'floats', help: 'binary: initial scale per layer', min: 1e-9 },
  { flag: '--dead-neuron-reinit', key: 'deadNeuronReinit', kind: 'choice', choices: [...DEAD_NEURON_RULES], help: 'hidden neurons silent on < 0.1% of an epoch: inputs (S4NN: redraw input weights), revive (also zero outgoing weights), off' },
  { flag: '--latency-power', key: 'latencyPower', kind: 'int', help: 'input code t = (255-p)^k·tmax/255^k: 1 is the reference codes\' linear code, 2 or 3 move dim pixels earlier (docs/ttfs.md)', min: 1, max: MAX_LATENCY_POWER },
  { flag: '--silent-target', key: 'silentTarget', kind: 'choice', choices: [...NO_SPIKE_TARGETS], help: 'when no output fires: pull-label (S4NN\'s code: the label\'s target is tmax - gamma) or none (BS4NN\'s code: no error, no update)' },
  { flag: '--alpha-lr', key: 'alphaLr', kind: 'floats', help: 'binary: scale learning rate per layer', min: 0 },
  BINARY_SCALE_OPTION,
  TARGET_FIRING_OPTION,
  THETA_RATE_OPTION,
];

export type TtfsFlags = Partial<TtfsConfig> & { initHidden?: number[]; initOutput?: number[]; silentTarget?: NoSpikeTarget };

/** Expands per-layer values and checks ranges; throws UsageError naming the flag. */
export function resolveTtfsConfig(base: TtfsConfig, flags: TtfsFlags): TtfsConfig {
  const { silentTarget, ...rest } = flags;
  const cfg: TtfsConfig = { ...base, ...stripUndefined(rest) } as TtfsConfig;
  if (silentTarget !== undefined) cfg.noSpikeTarget = silentTarget;
  const n = cfg.hidden.length + 1;
  const expand = (key: 'theta' | 'eta' | 'lambda' | 'alphaInit' | 'alphaLr', flag: string): number[] => {
    try { return perLayer(cfg[key], n); } catch (e) { throw new UsageError(flag, (e as Error).message); }
  };
  cfg.theta = expand('theta', '--theta');
  cfg.eta = expand('eta', '--eta');
  cfg.lambda = expand('lambda', '--lambda');
  cfg.alphaInit = expand('alphaInit', '--alpha-init');
  cfg.alphaLr = expand('alphaLr', '--alpha-lr');
  const hi = flags.initHidden ?? base.init[0];
  const out = flags.initOutput ?? base.init[base.init.length - 1];
  for (const [r, flag] of [[hi, '--init-hidden'], [out, '--init-output']] as const) {
    if (r.length !== 2 || !(r[0] <= r[1])) throw new UsageError(flag, `needs lo,hi with lo <= hi, got ${r.join(',')}`);
  }
  cfg.init = Array.from({ length: n }, (_, l) => (l === n - 1 ? [out[0], out[1]] : [hi[0], hi[1]]) as [number, number]);
  if (cfg.binary && cfg.alphaInit.some((a) => !(a > 0))) throw new UsageError('--alpha-init', 'scales must be > 0');
  if (cfg.binaryScale === 'filter' && !cfg.binary) throw new UsageError('--binary-scale', 'filter applies to binary networks (bs4nn) only');
  if (cfg.theta.some((t) => !(t > 0))) throw new UsageError('--theta', 'thresholds must be > 0');
  if (flags.targetFiring !== undefined) cfg.targetFiring = resolveTargetFiring(flags.targetFiring, n);
  if (flags.thetaRate !== undefined && !cfg.targetFiring) throw new UsageError('--theta-rate', 'needs --target-firing');
  return cfg;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
