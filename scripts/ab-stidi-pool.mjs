// Side-by-side timing of STiDi-BP's earliest-spike pooling (stidi_pool_min) of this build against the same export
// of another build, in one process, on the same inputs: the conv layer's spike times of test images through a
// briefly trained one-conv network with `maps` feature maps on `dataset`.
//   node --no-liftoff scripts/ab-stidi-pool.mjs <other build>/snnwasm.wasm [images=64] [rounds=11] [maps=16] [dataset=mnist]
// Prints median µs per image for both builds, their paired ratio, and whether both give identical pooled times
// and winners on every image.
import { createSession } from '../dist/src/session.js';
import { ALGORITHMS } from '../dist/src/algorithms/registry.js';
import { loadDataset } from '../dist/src/data/index.js';
import { otherBuildKernels, printPerImageTable } from './ab-common.mjs';

const [otherPath, nArg, rArg, mArg, dArg] = process.argv.slice(2);
if (!otherPath) { console.error('usage: node --no-liftoff scripts/ab-stidi-pool.mjs <other snnwasm.wasm> [images] [rounds] [maps] [dataset]'); process.exit(2); }
const S = Number(nArg ?? 64), rounds = Number(rArg ?? 11), maps = Number(mArg ?? 16), dataset = dArg ?? 'mnist';
const train = loadDataset(dataset, 'train'), test = loadDataset(dataset, 'test');
const px = train.channels * train.height * train.width;

const s = createSession(ALGORITHMS.stidi, dataset, { maps: [maps] }, { shards: 1 });
const model = s.model, net = model.net, a = s.arena;
const kNew = s.kernels, kOld = otherBuildKernels(s.memory, otherPath);
model.initialise(1);
for (let i = 0; i < 2000; i++) model.trainSample(train.images, i * px, train.labels[i]);
const ws = net.main, L = net.layers[0], n = L.hout * L.wout * L.cs, m = L.ph * L.pw * L.cout;
const tC = [];
let silent = 0;
for (let i = 0; i < S; i++) {
  net.forward(ws, test.images, i * px);
  const t = a.alloc('i32', n); a.view(t).set(a.view(ws.layers[0].tOut));
  for (const v of a.view(t)) if (v >= model.cfg.tmax) silent++;
  tC.push(t);
}
const out = () => ({ t: a.alloc('i32', m), arg: a.alloc('i32', m) });
const oNew = out(), oOld = out();
const call = (k, o, i) => k.stidi_pool_min(tC[i].offset, L.hout, L.wout, L.cout, L.cs, L.pool, o.t.offset, o.arg.offset);
let same = true;
for (let i = 0; i < S; i++) {
  call(kNew, oNew, i); call(kOld, oOld, i);
  const x = [a.view(oNew.t), a.view(oNew.arg)], y = [a.view(oOld.t), a.view(oOld.arg)];
  for (let j = 0; j < m; j++) if (x[0][j] !== y[0][j] || x[1][j] !== y[1][j]) same = false;
}
console.log(`conv layer ${L.cout} maps ${L.hout}x${L.wout}, pool ${L.pool}: ${(100 * silent / (S * n)).toFixed(1)}% of its lanes silent`);
printPerImageTable([{ name: `pool ${L.pool}x${L.pool} of ${L.cout}x${L.hout}x${L.wout}`, meanEvents: n - silent / S, same, // the conv layer's spikes per image
  fns: { this: () => { for (let i = 0; i < S; i++) call(kNew, oNew, i); }, other: () => { for (let i = 0; i < S; i++) call(kOld, oOld, i); } } }],
  S, rounds, { title: `layer (${dataset}, ${maps} maps, ${S} test images)`, roundMs: 60, digits: 2 });
console.log(`\ncommand: node --no-liftoff scripts/ab-stidi-pool.mjs ${otherPath} ${S} ${rounds} ${maps} ${dataset}`);
