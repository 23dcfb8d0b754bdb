// One proxy-learning forward/backward on given images, for cross-checks (the PyTorch peer in
// bench/peers/, the finite-difference tests in test/algorithms/). Signature:
//
//   proxyStep(opts: ProxyStepOptions): ProxyStepResult
//     opts.model     architecture name (models.ts) or a layer list
//     opts.input     { channels, height, width }; opts.nClasses (default 10)
//     opts.images    Float32Array, N x C x H x W, the values fed to the first conv (pixels / 255)
//     opts.labels    N class indices
//     opts.weights   optional: every parameter tensor in PyTorch order and layout (as weights() lists
//                    them: conv{i}.weight [Cout][Cin k k], bn{i}.weight, bn{i}.bias [C], fc{j}.weight
//                    [out][in]); absent: PyTorch-default init from opts.seed (default 0)
//     opts.bn        'batch' (epoch 0: batch statistics over all N images, one ghost batch) or 'eval'
//                    (running statistics: opts.running, per conv [annMean, annVar, snnMean, snnVar],
//                    default mean 0 / var 1)
//     opts.T, opts.theta   SNN time steps (default 15) and threshold (default 2.0)
//     opts.output    'counts' (proxy learning: the SNN counts replace the ANN output, the default) or
//                    'ann' (the ANN's own output: an ordinary MSE network, for gradient checks)
//   returns { names, annOut [N][classes], counts [N][classes], loss, grads (PyTorch order, each the
//            gradient of loss = mean over N x classes of (out - onehot)^2), running (after the step's
//            running-statistics update, batch mode only; same layout as opts.running) }
//
// Nothing here is trained: no Adam step is taken.
import { createSharedMemory, instantiateKernels } from '../../wasm/module.js';
import { Arena } from '../../wasm/arena.js';
import type { KernelVariant } from '../../wasm/kernels.js';
import { ProxyNetwork, type ProxyConfig } from './network.js';
import { architecture, type LayerSpec } from './models.js';
import { makePlan, type ImageShape } from './plan.js';
import { PROXY_DEFAULTS } from '../proxy.js';

export interface ProxyStepOptions {
  model: string | LayerSpec[];
  input: ImageShape;
  nClasses?: number;
  images: Float32Array;
  labels: ArrayLike<number>;
  weights?: Float32Array[];
  seed?: number;
  bn: 'batch' | 'eval';
  running?: Float32Array[];
  T?: number;
  theta?: number;
  output?: 'counts' | 'ann';
  snnPath?: 'sparse' | 'dense';
  variant?: KernelVariant;
}

export interface ProxyStepResult {
  names: string[];
  annOut: Float32Array;
  counts: Float32Array;
  loss: number;
  grads: Float32Array[];
  running: Float32Array[];
}

export function proxyStep(o: ProxyStepOptions): ProxyStepResult {
  const nc = o.nClasses ?? 10;
  const px = o.input.channels * o.input.height * o.input.width;
  const N = o.labels.length;
  if (o.images.length !== N * px) throw new Error(`images: expected ${N} x ${px} values, got ${o.images.length}`);
  const specs = typeof o.model === 'string' ? architecture(o.model).layers : o.model;
  const cfg: ProxyConfig = { ...(PROXY_DEFAULTS as ProxyConfig), model: typeof o.model === 'string' ? o.model : 'custom',
    T: o.T ?? 15, theta: o.theta ?? 2.0, chunk: N, input: o.input, evalT: [], snnPath: o.snnPath ?? 'sparse' };
  const memory = createSharedMemory();
  const { kernels, heapBase } = instantiateKernels(memory, o.variant ?? 'fast');
  const arena = new Arena(memory, heapBase);
  const net = new ProxyNetwork(arena, kernels, makePlan(specs, o.input, nc), cfg);
  net.initialise(o.seed ?? 0);
  const params = arena.view(net.params);
  if (o.weights) {
    if (o.weights.length !== net.plan.params.length) throw new Error(`weights: expected ${net.plan.params.length} tensors (${net.plan.params.map((p) => p.name).join(', ')})`);
    net.plan.params.forEach((p, i) => {
      if (o.weights![i].length !== p.size) throw new Error(`weights[${i}] (${p.name}): expected ${p.size} values, got ${o.weights![i].length}`);
      params.set(o.weights![i], p.offset);
    });
    net.refreshTransposed();
  }
  const run = arena.view(net.running);
  const convs = net.plan.layers.map((L, l) => [L, l] as const).filter(([L]) => L.kind === 'conv');
  if (o.running) {
    convs.forEach(([L, l], i) => { if (L.kind === 'conv') run.set(o.running![i].subarray(0, 4 * L.cout), net.runningAt[l]); });
  }
  if (o.bn === 'eval') net.sc[3] = cfg.bnBatchEpochs; // past the batch-statistics epochs
  const batch = o.bn === 'batch';
  const ws = net.main;
  net.clearWorkspace(ws);
  arena.view(ws.x0).set(o.images);
  const outOff = net.annForward(ws, N, batch);
  const annOut = new Float32Array(memory.buffer, outOff, N * nc).slice();
  const cntOff = net.snnForward(ws, N, batch, cfg.T, false);
  const counts = new Float32Array(memory.buffer, cntOff, N * nc).slice();
  const last = ws.layers[ws.layers.length - 1];
  let loss = 0;
  if (o.output === 'ann') {
    // the ANN's own output in place of the counts
    const d = new Float32Array(memory.buffer, last.dout, N * nc);
    for (let b = 0; b < N; b++) for (let c = 0; c < nc; c++) {
      const e = annOut[b * nc + c] - (c === o.labels[b] ? 1 : 0);
      d[b * nc + c] = (2 * e) / nc; loss += e * e;
    }
  } else {
    loss = net.setOutputGrad(ws, N, o.labels);
  }
  loss /= N * nc;
  net.annBackward(ws, N, batch);
  const g = arena.view(ws.grad);
  const grads = net.plan.params.map((p) => g.slice(p.offset, p.offset + p.size).map((x) => x / N));
  if (batch) {
    // the running-statistics update apply() would make (T updates for the SNN's later convs)
    net.updateRunning(arena.view(ws.stats), N);
  }
  const running = convs.map(([L, l]) => run.slice(net.runningAt[l], net.runningAt[l] + 4 * (L as { cout: number }).cout));
  return { names: net.plan.params.map((p) => p.name), annOut, counts, loss, grads, running };
}
