// sign(W) as binary forward passes read it: +1, -1, and 0 for a weight that is exactly 0 (BS4NN's
// `cp.sign`; the BNN's packer never meets one in practice, and a 0 it is given stays what it was).
import type { PackedState, WeightMatrix } from './types.js';

export const sign = (w: number): number => (w > 0 ? 1 : w < 0 ? -1 : 0);

export function signMatrix(m: WeightMatrix): WeightMatrix { return { ...m, data: m.data.map(sign) }; }

/** theta and alpha per layer, as the time-to-first-spike models (BS4NN, STiDi-BP) keep them in a packed model's scalars. */
export function packedThetaAlpha(p: PackedState, layers: number): { theta: number[]; alpha: number[] } {
  const { theta, alpha } = p.scalars;
  if (!Array.isArray(theta) || theta.length !== layers || !Array.isArray(alpha) || alpha.length !== layers) throw new Error(`needs theta and alpha for ${layers} layers`);
  return { theta, alpha };
}

/** The packed state of a time-to-first-spike model (BS4NN, STiDi-BP): the signs of its weights, theta and alpha per
 *  layer, and its own extra tensors (per-neuron scales, a layer kept real). */
export function ttfsPackedState(weights: WeightMatrix[], theta: number[], alpha: number[], tensors: PackedState['tensors']): PackedState {
  return { signs: weights.map(signMatrix), scalars: { theta, alpha }, tensors };
}
