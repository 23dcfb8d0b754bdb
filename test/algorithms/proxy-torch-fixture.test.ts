// Cross-check against the PyTorch peer: one proxy-learning step of our network on the weights,
// images and BN statistics of the committed fixtures (test/fixtures/proxy/, written by
// `python3 bench/peers/proxy_torch.py fixture`, an independent PyTorch implementation of the
// authors' step; no Python is needed here), in both BN regimes (train: batch statistics; eval:
// given running statistics).
//   - Spike counts of the output AND of every hidden IF layer, with both SNN paths (spike-driven
//     'sparse' and GEMM 'dense'): exactly equal. Spike counts are integers; the fixture records the
//     smallest |v - theta| any IF layer met (meta.json minAbsVMinusTheta: >= 3.5e-5 here, against
//     float32 rounding differences of ~1e-6 in the potentials), so no spike sits close enough to the
//     threshold for a different but correct summation order to flip it. (A one-off full-size check,
//     PROXY_TORCH_FIXTURES=<dir> after `proxy_torch.py fixture --arch <fmnist-small> --out <dir>`,
//     with margins down to 5e-7 over ~1.1 M spikes, also matched every count exactly.)
//   - ANN outputs, loss, every parameter's gradient, BN running statistics after the step: within a
//     float32 tolerance. Our float32 result is compared with PyTorch's float64 run, with a bound of
//     TOL_REL x the tensor's largest |value| (+ a tiny absolute floor); the test also checks the
//     bound is meaningful: PyTorch's own float32 run must fall within it too, and the bound is much
//     smaller than the tensor's spread (a wrong gradient fails it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNpy } from '../../src/io/npy.js';
import { proxyStep } from '../../src/algorithms/proxy/check.js';
import type { LayerSpec } from '../../src/algorithms/proxy/models.js';
import { ProxyNetwork, type ProxyConfig } from '../../src/algorithms/proxy/network.js';
import { makePlan } from '../../src/algorithms/proxy/plan.js';
import { PROXY_DEFAULTS } from '../../src/algorithms/proxy.js';
import { createSharedMemory, instantiateKernels } from '../../src/wasm/module.js';
import { Arena } from '../../src/wasm/arena.js';

const COMMITTED = fileURLToPath(new URL('../../../test/fixtures/proxy/', import.meta.url));
/** PROXY_TORCH_FIXTURES=<dir>: check other fixtures written by `proxy_torch.py fixture --arch ...` (one-off checks) */
const DIR = process.env.PROXY_TORCH_FIXTURES ?? COMMITTED;
/** float32 has 2^-24 ~ 6e-8 relative precision; sums over up to a few hundred terms, BN's 1/sqrt(var) and
 * the backward pass through 2-3 layers: 2e-5 of the tensor's scale is ~300 ulps, while PyTorch's own
 * float32-vs-float64 difference on these fixtures is <= 2e-6 of the scale (meta.json). */
const TOL_REL = 2e-5;

interface Meta {
  arch: { input: [number, number, number]; classes: number; layers: LayerSpec[] };
  T: number; batch: number; theta: number;
  params: { name: string; shape: number[]; file: string }[];
  regimes: Record<string, { minAbsVMinusTheta: Record<string, Record<string, number>> }>;
}

const f32 = (file: string) => Float32Array.from(readNpy(file).data);
const f64 = (file: string) => Float64Array.from(readNpy(file).data);

function maxAbs(a: ArrayLike<number>): number { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i])); return m; }
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'lengths');
  let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i])); return m;
}

/** ours (float32) against PyTorch float64, bound TOL_REL x scale; PyTorch float32 must be inside the same bound. */
function close(what: string, ours: ArrayLike<number>, ref64: ArrayLike<number>, ref32: ArrayLike<number>): number {
  const scale = Math.max(maxAbs(ref64), 1e-6);
  const bound = TOL_REL * scale + 1e-9;
  const e = maxDiff(ours, ref64), e32 = maxDiff(ref32, ref64);
  assert.ok(e32 <= bound, `${what}: the bound ${bound.toExponential(2)} is tighter than PyTorch's own float32 error ${e32.toExponential(2)}`);
  assert.ok(e <= bound, `${what}: max |ours - torch f64| = ${e.toExponential(3)} > ${bound.toExponential(2)} (scale ${scale.toExponential(2)}; torch f32 error ${e32.toExponential(2)})`);
  return e / scale;
}

/**
 * Every IF layer's spike counts over T steps (layer index -> counts [B][...]) from our SNN forward, set up
 * as proxyStep (src/algorithms/proxy/check.ts) does, which returns only the output layer's.
 */
function ourLayerCounts(meta: Meta, weights: Float32Array[], images: Float32Array, running: Float32Array[] | undefined, snnPath: 'sparse' | 'dense'): Map<number, Float32Array> {
  const [C, H, W] = meta.arch.input, N = meta.batch, input = { channels: C, height: H, width: W };
  const cfg: ProxyConfig = { ...(PROXY_DEFAULTS as ProxyConfig), model: 'custom', T: meta.T, theta: meta.theta, chunk: N, input, evalT: [], snnPath };
  const memory = createSharedMemory();
  const { kernels, heapBase } = instantiateKernels(memory, 'fast');
  const arena = new Arena(memory, heapBase);
  const net = new ProxyNetwork(arena, kernels, makePlan(meta.arch.layers, input, meta.arch.classes), cfg);
  net.initialise(0);
  const params = arena.view(net.params);
  net.plan.params.forEach((p, i) => params.set(weights[i], p.offset));
  net.refreshTransposed();
  const batch = running === undefined;
  if (!batch) {
    const run = arena.view(net.running);
    let j = 0;
    net.plan.layers.forEach((L, l) => { if (L.kind === 'conv') run.set(running[j++], net.runningAt[l]); });
    net.sc[3] = cfg.bnBatchEpochs; // past the batch-statistics epochs, as proxyStep's 'eval'
  }
  const ws = net.main;
  net.clearWorkspace(ws);
  arena.view(ws.x0).set(images);
  net.annForward(ws, N, batch);
  net.snnForward(ws, N, batch, meta.T, false);
  const out = new Map<number, Float32Array>();
  net.plan.layers.forEach((L, l) => {
    if (L.kind === 'pool') return;
    const n = N * (L.kind === 'conv' ? L.cout * L.Ho * L.Wo : L.nout);
    out.set(l, new Float32Array(memory.buffer, ws.layers[l].cnt, n).slice());
  });
  return out;
}

const fixtures = existsSync(DIR) ? readdirSync(DIR).filter((f) => existsSync(path.join(DIR, f, 'meta.json'))).sort() : [];

test('the PyTorch fixtures are present', () => {
  if (DIR === COMMITTED) assert.deepEqual(fixtures, ['tiny', 'varied']); else assert.ok(fixtures.length > 0, `no fixtures in ${DIR}`);
});

for (const name of fixtures) {
  const dir = path.join(DIR, name);
  const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as Meta;
  const [C, H, W] = meta.arch.input;
  const convs = meta.arch.layers.map((L, i) => [L, i] as const).filter(([L]) => L.kind === 'conv');
  for (const regime of ['train', 'eval'] as const) {
    test(`proxy step matches PyTorch: ${name} (${meta.arch.layers.map((L) => L.kind + ('out' in L ? L.out : '')).join(' ')}), BN ${regime} mode`, () => {
      const at = (dt: string, f: string) => path.join(dir, regime, dt, f);
      // the margin claim above: every IF potential stayed away from the threshold in PyTorch's runs
      const margin = Math.min(...['f32', 'f64'].flatMap((dt) => Object.values(meta.regimes[regime].minAbsVMinusTheta[dt])));
      if (DIR === COMMITTED) assert.ok(margin > 1e-5, `fixture margin ${margin}`);
      else process.stdout.write(`# ${name} ${regime}: smallest |v - theta| in PyTorch's runs ${margin.toExponential(2)}\n`);
      const weights = meta.params.map((p) => f32(path.join(dir, p.file)));
      const running = regime === 'eval'
        ? convs.map(([L, i]) => {
          const c = (L as { out: number }).out, r = new Float32Array(4 * c);
          ['ann_l%_bn_mean', 'ann_l%_bn_var', 'snn_l%_bn_mean', 'snn_l%_bn_var'].forEach((s, j) => r.set(f32(path.join(dir, `eval_${s.replace('%', String(i))}.npy`)), j * c));
          return r;
        })
        : undefined;
      const labels = Array.from(f32(path.join(dir, 'labels.npy')));
      const images = f32(path.join(dir, 'images.npy'));
      const rel: string[] = [];
      // both SNN forward paths: spike-driven ('sparse', the default) and GEMM on spike maps ('dense')
      for (const snnPath of ['sparse', 'dense'] as const) {
        const res = proxyStep({ model: meta.arch.layers, input: { channels: C, height: H, width: W }, nClasses: meta.arch.classes,
          images, labels, weights, bn: regime === 'train' ? 'batch' : 'eval', running, T: meta.T, theta: meta.theta, snnPath });
        assert.deepEqual(res.names.length, meta.params.length);

        // spike counts: exact (PyTorch float32 and float64 agree too), the output's and every hidden IF layer's
        const c64 = f64(at('f64', 'snn_counts.npy')), c32 = f64(at('f32', 'snn_counts.npy'));
        assert.deepEqual(Array.from(c32), Array.from(c64), 'fixture: torch f32 and f64 counts differ');
        assert.deepEqual(Array.from(res.counts), Array.from(c64), `${snnPath} SNN: output spike counts differ from PyTorch`);
        for (const [l, ours] of ourLayerCounts(meta, weights, images, running, snnPath)) {
          const ref = f64(at('f64', `snn_l${l}_spike_counts.npy`));
          assert.deepEqual(Array.from(f64(at('f32', `snn_l${l}_spike_counts.npy`))), Array.from(ref), `fixture: torch f32 and f64 counts of layer ${l} differ`);
          let diff = 0;
          for (let i = 0; i < ref.length; i++) if (ours[i] !== ref[i]) diff++;
          assert.equal(diff, 0, `${snnPath} SNN: ${diff} of ${ref.length} neurons of layer ${l} spiked a different number of times than in PyTorch`);
        }

        close('ANN output', res.annOut, f64(at('f64', 'ann_out.npy')), f64(at('f32', 'ann_out.npy')));
        close('loss', [res.loss], f64(at('f64', 'loss.npy')), f64(at('f32', 'loss.npy')));
        meta.params.forEach((p, i) => {
          const r = close(`gradient of ${p.name} (ours ${res.names[i]})`, res.grads[i], f64(at('f64', `grad_${p.name}.npy`)), f64(at('f32', `grad_${p.name}.npy`)));
          if (snnPath === 'sparse') rel.push(`${p.name} ${r.toExponential(1)}`);
          // the bound is far below the gradient's own spread: a wrong gradient cannot pass
          const g = f64(at('f64', `grad_${p.name}.npy`));
          assert.ok(maxAbs(g) > 0, `fixture gradient of ${p.name} is all zero: the test would be vacuous`);
        });
        if (regime === 'train' && snnPath === 'sparse') {
          // running statistics after the step: the ANN's once, the SNN's first conv once, its later convs T times
          convs.forEach(([L, i], j) => {
            const c = (L as { out: number }).out;
            ['ann_l%_bn_mean_after', 'ann_l%_bn_var_after', 'snn_l%_bn_mean_after', 'snn_l%_bn_var_after'].forEach((s, k) => {
              const f = `${s.replace('%', String(i))}.npy`;
              close(`running ${f}`, res.running[j].subarray(k * c, (k + 1) * c), f64(at('f64', f)), f64(at('f32', f)));
            });
          });
        }
      }
      process.stdout.write(`# ${name} ${regime}: counts of every IF layer exact (sparse and dense SNN); max |ours - torch f64| / scale: ${rel.join(', ')}\n`);
    });
  }
}
