// sign(W) as binary forward passes read it: +1, -1, and 0 for a weight that is exactly 0 (BS4NN's
// `cp.sign`; the BNN's packer never meets one in practice, and a 0 it is given stays what it was).
import type { WeightMatrix } from './types.js';

export const sign = (w: number): number => (w > 0 ? 1 : w < 0 ? -1 : 0);

export function signMatrix(m: WeightMatrix): WeightMatrix { return { ...m, data: m.data.map(sign) }; }
