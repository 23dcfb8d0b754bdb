// Counts the work of STiDi-BP's event-driven conv forward (stidi_forward_f32) on MNIST test images: input events per
// image (onsets and ramp ends that fall before tmax - 1), (event, output position) touches, and the share of touches
// that advance the position (the first event of a time to reach it) rather than only add a weight row.
//   SNN_DATA_DIR=../shared/data node scripts/stidi-touches.mjs [images=64] [maps=16]
// Network: stidi-mnist with `maps` maps, trained on 2,000 images (as scripts/ab-stidi-forward.mjs does).
import { createSession } from '../dist/src/session.js';
import { ALGORITHMS } from '../dist/src/algorithms/registry.js';
import { loadDataset } from '../dist/src/data/index.js';

const S = Number(process.argv[2] ?? 64), maps = Number(process.argv[3] ?? 16);
const train = loadDataset('mnist', 'train'), test = loadDataset('mnist', 'test');
const px = train.channels * train.height * train.width;
const s = createSession(ALGORITHMS.stidi, 'mnist', { maps: [maps], theta: [3, 8] }, { shards: 1 });
const model = s.model, net = model.net, a = s.arena, cfg = s.config;
model.initialise(1);
for (let i = 0; i < 2000; i++) model.trainSample(train.images, i * px, train.labels[i]);
const L = net.layers[0], tau = Array.isArray(cfg.tau) ? cfg.tau[0] : cfg.tau;
let touches = 0, advances = 0, events = 0, distinct = 0;
for (let im = 0; im < S; im++) {
  net.forward(net.main, test.images, im * px);
  const t = a.view(net.main.tIn).slice(0, L.nIn);
  // the kernel's order: by time, onsets before ramp ends, then input index
  const ev = [];
  for (let i = 0; i < L.nIn; i++) {
    if (t[i] > cfg.tmax - 2) continue;
    ev.push([t[i], 0, i]);
    if (t[i] + tau <= cfg.tmax - 1) ev.push([t[i] + tau, 1, i]);
  }
  ev.sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]);
  distinct += new Set(ev.map((e) => e[0])).size;
  const lt = new Int32Array(L.hout * L.wout);
  for (const [b, , i] of ev) {
    events++;
    const y = Math.floor(i / L.win), x = i % L.win;
    for (let ky = Math.max(0, y - L.hout + 1); ky <= Math.min(L.k - 1, y); ky++) {
      for (let kx = Math.max(0, x - L.wout + 1); kx <= Math.min(L.k - 1, x); kx++) {
        const pos = (y - ky) * L.wout + (x - kx);
        touches++;
        if (b > lt[pos]) { advances++; lt[pos] = b; }
      }
    }
  }
}
console.log(`stidi-mnist, ${maps} maps, conv ${L.k}x${L.k} ${L.cin}->${L.cout}, tau ${tau}, ${S} MNIST test images:`);
console.log(`  events per image ${(events / S).toFixed(1)}, distinct event times ${(distinct / S).toFixed(1)}`);
console.log(`  touches per image ${(touches / S).toFixed(0)}, advancing ${(100 * advances / touches).toFixed(1)}%`);
