// Proxy learning's SNN forward: spike-driven accumulation (if_conv_gather / if_fc_gather: add the
// weight rows of active inputs) against the dense path (im2col + GEMM on the 0/1 spike maps), on the
// same weights and images, at the spike rates of a briefly trained network (rates at initialisation are
// not representative). Both paths are timed alternately in this process (one core), medians reported;
// the output counts of the two paths are compared (they agree up to float rounding of the sums).
import os from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Benchmark, fmt, pick, sig as sig0 } from './lib.js';

/** 3 significant digits; 0 and non-finite values as they are */
const sig = (x: number): number => (x > 0 && Number.isFinite(x) ? sig0(x) : x);
import { ALGORITHMS } from '../src/algorithms/registry.js';
import { createSession, createExecutor, sharedImages } from '../src/session.js';
import { loadDataset } from '../src/data/index.js';
import { train } from '../src/train/trainer.js';
import { evaluateModel } from '../src/train/evaluate.js';
import type { ProxyModel } from '../src/algorithms/proxy/model.js';
import { loadImage } from '../src/algorithms/proxy/augment.js';
import { loadCheckpoint } from '../src/io/index.js';
import { convForward } from '../src/nn/conv.js';
import { linearForward } from '../src/nn/linear.js';

export const proxySnn: Benchmark = {
  name: 'proxy-snn',
  title: 'Proxy learning: SNN forward, spike-driven vs dense',
  about: 'ms per image of the proxy SNN forward (T = 15) on Fashion-MNIST test images with the spike-driven path (add active inputs\' weight rows) and the dense path (im2col + GEMM on spike maps), same weights after a short training run, one core; measured spike rates per layer.',
  async run(ctx) {
    const P = pick(ctx.quick, { model: 'fmnist-small', trainSamples: 3000, lr: 1e-3, images: 160, repeats: 5, T: 15 },
      { model: 'tiny', trainSamples: 400, lr: 1e-3, images: 32, repeats: 2, T: 15 });
    const tr = loadDataset('fashion-mnist', 'train'), te = loadDataset('fashion-mnist', 'test');
    const data = {
      dataset: 'fashion-mnist',
      train: { ...sharedImages(tr.images, tr.labels, 784), count: tr.count },
      test: { ...sharedImages(te.images, te.labels, 784), count: te.count },
    };
    const algo = ALGORITHMS.proxy;
    const s = createSession(algo, 'fashion-mnist', { model: P.model, lr: P.lr, T: P.T, evalT: [P.T] }, { shards: 8 });
    const ex = createExecutor(s, data, 1);
    const dir = mkdtempSync(join(tmpdir(), 'snn-proxy-bench-'));
    let rates: number[] = [];
    // SNN_BENCH_PROXY_CHECKPOINT=<checkpoint of a proxy run of this model>: measure at that run's spike rates
    // instead of training briefly here
    const ckpt = process.env.SNN_BENCH_PROXY_CHECKPOINT;
    try {
      if (ckpt) {
        const c = loadCheckpoint(ckpt);
        const m = c.meta as Record<string, any>;
        if (m.algorithm !== 'proxy' || m.config?.model !== P.model) throw new Error(`${ckpt} is not a proxy ${P.model} checkpoint`);
        s.model.loadState({ scalars: m.scalars, tensors: c.tensors as Record<string, Float32Array | Float64Array> });
        ctx.log(`  weights and BN statistics from ${ckpt} (epoch ${m.epoch})`);
      } else {
        ctx.log(`  training ${P.model} on ${P.trainSamples} images (lr ${P.lr}) for realistic spike rates...`);
        // two epochs: the second runs with frozen BN, as all but the first epoch of a real run
        await train({ algorithm: algo, config: s.config, epochs: 2, batchSize: 100, shards: 8, seed: 1, outDir: dir, resume: false,
          keepCheckpoints: 1, progress: false, limitTrain: P.trainSamples, limitTest: 500, finiteCheckEvery: 1000, log: ctx.log }, data, s.model, ex);
      }
      rates = (await evaluateModel(s.model, ex, 8, 500)).stats.layerSpikeRates ?? [];
    } finally { await ex.close(); rmSync(dir, { recursive: true, force: true }); }
    const model = s.model as ProxyModel, net = model.net, ws = net.main, B = Math.min(16, net.cfg.chunk);
    const x0 = s.arena.view(ws.x0);
    const cfg = net.cfg as { snnPath: 'sparse' | 'dense' };
    const countsOf = (from: number): Float32Array => {
      for (let b = 0; b < B; b++) loadImage(x0.subarray(b * 784, (b + 1) * 784), te.images, from + b, net.cfg.input, 'none', 0, 0);
      const off = net.snnForward(ws, B, false, P.T, true);
      return new Float32Array(s.memory.buffer, off, B * 10).slice();
    };
    const timePath = (path: 'sparse' | 'dense'): number => {
      cfg.snnPath = path;
      const t0 = performance.now();
      for (let i = 0; i < P.images; i += B) countsOf(i);
      return (performance.now() - t0) / P.images;
    };
    // warm up both (V8 tiers wasm up on later calls), then alternate
    timePath('sparse'); timePath('dense');
    const ms: Record<'sparse' | 'dense', number[]> = { sparse: [], dense: [] };
    for (let r = 0; r < P.repeats; r++) {
      for (const path of (r % 2 ? ['dense', 'sparse'] : ['sparse', 'dense']) as ('sparse' | 'dense')[]) ms[path].push(timePath(path));
      ctx.monitor.sample();
      ctx.log(`  [${r + 1}/${P.repeats}] sparse ${fmt(ms.sparse[r])} ms/image, dense ${fmt(ms.dense[r])} ms/image (load avg ${os.loadavg()[0].toFixed(2)})`);
    }
    // per layer, on the spike maps the last step of a real forward left in the workspace: the spike-driven
    // kernel against im2col + GEMM (conv) or the batched GEMM (fc), timed alternately
    cfg.snnPath = 'sparse';
    countsOf(0);
    const k = s.kernels, plan = net.plan, F = 4;
    const perLayer: { layer: string; inputRate: number; sparseUs: number; denseUs: number; speedup: number }[] = [];
    const wOff = (l: number) => net.params.offset + plan.params[plan.w[l]].offset * F;
    const wtOff = (l: number) => net.wt.offset + plan.params[plan.w[l]].offset * F;
    plan.layers.forEach((L, l) => {
      if (l === 0 || L.kind === 'pool') return;
      const x = ws.layers[l - 1].spk, out = ws.layers[l].scur;
      const inN = L.kind === 'conv' ? L.cin * L.H * L.W : L.nin;
      const xs = new Float32Array(s.memory.buffer, x, B * inN);
      const rate = xs.reduce((a, v) => a + (v !== 0 ? 1 : 0), 0) / xs.length;
      const sparseOnce = () => {
        if (L.kind === 'conv') for (let b = 0; b < B; b++) k.if_conv_gather(x + b * inN * F, L.cin, L.H, L.W, L.k, L.stride, L.pad, wtOff(l), L.cout, out + b * L.cout * L.Ho * L.Wo * F, ws.list, ws.pixCnt);
        else if (L.kind === 'fc') k.if_fc_gather(x, B, L.nin, wtOff(l), L.nout, out, ws.list);
      };
      // the dense path is the trainer's own (src/nn: im2col + stored GEMM per sample; the batched fc GEMM)
      const denseOnce = () => {
        if (L.kind === 'conv') convForward(net.nn, L, wOff(l), x, out, B, ws.col);
        else if (L.kind === 'fc') linearForward(net.nn, L, wOff(l), x, out, B);
      };
      const reps = Math.max(3, Math.round(P.images / B));
      const timeIt = (f: () => void) => { const t0 = performance.now(); for (let r = 0; r < reps; r++) f(); return ((performance.now() - t0) * 1000) / (reps * B); };
      for (let w = 0; w < 3; w++) { sparseOnce(); denseOnce(); }
      const sp: number[] = [], de: number[] = [];
      for (let r = 0; r < P.repeats; r++) { sp.push(timeIt(sparseOnce)); de.push(timeIt(denseOnce)); }
      const name = L.kind === 'conv' ? `conv ${L.cin}->${L.cout} @${L.H}x${L.W}` : L.kind === 'fc' ? `fc ${L.nin}->${L.nout}` : '';
      const sMed = [...sp].sort((a, b) => a - b)[sp.length >> 1], dMed = [...de].sort((a, b) => a - b)[de.length >> 1];
      perLayer.push({ layer: name, inputRate: sig(rate), sparseUs: sig(sMed), denseUs: sig(dMed), speedup: sig(dMed / sMed) });
    });
    // agreement of the two paths' counts
    let same = 0, total = 0;
    for (let i = 0; i < P.images; i += B) {
      cfg.snnPath = 'sparse'; const a = countsOf(i);
      cfg.snnPath = 'dense'; const b = countsOf(i);
      for (let j = 0; j < a.length; j++) { total++; if (a[j] === b[j]) same++; }
    }
    const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
    const sparse = sig(med(ms.sparse)), dense = sig(med(ms.dense));
    const results = { weightsFrom: ckpt ?? `${P.trainSamples} images x 2 epochs of training here`, model: P.model, describe: model.describe(), T: P.T, sparseMsPerImage: sparse, denseMsPerImage: dense, speedup: sig(dense / sparse),
      layerSpikeRates: rates.map(sig), perLayer, countsAgreement: sig(same / total), perRepeat: ms };
    const summary = [
      `weights: ${results.weightsFrom}`,
      `${P.model} SNN forward, T = ${P.T}: spike-driven ${fmt(sparse)} ms/image, dense ${fmt(dense)} ms/image: ${fmt(dense / sparse)}x (median of ${P.repeats})`,
      `spikes per neuron per step, by IF layer: ${rates.map((r) => r.toFixed(4)).join(' ')}`,
      ...perLayer.map((x) => `${x.layer}: input spike rate ${(100 * x.inputRate).toFixed(1)}%, spike-driven ${fmt(x.sparseUs)} us/image/step, dense ${fmt(x.denseUs)}: ${fmt(x.speedup)}x`),
      `output counts identical in both paths for ${(100 * same / total).toFixed(2)}% of ${total} (image, class) pairs`,
    ];
    return { params: P, results, summary };
  },
};
