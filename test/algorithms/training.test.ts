// End-to-end training on a slice of MNIST for each registered algorithm: it learns, the same seed
// gives the same weights (SHA-256), a different seed does not, and a run stopped after an epoch and
// resumed from its checkpoint ends with exactly the weights of the uninterrupted run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALGORITHMS } from '../../src/algorithms/registry.js';
import { createSession, createExecutor } from '../../src/session.js';
import { train, type TrainSummary } from '../../src/train/trainer.js';
import { mnistTrainerData } from '../helpers.js';

const { data } = mnistTrainerData();

// small but real settings per algorithm: (flags, batch size, samples, the accuracy it must beat)
// (proxy is judged under the strict rule: its reference rule counts an all-silent output as correct)
const PLAN: Record<string, { flags: Record<string, unknown>; batch: number; n: number; min: number; rule?: 'strict' }> = {
  s4nn: { flags: { hidden: [100] }, batch: 1, n: 3000, min: 0.7 },
  bs4nn: { flags: { hidden: [100] }, batch: 1, n: 3000, min: 0.6 },
  bnn: { flags: { hidden: [100], lr: 0.003 }, batch: 20, n: 3000, min: 0.7 },
  proxy: { flags: { model: 'tiny', lr: 0.003, evalT: [4] }, batch: 20, n: 3000, min: 0.3, rule: 'strict' },
  stidi: { flags: { maps: [4], shift: 1 }, batch: 1, n: 2000, min: 0.6 }, // --shift: resume must restore the epoch that keys the shifts
};

async function run(algo: string, seed: number, epochs: number, outDir: string, resume = false, workers = 1): Promise<TrainSummary> {
  const p = PLAN[algo];
  const s = createSession(ALGORITHMS[algo], 'mnist', p.flags, { shards: 4 });
  const ex = createExecutor(s, data, workers);
  try {
    return await train({ algorithm: ALGORITHMS[algo], config: s.config, epochs, batchSize: p.batch, shards: 4, seed, outDir, resume,
      keepCheckpoints: 2, progress: false, limitTrain: p.n, limitTest: 1000, finiteCheckEvery: 500, log: () => {} }, data, s.model, ex);
  } finally { await ex.close(); }
}

test('every registered algorithm has a training plan here', () => {
  assert.deepEqual(Object.keys(ALGORITHMS).sort(), Object.keys(PLAN).sort());
});

for (const algo of Object.keys(PLAN)) {
  test(`${algo}: learns, is deterministic, and resumes exactly`, async () => {
    const dir = mkdtempSync(join(tmpdir(), `snn-${algo}-`));
    try {
      const a = await run(algo, 11, 2, join(dir, 'a'));
      const b = await run(algo, 11, 2, join(dir, 'b'));
      const c = await run(algo, 12, 2, join(dir, 'c'));
      assert.equal(a.weightsSha256, b.weightsSha256, 'same seed, same weights');
      assert.notEqual(a.weightsSha256, c.weightsSha256, 'another seed, other weights');
      const acc = a.final!.test.accuracy;
      const rule = PLAN[algo].rule ?? 'reference';
      assert.ok(acc[rule] >= PLAN[algo].min, `${algo} reached ${acc[rule]} (${rule} rule) on 1000 test images`);
      assert.ok(acc.strict <= acc['first-index'] && acc['first-index'] <= acc.reference, 'strict <= first-index <= reference');
      // stop after one epoch, then resume to two
      await run(algo, 11, 1, join(dir, 'r'));
      assert.ok(existsSync(join(dir, 'r', 'checkpoint.ckpt')));
      const r = await run(algo, 11, 2, join(dir, 'r'), true);
      assert.equal(r.weightsSha256, a.weightsSha256, 'resumed run ends with the uninterrupted run\'s weights');
      assert.equal(r.history.length, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
