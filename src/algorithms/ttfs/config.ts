// Hyper-parameters of the time-to-first-spike family (S4NN, BS4NN). Defaults follow the authors'
// reference code (algorithms.md 1.3 and 2.2); the registry in src/algorithms/registry.ts holds them.
import type { TtfsEncoding } from './encode.js';
import type { NoSpikeTarget } from './targets.js';
import type { BinaryScale } from '../binary-scale.js';

export const DEAD_NEURON_RULES = ['inputs', 'revive', 'off'] as const;
export type DeadNeuronRule = typeof DEAD_NEURON_RULES[number];

/** the rule of a config, also for checkpoints written when it was a boolean */
export function deadNeuronRule(cfg: TtfsConfig): DeadNeuronRule {
  const r = cfg.deadNeuronReinit;
  return r === true ? 'inputs' : r === false ? 'off' : r;
}

export interface TtfsConfig {
  /** hidden layer sizes, e.g. [600] */
  hidden: number[];
  /** thresholds per layer (hidden..., output) */
  theta: number[];
  /** learning rates per layer */
  eta: number[];
  /** learning rates are eta · etaDecay^epoch (the reference codes: 1, constant) */
  etaDecay: number;
  /** L2 decay per layer, applied every update */
  lambda: number[];
  /** init U[lo, hi] per layer */
  init: [number, number][];
  gamma: number;
  tmax: number;
  /** forward with sign(w) and a learned per-layer scale alpha (BS4NN) */
  binary: boolean;
  alphaInit: number[];
  alphaLr: number[];
  /** binary: one learned scale per layer (the reference code; absent in older checkpoints) or one per output
   *  neuron ('filter', neuron-scale.ts) */
  binaryScale?: BinaryScale;
  /** threshold homeostasis (--target-firing, homeostasis.ts; not in the reference codes, off by default):
   *  per layer, the share of neurons that should fire per sample, 0 = fixed threshold */
  targetFiring?: number[];
  /** its rate: theta_l *= 1 + thetaRate (r_l - target_l) after every update (default 0.01) */
  thetaRate?: number;
  encoding: TtfsEncoding;
  /** latency t = floor((255 - p)^k span / 255^k) (encode.ts); 1 is the reference codes' linear code.
   *  Absent in checkpoints from before the option: 1. */
  latencyPower?: number;
  noSpikeTarget: NoSpikeTarget;
  /** hidden neurons that fired on < deadFraction of an epoch's samples, at the epoch's end: 'inputs' (S4NN's
   *  rule) redraws their input weights; 'revive' also zeroes their outgoing weights, so the network's
   *  function does not jump (docs/ttfs.md); 'off' (BS4NN's code) leaves them. Checkpoints from before the
   *  choice existed hold true / false, read as 'inputs' / 'off'. */
  deadNeuronReinit: DeadNeuronRule | boolean;
  deadFraction: number;
}

/** Per-layer arrays may be given with one value for all layers, one per layer, or (for deeper
 *  networks) two values read as "every hidden layer, then the output layer" (the reference codes'
 *  defaults are such pairs); expand them to nLayers. */
export function perLayer(values: number[], nLayers: number): number[] {
  if (values.length === nLayers) return values;
  if (values.length === 1) return Array(nLayers).fill(values[0]);
  if (values.length === 2 && nLayers > 2) return [...Array(nLayers - 1).fill(values[0]), values[1]];
  const forms = nLayers === 2 ? '1 or 2 values (hidden, output)' : `1, 2 (hidden, output) or ${nLayers} values (one per layer)`;
  throw new Error(`needs ${forms}, got ${values.length}`);
}
