// Side-by-side timing of STiDi-BP's two learning kernels (stidi_grad_f32 for every layer, stidi_backprop_f32 below
// every layer but the first) of this build against the same exports of another build, in one process, on the same
// inputs: test images through a briefly trained network, each image's spike times and error signals (delta) captured
// once after a forward pass and the layer-local gradient computation, at `maps` feature maps (comma-separated for
// deeper models) on `dataset`.
//   node --no-liftoff scripts/ab-stidi-learn.mjs <other build>/snnwasm.wasm [images=64] [rounds=11] [maps=32] [dataset=mnist] [model=stidi-mnist]
// Prints median µs per image of each kernel and layer for both builds, their paired ratio, and whether both give
// bit-identical gradients and displacements on every image.
import { createSession } from '../dist/src/session.js';
import { ALGORITHMS } from '../dist/src/algorithms/registry.js';
import { loadDataset } from '../dist/src/data/index.js';
import { layerTau } from '../dist/src/algorithms/stidi/config.js';
import { otherBuildKernels, printPerImageTable } from './ab-common.mjs';

const [otherPath, nArg, rArg, mArg, dArg, modelArg] = process.argv.slice(2);
if (!otherPath) { console.error('usage: node --no-liftoff scripts/ab-stidi-learn.mjs <other snnwasm.wasm> [images] [rounds] [maps] [dataset] [model]'); process.exit(2); }
const S = Number(nArg ?? 64), rounds = Number(rArg ?? 11), maps = (mArg ?? '32').split(',').map(Number), dataset = dArg ?? 'mnist';
const train = loadDataset(dataset, 'train'), test = loadDataset(dataset, 'test');
const px = train.channels * train.height * train.width;

const s = createSession(ALGORITHMS.stidi, dataset, { maps, ...(modelArg ? { model: modelArg } : {}) }, { shards: 1 });
const model = s.model, net = model.net, a = s.arena, cfg = s.config;
const kNew = s.kernels, kOld = otherBuildKernels(s.memory, otherPath);
model.initialise(1);
for (let i = 0; i < 2000; i++) model.trainSample(train.images, i * px, train.labels[i]);
const ws = net.main;
const copy = (dtype, src, n) => { const t = a.alloc(dtype, n); a.view(t).set(src.subarray(0, n)); return t; };
// per image and layer: input times, output times, delta (a sample the network gets right has none: skipped)
const snaps = [];
for (let i = 0; snaps.length < S && i < test.count; i++) {
  net.forward(ws, test.images, i * px);
  if (!net.accumulateGradient(ws, test.labels[i])) continue;
  snaps.push(net.layers.map((L, l) => {
    const W = ws.layers[l], n = L.hout * L.wout * L.cs;
    return { tIn: copy('i32', a.view(l === 0 ? ws.tIn : ws.layers[l - 1].tPool), L.nIn), tOut: copy('i32', a.view(W.tOut), n), delta: copy('f32', a.view(W.delta), n) };
  }));
  net.clearGradient(ws);
}
const cases = [];
net.layers.forEach((L, l) => {
  const tau = layerTau(cfg, l);
  const geo = `${L.k > 1 ? `conv ${L.k}x${L.k} ${L.cin}->${L.cout}` : `fc ${L.cin * L.hin * L.win}->${L.cout}`}`;
  const live = snaps.reduce((sum, sn) => sum + a.view(sn[l].delta).reduce((c, d) => c + (d !== 0 ? 1 : 0), 0), 0) / snaps.length;
  const gNew = a.alloc('f32', L.nW), gOld = a.alloc('f32', L.nW);
  const grad = (k, g) => { a.view(g).fill(0); for (const sn of snaps) k.stidi_grad_f32(g.offset, sn[l].tIn.offset, L.cin, L.hin, L.win, L.k, L.hout, L.wout, L.cs, sn[l].tOut.offset, sn[l].delta.offset, tau, cfg.tmax); };
  grad(kNew, gNew); grad(kOld, gOld);
  const sameG = a.view(gNew).every((x, j) => Object.is(x, a.view(gOld)[j]));
  cases.push({ name: `stidi_grad_f32, ${geo} (${live.toFixed(1)} non-zero deltas)`, meanEvents: 0, same: sameG,
    fns: { this: () => grad(kNew, gNew), other: () => grad(kOld, gOld) } });
  if (l === 0) return;
  const eNew = a.alloc('f32', L.nIn), eOld = a.alloc('f32', L.nIn);
  const bp = (k, e, i) => k.stidi_backprop_f32(L.w.offset, snaps[i][l].tIn.offset, L.cin, L.hin, L.win, L.k, L.hout, L.wout, L.cs, snaps[i][l].tOut.offset, snaps[i][l].delta.offset, tau, cfg.tmax, e.offset, 0);
  let sameE = true;
  for (let i = 0; i < snaps.length; i++) {
    bp(kNew, eNew, i); bp(kOld, eOld, i);
    if (!a.view(eNew).every((x, j) => Object.is(x, a.view(eOld)[j]))) sameE = false;
  }
  cases.push({ name: `stidi_backprop_f32, ${geo}`, meanEvents: 0, same: sameE,
    fns: { this: () => { for (let i = 0; i < snaps.length; i++) bp(kNew, eNew, i); }, other: () => { for (let i = 0; i < snaps.length; i++) bp(kOld, eOld, i); } } });
});
printPerImageTable(cases, snaps.length, rounds, { title: `kernel, layer (${dataset}, ${maps.join(',')} maps, ${snaps.length} test images with an output error)`, roundMs: 100, digits: 2 });
console.log(`\ncommand: node --no-liftoff scripts/ab-stidi-learn.mjs ${otherPath} ${S} ${rounds} ${maps.join(',')} ${dataset}${modelArg ? ` ${modelArg}` : ''}`);
