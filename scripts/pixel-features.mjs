// The input itself as "features" for scripts/stidi-linear-readout.py: every pixel's S4NN latency t =
// floor((255 - p) * 256 / 255) (256, silent, for p = 0), in the layout of the network dumps
// (scripts/lib/feature-dump.mjs), so that a linear read-out of the pixels stands beside those of trained hidden
// layers (docs/ttfs.md, "Which layer limits?"). There is no network: its "output times" are all 256, and the
// read-out script's TTFS row is meaningless here.
//   node scripts/pixel-features.mjs <mnist|fashion-mnist> <out prefix>
//   python3 scripts/stidi-linear-readout.py <out prefix>
import { dumpFeatures } from './lib/feature-dump.mjs';
import { encodeLatencies, latencyTable } from '../dist/src/algorithms/ttfs/encode.js';

const [dataset, out] = process.argv.slice(2);
if (!out) { console.error('usage: node scripts/pixel-features.mjs <mnist|fashion-mnist> <out prefix>'); process.exit(2); }
const tmax = 256, nF = 784, table = latencyTable('s4nn', tmax);
const t = new Int32Array(nF), silent = new Int32Array(10).fill(tmax);
dumpFeatures(out, dataset, { checkpoint: 'the pixels (S4NN latency code)', dataset, features: nF, shape: [28, 28], pooled: true, weights: '-' }, nF, 10,
  (images, offset) => { encodeLatencies(images, offset, nF, table, t); return [t, silent]; });
