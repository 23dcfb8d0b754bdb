import { test } from 'node:test';
import assert from 'node:assert/strict';
import { philox, RandomStream, epochPermutation, epochDrawsWithReplacement } from '../../src/train/rng.js';

test('Philox4x32-10 matches the Random123 known-answer vectors', () => {
  const o = new Uint32Array(4);
  const hex = () => [...o].map((x) => x.toString(16).padStart(8, '0'));
  philox(0, 0, 0, 0, 0, 0, o);
  assert.deepEqual(hex(), ['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']);
  philox(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, o);
  assert.deepEqual(hex(), ['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd']);
  philox(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, o);
  assert.deepEqual(hex(), ['d16cfe09', '94fdcceb', '5001e420', '24126ea1']);
});

test('streams are pure functions of (seed, purpose, a, b, index)', () => {
  const a = new RandomStream(42, 'init', 1, 0), b = new RandomStream(42, 'init', 1, 0);
  const xs = Array.from({ length: 50 }, (_, i) => a.u32(i));
  // read b backwards: the same values whatever the access order
  const ys = Array.from({ length: 50 }, (_, i) => b.u32(49 - i)).reverse();
  assert.deepEqual(xs, ys);
  assert.notDeepEqual(xs, Array.from({ length: 50 }, (_, i) => new RandomStream(42, 'shuffle', 1, 0).u32(i)));
  assert.notDeepEqual(xs, Array.from({ length: 50 }, (_, i) => new RandomStream(43, 'init', 1, 0).u32(i)));
  for (let i = 0; i < 1000; i++) { const u = a.uniform(i); assert.ok(u >= 0 && u < 1 && Math.fround(u) === u); }
});

test('epoch permutations are permutations, differ by epoch, and draws stay in range', () => {
  const p = epochPermutation(7, 0, 1000);
  assert.deepEqual([...p].sort((x, y) => x - y), Array.from({ length: 1000 }, (_, i) => i));
  assert.notDeepEqual([...p], [...epochPermutation(7, 1, 1000)]);
  assert.deepEqual([...p], [...epochPermutation(7, 0, 1000)]);
  const d = epochDrawsWithReplacement(7, 3, 500);
  assert.ok([...d].every((x) => x < 500));
  assert.ok(new Set(d).size < 500, 'draws with replacement repeat some indices');
  // uniformity sanity: every bucket of 10 gets 30..70 of 500 draws
  const buckets = new Array(10).fill(0); for (const x of d) buckets[Math.floor(x / 50)]++;
  assert.ok(buckets.every((c) => c > 25 && c < 75), `buckets ${buckets}`);
});
