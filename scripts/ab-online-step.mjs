// The training step of this build against another build's, in one process (online, batch size 1, by default;
// with a batch size, the minibatch step as the inline executor runs it: shard tasks, then the reduction and update;
// with a worker count as well, the trainer's minibatch step on each build's own executor for that count, a pool of
// worker threads from 2 on, each build's pool alive throughout):
// both builds' sessions (each its own wasm memory and kernels, each its own host code) train the same
// model from the same seed on the same samples in lockstep, in interleaved blocks (the order alternating),
// so a slow spell of a shared host falls on both. Prints each build's median samples/s, the paired median
// of the per-block ratios, and whether both ended with the same weights (SHA-256 of the model state).
//   node --no-liftoff scripts/ab-online-step.mjs <other checkout with dist/> [algo=s4nn] [rounds=15] [block=3000] [batch=1] [shards=8] [workers=0: inline] [model flags as JSON]
// (block counts samples; with a batch size it is rounded down to whole steps)
import { createHash } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadDataset } from '../dist/src/data/index.js';
import { epochPermutation } from '../dist/src/train/rng.js';
import { stat } from '../dist/bench/lib.js';

const [otherRoot, algo = 's4nn', roundsArg = '15', blockArg = '3000', batchArg = '1', shardsArg = '8', workersArg = '0', flagsArg = '{}'] = process.argv.slice(2);
if (!otherRoot) { console.error('usage: node --no-liftoff scripts/ab-online-step.mjs <other checkout with dist/> [algo] [rounds] [block] [batch] [shards] [workers] [model flags as JSON]'); process.exit(2); }
const rounds = Number(roundsArg), batch = Number(batchArg), shards = Number(shardsArg), workers = Number(workersArg), flags = JSON.parse(flagsArg);
const block = batch > 1 ? Math.max(batch, Math.floor(Number(blockArg) / batch) * batch) : Number(blockArg);
const d = loadDataset('mnist', 'train');
const order = epochPermutation(1, 0, d.labels.length);

async function open(root) {
  const { createSession } = await import(pathToFileURL(path.join(root, 'dist/src/session.js')).href);
  const { ALGORITHMS } = await import(pathToFileURL(path.join(root, 'dist/src/algorithms/registry.js')).href);
  const { shardSlices } = await import(pathToFileURL(path.join(root, 'dist/src/pool/shards.js')).href);
  const s = createSession(ALGORITHMS[algo], 'mnist', flags, { shards: batch > 1 ? shards : 1 });
  s.model.initialise(1);
  if (!workers) return { s, cursor: 0, shardSlices };
  // the build's own executor and minibatch step (a build from before src/train/minibatch-step.ts: the trainer's
  // loop of its time, executor.run then applyShards)
  const { createExecutor, sharedImages } = await import(pathToFileURL(path.join(root, 'dist/src/session.js')).href);
  const images = { ...sharedImages(d.images, d.labels, 784), count: d.labels.length };
  const executor = createExecutor(s, { train: images, test: images }, workers);
  let step;
  try {
    const { minibatchStep } = await import(pathToFileURL(path.join(root, 'dist/src/train/minibatch-step.js')).href);
    step = (idx) => minibatchStep(executor, s.model, idx, shards);
  } catch {
    step = async (idx) => {
      const slices = shardSlices(idx.length, shards);
      await executor.run('train', slices.map(([lo, hi], shard) => ({ kind: 'grad', shard, indices: idx.slice(lo, hi) })));
      s.model.applyShards(slices.length, idx.length);
    };
  }
  return { s, cursor: 0, shardSlices, executor, step };
}
const builds = { this: await open(path.resolve('.')), other: await open(path.resolve(otherRoot)) };

const data = { images: d.images, labels: d.labels, pixels: 784 };
async function run(b, n) {
  const m = b.s.model;
  const t0 = performance.now();
  if (b.step) {
    for (let k = 0; k < n; k += batch) {
      if (b.cursor + batch > order.length) b.cursor = 0;
      await b.step(order.subarray(b.cursor, b.cursor + batch)); b.cursor += batch;
    }
    return performance.now() - t0;
  }
  if (batch > 1) {
    for (let k = 0; k < n; k += batch) {
      if (b.cursor + batch > order.length) b.cursor = 0;
      const idx = order.subarray(b.cursor, b.cursor + batch); b.cursor += batch;
      const slices = b.shardSlices(batch, shards);
      slices.forEach(([lo, hi], shard) => m.runShard({ kind: 'grad', shard, indices: idx.slice(lo, hi) }, data));
      m.applyShards(slices.length, batch);
    }
    return performance.now() - t0;
  }
  for (let k = 0; k < n; k++) {
    if (b.cursor === order.length) b.cursor = 0;
    const i = order[b.cursor++];
    m.trainSample(d.images, i * 784, d.labels[i]);
  }
  return performance.now() - t0;
}
const hash = (b) => {
  const st = b.s.model.state(), h = createHash('sha256');
  for (const k of Object.keys(st.tensors).sort()) { const t = st.tensors[k]; h.update(new Uint8Array(t.buffer, t.byteOffset, t.byteLength)); }
  return h.digest('hex');
};

await run(builds.this, block); await run(builds.other, block); // warm-up (same samples for both)
const sps = { this: [], other: [] }, ratios = [];
for (let r = 0; r < rounds; r++) {
  const names = r % 2 ? ['other', 'this'] : ['this', 'other'];
  const ms = {};
  for (const n of names) { ms[n] = await run(builds[n], block); sps[n].push(block / ms[n] * 1000); }
  ratios.push(ms.other / ms.this);
}
const same = hash(builds.this) === hash(builds.other);
for (const b of Object.values(builds)) await b.executor?.close();
console.log(`${algo}${flagsArg !== '{}' ? ` ${flagsArg}` : ''} ${batch > 1 ? `minibatch step (batch ${batch}, ${shards} shards, ${workers ? `--workers ${workers}` : 'inline'})` : 'online step'}, ${rounds} rounds of ${block} samples each: this ${stat(sps.this).median.toFixed(0)} samples/s, ` +
  `other ${stat(sps.other).median.toFixed(0)} samples/s, other/this time ratio (paired median) ${stat(ratios).median.toFixed(3)}× ` +
  `[${Math.min(...ratios).toFixed(3)}..${Math.max(...ratios).toFixed(3)}], same weights: ${same}`);
