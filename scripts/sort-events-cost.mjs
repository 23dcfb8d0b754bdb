// The cost structure of ttfs_sort_events (the counting sort before every event-driven TTFS forward pass): best of 15
// rounds of 20,000 calls, ns per call, for n = 0 (the fixed part: the call, zeroing the 256 counters, the cursor pass)
// and for 400 in-range times of several patterns (S4NN's hidden layer has 400 neurons, most of which fire).
//   node --no-liftoff scripts/sort-events-cost.mjs
import { createSession } from '../dist/src/session.js';
import { ALGORITHMS } from '../dist/src/algorithms/registry.js';

const s = createSession(ALGORITHMS.s4nn, 'mnist', { hidden: [400] }, { shards: 1 });
const a = s.arena, k = s.kernels, tLast = s.config.tmax - 2;
const t = a.alloc('i32', 800), counts = a.alloc('i32', tLast + 2), order = a.alloc('i32', 800);
const tv = a.view(t);
let seed = 1;
const rnd = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 2 ** 32; };
const cases = [
  ['n = 0 (fixed part)', 0, () => {}],
  ['400 times, spread (i * 37 mod 200)', 400, () => { for (let i = 0; i < 400; i++) tv[i] = (i * 37) % 200; }],
  ['400 times, runs of 4 equal', 400, () => { for (let i = 0; i < 400; i++) tv[i] = Math.floor(i / 4); }],
  ['400 times, all equal', 400, () => { for (let i = 0; i < 400; i++) tv[i] = 50; }],
  ['400 times, uniform random in 0..249', 400, () => { for (let i = 0; i < 400; i++) tv[i] = Math.floor(rnd() * 250); }],
];
for (const [name, n, fill] of cases) {
  fill();
  let best = Infinity;
  for (let r = 0; r < 15; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 20000; i++) k.ttfs_sort_events(t.offset, n, tLast, counts.offset, order.offset);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 20000);
  }
  console.log(`${name}: ${best.toFixed(0)} ns per call`);
}
