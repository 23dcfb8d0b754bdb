// ttfs_encode_events (the input layer's coding and event sort) of this build against another build's, on the
// first 2000 training images of a dataset: outputs compared (times, event count, event order), then both timed
// in interleaved rounds over one shared memory. Prints µs per image and the paired median ratio.
//   node --no-liftoff scripts/ab-encode-events.mjs <other snnwasm.wasm> [rounds=9] [mnist|fashion-mnist]
import { openAB } from './ab-common.mjs';
import { loadDataset } from '../dist/src/data/index.js';
import { latencyTable } from '../dist/src/algorithms/ttfs/encode.js';
import { encodeCountsLength } from '../dist/src/wasm/kernels.js';
import { stat } from '../dist/bench/lib.js';

const { k, other, a, rounds, rest } = openAB('ab-encode-events.mjs', 512);
const dataset = rest[0] ?? 'mnist';
if (typeof other.ttfs_encode_events !== 'function') { console.error('the other build has no ttfs_encode_events'); process.exit(2); }
const d = loadDataset(dataset, 'train');
const N = 2000, tmax = 256, tLast = tmax - 2;
const table = a.alloc('i32', 256); a.view(table).set(latencyTable('s4nn', tmax));
const px = a.alloc('u8', 784 * N); a.view(px).set(d.images.subarray(0, 784 * N));
const buf = () => ({ t: a.alloc('i32', 784), c: a.alloc('i32', encodeCountsLength(tLast)), o: a.alloc('i32', 784) });
const mine = buf(), theirs = buf();
const run = (kk, b, i) => kk.ttfs_encode_events(px.offset + i * 784, 784, table.offset, tLast, b.t.offset, b.c.offset, b.o.offset);
let bad = 0, events = 0;
for (let i = 0; i < N; i++) {
  const n1 = run(k, mine, i), n2 = run(other, theirs, i);
  events += n1;
  const t1 = a.view(mine.t), t2 = a.view(theirs.t), o1 = a.view(mine.o), o2 = a.view(theirs.o);
  let same = n1 === n2;
  for (let j = 0; same && j < 784; j++) same = t1[j] === t2[j] && (j >= n1 || o1[j] === o2[j]);
  if (!same) bad++;
}
const time = (kk, b) => { const t0 = performance.now(); for (let rep = 0; rep < 5; rep++) for (let i = 0; i < N; i++) run(kk, b, i); return (performance.now() - t0) * 1000 / (5 * N); };
const us = { this: [], other: [] }, ratios = [];
time(k, mine); time(other, theirs);
for (let r = 0; r < rounds; r++) {
  const x = r % 2 ? time(other, theirs) : time(k, mine), y = r % 2 ? time(k, mine) : time(other, theirs);
  const [m, o] = r % 2 ? [y, x] : [x, y];
  us.this.push(m); us.other.push(o); ratios.push(o / m);
}
console.log(`${dataset}, ${N} images, ${(events / N).toFixed(1)} events per image: this ${stat(us.this).median.toFixed(3)} µs/image, ` +
  `other ${stat(us.other).median.toFixed(3)} µs/image, other / this (paired median) ${stat(ratios).median.toFixed(3)}×, identical outputs: ${bad === 0}`);
