// --bn-refresh: 'stats' shard tasks re-estimate the frozen BN statistics with the current weights.
// Checked against a direct float64 computation of the first conv layer's statistics (the mean over
// minibatches of each minibatch's channel mean and unbiased variance), that nothing else changes, and
// that a training run that refreshes gives the same weights with 1 and 2 workers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALGORITHMS } from '../../src/algorithms/registry.js';
import { createSession, createExecutor, sharedImages } from '../../src/session.js';
import { loadDataset } from '../../src/data/index.js';
import { train } from '../../src/train/trainer.js';
import type { ProxyModel } from '../../src/algorithms/proxy/model.js';

const tr = loadDataset('mnist', 'train'), te = loadDataset('mnist', 'test');

test('proxy stats tasks: running statistics = mean of the minibatches\' batch statistics; weights and Adam state untouched', () => {
  const s = createSession(ALGORITHMS.proxy, 'mnist', { model: 'tiny', augment: 'none' }, { shards: 4 });
  const model = s.model as ProxyModel, net = model.net, arena = s.arena;
  model.initialise(3);
  net.endEpoch(0); // a frozen-statistics epoch
  const images = sharedImages(tr.images, tr.labels, 784);
  const before = { p: arena.view(net.params).slice(), run: arena.view(net.running).slice() };
  const adam = model.state().tensors;
  // two minibatches of 30 samples, each split over 3 shards
  const batches = [[0, 30], [30, 60]];
  for (const [a] of batches) {
    for (let sh = 0; sh < 3; sh++) {
      const from = a + sh * 10;
      model.runShard({ kind: 'stats', shard: sh, indices: Uint32Array.from({ length: 10 }, (_, i) => from + i) }, images);
    }
    model.addStatsShards(3);
  }
  const figures = model.finishStats();
  assert.equal(figures.bnRefreshBatches, 2);

  // direct float64: conv 3x3, padding 1, 1 -> C channels over 28x28 (PyTorch layout [C][1*3*3])
  const w = model.weights()[0];
  const C = w.rows;
  const want = { mean: new Float64Array(C), v: new Float64Array(C) };
  for (const [a, b] of batches) {
    for (let c = 0; c < C; c++) {
      let s1 = 0, s2 = 0, n = 0;
      for (let i = a; i < b; i++) {
        const img = tr.images.subarray(i * 784, (i + 1) * 784);
        for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
          let z = 0;
          for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) {
            const yy = y + ky - 1, xx = x + kx - 1;
            if (yy >= 0 && yy < 28 && xx >= 0 && xx < 28) z += w.data[c * 9 + ky * 3 + kx] * (img[yy * 28 + xx] / 255);
          }
          s1 += z; s2 += z * z; n++;
        }
      }
      const m = s1 / n;
      want.mean[c] += m / batches.length;
      want.v[c] += ((s2 - n * m * m) / (n - 1)) / batches.length;
    }
  }
  const run = arena.view(net.running), at = net.runningAt[0];
  for (let c = 0; c < C; c++) {
    assert.ok(Math.abs(run[at + c] - want.mean[c]) <= 1e-4 * (1 + Math.abs(want.mean[c])), `ANN mean[${c}] ${run[at + c]} vs ${want.mean[c]}`);
    assert.ok(Math.abs(run[at + C + c] - want.v[c]) <= 1e-4 * want.v[c] + 1e-7, `ANN var[${c}] ${run[at + C + c]} vs ${want.v[c]}`);
    // the SNN's static first layer sees the same inputs: the same statistics
    assert.equal(run[at + 2 * C + c], run[at + c]);
    assert.equal(run[at + 3 * C + c], run[at + C + c]);
  }
  // the later conv layer's statistics were re-estimated too (they start at mean 0, variance 1)
  const at2 = net.runningAt.find((x, l) => l > 0 && x >= 0)!;
  const C2 = model.weights().find((m, i) => i > 0 && m.name.startsWith('conv'))!.rows;
  assert.notDeepEqual(Array.from(run.subarray(at2, at2 + 4 * C2)), Array.from(before.run.subarray(at2, at2 + 4 * C2)));
  assert.ok(run.every(Number.isFinite));
  assert.deepEqual(arena.view(net.params), before.p, 'weights unchanged');
  const after = model.state().tensors;
  for (const k of ['params.adam_m', 'params.adam_v']) assert.deepEqual(after[k], adam[k], `${k} unchanged`);
  assert.ok(figures.bnAnnStdRatio > 0 && Number.isFinite(figures.bnSnnMeanShift));
});

async function trainHash(workers: number, bnRefresh: number): Promise<{ sha: string; extra: Record<string, number>[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'snn-refresh-'));
  const s = createSession(ALGORITHMS.proxy, 'mnist', { model: 'tiny', lr: 0.003, evalT: [4], bnRefresh }, { shards: 4 });
  const data = { dataset: 'mnist', train: { ...sharedImages(tr.images, tr.labels, 784), count: tr.count }, test: { ...sharedImages(te.images, te.labels, 784), count: te.count } };
  const ex = createExecutor(s, data, workers);
  try {
    const r = await train({ algorithm: ALGORITHMS.proxy, config: s.config, epochs: 2, batchSize: 40, shards: 4, seed: 2, outDir: dir,
      resume: false, keepCheckpoints: 1, progress: false, limitTrain: 800, limitTest: 200, finiteCheckEvery: 1000, log: () => {} }, data, s.model, ex);
    return { sha: r.weightsSha256, extra: r.history.map((h) => h.extra) };
  } finally {
    await ex.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('proxy --bn-refresh in training: from the first frozen epoch on, same weights for 1 and 2 workers, and it changes the run', async () => {
  const one = await trainHash(1, 120);
  const two = await trainHash(2, 120);
  assert.equal(two.sha, one.sha);
  assert.equal(one.extra[0].refreshSamples, undefined, 'epoch 0 uses batch statistics: no refresh');
  assert.equal(one.extra[1].refreshSamples, 120);
  assert.equal(one.extra[1].bnRefreshBatches, 3);
  const off = await trainHash(1, 0);
  assert.notEqual(off.sha, one.sha);
});
