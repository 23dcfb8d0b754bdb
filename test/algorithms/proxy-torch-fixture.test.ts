// Cross-check against the PyTorch peer: one proxy-learning step of our network on the weights,
// images and BN statistics of the committed fixtures (test/fixtures/proxy/, written by
// `python3 bench/peers/proxy_torch.py fixture`, an independent PyTorch implementation of the
// authors' step; no Python is needed here), in both BN regimes (train: batch statistics; eval:
// given running statistics).
//   - SNN output spike counts: exactly equal. Spike counts are integers; the fixture records the
//     smallest |v - theta| any IF layer met (meta.json minAbsVMinusTheta: >= 3.5e-5 here, against
//     float32 rounding differences of ~1e-6 in the potentials), so no spike sits close enough to the
//     threshold for a different but correct summation order to flip it.
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
      const res = proxyStep({ model: meta.arch.layers, input: { channels: C, height: H, width: W }, nClasses: meta.arch.classes,
        images: f32(path.join(dir, 'images.npy')), labels, weights, bn: regime === 'train' ? 'batch' : 'eval', running, T: meta.T, theta: meta.theta });
      assert.deepEqual(res.names.length, meta.params.length);

      // spike counts: exact (PyTorch float32 and float64 agree too)
      const c64 = f64(at('f64', 'snn_counts.npy')), c32 = f64(at('f32', 'snn_counts.npy'));
      assert.deepEqual(Array.from(c32), Array.from(c64), 'fixture: torch f32 and f64 counts differ');
      assert.deepEqual(Array.from(res.counts), Array.from(c64), 'SNN output spike counts differ from PyTorch');

      close('ANN output', res.annOut, f64(at('f64', 'ann_out.npy')), f64(at('f32', 'ann_out.npy')));
      close('loss', [res.loss], f64(at('f64', 'loss.npy')), f64(at('f32', 'loss.npy')));
      const rel: string[] = [];
      meta.params.forEach((p, i) => {
        const r = close(`gradient of ${p.name} (ours ${res.names[i]})`, res.grads[i], f64(at('f64', `grad_${p.name}.npy`)), f64(at('f32', `grad_${p.name}.npy`)));
        rel.push(`${p.name} ${r.toExponential(1)}`);
        // the bound is far below the gradient's own spread: a wrong gradient cannot pass
        const g = f64(at('f64', `grad_${p.name}.npy`));
        assert.ok(maxAbs(g) > 0, `fixture gradient of ${p.name} is all zero: the test would be vacuous`);
      });
      if (regime === 'train') {
        // running statistics after the step: the ANN's once, the SNN's first conv once, its later convs T times
        convs.forEach(([L, i], j) => {
          const c = (L as { out: number }).out;
          ['ann_l%_bn_mean_after', 'ann_l%_bn_var_after', 'snn_l%_bn_mean_after', 'snn_l%_bn_var_after'].forEach((s, k) => {
            const f = `${s.replace('%', String(i))}.npy`;
            close(`running ${f}`, res.running[j].subarray(k * c, (k + 1) * c), f64(at('f64', f)), f64(at('f32', f)));
          });
        });
      }
      process.stdout.write(`# ${name} ${regime}: counts exact; max |ours - torch f64| / scale: ${rel.join(', ')}\n`);
    });
  }
}
