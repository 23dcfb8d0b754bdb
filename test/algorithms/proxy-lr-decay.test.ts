// --lr-decay: the Adam step of epoch e uses lr · decay^e. Adam's first step moves every weight with a
// nonzero gradient by lr (m̂/√v̂ = ±1), so the size of the first step after a few endEpoch calls shows the
// rate that apply() really used, not only what learningRate() reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProxyNetwork, type ProxyConfig } from '../../src/algorithms/proxy/network.js';
import { makePlan } from '../../src/algorithms/proxy/plan.js';
import { architecture } from '../../src/algorithms/proxy/models.js';
import { PROXY_DEFAULTS } from '../../src/algorithms/proxy.js';
import { createSharedMemory, instantiateKernels } from '../../src/wasm/module.js';
import { Arena } from '../../src/wasm/arena.js';

function firstStepSize(lrDecay: number, epochs: number): { reported: number; moved: number } {
  const input = { channels: 1, height: 8, width: 8 };
  const cfg: ProxyConfig = { ...(PROXY_DEFAULTS as ProxyConfig), model: 'tiny', lr: 1e-3, lrDecay, weightDecay: 0, input, evalT: [] };
  const memory = createSharedMemory();
  const { kernels, heapBase } = instantiateKernels(memory, 'fast');
  const arena = new Arena(memory, heapBase);
  const net = new ProxyNetwork(arena, kernels, makePlan(architecture('tiny').layers, input, 10), cfg);
  net.initialise(7);
  for (let e = 0; e < epochs; e++) net.endEpoch(e);
  const before = arena.view(net.params).slice();
  const ws = net.main;
  net.clearWorkspace(ws);
  const g = arena.view(ws.grad);
  for (let i = 0; i < g.length; i++) g[i] = i % 3 === 0 ? 0.5 : -0.25;
  net.apply(ws, 1);
  const after = arena.view(net.params);
  let moved = 0;
  for (let i = 0; i < after.length; i++) moved = Math.max(moved, Math.abs(after[i] - before[i]));
  return { reported: net.learningRate(), moved };
}

test('proxy --lr-decay: epoch e steps with lr · decay^e (1 = the reference constant rate)', () => {
  for (const [decay, epochs] of [[1, 3], [0.5, 0], [0.5, 1], [0.5, 3], [0.8, 2]] as const) {
    const want = 1e-3 * decay ** epochs;
    const { reported, moved } = firstStepSize(decay, epochs);
    assert.ok(Math.abs(reported - want) <= 1e-12, `decay ${decay}, epoch ${epochs}: learningRate() ${reported}, want ${want}`);
    // float32 weights of size ~0.3: allow a few ulps around the step
    assert.ok(Math.abs(moved - want) <= 1e-7 + want * 1e-3, `decay ${decay}, epoch ${epochs}: weights moved ${moved}, want ${want}`);
  }
});
