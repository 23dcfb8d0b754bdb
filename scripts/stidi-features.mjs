// Dumps what a trained STiDi-BP network's output layer reads: the pooled spike times of its conv layer
// (uint16, one row of ph*pw*cs per image), its own output spike times, and the labels, for the training
// and test sets, so that scripts/stidi-linear-readout.py can ask how well a linear classifier does on the
// same features (docs/stidi-bp.md §8: is the read-out or the feature layer what limits the accuracy?).
// Uses the checkpoint's averaged weights when it has them (--ema), as `snnwasm eval` does.
// With `unpooled`, the conv layer's own spike times before the pooling (what a read-out without pooling would see).
//   node scripts/stidi-features.mjs <run>/checkpoint.ckpt <mnist|fashion-mnist> <out prefix> [unpooled]
//   python3 scripts/stidi-linear-readout.py <out prefix>
import { ALGORITHMS } from '../dist/src/algorithms/registry.js';
import { createSession } from '../dist/src/session.js';
import { loadCheckpoint } from '../dist/src/io/index.js';
import { averagedFromCheckpoint } from '../dist/src/train/average.js';
import { dumpFeatures } from './lib/feature-dump.mjs';

const [ckPath, dataset, out, mode] = process.argv.slice(2);
const unpooled = mode === 'unpooled';
if (!out) { console.error('usage: node scripts/stidi-features.mjs <checkpoint> <mnist|fashion-mnist> <out prefix>'); process.exit(2); }
const ck = loadCheckpoint(ckPath), meta = ck.meta;
if (meta.algorithm !== 'stidi') { console.error(`${ckPath}: a ${meta.algorithm} checkpoint, not stidi`); process.exit(2); }
const s = createSession(ALGORITHMS.stidi, dataset, { ...meta.config }, { shards: 1 });
s.model.loadState({ scalars: meta.scalars, tensors: ck.tensors });
const avg = averagedFromCheckpoint(ck.tensors);
if (avg.length) s.model.useWeights(avg);
const net = s.model.net, ws = net.main, a = s.arena;
const L = net.layers[net.layers.length - 2], W = ws.layers[net.layers.length - 2];
const nF = unpooled ? L.hout * L.wout * L.cs : L.ph * L.pw * L.cs;
const info = { checkpoint: ckPath, dataset, features: nF, shape: unpooled ? [L.hout, L.wout, L.cs] : [L.ph, L.pw, L.cs], pooled: !unpooled, weights: avg.length ? 'averaged' : 'last' };
dumpFeatures(out, dataset, info, nF, net.nClasses, (images, offset) => {
  net.forward(ws, images, offset);
  return [a.view(unpooled ? W.tOut : W.tPool), net.outputTimes(ws)];
});
