// An S4NN / BS4NN network as a NIR graph (src/interop/nir-graph.ts), step for step the simulation `eval` runs:
// per layer Linear -> IF -> Delay(1). The IF neuron is non-leaky with r 1 and fires at v > v_threshold, the
// reference codes' strict test; each spike then reaches the next layer one step later (the codes' "argmax + 1"),
// which is the Delay. A neuron fires at most once: v_reset is -1e30, so nothing after its first spike brings it
// back to threshold. BS4NN's forward weights are sign(W) in {-1, 0, +1} and its threshold theta / alpha on the
// integer count, so v_threshold is floor(theta / alpha) (per neuron with --binary-scale filter). What NIR has no
// node for travels in the metadata: the input code (one spike per pixel at its latency, a table of 256 steps),
// the simulation length and the decision by the earliest output spike.
import { filled, sequentialGraph, type NirGraph, type NirNode } from '../../interop/nir-graph.js';
import { CODE_VERSION } from '../../version.js';

export interface TtfsNirLayer {
  nIn: number; nOut: number;
  /** [nOut][nIn] forward weights (sign(W) for binary layers) */
  weight: Float32Array;
  /** per output neuron: fires when its potential exceeds this */
  threshold: Float32Array;
}

/** "Never again" reset: far below any potential a layer's bounded weights can add back. */
export const SINGLE_SPIKE_RESET = -1e30;

export function ttfsNir(algorithm: string, layers: TtfsNirLayer[], tmax: number, latency: Int32Array, lastInput: number, binary: boolean): NirGraph {
  const chain: [string, NirNode][] = [];
  layers.forEach((L, l) => {
    chain.push([`linear${l}`, { type: 'Linear', weight: { shape: [L.nOut, L.nIn], data: L.weight } }]);
    chain.push([`if${l}`, { type: 'IF', r: filled([L.nOut], 1), vThreshold: { shape: [L.nOut], data: L.threshold }, vReset: filled([L.nOut], SINGLE_SPIKE_RESET) }]);
    chain.push([`delay${l}`, { type: 'Delay', delay: filled([L.nOut], 1) }]);
  });
  return sequentialGraph([layers[0].nIn], chain, {
    producer: `snnwasm ${CODE_VERSION}`,
    algorithm,
    coding: 'time-to-first-spike',
    dt: 1,
    time_steps: tmax,
    input: `each input i spikes once, at step input_latency_by_pixel[p_i] (p_i its 0-255 pixel value), if that step is <= ${lastInput}; otherwise it never spikes`,
    input_latency_by_pixel: Array.from(latency),
    input_last_step: lastInput,
    decision: `run steps 0..${tmax - 1}; the class is the output unit that spikes first; a tie (or no output spike) is wrong under snnwasm's strict rule. The reference codes' rule also accepts the label among tied first spikes, and with no output spike falls back to the largest output potential at step ${tmax - 3}`,
    single_spike: `every IF neuron fires at most once: v_reset ${SINGLE_SPIKE_RESET} keeps it below threshold after its first spike`,
    weights: binary ? 'sign(W) of the latent real weights; the learned scale alpha is folded into v_threshold = floor(theta / alpha) on the integer count' : 'the real weights',
  });
}
