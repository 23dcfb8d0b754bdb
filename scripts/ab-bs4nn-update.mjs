// Side-by-side timing of BS4NN's online hidden-layer update (ttfs_update_f32 with the scale sum S and the i16 sign
// rows: the largest share of a BS4NN training step in a CPU profile) of this build against another build's, in one
// process, on real inputs: a 784-600-10 BS4NN trained on 3000 MNIST images, then for each of S test images its input
// and hidden spike times and the hidden delta of a training step (as bench/kernels.ts captures them). Each build
// updates its own copy of the trained weights, image after image, and the two are compared (weights, sign rows, S).
//   node --no-liftoff scripts/ab-bs4nn-update.mjs <other build>/snnwasm.wasm [images=128] [rounds=15]
import { createSession } from '../dist/src/session.js';
import { ALGORITHMS } from '../dist/src/algorithms/registry.js';
import { loadDataset } from '../dist/src/data/index.js';
import { otherBuildKernels, printPerImageTable } from './ab-common.mjs';

const [otherPath, nArg, rArg] = process.argv.slice(2);
if (!otherPath) { console.error('usage: node --no-liftoff scripts/ab-bs4nn-update.mjs <other snnwasm.wasm> [images] [rounds]'); process.exit(2); }
const S = Number(nArg ?? 128), rounds = Number(rArg ?? 15);
const train = loadDataset('mnist', 'train'), test = loadDataset('mnist', 'test');
const s = createSession(ALGORITHMS.bs4nn, 'mnist', { hidden: [600] }, { shards: 1 });
const net = s.model.net, a = s.arena, kNew = s.kernels, kOld = otherBuildKernels(s.memory, otherPath);
s.model.initialise(1);
for (let i = 0; i < 3000; i++) s.model.trainSample(train.images, i * 784, train.labels[i]);
const L = net.layers[0], ws = net.main, W = L.nIn * L.stride;
const eta = net.eta(0) / net.scale(0);
const tIn = [], tH = [], dH = [];
let active = 0;
for (let i = 0; i < S; i++) {
  net.forward(ws, test.images, i * 784);
  const t = a.alloc('i32', L.nIn); a.view(t).set(a.view(ws.tIn).subarray(0, L.nIn));
  const h = a.alloc('i32', L.stride); a.view(h).set(a.view(ws.layers[0].tOut));
  net.trainStep(ws, test.labels[i]);
  const d = a.alloc('f32', L.stride); a.view(d).set(a.view(ws.layers[0].delta));
  let cut = -1;
  for (let j = 0; j < L.nOut; j++) if (a.view(d)[j] !== 0) cut = Math.max(cut, a.view(h)[j]);
  for (let q = 0; q < L.nIn; q++) if (a.view(t)[q] < cut) active++;
  tIn.push(t); tH.push(h); dH.push(d);
}
const state = () => { const w = a.alloc('f32', W), g = a.alloc('i16', W); a.view(w).set(a.view(L.w)); return { w, g, sums: new Float64Array(S) }; };
const sNew = state(), sOld = state();
const call = (k, st, i) => { st.sums[i] = k.ttfs_update_f32(st.w.offset, L.nIn, L.nOut, L.stride, tIn[i].offset, tH[i].offset, dH[i].offset, eta, 0, st.g.offset, 1); };
for (let i = 0; i < S; i++) { call(kNew, sNew, i); call(kOld, sOld, i); }
let same = sNew.sums.every((x, i) => Object.is(x, sOld.sums[i]));
const wn = a.view(sNew.w), wo = a.view(sOld.w), gn = a.view(sNew.g), go = a.view(sOld.g);
for (let x = 0; same && x < W; x++) if (!Object.is(wn[x], wo[x]) || gn[x] !== go[x]) same = false;
console.log(`${(100 * active / (S * L.nIn)).toFixed(2)}% of rows take the update (mean ${(active / S).toFixed(1)} per image)`);
printPerImageTable([{ name: `BS4NN hidden update ${L.nIn}×${L.nOut}`, meanEvents: active / S, same,
  fns: { this: () => { for (let i = 0; i < S; i++) call(kNew, sNew, i); }, other: () => { for (let i = 0; i < S; i++) call(kOld, sOld, i); } } }], S, rounds, { title: 'kernel (input events = rows updated)' });
console.log(`\ncommand: node --no-liftoff scripts/ab-bs4nn-update.mjs ${otherPath} ${S} ${rounds}`);
