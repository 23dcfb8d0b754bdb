// The proxy-trained SNN as a NIR graph (src/interop/nir-graph.ts): exactly the network `eval` simulates, with
// the frozen SNN batch norm folded into each conv (weight a_c w, bias s_c; a and s from the running statistics,
// as in evaluation). The first conv reads the image (pixels / 255) as a constant current at every step;
// every conv and fc drives IF neurons (r 1, reset to 0); 2x2 OR pooling of spike maps is SumPool2d followed by
// Threshold 0.5 (a window's sum of 0/1 spikes exceeds 0.5 iff one of them spiked); a Flatten (channel-major,
// as our activations and PyTorch's) comes before the first fc. The output is the last layer's IF spikes;
// the class is the unit with the most spikes over T steps (metadata).
import { filled, sequentialGraph, type NirGraph, type NirNode } from '../../interop/nir-graph.js';
import { CODE_VERSION } from '../../version.js';
import type { ProxyNetwork } from './network.js';

/** The largest float32 below x (x > 0): our IF fires at v >= theta, NIR's at v > v_threshold; in float32 these agree. */
export function f32Below(x: number): number {
  const b = new Float32Array([x]), u = new Uint32Array(b.buffer);
  u[0] -= 1;
  return b[0];
}

export function proxyNir(net: ProxyNetwork, model: string, T: number, theta: number): NirGraph {
  const { channels, height, width } = net.cfg.input;
  const chain: [string, NirNode][] = [];
  let flat = false, shape = [channels, height, width];
  const ifNode = (n: number[]): NirNode => ({ type: 'IF', r: filled(n, 1), vThreshold: filled(n, f32Below(theta)), vReset: filled(n, 0) });
  net.plan.layers.forEach((L, l) => {
    if (L.kind === 'conv') {
      const { w, a, s } = net.frozenLayer(l);
      const K = L.cin * L.k * L.k, folded = new Float32Array(w.length);
      for (let c = 0; c < L.cout; c++) for (let i = 0; i < K; i++) folded[c * K + i] = a![c] * w[c * K + i];
      chain.push([`conv${l}`, { type: 'Conv2d', inputShape: [L.H, L.W], weight: { shape: [L.cout, L.cin, L.k, L.k], data: folded }, bias: s!.slice(),
        stride: [L.stride, L.stride], padding: [L.pad, L.pad], dilation: [1, 1], groups: 1 }]);
      shape = [L.cout, L.Ho, L.Wo];
      chain.push([`if${l}`, ifNode(shape)]);
    } else if (L.kind === 'pool') {
      chain.push([`pool${l}`, { type: 'SumPool2d', kernelSize: [2, 2], stride: [2, 2], padding: [0, 0] }]);
      shape = [L.C, L.Ho, L.Wo];
      chain.push([`or${l}`, { type: 'Threshold', threshold: filled(shape, 0.5) }]);
    } else {
      if (!flat) { chain.push(['flatten', { type: 'Flatten', inputType: shape, startDim: 0, endDim: -1 }]); flat = true; }
      chain.push([`fc${l}`, { type: 'Linear', weight: { shape: [L.nout, L.nin], data: net.frozenLayer(l).w } }]);
      shape = [L.nout];
      chain.push([`if${l}`, ifNode(shape)]);
    }
  });
  return sequentialGraph([channels, height, width], chain, {
    producer: `snnwasm ${CODE_VERSION}`,
    algorithm: 'proxy',
    model,
    coding: 'rate',
    dt: 1,
    time_steps: T,
    input: 'the image as pixel / 255, channel-major [C, H, W], the same values at every time step (a constant current into the first conv)',
    decision: 'the class is the output unit with the most spikes over time_steps steps; ties (and all-silent outputs) count as wrong under snnwasm\'s strict rule',
    threshold_rule: `snnwasm's IF fires at v >= theta (theta ${theta}); v_threshold is the float32 just below theta, so NIR's v > v_threshold is the same test in float32`,
    batch_norm: 'folded into the convs from the SNN\'s frozen running statistics',
  });
}
