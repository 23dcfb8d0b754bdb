// Side-by-side timing of STiDi-BP's event-driven forward kernel (stidi_forward_f32) of this build against the
// same export of another build, in one process, on the same inputs: test images through a briefly trained
// one-conv network (the conv layer and the output layer), at `maps` feature maps on `dataset`.
//   node --no-liftoff scripts/ab-stidi-forward.mjs <other build>/snnwasm.wasm [images=64] [rounds=11] [maps=64] [dataset=fashion-mnist]
// Prints median µs per image of each layer for both builds, their paired ratio, and whether both give
// identical spike times (and end potentials of the neurons that never fired) on every image.
import { createSession } from '../dist/src/session.js';
import { ALGORITHMS } from '../dist/src/algorithms/registry.js';
import { loadDataset } from '../dist/src/data/index.js';
import { otherBuildKernels, printPerImageTable } from './ab-common.mjs';

const [otherPath, nArg, rArg, mArg, dArg] = process.argv.slice(2);
if (!otherPath) { console.error('usage: node --no-liftoff scripts/ab-stidi-forward.mjs <other snnwasm.wasm> [images] [rounds] [maps] [dataset]'); process.exit(2); }
const S = Number(nArg ?? 64), rounds = Number(rArg ?? 11), maps = Number(mArg ?? 64), dataset = dArg ?? 'fashion-mnist';
const train = loadDataset(dataset, 'train'), test = loadDataset(dataset, 'test');
const px = train.channels * train.height * train.width;

const s = createSession(ALGORITHMS.stidi, dataset, { maps: [maps], theta: [3, 8] }, { shards: 1 });
const model = s.model, net = model.net, a = s.arena, cfg = s.config;
const kNew = s.kernels, kOld = otherBuildKernels(s.memory, otherPath);
model.initialise(1);
for (let i = 0; i < 2000; i++) model.trainSample(train.images, i * px, train.labels[i]);
const ws = net.main;
const cases = net.layers.map((L, l) => {
  // each image's input times to this layer and their sorted event list, captured once
  const tIn = [], ord = [], nEv = [];
  const counts = a.alloc('i32', cfg.tmax + 2);
  for (let i = 0; i < S; i++) {
    net.forward(ws, test.images, i * px);
    const src = l === 0 ? a.view(ws.tIn) : a.view(ws.layers[l - 1].tPool);
    const t = a.alloc('i32', L.nIn); a.view(t).set(src.subarray(0, L.nIn));
    const o = a.alloc('i32', L.nIn);
    nEv.push(kNew.ttfs_sort_events(t.offset, L.nIn, cfg.tmax - 2, counts.offset, o.offset));
    tIn.push(t); ord.push(o);
  }
  const n = L.hout * L.wout * L.cs;
  const scratch = () => ({ u: a.alloc('f32', n), s: a.alloc('f32', n), t: a.alloc('i32', n), lt: a.alloc('i32', L.hout * L.wout) });
  const sNew = scratch(), sOld = scratch();
  const thr = net.kernelThreshold(l), tau = Array.isArray(cfg.tau) ? cfg.tau[l] : cfg.tau;
  const call = (k, sc, i) => k.stidi_forward_f32(L.w.offset, L.cin, L.hin, L.win, L.k, L.hout, L.wout, L.cs, tIn[i].offset, ord[i].offset, nEv[i],
    thr, tau, cfg.tmax, sc.u.offset, sc.s.offset, sc.t.offset, sc.lt.offset);
  let same = true;
  for (let i = 0; i < S; i++) {
    call(kNew, sNew, i); call(kOld, sOld, i);
    const tn = a.view(sNew.t), to = a.view(sOld.t), un = a.view(sNew.u), uo = a.view(sOld.u);
    // potentials of the neurons that never fired (what the host reads: the output fallback, nearest-to-fire); a fired
    // neuron's end potential is scratch, frozen where it fired since 2026-12-05 and advanced to the end before
    for (let j = 0; j < n; j++) if (tn[j] !== to[j] || (tn[j] === cfg.tmax && !Object.is(un[j], uo[j]))) same = false;
  }
  return { name: `${L.k > 1 ? `conv ${L.k}x${L.k} ${L.cin}->${L.cout}` : `fc ${L.cin * L.hin * L.win}->${L.cout}`}`, meanEvents: nEv.reduce((x, y) => x + y, 0) / S, same,
    fns: { this: () => { for (let i = 0; i < S; i++) call(kNew, sNew, i); }, other: () => { for (let i = 0; i < S; i++) call(kOld, sOld, i); } } };
});

printPerImageTable(cases, S, rounds, { title: `layer (${dataset}, ${maps} maps, ${S} test images)`, roundMs: 100, digits: 1 });
console.log(`\ncommand: node --no-liftoff scripts/ab-stidi-forward.mjs ${otherPath} ${S} ${rounds} ${maps} ${dataset}`);
