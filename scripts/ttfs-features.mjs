// Dumps what a trained S4NN / BS4NN network's output layer reads: the spike times of its (last) hidden layer
// (uint16, one row per image; tmax = silent), its own output spike times, and the labels, for the training and
// test sets, in the layout of scripts/stidi-features.mjs, so that scripts/stidi-linear-readout.py asks the same
// question of these networks: how well does a linear classifier do on the same features (docs/ttfs.md: is the
// hidden layer or the read-out what limits the accuracy on Fashion-MNIST?). Uses the checkpoint's averaged
// weights when it has them (--ema), as `snnwasm eval` does.
//   node scripts/ttfs-features.mjs <run>/checkpoint.ckpt <mnist|fashion-mnist> <out prefix>
//   python3 scripts/stidi-linear-readout.py <out prefix>
import { ALGORITHMS } from '../dist/src/algorithms/registry.js';
import { createSession } from '../dist/src/session.js';
import { loadCheckpoint } from '../dist/src/io/index.js';
import { averagedFromCheckpoint } from '../dist/src/train/average.js';
import { dumpFeatures } from './lib/feature-dump.mjs';

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
dumpFeatures(out, dataset, info, nF, net.nClasses, (images, offset) => {
  net.forward(ws, images, offset);
  return [a.view(ws.layers[hidden].tOut), net.outputTimes(ws)];
});
