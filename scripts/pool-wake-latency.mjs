// How long a sleeping thread takes to wake on this machine, through piscina as the pool uses it: a 1-thread
// pool runs tasks that keep the worker busy `spin` ms; the main thread stamps when it posts and when the result
// arrives, the worker when it starts and ends (one clock: timeOrigin + now). "post" is post -> task start (the
// worker's wake-up when it slept), "back" is task end -> result in hand (the main thread's, which slept in the
// event loop while the worker ran). With spin 0 and no gap neither side sleeps; with a busy worker the main
// thread sleeps; with a gap (the main thread busy that long between tasks, as it is applying an update) the
// worker sleeps too. Why the calling thread takes part in the pool's steps: src/pool/executor.ts.
//   node scripts/pool-wake-latency.mjs [tasks=1500]
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';

const tasks = Number(process.argv[2] ?? 1500);
const now = () => performance.timeOrigin + performance.now();
const med = (x) => { const y = [...x].sort((a, b) => a - b); return y[y.length >> 1]; };
const pool = new Piscina({ filename: fileURLToPath(new URL('./lib/wake-latency-worker.mjs', import.meta.url)), minThreads: 1, maxThreads: 1 });
for (const [spin, gap] of [[0, 0], [2, 0], [0, 0.5], [2, 0.5]]) {
  const post = [], back = [];
  for (let i = 0; i < tasks; i++) {
    const t0 = now();
    const r = await pool.run({ spin });
    const t1 = now();
    if (i >= 100) { post.push(r.s - t0); back.push(t1 - r.e); }
    const g = now();
    while (now() - g < gap);
  }
  console.log(`worker busy ${spin} ms, main busy ${gap} ms between tasks: post -> start ${(1000 * med(post)).toFixed(0)} us, end -> result ${(1000 * med(back)).toFixed(0)} us (medians of ${post.length})`);
}
await pool.destroy();
console.log(`command: node scripts/pool-wake-latency.mjs ${tasks}`);
