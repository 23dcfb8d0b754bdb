// Executors side by side on one model: the trainer's minibatch step (shard tasks -> executor.run -> applyShards)
// in interleaved blocks with `--workers 2` as built (the caller claims tasks beside one pool thread), two pool
// threads with an idle caller (the pool before the caller took part), and inline. Prints medians of samples/s and
// the per-block ratios (paired medians) against the built executor; all give the same model state (checked).
//   node scripts/ab-executors.mjs [algo=s4nn] [hidden=400] [batch=64] [shards=8] [repeats=15] [blockMs=600]
import { createHash } from 'node:crypto';
import { createSession, sharedImages, workerInit } from '../dist/src/session.js';
import { InlineExecutor, PoolExecutor } from '../dist/src/pool/executor.js';
import { ALGORITHMS } from '../dist/src/algorithms/registry.js';
import { loadDataset } from '../dist/src/data/index.js';
import { shardSlices } from '../dist/src/pool/shards.js';
import { epochPermutation } from '../dist/src/train/rng.js';

const [algo = 's4nn', hid = '400', batchArg = '64', shardsArg = '8', repeatsArg = '15', blockArg = '600'] = process.argv.slice(2);
const batch = Number(batchArg), shards = Number(shardsArg), repeats = Number(repeatsArg), blockMs = Number(blockArg);
const d = loadDataset('mnist', 'train');
const train = { ...sharedImages(d.images, d.labels, 784), count: d.labels.length };
const data = { train, test: train };
const s = createSession(ALGORITHMS[algo], 'mnist', algo === 'stidi' || algo === 'proxy' ? {} : { hidden: [Number(hid)] }, { shards });
const init = workerInit(s, data);
const main = { model: s.model, data };
const ex = {
  built: new PoolExecutor({ workers: 2, maxAttempts: 4, init, main }),
  waiting: new PoolExecutor({ workers: 2, maxAttempts: 4, init }),
  inline: new InlineExecutor(s.model, data),
};
const names = Object.keys(ex);
const order = epochPermutation(1, 0, train.count);
let cursor = 0;
async function step(name) {
  if (cursor + batch > order.length) cursor = 0;
  const idx = order.subarray(cursor, cursor + batch); cursor += batch;
  const slices = shardSlices(batch, shards);
  await ex[name].run('train', slices.map(([a, b], shard) => ({ kind: 'grad', shard, indices: idx.slice(a, b) })));
  s.model.applyShards(slices.length, batch);
}
const stateHash = () => {
  const st = s.model.state(), h = createHash('sha256');
  for (const k of Object.keys(st.tensors).sort()) { const t = st.tensors[k]; h.update(new Uint8Array(t.buffer, t.byteOffset, t.byteLength)); }
  return h.digest('hex');
};
const hashes = [];
for (const n of names) { s.model.initialise(1); cursor = 0; for (let k = 0; k < 3; k++) await step(n); hashes.push(stateHash()); }
let est = 0;
for (const n of names) { const t0 = performance.now(); for (let k = 0; k < 20; k++) await step(n); if (n === 'inline') est = (performance.now() - t0) / 20; }
const steps = Math.max(3, Math.round(blockMs / est));
const sps = Object.fromEntries(names.map((n) => [n, []]));
for (let r = 0; r < repeats; r++) {
  for (let i = 0; i < names.length; i++) {
    const n = names[(i + r) % names.length];
    const t0 = performance.now();
    for (let k = 0; k < steps; k++) await step(n);
    sps[n].push((steps * batch) / ((performance.now() - t0) / 1000));
  }
}
const med = (x) => { const y = [...x].sort((a, b) => a - b); const m = y.length >> 1; return y.length % 2 ? y[m] : (y[m - 1] + y[m]) / 2; };
console.log(`${algo}${algo === 'stidi' || algo === 'proxy' ? '' : ` 784-${hid}-10`}, batch ${batch}, ${shards} shards; ${repeats} repeats of ${steps} steps per executor; same state on all: ${new Set(hashes).size === 1}`);
for (const n of names) {
  const ratio = med(sps.built.map((v, i) => v / sps[n][i]));
  console.log(`  ${n.padEnd(8)} ${med(sps[n]).toFixed(0).padStart(7)} samples/s${n === 'built' ? '' : `   built / this ${ratio.toFixed(3)}x (paired)`}`);
}
for (const n of names) await ex[n].close();
console.log(`command: node scripts/ab-executors.mjs ${algo} ${hid} ${batch} ${shards} ${repeats} ${blockMs}`);
