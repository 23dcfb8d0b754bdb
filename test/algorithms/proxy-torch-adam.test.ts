// The optimiser half of the PyTorch cross-check (test/fixtures/proxy/, written by
// `python3 bench/peers/proxy_torch.py fixture`; no Python needed here): our Adam kernel, with the
// proxy reference's settings (lr 1e-4, betas 0.8/0.99, eps 1e-8, coupled weight decay 1e-6), takes
// the first step from PyTorch's float32 gradients and must land where torch.optim.Adam did. Also
// checks the fixtures' loss is the MSE of the output spike counts against the one-hot labels, i.e.
// that the ANN output really was replaced by the counts (out.data.copy_(counts)).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNpy } from '../../src/io/npy.js';
import { kernelEnv } from '../helpers.js';

const DIR = fileURLToPath(new URL('../../../test/fixtures/proxy/', import.meta.url));
const FIXTURES = ['tiny', 'varied'];

interface Meta {
  arch: { classes: number }; batch: number;
  adam: { lr: number; betas: [number, number]; eps: number; weight_decay: number };
  params: { name: string; file: string }[];
}

const f32 = (file: string) => Float32Array.from(readNpy(file).data);
const f64 = (file: string) => Float64Array.from(readNpy(file).data);

test('the PyTorch fixtures are present', () => {
  for (const f of FIXTURES) assert.ok(existsSync(path.join(DIR, f, 'meta.json')), `missing ${path.join(DIR, f)}`);
});

for (const name of FIXTURES) {
  const dir = path.join(DIR, name);
  if (!existsSync(path.join(dir, 'meta.json'))) continue;
  const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as Meta;
  for (const regime of ['train', 'eval']) {
    test(`fixture ${name} ${regime}: the loss is the MSE of the spike counts (float32 and float64 runs)`, () => {
      const labels = f32(path.join(dir, 'labels.npy'));
      const nc = meta.arch.classes;
      for (const dt of ['f32', 'f64']) {
        const c = f64(path.join(dir, regime, dt, 'snn_counts.npy')), loss = f64(path.join(dir, regime, dt, 'loss.npy'))[0];
        let s = 0;
        for (let b = 0; b < meta.batch; b++) for (let k = 0; k < nc; k++) s += (c[b * nc + k] - (k === labels[b] ? 1 : 0)) ** 2;
        // counts are small integers: the mean is exact in float64 and within 1 ulp in float32
        assert.ok(Math.abs(s / (meta.batch * nc) - loss) <= 1e-6 * Math.max(1, loss), `${dt}: loss ${loss} vs MSE of counts ${s / (meta.batch * nc)}`);
        for (const x of c) assert.ok(Number.isInteger(x) && x >= 0, 'counts are non-negative integers');
      }
    });

    test(`fixture ${name} ${regime}: our Adam kernel's first step matches torch.optim.Adam`, () => {
      const { k, arena } = kernelEnv();
      const { lr, betas: [b1, b2], eps, weight_decay: wd } = meta.adam;
      let worst = 0;
      for (const p of meta.params) {
        const w0 = f32(path.join(dir, p.file)), g = f32(path.join(dir, regime, 'f32', `grad_${p.name}.npy`));
        const want = f32(path.join(dir, regime, 'f32', `adam1_${p.name}.npy`));
        const n = w0.length, n4 = (n + 3) & ~3;
        const [W, G, M, V] = [0, 1, 2, 3].map(() => arena.alloc('f32', n4));
        arena.view(W).set(w0); arena.view(G).set(g);
        k.f32_adam_step(W.offset, G.offset, M.offset, V.offset, n4, lr, b1, b2, eps, 1 - b1, 1 - b2, wd, 0);
        const got = arena.view(W);
        let moved = 0;
        for (let i = 0; i < n; i++) {
          // torch computes lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps), we (lr (m/bc1)) / (sqrt(v/bc2) + eps): the
          // update (~lr = 1e-4) may differ in its last bits, so allow 1e-6 of lr plus 2 ulps of w
          const ulp = 2 ** (Math.floor(Math.log2(Math.max(Math.abs(want[i]), 2 ** -126))) - 23);
          const d = Math.abs(got[i] - want[i]);
          assert.ok(d <= 2 * ulp + 1e-6 * lr, `${p.name}[${i}]: ours ${got[i]} vs torch ${want[i]} (from ${w0[i]}, grad ${g[i]})`);
          worst = Math.max(worst, d);
          if (want[i] !== w0[i]) moved++;
        }
        assert.ok(moved > n / 2, `${p.name}: the step moved only ${moved} of ${n} values: the check would be vacuous`);
      }
      process.stdout.write(`# ${name} ${regime}: Adam step: max |ours - torch| = ${worst.toExponential(2)} (the step is ~lr = ${lr})\n`);
    });
  }
}
