// ttfs_sort_events of this build against another build's on real hidden-layer spike times: an S4NN (784-400-10) or
// BS4NN (784-600-10) network trained online on 20,000 MNIST samples, then the hidden times of the next 2,000
// training samples captured (as the online step sees them); both builds sort every image (outputs compared), then
// are timed in 11 interleaved rounds over one shared memory.
//   node --no-liftoff scripts/ab-hidden-sort.mjs <other snnwasm.wasm> [s4nn|bs4nn]
import { readFileSync } from 'node:fs';
import { ALGORITHMS } from '../dist/src/algorithms/registry.js';
import { createSession } from '../dist/src/session.js';
import { loadDataset } from '../dist/src/data/index.js';
import { epochPermutation } from '../dist/src/train/rng.js';
import { stat } from '../dist/bench/lib.js';

const [otherPath, algo = 's4nn'] = process.argv.slice(2);
if (!otherPath) { console.error('usage: node --no-liftoff scripts/ab-hidden-sort.mjs <other snnwasm.wasm> [s4nn|bs4nn]'); process.exit(2); }
const d = loadDataset('mnist', 'train');
const s = createSession(ALGORITHMS[algo], 'mnist', {}, { shards: 1 });
s.model.initialise(1);
const net = s.model.net, ws = net.main, a = s.arena, n = net.layers[0].nOut, tLast = net.cfg.tmax - 2;
const order = epochPermutation(1, 0, 60000);
const S = 2000, cap = a.alloc('i32', n * S);
for (let q = 0; q < 20000 + S; q++) {
  const i = order[q];
  s.model.trainSample(d.images, i * 784, d.labels[i]);
  if (q >= 20000) a.view(cap).set(a.view(ws.layers[0].tOut).subarray(0, n), (q - 20000) * n);
}
const mine = s.kernels;
const other = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(otherPath)), { env: { memory: s.memory } }).exports;
const sortOther = other.ttfs_sort_events_simd;
const cA = a.alloc('i32', net.cfg.tmax + 2), cB = a.alloc('i32', net.cfg.tmax + 2), oA = a.alloc('i32', n), oB = a.alloc('i32', n);
let bad = 0;
for (let i = 0; i < S; i++) {
  const t = cap.offset + i * n * 4;
  const n1 = mine.ttfs_sort_events(t, n, tLast, cA.offset, oA.offset), n2 = sortOther(t, n, tLast, cB.offset, oB.offset);
  const x = a.view(oA), y = a.view(oB);
  let same = n1 === n2;
  for (let j = 0; same && j < n1; j++) same = x[j] === y[j];
  if (!same) bad++;
}
const time = (f, c, o) => { const t0 = performance.now(); for (let rep = 0; rep < 10; rep++) for (let i = 0; i < S; i++) f(cap.offset + i * n * 4, n, tLast, c, o); return (performance.now() - t0) * 1000 / (10 * S); };
const us = { this: [], other: [] }, ratios = [];
for (let r = 0; r < 11; r++) {
  const x = time(mine.ttfs_sort_events, cA.offset, oA.offset), y = time(sortOther, cB.offset, oB.offset);
  us.this.push(x); us.other.push(y); ratios.push(y / x);
}
console.log(`${algo} hidden sort (${n} times, captured after 20k online samples): this ${stat(us.this).median.toFixed(3)} µs, ` +
  `other ${stat(us.other).median.toFixed(3)} µs, other / this (paired median) ${stat(ratios).median.toFixed(3)}×, identical outputs: ${bad === 0}`);
