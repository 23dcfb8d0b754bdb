// Packed binary models (src/io/packed-model.ts): signs at one bit each round-trip exactly (ragged rows, zeros,
// the bit order written in the format), and a trained BS4NN (one scale per layer, one per neuron), BNN or binary CSNN (STiDi-BP: one scale per layer, per filter with the conv layer kept real) saved
// packed and loaded into a fresh model evaluates exactly as the original: every accuracy and statistic, and for
// BS4NN every spike time of every layer on the first test images.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALGORITHMS } from '../../src/algorithms/registry.js';
import { createSession, createExecutor } from '../../src/session.js';
import { train } from '../../src/train/trainer.js';
import { evaluateModel } from '../../src/train/evaluate.js';
import { loadCheckpoint } from '../../src/io/index.js';
import { isPackedModel, packSigns, readPackedModel, savePackedModel, unpackSigns } from '../../src/io/packed-model.js';
import { mnistTrainerData, xorshift } from '../helpers.js';

test('packSigns / unpackSigns: exact round trip, bit b of byte k is input 8k + b, zeros listed', () => {
  const r = xorshift(7);
  for (const [rows, cols] of [[3, 1], [5, 8], [4, 13], [7, 64], [2, 785]]) {
    const data = Float32Array.from({ length: rows * cols }, () => { const u = r(); return u < 0.05 ? 0 : u < 0.5 ? -(u + 0.1) : u; });
    const { bits, zeros } = packSigns({ name: 'W', rows, cols, data });
    assert.equal(bits.length, rows * Math.ceil(cols / 8));
    const back = unpackSigns(bits, zeros, rows, cols);
    assert.deepEqual(back, data.map((w) => Math.sign(w) + 0));
  }
  // the documented layout, on one row: +1 at inputs 0 and 9, -1 elsewhere
  const w = new Float32Array(10).fill(-1); w[0] = 1; w[9] = 1;
  assert.deepEqual(Array.from(packSigns({ name: 'W', rows: 1, cols: 10, data: w }).bits), [0b00000001, 0b00000010]);
});

const { testSet, data } = mnistTrainerData();

for (const [name, algo, flags, batch] of [['bs4nn', 'bs4nn', { hidden: [40] }, 1], ['bs4nn filter', 'bs4nn', { hidden: [40], binaryScale: 'filter' }, 1],
  ['bnn', 'bnn', { hidden: [40] }, 20], ['stidi binary', 'stidi', { binary: true, maps: [4] }, 1],
  ['stidi filter, conv real', 'stidi', { binary: true, maps: [4], binaryScale: 'filter', realLayers: [0] }, 1]] as const) {
  test(`packed ${name}: saved at one bit per weight, loaded into a fresh model, evaluates exactly as the trained one`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snn-packed-'));
    try {
      const s = createSession(ALGORITHMS[algo], 'mnist', flags, { shards: 2 });
      const ex = createExecutor(s, data, 1);
      let before;
      try {
        await train({ algorithm: ALGORITHMS[algo], config: s.config, epochs: 1, batchSize: batch, shards: 2, seed: 9, outDir: dir, resume: false,
          keepCheckpoints: 1, progress: false, limitTrain: 1000, limitTest: 50, finiteCheckEvery: 500, log: () => {} }, data, s.model, ex);
        before = await evaluateModel(s.model, ex, 2, 300);
      } finally { await ex.close(); }
      const file = join(dir, 'model.snnb');
      savePackedModel(file, { algorithm: algo, config: s.config }, s.model.packedState!());
      const signs = s.model.weights().reduce((n, m) => n + m.rows * m.cols, 0);
      assert.ok(statSync(file).size < signs / 8 + 4096, `about one bit per weight: ${statSync(file).size} bytes for ${signs} weights`);
      const ck = loadCheckpoint(file);
      assert.ok(isPackedModel(ck.meta));
      const t = createSession(ALGORITHMS[algo], 'mnist', flags, { shards: 2 });
      t.model.loadPackedState!(readPackedModel(file, ck));
      const ex2 = createExecutor(t, data, 1);
      try { assert.deepEqual(await evaluateModel(t.model, ex2, 2, 300), before); } finally { await ex2.close(); }
      if (algo !== 'bnn') for (let i = 0; i < 20; i++) {
        assert.deepEqual(t.model.spikeRecord!(testSet.images, i * 784), s.model.spikeRecord!(testSet.images, i * 784), `image ${i}: every spike time`);
      }
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
}

test('packed stidi: a real-valued CSNN has no packed form (a usage error naming --format)', () => {
  const s = createSession(ALGORITHMS.stidi, 'mnist', { maps: [4] }, { shards: 1 });
  s.model.initialise(1);
  assert.throws(() => s.model.packedState!(), /--format: packed saves binary weights at one bit each: this stidi network is real-valued/);
});
