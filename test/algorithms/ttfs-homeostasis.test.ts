// Threshold homeostasis for S4NN/BS4NN (`--target-firing`, src/algorithms/homeostasis.ts): after every
// online step theta_l *= 1 + rate (fired share of that sample - target), only in layers with a target,
// also on steps with no weight update; in minibatch training the shares are summed over the micro-shards
// in the gradients' fixed order, so 1 and 2 workers give the same weights and thresholds, and a resumed
// run ends where the uninterrupted one did; the option's misuse is refused with the flag named.
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
import type { TtfsModel } from '../../src/algorithms/ttfs/model.js';

const tr = loadDataset('mnist', 'train'), te = loadDataset('mnist', 'test');

test('bs4nn --target-firing: theta_l *= 1 + rate (fired share - target) after every online step, only where a target is set', () => {
  const s = createSession(ALGORITHMS.bs4nn, 'mnist', { hidden: [40], targetFiring: [0.2, 0], thetaRate: 0.05 }, { shards: 1 });
  const m = s.model as TtfsModel, net = m.net;
  m.initialise(3);
  const tmax = net.cfg.tmax;
  let rose = 0, fell = 0;
  for (let i = 0; i < 60; i++) {
    const th0 = net.theta(0), th1 = net.theta(1);
    m.trainSample(tr.images, i * 784, tr.labels[i]);
    const t = s.arena.view(net.main.layers[0].tOut);
    let fired = 0;
    for (let j = 0; j < 40; j++) if (t[j] < tmax) fired++;
    assert.equal(net.theta(0), th0 * (1 + 0.05 * (fired / 40 - 0.2)), `sample ${i}: hidden threshold`);
    assert.equal(net.theta(1), th1, `sample ${i}: the output layer has no target`);
    assert.ok(s.arena.view(net.main.firing).every((v) => v === 0), 'the record is cleared by the step');
    if (net.theta(0) > th0) rose++; else if (net.theta(0) < th0) fell++;
  }
  // the all-positive initial network fires everywhere: the threshold must rise first
  assert.ok(rose > 0, `steps that raised theta: ${rose} (fell: ${fell})`);
  // the forward pass reads the adapted threshold: floor(theta / alpha) + 1
  assert.equal(net.binaryThreshold(0), Math.floor(net.theta(0) / net.alpha(0)) + 1);
});

test('s4nn without --target-firing: thresholds never move', () => {
  const s = createSession(ALGORITHMS.s4nn, 'mnist', { hidden: [30] }, { shards: 1 });
  const m = s.model as TtfsModel;
  m.initialise(1);
  for (let i = 0; i < 30; i++) m.trainSample(tr.images, i * 784, tr.labels[i]);
  assert.deepEqual([m.net.theta(0), m.net.theta(1)], [100, 100]);
});

async function run(dir: string, epochs: number, workers: number, resume = false) {
  const data = {
    dataset: 'mnist',
    train: { ...sharedImages(tr.images, tr.labels, 784), count: tr.count },
    test: { ...sharedImages(te.images, te.labels, 784), count: te.count },
  };
  const s = createSession(ALGORITHMS.s4nn, 'mnist', { hidden: [50], targetFiring: [0.15, 0] }, { shards: 4 });
  const ex = createExecutor(s, data, workers);
  try {
    const summary = await train({ algorithm: ALGORITHMS.s4nn, config: s.config, epochs, batchSize: 8, shards: 4, seed: 7, outDir: dir, resume,
      keepCheckpoints: 2, progress: false, limitTrain: 800, limitTest: 200, finiteCheckEvery: 500, log: () => {} }, data, s.model, ex);
    const net = (s.model as TtfsModel).net;
    return { sha: summary.weightsSha256, theta: [net.theta(0), net.theta(1)] };
  } finally { await ex.close(); }
}

test('s4nn --target-firing, minibatch: same weights and thresholds with 1 and 2 workers, and after a resume', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'snn-ttfs-homeo-'));
  try {
    const one = await run(join(dir, 'a'), 2, 1);
    const two = await run(join(dir, 'b'), 2, 2);
    assert.notEqual(one.theta[0], 100, 'the hidden threshold adapted');
    assert.equal(one.theta[1], 100, 'the output threshold (target 0) did not');
    assert.equal(two.sha, one.sha, 'weights: 2 workers = 1 worker');
    assert.deepEqual(two.theta, one.theta, 'thresholds: 2 workers = 1 worker');
    await run(join(dir, 'r'), 1, 1);
    const r = await run(join(dir, 'r'), 2, 1, true);
    assert.equal(r.sha, one.sha, 'resumed weights');
    assert.deepEqual(r.theta, one.theta, 'resumed thresholds');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('--target-firing misuse is refused, naming the flag', () => {
  assert.throws(() => createSession(ALGORITHMS.bs4nn, 'mnist', { targetFiring: [0.2, 0, 0] }, { shards: 1 }),
    (e: unknown) => e instanceof UsageError && /--target-firing/.test(e.message));
  assert.throws(() => createSession(ALGORITHMS.s4nn, 'mnist', { thetaRate: 0.1 }, { shards: 1 }),
    (e: unknown) => e instanceof UsageError && /--theta-rate/.test(e.message));
  const s = createSession(ALGORITHMS.s4nn, 'mnist', { targetFiring: [0.2, 0] }, { shards: 1 });
  assert.match(s.model.averagingUnsupported ?? '', /--target-firing/, 'no averaged weights (--ema) with moving thresholds');
});
