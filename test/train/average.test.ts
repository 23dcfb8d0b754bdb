// --ema (src/train/average.ts): the average's arithmetic, the swap in and out of a live model (every
// other state kept: BS4NN's learned scales, thresholds), and a training run that averages: it
// resumes exactly, exports the averaged weights, and refuses a model whose evaluation needs more than
// its weights (bnn); proxy averages every learned parameter and keeps its BN statistics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALGORITHMS } from '../../src/algorithms/registry.js';
import { createSession, createExecutor, sharedImages } from '../../src/session.js';
import { loadDataset } from '../../src/data/index.js';
import { train, type TrainSummary } from '../../src/train/trainer.js';
import { WeightAverage, averagedFromCheckpoint } from '../../src/train/average.js';
import { loadCheckpoint, readNpyMatrix } from '../../src/io/index.js';
import type { Model } from '../../src/algorithms/types.js';

const tr = loadDataset('mnist', 'train'), te = loadDataset('mnist', 'test');
const data = {
  dataset: 'mnist',
  train: { ...sharedImages(tr.images, tr.labels, 784), count: tr.count },
  test: { ...sharedImages(te.images, te.labels, 784), count: te.count },
};

function trained(algo: string, flags: Record<string, unknown>, samples: number, from = 0): Model {
  const s = createSession(ALGORITHMS[algo], 'mnist', flags, { shards: 1 });
  s.model.initialise(4);
  for (let i = from; i < from + samples; i++) s.model.trainSample(tr.images, i * 784, tr.labels[i]);
  return s.model;
}

for (const [algo, flags] of [['bs4nn', { hidden: [24] }], ['s4nn', { hidden: [24] }], ['stidi', { maps: [4] }], ['stidi', { maps: [4], binary: true }]] as const) {
  test(`${algo}${'binary' in flags ? ' (binary)' : ''}: the average of three snapshots, swapped in for an evaluation and out again exactly`, async () => {
    const model = trained(algo, flags, 0);
    const beta = 0.75;
    const avg = new WeightAverage({ beta, every: 50 }, algo, model);
    const snaps: Float32Array[][] = [];
    for (let k = 0; k < 3; k++) {
      for (let i = k * 50; i < (k + 1) * 50; i++) model.trainSample(tr.images, i * 784, tr.labels[i]);
      avg.observe(model, k * 50, (k + 1) * 50);
      snaps.push(model.weights().map((w) => w.data.slice()));
    }
    assert.equal(avg.snapshots, 3);
    // a = beta (beta w1 + (1 - beta) w2) + (1 - beta) w3, in float64
    const want = snaps[0].map((w1, l) => Float32Array.from(w1, (x, i) => beta * (beta * x + (1 - beta) * snaps[1][l][i]) + (1 - beta) * snaps[2][l][i]));
    avg.weights(model).forEach((w, l) => assert.deepEqual(w.data, want[l], `layer ${l}`));
    assert.notDeepEqual(want[0], snaps[2][0], 'the average is not the last weights');

    const before = model.state();
    const inside = await avg.withAveraged(model, async () => ({ w: model.weights().map((w) => w.data.slice()), st: model.state() }));
    // inside: the averaged weights (stidi binary: the sign forward follows them), other scalars as trained
    inside.w.forEach((w, l) => assert.deepEqual(w, want[l], `layer ${l} in use`));
    for (const k of Object.keys(before.scalars)) {
      if (k === 'alpha' && algo === 'stidi') continue; // stidi's binary scale is mean |w|: it follows the weights
      assert.deepEqual(inside.st.scalars[k], before.scalars[k], `scalar ${k} kept while averaged weights are in use`);
    }
    // after: exactly the model as it was
    const after = model.state();
    assert.deepEqual(after.scalars, before.scalars);
    for (const k of Object.keys(before.tensors)) assert.deepEqual(after.tensors[k], before.tensors[k], `tensor ${k} restored`);
  });
}

test('--ema is refused for a model whose evaluation depends on more than its weights (bnn: biases and BN statistics)', () => {
  const s = createSession(ALGORITHMS.bnn, 'mnist', { hidden: [24] }, { shards: 1 });
  assert.throws(() => new WeightAverage({ beta: 0.9, every: 10 }, 'bnn', s.model), /--ema.*bnn does not support/);
});

test('proxy: the average covers every parameter, keeps the BN statistics and Adam state, and the averaged weights are what the nets compute with', async () => {
  const s = createSession(ALGORITHMS.proxy, 'mnist', { model: 'tiny' }, { shards: 1 });
  const model = s.model;
  model.initialise(5);
  const avg = new WeightAverage({ beta: 0.5, every: 1 }, 'proxy', model);
  const w1 = model.weights().map((w) => w.data.slice());
  avg.snapshot(model);
  const w2 = w1.map((w) => Float32Array.from(w, (x, i) => x * 0.5 + ((i % 7) - 3) * 0.01));
  w2.forEach((w, l) => model.setWeights(l, w));
  avg.snapshot(model);
  const want = w1.map((a, l) => Float32Array.from(a, (x, i) => 0.5 * x + 0.5 * w2[l][i]));
  const task = { kind: 'eval' as const, shard: 0, indices: Uint32Array.from({ length: 40 }, (_, i) => i) };
  const src = { images: te.images, labels: te.labels, pixels: 784 };
  const before = model.state();
  const inside = await avg.withAveraged(model, async () => ({ w: model.weights().map((w) => w.data.slice()), st: model.state(), out: model.runShard(task, src) }));
  inside.w.forEach((w, l) => assert.deepEqual(w, want[l], `parameter ${l} averaged`));
  for (const k of ['running', 'params.adam_m', 'params.adam_v']) assert.deepEqual(inside.st.tensors[k], before.tensors[k], `${k} kept`);
  // the same evaluation on a model given those weights directly (both nets, incl. the SNN's transposed copy)
  const d = createSession(ALGORITHMS.proxy, 'mnist', { model: 'tiny' }, { shards: 1 });
  d.model.loadState(before);
  want.forEach((w, l) => d.model.setWeights(l, w));
  assert.deepEqual(inside.out, d.model.runShard(task, src));
  assert.notDeepEqual(inside.out.sums, model.runShard(task, src).sums, 'the raw weights evaluate differently');
  const after = model.state();
  for (const k of Object.keys(before.tensors)) assert.deepEqual(after.tensors[k], before.tensors[k], `tensor ${k} restored`);
});

async function run(epochs: number, outDir: string, resume = false, workers = 1): Promise<TrainSummary> {
  const s = createSession(ALGORITHMS.s4nn, 'mnist', { hidden: [40] }, { shards: 4 });
  const ex = createExecutor(s, data, workers);
  try {
    return await train({ algorithm: ALGORITHMS.s4nn, config: s.config, epochs, batchSize: 1, shards: 4, seed: 3, outDir, resume,
      keepCheckpoints: 2, progress: false, limitTrain: 1500, limitTest: 500, finiteCheckEvery: 500, log: () => {}, average: { beta: 0.9, every: 100 } }, data, s.model, ex);
  } finally { await ex.close(); }
}

test('training with --ema: evaluates and exports the average, keeps the raw accuracy beside it, resumes exactly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'snn-ema-'));
  try {
    const a = await run(2, join(dir, 'a'));
    await run(1, join(dir, 'r'));
    const r = await run(2, join(dir, 'r'), true, 2);
    assert.equal(r.weightsSha256, a.weightsSha256, 'resumed run = uninterrupted run');
    assert.ok(a.final!.rawTest, 'raw accuracy recorded');
    const ck = loadCheckpoint(join(dir, 'a', 'checkpoint.ckpt'));
    const avg = averagedFromCheckpoint(ck.tensors as Record<string, Float32Array | Float64Array>);
    assert.equal(avg.length, 2);
    assert.equal((ck.meta as Record<string, unknown>).averageSnapshots, 30);
    // the exported .npy files are the averaged weights, not the raw ones in the checkpoint
    const w0 = readNpyMatrix(join(dir, 'a', 'weights', 'W0.npy'));
    assert.deepEqual(w0.data, avg[0]);
    // a resume with another averaging setting is refused
    const s = createSession(ALGORITHMS.s4nn, 'mnist', { hidden: [40] }, { shards: 4 });
    const ex = createExecutor(s, data, 1);
    await assert.rejects(train({ algorithm: ALGORITHMS.s4nn, config: s.config, epochs: 3, batchSize: 1, shards: 4, seed: 3, outDir: join(dir, 'a'), resume: true,
      keepCheckpoints: 2, progress: false, limitTrain: 1500, limitTest: 500, finiteCheckEvery: 500, log: () => {}, average: { beta: 0.5, every: 100 } }, data, s.model, ex), /different average/);
    await ex.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
