// Dumps what a trained S4NN / BS4NN network's output layer reads: the spike times of its (last) hidden layer
// (uint16, one row per image; tmax = silent), its own output spike times, and the labels, for the training and
// test sets, in the layout of scripts/stidi-features.mjs, so that scripts/stidi-linear-readout.py asks the same
// question of these networks: how well does a linear classifier do on the same features (docs/ttfs.md: is the
// hidden layer or the read-out what limits the accuracy on Fashion-MNIST?). Uses the checkpoint's averaged
// weights when it has them (--ema), as `snnwasm eval` does.
//   node scripts/ttfs-features.mjs <run>/checkpoint.ckpt <mnist|fashion-mnist> <out prefix>
//   python3 scripts/stidi-linear-readout.py <out prefix>
import { writeFileSync } from 'node:fs';
import { ALGORITHMS } from '../dist/src/algorithms/registry.js';
import { createSession } from '../dist/src/session.js';
import { loadCheckpoint } from '../dist/src/io/index.js';
import { averagedFromCheckpoint } from '../dist/src/train/average.js';
import { loadDataset } from '../dist/src/data/index.js';

const [ckPath, dataset, out] = process.argv.slice(2);
if (!out) { console.error('usage: node scripts/ttfs-features.mjs <checkpoint> <mnist|fashion-mnist> <out prefix>'); process.exit(2); }
const ck = loadCheckpoint(ckPath), meta = ck.meta;
if (meta.algorithm !== 's4nn' && meta.algorithm !== 'bs4nn') { console.error(`${ckPath}: a ${meta.algorithm} checkpoint, not s4nn or bs4nn`); process.exit(2); }
const s = createSession(ALGORITHMS[meta.algorithm], dataset, { ...meta.config }, { shards: 1 });
s.model.loadState({ scalars: meta.scalars, tensors: ck.tensors });
const avg = averagedFromCheckpoint(ck.tensors);
if (avg.length) s.model.useWeights(avg);
const net = s.model.net, ws = net.main, a = s.arena;
const hidden = net.layers.length - 2, nF = net.layers[hidden].nOut;
const info = { checkpoint: ckPath, dataset, features: nF, shape: [nF], pooled: true, layer: `hidden ${hidden + 1}`, weights: avg.length ? 'averaged' : 'last' };
for (const split of ['train', 'test']) {
  const d = loadDataset(dataset, split);
  const feats = new Uint16Array(d.count * nF), outT = new Uint16Array(d.count * net.nClasses);
  for (let i = 0; i < d.count; i++) {
    net.forward(ws, d.images, i * d.channels * d.height * d.width);
    feats.set(a.view(ws.layers[hidden].tOut).subarray(0, nF), i * nF);
    outT.set(net.outputTimes(ws).subarray(0, net.nClasses), i * net.nClasses);
  }
  writeFileSync(`${out}-${split}.u16`, feats);
  writeFileSync(`${out}-${split}-out.u16`, outT);
  writeFileSync(`${out}-${split}-labels.u8`, d.labels);
  info[split] = d.count;
}
writeFileSync(`${out}.json`, JSON.stringify(info, null, 1));
console.log(JSON.stringify(info));
