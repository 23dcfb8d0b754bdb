// What TtfsNetwork.forward's host code costs beside its kernels: an S4NN 784-400-10 network trained online on 20,000
// MNIST samples, then 20,000 forward passes through forward() against the same kernel calls (same arguments, same
// order) from a bare loop, alternated over 5 rounds. The difference is the host's part (views, argument set-up).
//   node --no-liftoff scripts/forward-host-cost.mjs
import { ALGORITHMS } from '../dist/src/algorithms/registry.js';
import { createSession } from '../dist/src/session.js';
import { loadDataset } from '../dist/src/data/index.js';
import { epochPermutation } from '../dist/src/train/rng.js';
import { lastInputEvent } from '../dist/src/algorithms/ttfs/encode.js';

const d = loadDataset('mnist', 'train');
const s = createSession(ALGORITHMS.s4nn, 'mnist', {}, { shards: 1 });
s.model.initialise(1);
const net = s.model.net, ws = net.main, a = s.arena, k = s.kernels;
const order = epochPermutation(1, 0, 60000);
for (let q = 0; q < 20000; q++) { const i = order[q]; s.model.trainSample(d.images, i * 784, d.labels[i]); }
const [L0, L1] = net.layers, W0 = ws.layers[0], W1 = ws.layers[1], tmax = net.cfg.tmax, tLast = lastInputEvent(tmax);
const table = a.alloc('i32', 256); a.view(table).set(net.latencies);
const th0 = net.theta(0) / net.scale(0), th1 = net.theta(1) / net.scale(1), px = a.view(ws.px), N = 20000;
const viaNet = () => { for (let q = 0; q < N; q++) net.forward(ws, d.images, order[q] * 784); };
const bare = () => {
  for (let q = 0; q < N; q++) {
    const off = order[q] * 784;
    px.set(d.images.subarray(off, off + 784));
    const n0 = k.ttfs_encode_events(ws.px.offset, 784, table.offset, tLast, ws.tIn.offset, ws.counts.offset, ws.order.offset);
    k.ttfs_forward_f32(L0.w.offset, L0.nOut, L0.stride, ws.tIn.offset, ws.order.offset, n0, th0, tmax, tmax - 3, W0.v.offset, W0.tOut.offset, 0);
    const n1 = k.ttfs_sort_events(W0.tOut.offset, L1.nIn, tLast, ws.counts.offset, ws.order.offset);
    k.ttfs_forward_f32(L1.w.offset, L1.nOut, L1.stride, W0.tOut.offset, ws.order.offset, n1, th1, tmax, tmax - 3, W1.v.offset, W1.tOut.offset, ws.vRec.offset);
  }
};
const us = (f) => { const t0 = performance.now(); f(); return (performance.now() - t0) * 1000 / N; };
const r = { forward: [], bare: [] };
for (let i = 0; i < 5; i++) { r.forward.push(us(viaNet)); r.bare.push(us(bare)); }
const med = (x) => [...x].sort((p, q) => p - q)[x.length >> 1];
console.log(`per image: net.forward ${med(r.forward).toFixed(3)} µs, the same kernel calls from a bare loop ${med(r.bare).toFixed(3)} µs`);
