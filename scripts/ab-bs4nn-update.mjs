// Side-by-side timing of BS4NN's hidden-layer learning kernels of this build against another build's, in one process,
// on real inputs: a 784-600-10 BS4NN trained on 3000 MNIST images, then for each of S test images its input and hidden
// spike times and the hidden delta of a training step (as bench/kernels.ts captures them).
//   ttfs_update_f32 online, with the scale sum S and the i16 sign rows (the largest share of a BS4NN training step in a
//     CPU profile): each build updates its own copy of the trained weights, image after image; weights, sign rows
//     and S compared;
//   ttfs_sign_counts_i16 (the per-neuron scale's counts, --binary-scale filter) on the trained sign rows: counts compared.
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
const copy = (dtype, src, n) => { const t = a.alloc(dtype, n); a.view(t).set(src.subarray(0, n)); return t; };
const tIn = [], tH = [], dH = [];
let active = 0; // rows before the latest hidden neuron with a non-zero delta: the rows both kernels read
for (let i = 0; i < S; i++) {
  net.forward(ws, test.images, i * 784);
  tIn.push(copy('i32', a.view(ws.tIn), L.nIn));
  tH.push(copy('i32', a.view(ws.layers[0].tOut), L.stride));
  net.trainStep(ws, test.labels[i]);
  dH.push(copy('f32', a.view(ws.layers[0].delta), L.stride));
  const t = a.view(tIn[i]), h = a.view(tH[i]), d = a.view(dH[i]);
  let cut = -1;
  for (let j = 0; j < L.nOut; j++) if (d[j] !== 0) cut = Math.max(cut, h[j]);
  for (let q = 0; q < L.nIn; q++) if (t[q] < cut) active++;
}
const rows = active / S;
console.log(`${(100 * rows / L.nIn).toFixed(2)}% of rows reached (mean ${rows.toFixed(1)} per image)`);

// the update: each build's own copy of the weights and sign rows
const state = () => ({ w: copy('f32', a.view(L.w), W), g: a.alloc('i16', W), sums: new Float64Array(S) });
const uNew = state(), uOld = state();
const update = (k, st, i) => { st.sums[i] = k.ttfs_update_f32(st.w.offset, L.nIn, L.nOut, L.stride, tIn[i].offset, tH[i].offset, dH[i].offset, eta, 0, st.g.offset, 1); };
for (let i = 0; i < S; i++) { update(kNew, uNew, i); update(kOld, uOld, i); }
let sameUpdate = uNew.sums.every((x, i) => Object.is(x, uOld.sums[i]));
const wn = a.view(uNew.w), wo = a.view(uOld.w), gn = a.view(uNew.g), go = a.view(uOld.g);
for (let x = 0; sameUpdate && x < W; x++) if (!Object.is(wn[x], wo[x]) || gn[x] !== go[x]) sameUpdate = false;

// the sign counts: the trained sign rows (the model's, not touched by the updates above); 2 stride i16 lanes each
// (the counts, then the kernel's scratch): the counts compared
const cNew = a.alloc('i16', 2 * L.stride), cOld = a.alloc('i16', 2 * L.stride);
const counts = (k, c, i) => k.ttfs_sign_counts_i16(L.sgn.offset, L.nIn, L.nOut, L.stride, tIn[i].offset, tH[i].offset, dH[i].offset, c.offset);
let sameCounts = true;
for (let i = 0; i < S; i++) {
  counts(kNew, cNew, i); counts(kOld, cOld, i);
  const x = a.view(cNew), y = a.view(cOld);
  for (let j = 0; j < L.stride; j++) if (x[j] !== y[j]) sameCounts = false;
}

const perImage = (f) => () => { for (let i = 0; i < S; i++) f(i); };
printPerImageTable([
  { name: `ttfs_update_f32, BS4NN hidden ${L.nIn}×${L.nOut}, S and sign rows`, meanEvents: rows, same: sameUpdate,
    fns: { this: perImage((i) => update(kNew, uNew, i)), other: perImage((i) => update(kOld, uOld, i)) } },
  { name: `ttfs_sign_counts_i16, BS4NN hidden ${L.nIn}×${L.nOut}`, meanEvents: rows, same: sameCounts,
    fns: { this: perImage((i) => counts(kNew, cNew, i)), other: perImage((i) => counts(kOld, cOld, i)) } },
], S, rounds, { title: 'kernel (input events = rows reached)' });
console.log(`\ncommand: node --no-liftoff scripts/ab-bs4nn-update.mjs ${otherPath} ${S} ${rounds}`);
