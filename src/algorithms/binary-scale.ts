// The scale of sign(w) in a binary network's forward pass: one per layer, or one per output neuron /
// channel ('filter', XNOR-Net's per-filter scale). One option for both binary algorithms that have it:
// BS4NN learns it (src/algorithms/ttfs/neuron-scale.ts), STiDi-BP's --binary takes mean |w|
// (src/algorithms/stidi/network.ts).
import type { OptionSpec } from './types.js';

export const BINARY_SCALES = ['layer', 'filter'] as const;
export type BinaryScale = typeof BINARY_SCALES[number];

export const BINARY_SCALE_OPTION: OptionSpec = {
  flag: '--binary-scale', key: 'binaryScale', kind: 'choice', choices: [...BINARY_SCALES],
  help: 'binary networks: the scale of sign(w), one per layer (default) or one per output neuron / channel (filter); bs4nn learns it (a per-neuron threshold), stidi --binary takes mean |w|',
};
