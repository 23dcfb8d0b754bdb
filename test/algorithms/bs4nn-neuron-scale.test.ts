// BS4NN with one learned scale per neuron (`--binary-scale filter`, src/algorithms/ttfs/neuron-scale.ts):
// the online step is checked against the float64 restatement in ttfs-parity.test.ts; here the minibatch
// path (per-neuron scale gradients summed over the micro-shards in a fixed order) gives the same weights
// and scales for 1 and 2 workers, a run resumed from its checkpoint ends with the uninterrupted run's
// scales, the scales really differ between neurons, and a real-valued network refuses the option.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALGORITHMS } from '../../src/algorithms/registry.js';
import { createSession, createExecutor, sharedImages } from '../../src/session.js';
import { loadDataset } from '../../src/data/index.js';
import { train } from '../../src/train/trainer.js';
import { UsageError } from '../../src/errors.js';

const tr = loadDataset('mnist', 'train'), te = loadDataset('mnist', 'test');
const data = {
  dataset: 'mnist',
  train: { ...sharedImages(tr.images, tr.labels, 784), count: tr.count },
  test: { ...sharedImages(te.images, te.labels, 784), count: te.count },
};
const FLAGS = { hidden: [60], binaryScale: 'filter', alphaLr: [2, 0.05] };

async function run(dir: string, epochs: number, workers: number, batch: number, resume = false) {
  const s = createSession(ALGORITHMS.bs4nn, 'mnist', FLAGS, { shards: 4 });
  const ex = createExecutor(s, data, workers);
  try {
    const summary = await train({ algorithm: ALGORITHMS.bs4nn, config: s.config, epochs, batchSize: batch, shards: 4, seed: 5, outDir: dir, resume,
      keepCheckpoints: 2, progress: false, limitTrain: 800, limitTest: 200, finiteCheckEvery: 500, log: () => {} }, data, s.model, ex);
    const st = s.model.state();
    return { sha: summary.weightsSha256, alpha: [st.tensors.alpha0, st.tensors.alpha1] };
  } finally { await ex.close(); }
}

for (const batch of [1, 8]) {
  test(`bs4nn --binary-scale filter, batch ${batch}: the scales move apart, equal for 1 and 2 workers${batch === 1 ? '' : ' (minibatch)'}, and resume exactly`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snn-bs4nn-filter-'));
    try {
      const one = await run(join(dir, 'a'), 2, 1, batch);
      const two = await run(join(dir, 'b'), 2, 2, batch);
      assert.ok(one.alpha[0] && one.alpha[1], 'checkpointed per-neuron scales');
      const a0 = one.alpha[0]!.slice(0, 60), spread = Math.max(...a0) - Math.min(...a0);
      assert.ok(spread > 0.05, `hidden scales spread by ${spread}`);
      assert.equal(two.sha, one.sha, 'weights: 2 workers = 1 worker');
      assert.deepEqual(two.alpha, one.alpha, 'scales: 2 workers = 1 worker');
      await run(join(dir, 'r'), 1, 1, batch);
      const r = await run(join(dir, 'r'), 2, 1, batch, true);
      assert.equal(r.sha, one.sha, 'resumed weights');
      assert.deepEqual(r.alpha, one.alpha, 'resumed scales');
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
}

test('--binary-scale filter is refused for a real-valued network (s4nn)', () => {
  assert.throws(() => createSession(ALGORITHMS.s4nn, 'mnist', { binaryScale: 'filter' }, { shards: 1 }),
    (e: unknown) => e instanceof UsageError && /--binary-scale/.test(e.message));
});
