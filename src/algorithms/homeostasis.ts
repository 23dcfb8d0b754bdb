// Threshold homeostasis (intrinsic plasticity), shared by the time-to-first-spike algorithms that
// offer it (stidi, s4nn, bs4nn): after every update each layer with a target share r̄_l of neurons
// firing per sample moves its threshold by
//   theta_l <- theta_l (1 + rate (r_l - r̄_l))
// with r_l the mean share of the layer's neurons that fired on the samples since the last update.
// A layer that fires more than its target reads its inputs at a higher threshold. Multiplication
// and addition only (no library exp), so the thresholds are the same bits on every platform.
// Why: hidden layers trained by these rules drift toward all-firing (docs/stidi-bp.md §4.7,
// docs/ttfs.md "BS4NN on Fashion-MNIST").
import { UsageError } from '../errors.js';
import { perLayer } from './ttfs/config.js';
import type { OptionSpec } from './types.js';

export const TARGET_FIRING_OPTION: OptionSpec = {
  flag: '--target-firing', key: 'targetFiring', kind: 'floats', min: 0, max: 1,
  help: 'stidi, s4nn, bs4nn: per layer, the share of neurons that should fire per sample; the layer threshold adapts toward it (0: fixed threshold, the default)',
};

export const THETA_RATE_OPTION: OptionSpec = {
  flag: '--theta-rate', key: 'thetaRate', kind: 'float', min: 0, max: 1,
  help: 'with --target-firing: threshold adaptation rate, theta *= 1 + rate (fired share - target) per update (default 0.01)',
};

export const DEFAULT_THETA_RATE = 0.01;

/** Why weights of a run with moving thresholds are not averaged (--ema): an average over ~20,000
 *  samples mixes weights trained against different thresholds (measured to silence the outputs). */
export const HOMEOSTASIS_EMA_REFUSAL = 'cannot be combined with --target-firing (the thresholds move while the weights are averaged: docs/stidi-bp.md §4.7)';

/** True when some layer has a non-zero target. */
export function hasTargets(target: readonly number[] | undefined): target is number[] {
  return !!target && target.some((r) => r > 0);
}

/** The per-layer targets of --target-firing, one value or one per layer (n layers); UsageError names the flag. */
export function resolveTargetFiring(targets: number[], n: number): number[] {
  try { return perLayer(targets, n); } catch (e) { throw new UsageError('--target-firing', (e as Error).message); }
}

/**
 * One adaptation step: firing holds, per layer, the sum of the fired shares of the samples since the
 * last update, then their count (firing[nLayers]); every layer with a target moves its threshold to
 * theta (1 + rate (mean share - target)). Clears firing, so nothing is pending between updates.
 */
export function adaptThresholds(firing: Float64Array, nLayers: number, target: readonly number[] | undefined, rate: number | undefined,
  theta: (l: number) => number, setTheta: (l: number, v: number) => void): void {
  const n = firing[nLayers];
  if (target && n > 0) {
    const r = rate ?? DEFAULT_THETA_RATE;
    for (let l = 0; l < nLayers; l++) if (target[l] > 0) setTheta(l, theta(l) * (1 + r * (firing[l] / n - target[l])));
  }
  firing.fill(0);
}
