// The event-driven TTFS forward kernels against the dense definition of algorithms.md 1.1:
//   V_j[k] = sum_i w_ij [t_i <= k];  t_j = 1 + first k in 0..tmax-1 with V_j[k] > theta; else tmax
// (a crossing at k = tmax - 1 also reads tmax). Integer-valued weights make every partial sum exact
// in any order, so the comparison is exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelEnv, pairedEnv, xorshift } from '../helpers.js';
import { encodeLatencies, lastInputEvent, latencyTable } from '../../src/algorithms/ttfs/encode.js';
import { padTo8 } from '../../src/wasm/arena.js';
import { encodeCountsLength } from '../../src/wasm/kernels.js';

function denseTimes(w: number[][], tIn: number[], theta: number, tmax: number, binary: boolean): { t: number[]; vRec: number[] } {
  const nOut = w[0].length;
  const t: number[] = [], vRec: number[] = [];
  for (let j = 0; j < nOut; j++) {
    let fire = tmax;
    let rec = 0;
    for (let k = 0; k <= tmax; k++) {
      let v = 0;
      for (let i = 0; i < tIn.length; i++) if (tIn[i] <= k) v += binary ? Math.sign(w[i][j]) : w[i][j];
      if (k === tmax - 3) rec = v;
      if (k < tmax && fire === tmax && v > theta) fire = Math.min(k + 1, tmax);
    }
    t.push(fire); vRec.push(rec);
  }
  return { t, vRec };
}

for (const binary of [false, true]) {
  test(`ttfs forward (${binary ? 'binary i16 and popcount' : 'f32'}) matches the dense time-stepped definition`, () => {
    const { k, arena } = kernelEnv();
    const rnd = xorshift(binary ? 7 : 3);
    const tmax = 256;
    for (const [nIn, nOut] of [[37, 10], [100, 13], [9, 3]]) {
      const stride = padTo8(nOut);
      const w = Array.from({ length: nIn }, () => Array.from({ length: nOut }, () => Math.floor(rnd() * 9) - 2));
      const theta = binary ? 3.5 : 12;
      for (let trial = 0; trial < 20; trial++) {
        const tIn = Array.from({ length: nIn }, () => (rnd() < 0.1 ? tmax : Math.floor(rnd() * (tmax + 1))));
        const want = denseTimes(w, tIn, theta, tmax, binary);
        const times = arena.alloc('i32', nIn); arena.view(times).set(tIn);
        const counts = arena.alloc('i32', tmax + 2), order = arena.alloc('i32', nIn);
        const nEv = k.ttfs_sort_events(times.offset, nIn, tmax - 2, counts.offset, order.offset);
        const tOut = arena.alloc('i32', stride);
        if (!binary) {
          const wt = arena.alloc('f32', nIn * stride), v = arena.alloc('f32', stride), rec = arena.alloc('f32', stride);
          const wv = arena.view(wt);
          for (let i = 0; i < nIn; i++) for (let j = 0; j < nOut; j++) wv[i * stride + j] = w[i][j];
          const fired = k.ttfs_forward_f32(wt.offset, nOut, stride, times.offset, order.offset, nEv, theta, tmax, tmax - 3, v.offset, tOut.offset, rec.offset);
          assert.deepEqual([...arena.view(tOut).slice(0, nOut)], want.t);
          assert.deepEqual([...arena.view(rec).slice(0, nOut)], want.vRec);
          assert.equal(fired, want.t.filter((x) => x < tmax).length);
        } else {
          const sg = arena.alloc('i16', nIn * stride), c = arena.alloc('i16', 2 * stride), rec = arena.alloc('i32', stride); // c: counts, then the not-fired mask
          const sv = arena.view(sg);
          for (let i = 0; i < nIn; i++) for (let j = 0; j < nOut; j++) sv[i * stride + j] = Math.sign(w[i][j]);
          const thr = Math.floor(theta) + 1; // c > 3.5 <=> c >= 4
          k.ttfs_forward_bin_i16(sg.offset, nOut, stride, times.offset, order.offset, nEv, thr, tmax, tmax - 3, c.offset, tOut.offset, rec.offset, 0);
          assert.deepEqual([...arena.view(tOut).slice(0, nOut)], want.t);
          assert.deepEqual([...arena.view(rec).slice(0, nOut)], want.vRec);
          // the AND-popcount variant on two neuron-major bit planes
          const words = Math.ceil(nIn / 64);
          const wf = arena.alloc('f32', nIn * stride);
          arena.view(wf).set(Array.from(arena.view(sg)));
          const pos = arena.alloc('u64', nOut * words), neg = arena.alloc('u64', nOut * words);
          k.bin_pack_signs(wf.offset, nOut, nIn, 1, stride, words, pos.offset, neg.offset);
          const ev = arena.alloc('u64', words), cc = arena.alloc('i32', nOut), t2 = arena.alloc('i32', nOut), rec2 = arena.alloc('i32', nOut);
          k.ttfs_forward_bin_popc(pos.offset, neg.offset, words, nOut, times.offset, order.offset, nEv, thr, tmax, tmax - 3, ev.offset, cc.offset, t2.offset, rec2.offset);
          assert.deepEqual([...arena.view(t2)], want.t);
          assert.deepEqual([...arena.view(rec2)], want.vRec);
        }
      }
    }
  });
}

test('ttfs_sort_events orders by time, ties by index, drops times after tLast', () => {
  const { k, arena } = kernelEnv();
  const tIn = [5, 0, 254, 255, 5, 256, 3, 0];
  const times = arena.alloc('i32', tIn.length); arena.view(times).set(tIn);
  const counts = arena.alloc('i32', 258), order = arena.alloc('i32', tIn.length);
  const n = k.ttfs_sort_events(times.offset, tIn.length, 254, counts.offset, order.offset);
  assert.equal(n, 6);
  assert.deepEqual([...arena.view(order).slice(0, n)], [1, 7, 6, 0, 4, 2]);
});

test('ttfs_encode_events (both variants): the host\'s latency coding (encodeLatencies) and the events sorted by time, ties by index', () => {
  const { fast, ref, arena } = pairedEnv();
  const rnd = xorshift(29);
  for (const [mode, tmax, power] of [['s4nn', 256, 1], ['bs4nn', 256, 1], ['s4nn', 256, 2], ['s4nn', 64, 1]] as const) {
    const table = latencyTable(mode, tmax, power);
    const tab = arena.alloc('i32', 256); arena.view(tab).set(table);
    for (let trial = 0; trial < 5; trial++) {
      // an MNIST-like image: mostly black, strokes near 255, some grey
      const img = Uint8Array.from({ length: 784 }, () => { const r = rnd(); return r < 0.8 ? 0 : r < 0.9 ? 250 + Math.floor(rnd() * 6) : Math.floor(rnd() * 256); });
      const want = new Int32Array(784);
      encodeLatencies(img, 0, 784, table, want);
      const last = lastInputEvent(tmax);
      const events = [...want.keys()].filter((i) => want[i] >= 0 && want[i] <= last).sort((a, b) => want[a] - want[b] || a - b);
      for (const [name, k] of [['fast', fast], ['ref', ref]] as const) {
        const px = arena.alloc('u8', 784); arena.view(px).set(img);
        const tIn = arena.alloc('i32', 784), counts = arena.alloc('i32', encodeCountsLength(last)), order = arena.alloc('i32', 784);
        const n = k.ttfs_encode_events(px.offset, 784, tab.offset, last, tIn.offset, counts.offset, order.offset);
        assert.deepEqual([...arena.view(tIn)], [...want], `${name} ${mode} tmax ${tmax} power ${power}: times`);
        assert.equal(n, events.length, `${name}: event count`);
        assert.deepEqual([...arena.view(order).slice(0, n)], events, `${name}: event order`);
      }
    }
  }
});

/** In-place L2 normalisation of the first n entries (f64 accumulation in index order, each quotient rounded to f32):
 *  the definition f32_l2_normalise (what the trainers call on every back-propagated error) is held to; the host's
 *  normaliseInPlace until the kernel replaced it. */
function normaliseInPlace(d: Float32Array, n: number): number {
  let ss = 0;
  for (let i = 0; i < n; i++) ss += d[i] * d[i];
  const norm = Math.sqrt(ss);
  if (norm !== 0) for (let i = 0; i < n; i++) d[i] = d[i] / norm;
  return norm;
}

test('f32_l2_normalise (both variants) gives normaliseInPlace\'s norm and floats, bit for bit', () => {
  const { fast, ref, arena } = pairedEnv();
  const rnd = xorshift(31);
  for (const [n, zeros] of [[400, 0.05], [601, 0.3], [9216, 0.97], [10, 0], [0, 0]] as const) {
    const x = Float32Array.from({ length: n }, () => (rnd() < zeros ? (rnd() < 0.1 ? -0 : 0) : (rnd() - 0.5) * 2 ** Math.floor(rnd() * 20 - 10)));
    const want = new Float32Array(new SharedArrayBuffer(Math.max(4 * n, 4)), 0, n); want.set(x);
    const norm = normaliseInPlace(want, n);
    for (const [name, k] of [['fast', fast], ['ref', ref]] as const) {
      const t = arena.alloc('f32', n); arena.view(t).set(x);
      assert.ok(Object.is(k.f32_l2_normalise(t.offset, n), norm), `${name} n=${n}: norm`);
      const got = arena.view(t);
      for (let i = 0; i < n; i++) assert.ok(Object.is(got[i], want[i]), `${name} n=${n}: x[${i}] ${got[i]} vs ${want[i]}`);
    }
  }
});
