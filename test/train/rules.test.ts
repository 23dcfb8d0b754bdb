// The target rule and the decision rules, case by case against algorithms.md 1.1-1.2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relativeTargets, normalisedError } from '../../src/algorithms/ttfs/targets.js';
import { judgeTtfs, judgeCounts } from '../../src/train/decision.js';

const T = (t: number[], label: number, gamma: number, mode: 'pull-label' | 'none') => {
  const out = new Float64Array(t.length); relativeTargets(t, t.length, label, gamma, 256, mode, out); return [...out];
};

test('relative targets: winner pulled to tau, close competitors pushed to tau + gamma, others untouched', () => {
  // tau = 10 (unit 2); label 0 fired at 30; unit 1 at 12 is within gamma=3 of tau
  assert.deepEqual(T([30, 12, 10, 40], 0, 3, 'pull-label'), [10, 13, 13, 40]);
  // label is the winner: it keeps tau, a tie partner is pushed to tau + gamma
  assert.deepEqual(T([10, 10, 50], 0, 1, 'none'), [10, 11, 50]);
  // tau + gamma is capped at tmax
  assert.deepEqual(T([255, 256, 256], 1, 3, 'pull-label'), [256, 255, 256]);
});

test('no output spike: S4NN pulls the label to tmax - gamma, BS4NN learns nothing', () => {
  assert.deepEqual(T([256, 256, 256], 2, 3, 'pull-label'), [256, 256, 253]);
  assert.deepEqual(T([256, 256, 256], 2, 1, 'none'), [256, 256, 256]);
});

test('output error is (T - t)/tmax normalised to unit length; zero stays zero', () => {
  const d = new Float32Array(3);
  const n = normalisedError([30, 12, 10], new Float64Array([10, 13, 13]), 3, 256, d);
  assert.ok(Math.abs(n - Math.hypot(-20, 1, 3) / 256) < 1e-12);
  assert.ok(Math.abs(Math.hypot(...d) - 1) < 1e-6);
  assert.ok(d[0] < 0, 'a late label gets a negative error, which raises its weights');
  normalisedError([5, 9], new Float64Array([5, 9]), 2, 256, d);
  assert.deepEqual([...d.slice(0, 2)], [0, 0]);
});

test('decision rules: strict needs a unique earliest label; reference counts label ties as correct', () => {
  const v = [0, 0, 0];
  assert.deepEqual(judgeTtfs([5, 9, 7], v, 3, 0, 256).correct, { strict: true, 'first-index': true, reference: true });
  assert.deepEqual(judgeTtfs([5, 5, 7], v, 3, 1, 256).correct, { strict: false, 'first-index': false, reference: true });
  assert.deepEqual(judgeTtfs([5, 5, 7], v, 3, 0, 256).correct, { strict: false, 'first-index': true, reference: true });
  assert.deepEqual(judgeTtfs([5, 9, 7], v, 3, 2, 256).correct, { strict: false, 'first-index': false, reference: false });
});

test('no output spike: fallback argmax of V[tmax-3] for first-index and reference, always wrong for strict', () => {
  const r = judgeTtfs([256, 256, 256], [1, 4, 2], 3, 1, 256);
  assert.deepEqual(r.correct, { strict: false, 'first-index': true, reference: true });
  assert.equal(r.noSpike, true);
  assert.equal(judgeTtfs([256, 256, 256], [1, 4, 2], 3, 0, 256).correct.reference, false);
});

test('count rules: all-zero output is wrong under strict, right under the reference rule', () => {
  assert.deepEqual(judgeCounts([0, 0, 0], 3, 1), { strict: false, 'first-index': false, reference: true });
  assert.deepEqual(judgeCounts([1, 3, 2], 3, 1), { strict: true, 'first-index': true, reference: true });
});

import { encodeLatencies, latencyTable } from '../../src/algorithms/ttfs/encode.js';

test('latency encodings: the reference formulas at tmax 256, and scaled for other tmax', () => {
  const p = Uint8Array.from({ length: 256 }, (_, i) => i);
  const o = new Int32Array(256);
  encodeLatencies(p, 0, 256, latencyTable('bs4nn', 256), o);
  assert.ok(o.every((t, i) => t === 255 - i), 'BS4NN: t = 255 - p');
  encodeLatencies(p, 0, 256, latencyTable('s4nn', 256), o);
  assert.ok(o.every((t, i) => t === Math.floor(((255 - i) * 256) / 255)), 'S4NN: t = floor((255 - p) 256 / 255)');
  assert.equal(o[0], 256); assert.equal(o[255], 0);
  encodeLatencies(p, 0, 256, latencyTable('s4nn', 64), o);
  assert.equal(o[0], 64); assert.equal(o[255], 0);
  assert.ok(o.every((t) => t >= 0 && t <= 64));
});

test('power-law latency: same end points, dim pixels earlier, monotone; power 1 is the reference code', () => {
  for (const mode of ['s4nn', 'bs4nn'] as const) {
    const lin = latencyTable(mode, 256), sq = latencyTable(mode, 256, 2), cube = latencyTable(mode, 256, 3);
    assert.deepEqual(latencyTable(mode, 256, 1), lin);
    for (const t of [sq, cube]) {
      assert.equal(t[0], lin[0], 'p = 0 keeps the inert latency');
      assert.equal(t[255], 0, 'p = 255 fires at 0');
      for (let p = 1; p < 256; p++) assert.ok(t[p] <= t[p - 1], `monotone at ${p}`);
    }
    const span = lin[0];
    for (let p = 0; p < 256; p++) {
      // a direct evaluation in BigInt: floor((255 - p)^k span / 255^k)
      const b = BigInt(255 - p), s = BigInt(span);
      assert.equal(sq[p], Number((b * b * s) / 65025n), `k = 2, p = ${p}`);
      assert.equal(cube[p], Number((b * b * b * s) / 16581375n), `k = 3, p = ${p}`);
      assert.ok(sq[p] <= lin[p] && cube[p] <= sq[p]);
    }
  }
  assert.equal(latencyTable('s4nn', 256, 2)[128], 63); // 127² · 256 / 255² = 63.5
  assert.throws(() => latencyTable('s4nn', 256, 4), /latency power/);
  assert.throws(() => latencyTable('s4nn', 256, 1.5), /latency power/);
});

import { perLayer } from '../../src/algorithms/ttfs/config.js';

test('per-layer values: one for all, one per layer, or (hidden, output) pairs for deeper networks', () => {
  assert.deepEqual(perLayer([5], 3), [5, 5, 5]);
  assert.deepEqual(perLayer([1, 2, 3], 3), [1, 2, 3]);
  assert.deepEqual(perLayer([100, 50], 3), [100, 100, 50]);
  assert.deepEqual(perLayer([100, 50], 2), [100, 50]);
  assert.throws(() => perLayer([1, 2, 3], 2), /needs 1 or 2 values \(hidden, output\), got 3/);
});
