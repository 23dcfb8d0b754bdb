// Side-by-side timing of the time-to-first-spike forward kernels of this build against the same
// exports of another build (e.g. the build before a kernel change), in one process, on the same
// inputs: MNIST test images through a briefly trained S4NN 784-400-10 and BS4NN 784-600-10. Both
// module instances share one memory, so each call reads the same weights and event lists.
//   node scripts/ab-ttfs-forward.mjs <other build>/snnwasm.wasm [images=128] [rounds=15]
// Prints median µs per image of each layer for both builds, their paired ratio, and whether both
// give identical spike times (and recorded potentials) on every image; then the same for the event sort
// (ttfs_sort_events) of the S4NN layers' input times (identical: the same event lists).
import { createSession } from '../dist/src/session.js';
import { ALGORITHMS } from '../dist/src/algorithms/registry.js';
import { loadDataset } from '../dist/src/data/index.js';
import { otherBuildKernels, printPerImageTable } from './ab-common.mjs';

const [otherPath, nArg, rArg] = process.argv.slice(2);
if (!otherPath) { console.error('usage: node scripts/ab-ttfs-forward.mjs <other snnwasm.wasm> [images] [rounds]'); process.exit(2); }
const S = Number(nArg ?? 128), rounds = Number(rArg ?? 15);
const train = loadDataset('mnist', 'train'), test = loadDataset('mnist', 'test');

function layerCases(algo, hidden, trainSamples) {
  const s = createSession(ALGORITHMS[algo], 'mnist', { hidden: [hidden] }, { shards: 1 });
  const model = s.model, net = model.net, a = s.arena, tmax = s.config.tmax;
  const kNew = s.kernels, kOld = otherBuildKernels(s.memory, otherPath);
  model.initialise(1);
  for (let i = 0; i < trainSamples; i++) model.trainSample(train.images, i * 784, train.labels[i]);
  const ws = net.main, binary = s.config.binary;
  const cases = [];
  net.layers.forEach((L, l) => {
    const nIn = L.nIn, tIn = [], ord = [], nEv = [];
    const counts = a.alloc('i32', tmax + 2);
    for (let i = 0; i < S; i++) {
      net.forward(ws, test.images, i * 784);
      const src = l === 0 ? a.view(ws.tIn) : a.view(ws.layers[l - 1].tOut);
      const t = a.alloc('i32', Math.max(nIn, 8)); a.view(t).set(src.subarray(0, nIn));
      const o = a.alloc('i32', nIn);
      nEv.push(kNew.ttfs_sort_events(t.offset, nIn, tmax - 2, counts.offset, o.offset));
      tIn.push(t); ord.push(o);
    }
    const scratch = () => ({ v: a.alloc(binary ? 'i16' : 'f32', 2 * L.stride), t: a.alloc('i32', L.stride), r: a.alloc(binary ? 'i32' : 'f32', L.stride) });
    const sNew = scratch(), sOld = scratch();
    const last = l === net.layers.length - 1;
    const thr = binary ? net.binaryThreshold(l) : net.theta(l) / net.scale(l);
    const call = (k, sc, i) => binary
      ? k.ttfs_forward_bin_i16(L.sgn.offset, L.nOut, L.stride, tIn[i].offset, ord[i].offset, nEv[i], thr, tmax, tmax - 3, sc.v.offset, sc.t.offset, last ? sc.r.offset : 0, 0)
      : k.ttfs_forward_f32(L.w.offset, L.nOut, L.stride, tIn[i].offset, ord[i].offset, nEv[i], thr, tmax, tmax - 3, sc.v.offset, sc.t.offset, last ? sc.r.offset : 0, 0);
    let same = true;
    for (let i = 0; i < S; i++) {
      call(kNew, sNew, i); call(kOld, sOld, i);
      const tn = a.view(sNew.t), to = a.view(sOld.t);
      for (let j = 0; j < L.nOut; j++) if (tn[j] !== to[j]) same = false;
      if (last) { const rn = a.view(sNew.r), ro = a.view(sOld.r); for (let j = 0; j < L.nOut; j++) if (!Object.is(rn[j], ro[j])) same = false; }
    }
    cases.push({ name: `${algo} ${nIn}→${L.nOut}`, meanEvents: nEv.reduce((x, y) => x + y, 0) / S, same,
      fns: { this: () => { for (let i = 0; i < S; i++) call(kNew, sNew, i); }, other: () => { for (let i = 0; i < S; i++) call(kOld, sOld, i); } } });
    // the counting sort that makes this layer's event list (S4NN only: BS4NN's input times differ, its hidden ones alike)
    if (algo === 's4nn') {
      const oNew = a.alloc('i32', nIn), oOld = a.alloc('i32', nIn);
      const sort = (k, o, i) => k.ttfs_sort_events(tIn[i].offset, nIn, tmax - 2, counts.offset, o.offset);
      let sameSort = true;
      for (let i = 0; i < S; i++) {
        const n1 = sort(kNew, oNew, i), n2 = sort(kOld, oOld, i);
        const x = a.view(oNew), y = a.view(oOld);
        if (n1 !== n2) sameSort = false;
        for (let j = 0; j < n1; j++) if (x[j] !== y[j]) sameSort = false;
      }
      sortCases.push({ name: `ttfs_sort_events, ${algo} ${l === 0 ? 'input' : 'hidden'} times (${nIn})`, meanEvents: nEv.reduce((x, y) => x + y, 0) / S, same: sameSort,
        fns: { this: () => { for (let i = 0; i < S; i++) sort(kNew, oNew, i); }, other: () => { for (let i = 0; i < S; i++) sort(kOld, oOld, i); } } });
    }
  });
  return cases;
}

const sortCases = [];
const cases = [...layerCases('s4nn', 400, 3000), ...layerCases('bs4nn', 600, 3000), ...sortCases];
printPerImageTable(cases, S, rounds);
console.log(`\ncommand: node scripts/ab-ttfs-forward.mjs ${otherPath} ${S} ${rounds}`);
