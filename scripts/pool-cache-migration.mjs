// Where the workers' extra time per minibatch step goes: the same shard tasks timed inline (main thread, as
// `--workers 1` runs them) and inside a pool of `threads` workers (the step's tasks cut into one contiguous group per
// worker, as PoolExecutor does), where each task runs twice in a row: the first run reads the parameters the main
// thread has just updated (applyShards, as the trainer does between steps) and its workspace from wherever they
// last were; the repeat finds them in its own core's caches. Same model, same samples, alternating blocks of steps.
//   node scripts/pool-cache-migration.mjs [algo=s4nn] [hidden=400] [batch=64] [shards=8] [threads=1] [blocks=10] [steps=30]
// Prints per-step medians: inline compute; in the workers, first-run and repeat compute (summed over all tasks of a
// step: with 2 threads, twice the wall time of a balanced step).
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { createSession, sharedImages, workerInit } from '../dist/src/session.js';
import { ALGORITHMS } from '../dist/src/algorithms/registry.js';
import { loadDataset } from '../dist/src/data/index.js';
import { shardSlices } from '../dist/src/pool/shards.js';
import { epochPermutation } from '../dist/src/train/rng.js';

const [algo = 's4nn', hid = '400', batchArg = '64', shardsArg = '8', threadsArg = '1', blocksArg = '10', stepsArg = '30'] = process.argv.slice(2);
const batch = Number(batchArg), shards = Number(shardsArg), threads = Number(threadsArg), blocks = Number(blocksArg), steps = Number(stepsArg);
const d = loadDataset('mnist', 'train');
const train = { ...sharedImages(d.images, d.labels, 784), count: d.labels.length };
const s = createSession(ALGORITHMS[algo], 'mnist', algo === 'stidi' || algo === 'proxy' ? {} : { hidden: [Number(hid)] }, { shards });
s.model.initialise(1);
const pool = new Piscina({
  filename: fileURLToPath(new URL('./lib/pool-timing-worker.mjs', import.meta.url)), minThreads: threads, maxThreads: threads, concurrentTasksPerWorker: 1,
  workerData: workerInit(s, { train, test: train }),
});
const order = epochPermutation(1, 0, train.count);
let cursor = 0;
const rec = { inline: [], first: [], repeat: [] };
async function step(mode, record) {
  if (cursor + batch > order.length) cursor = 0;
  const idx = order.subarray(cursor, cursor + batch); cursor += batch;
  const slices = shardSlices(batch, shards);
  const tasks = slices.map(([a, b], shard) => ({ kind: 'grad', shard, indices: idx.slice(a, b) }));
  if (mode === 'inline') {
    const t0 = performance.now();
    for (const t of tasks) s.model.runShard(t, train);
    if (record) rec.inline.push(performance.now() - t0);
  } else {
    const groups = [];
    for (let g = 0; g < threads; g++) groups.push(pool.run(tasks.slice(Math.floor((g * tasks.length) / threads), Math.floor(((g + 1) * tasks.length) / threads))));
    const res = await Promise.all(groups);
    if (record) { rec.first.push(res.reduce((x, r) => x + r[0], 0)); rec.repeat.push(res.reduce((x, r) => x + r[1], 0)); }
  }
  s.model.applyShards(slices.length, batch);
}
for (let i = 0; i < 100; i++) { await step('inline', false); await step('pool', false); }
for (let r = 0; r < blocks; r++) for (const m of ['inline', 'pool']) for (let i = 0; i < steps; i++) await step(m, true);
await pool.destroy();
const med = (a) => { const b = [...a].sort((x, y) => x - y); return b[b.length >> 1]; };
console.log(`${algo}${algo === 'stidi' || algo === 'proxy' ? '' : ` 784-${hid}-10`}, batch ${batch}, ${shards} shards, ${threads} worker thread(s): compute per step, ms (median of ${blocks * steps} steps)`);
console.log(`  inline (main thread): ${med(rec.inline).toFixed(3)}`);
console.log(`  workers, first run:   ${med(rec.first).toFixed(3)}  (after the main thread's update; summed over the workers)`);
console.log(`  workers, repeat:      ${med(rec.repeat).toFixed(3)}  (the same tasks again)`);
console.log(`command: node scripts/pool-cache-migration.mjs ${algo} ${hid} ${batch} ${shards} ${threads} ${blocks} ${steps}`);
