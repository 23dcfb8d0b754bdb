// STiDi-BP's input codes (src/algorithms/stidi/input-code.ts): the intensity code is S4NN's formula; the
// difference-of-Gaussians code against a plain re-computation (kernel-major loops, its own latency
// formula), its on/off split and end points; and a network with it trains, checkpoints and evaluates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOG_KERNEL, DOG_SIZE, imageEncoder, codedChannels } from '../../src/algorithms/stidi/input-code.js';
import { ALGORITHMS } from '../../src/algorithms/registry.js';
import { createSession, createExecutor, sharedImages } from '../../src/session.js';
import { loadDataset } from '../../src/data/index.js';
import { train } from '../../src/train/trainer.js';
import { loadCheckpoint } from '../../src/io/index.js';
import { xorshift } from '../helpers.js';

const shape = { channels: 1, height: 12, width: 10 };

test('DoG kernel: on-centre, balanced, symmetric', () => {
  const h = (DOG_SIZE - 1) / 2, at = (y: number, x: number) => DOG_KERNEL[(y + h) * DOG_SIZE + x + h];
  assert.ok(at(0, 0) > 0, 'positive centre');
  assert.ok(at(h, h) < 0 && at(0, h) < 0, 'negative surround');
  const sum = DOG_KERNEL.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum) <= DOG_SIZE * DOG_SIZE, `sums to ~0 (${sum} of 65536)`);
  for (let y = -h; y <= h; y++) for (let x = -h; x <= h; x++) {
    assert.equal(at(y, x), at(-y, x)); assert.equal(at(y, x), at(x, y));
  }
});

test('intensity code: S4NN\'s t = floor((255 - p) tmax / 255), [y][x][c] layout', () => {
  const rnd = xorshift(3), px = Uint8Array.from({ length: 2 * 120 }, () => Math.floor(rnd() * 256));
  const t = new Int32Array(240);
  imageEncoder('intensity', { ...shape, channels: 2 }, 256)(px, 0, t);
  for (let c = 0; c < 2; c++) for (let p = 0; p < 120; p++) assert.equal(t[p * 2 + c], Math.floor(((255 - px[c * 120 + p]) * 256) / 255));
  assert.equal(codedChannels(undefined, 3), 3);
  assert.equal(codedChannels('dog', 3), 6);
});

test('DoG code: equals a plain re-computation; strongest response at 0, none at tmax', () => {
  const rnd = xorshift(9);
  for (const C of [1, 3]) {
    const n = C * 120, px = Uint8Array.from({ length: n + 5 }, () => (rnd() < 0.4 ? 0 : Math.floor(rnd() * 256)));
    const t = new Int32Array(2 * n);
    imageEncoder('dog', { ...shape, channels: C }, 256)(px, 5, t);
    // plain: responses accumulated kernel-tap-major into a zeroed map
    const r = new Float64Array(n), h = (DOG_SIZE - 1) / 2;
    for (let ky = 0; ky < DOG_SIZE; ky++) for (let kx = 0; kx < DOG_SIZE; kx++) {
      for (let c = 0; c < C; c++) for (let y = 0; y < 12; y++) for (let x = 0; x < 10; x++) {
        const yy = y + ky - h, xx = x + kx - h;
        if (yy >= 0 && yy < 12 && xx >= 0 && xx < 10) r[c * 120 + y * 10 + x] += DOG_KERNEL[ky * DOG_SIZE + kx] * px[5 + c * 120 + yy * 10 + xx];
      }
    }
    const M = Math.max(...r.map(Math.abs));
    let zero = 0, on = 0, off = 0;
    for (let c = 0; c < C; c++) for (let p = 0; p < 120; p++) {
      const v = r[c * 120 + p], tOn = t[p * 2 * C + 2 * c], tOff = t[p * 2 * C + 2 * c + 1];
      assert.equal(tOn, v > 0 ? Math.floor(((M - v) * 256) / M) : 256, `ON c${c} p${p}`);
      assert.equal(tOff, v < 0 ? Math.floor(((M + v) * 256) / M) : 256, `OFF c${c} p${p}`);
      if (v === 0) zero++; else if (v > 0) on++; else off++;
      assert.ok(tOn === 256 || tOff === 256, 'a pixel is on or off, not both');
    }
    assert.ok(on > 0 && off > 0, `both polarities occur (${on} on, ${off} off, ${zero} none)`);
    assert.equal(Math.min(...t), 0, 'the strongest response fires at 0');
  }
  // a uniform image: no response in the interior (the kernel's taps balance), contrast at the borders only
  const flat = new Uint8Array(120).fill(200), t = new Int32Array(240);
  imageEncoder('dog', shape, 256)(flat, 0, t);
  const interior = (y: number, x: number) => y >= 3 && y < 9 && x >= 3 && x < 7;
  for (let y = 0; y < 12; y++) for (let x = 0; x < 10; x++) {
    if (interior(y, x)) assert.ok(t[(y * 10 + x) * 2] >= 250 && t[(y * 10 + x) * 2 + 1] >= 250, `interior (${y},${x}) stays (nearly) silent`);
  }
});

test('a stidi network with --input-code dog: two input channels, trains, checkpoints the code, resumes', async () => {
  const tr = loadDataset('mnist', 'train'), te = loadDataset('mnist', 'test');
  const data = { dataset: 'mnist', train: { ...sharedImages(tr.images, tr.labels, 784), count: tr.count }, test: { ...sharedImages(te.images, te.labels, 784), count: te.count } };
  const dir = mkdtempSync(join(tmpdir(), 'snn-dog-'));
  const run = async (epochs: number, resume: boolean) => {
    const s = createSession(ALGORITHMS.stidi, 'mnist', { maps: [4], inputCode: 'dog' }, { shards: 2 });
    const ex = createExecutor(s, data, 1);
    try {
      return { s, sum: await train({ algorithm: ALGORITHMS.stidi, config: s.config, epochs, batchSize: 1, shards: 2, seed: 2, outDir: dir, resume,
        keepCheckpoints: 2, progress: false, limitTrain: 300, limitTest: 200, finiteCheckEvery: 500, log: () => {} }, data, s.model, ex) };
    } finally { await ex.close(); }
  };
  try {
    const a = await run(1, false);
    assert.ok((a.s.model.describe() as { layers: string[] }).layers[0].startsWith('conv 5x5 2->4'), 'two input channels');
    const ck = loadCheckpoint(join(dir, 'checkpoint.ckpt'));
    assert.equal(((ck.meta as Record<string, unknown>).config as Record<string, unknown>).inputCode, 'dog');
    const b = await run(2, true);
    assert.equal(b.sum.final!.epoch, 2);
    assert.ok(b.sum.final!.test.accuracy.reference > 0.1, 'it learns something in 600 samples');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
