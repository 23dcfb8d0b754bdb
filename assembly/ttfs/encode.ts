// The input layer's first step, fused: intensity-to-latency coding of one image (tIn[i] = table[px[i]],
// the host's latency table, src/algorithms/ttfs/encode.ts) and the counting sort of those times into an
// event list (ttfs_sort_events). The host did the coding in JavaScript (784 table lookups per MNIST image,
// ~2 us, as much as the sort) and the sort then read every time twice more.

import { count, cursors, place, ttfs_sort_events_ref } from "./events";
import { store4 } from "./forward_f32";

/**
 * Scalar twin: the table lookups, then ttfs_sort_events_ref. tIn (i32, n) receives every input's time, also
 * those after tLast (the update and backprop kernels read them all); `order` the events; `counts` is scratch
 * of tLast + 2 i32 (the SIMD kernel's needs ENCODE_DUMP_ENTRIES more). Returns the event count.
 */
export function ttfs_encode_events_ref(px: usize, n: i32, table: usize, tLast: i32, tIn: usize, counts: usize, order: usize): i32 {
  for (let i = 0; i < n; i++) {
    store<i32>(tIn + (<usize>i << 2), load<i32>(table + (<usize>load<u8>(px + <usize>i) << 2)));
  }
  return ttfs_sort_events_ref(tIn, n, tLast, counts, order);
}

/** Entries of ttfs_encode_events_simd's `counts` scratch past the tLast + 2 counters: per lane of a 16-pixel
 *  chunk, a dump counter (what a pixel that is no event counts into). */
export const ENCODE_DUMP_ENTRIES = 16;

/**
 * ttfs_encode_events_ref 16 pixels at a time. A chunk of 16 black pixels (value 0: 82% of MNIST's, in runs along
 * each row) is one test: its times are table[0] four vectors at once, its events (if a black pixel is an event at
 * all: not with S4NN's or BS4NN's codes) are counted as 16 at once and placed by the general path. Any other chunk
 * is looked up and counted pixel by pixel without a branch: a pixel that is no event counts into its lane's dump
 * counter (a select of the counter's index; one dump counter per lane, so that the black pixels of a chunk do not
 * form one chain of increments of a single counter). Counting only the events, over a bit mask of them as
 * ttfs_sort_events_simd does, after a loop of lookups, cost a mispredicted loop exit per chunk: this form measured
 * 1.19x faster on MNIST images, 1.27x on Fashion-MNIST's (scripts/ab-encode-events.mjs). The placing pass does
 * visit only the events: done without a branch too (a dump cursor and a dump slot per lane, the store's address a
 * select) it measured 0.95x, its seven operations per pixel costing more than the mispredicted exit; counting four
 * pixels at a time with their multiplicities (as ttfs_sort_events' count4) 0.94-0.96x. Events are counted and placed in
 * ascending index order, so counts, cursors and `order` are the twin's, entry for entry. `counts` is scratch of
 * tLast + 2 + ENCODE_DUMP_ENTRIES i32 (the dump counters need no zeroing: nothing reads them).
 */
export function ttfs_encode_events_simd(px: usize, n: i32, table: usize, tLast: i32, tIn: usize, counts: usize, order: usize): i32 {
  // no events at all (the unsigned range test below needs tLast >= 0): the twin, which only looks up the times
  if (tLast < 0) return ttfs_encode_events_ref(px, n, table, tLast, tIn, counts, order);
  const tBlack = load<i32>(table);
  const blackV = i32x4.splat(tBlack);
  const n16 = n & ~15;
  memory.fill(counts, 0, <usize>(tLast + 2) << 2);
  const blackIsEvent = <u32>tBlack <= <u32>tLast;
  const dumpCount = tLast + 2, lastV = i32x4.splat(tLast);
  // pass 1: the times, and the count of each in-range time
  for (let i0 = 0; i0 < n16; i0 += 16) {
    const dst = tIn + (<usize>i0 << 2);
    if (!v128.any_true(v128.load(px + <usize>i0))) {
      store4(dst, blackV, blackV, blackV, blackV);
      if (blackIsEvent) { const c = counts + (<usize>(tBlack + 1) << 2); store<i32>(c, load<i32>(c) + 16); }
      continue;
    }
    for (let j = 0; j < 16; j++) {
      const t = load<i32>(table + (<usize>load<u8>(px + <usize>(i0 + j)) << 2));
      store<i32>(dst + (<usize>j << 2), t);
      const c = counts + (<usize>select<i32>(t + 1, dumpCount + j, <u32>t <= <u32>tLast) << 2);
      store<i32>(c, load<i32>(c) + 1);
    }
  }
  for (let i = n16; i < n; i++) {
    const t = load<i32>(table + (<usize>load<u8>(px + <usize>i) << 2));
    store<i32>(tIn + (<usize>i << 2), t);
    if (<u32>t <= <u32>tLast) count(counts, t);
  }
  const run = cursors(counts, tLast);
  // pass 2: each event to its time's cursor, in index order
  for (let i0 = 0; i0 < n16; i0 += 16) {
    if (!blackIsEvent && !v128.any_true(v128.load(px + <usize>i0))) continue;
    const src = tIn + (<usize>i0 << 2);
    let m = inRange16(src, lastV);
    while (m != 0) {
      const j = ctz(m);
      m &= m - 1;
      place(counts, order, load<i32>(src + (<usize>j << 2)), i0 + j);
    }
  }
  for (let i = n16; i < n; i++) {
    const t = load<i32>(tIn + (<usize>i << 2));
    if (<u32>t <= <u32>tLast) place(counts, order, t, i);
  }
  return run;
}

/** Bit j set for each of the 16 times at src with 0 <= t <= tLast (lastV = tLast in every lane). */
// @ts-ignore: decorator
@inline function inRange16(src: usize, lastV: v128): i32 {
  return i32x4.bitmask(i32x4.le_u(v128.load(src), lastV))
    | (i32x4.bitmask(i32x4.le_u(v128.load(src, 16), lastV)) << 4)
    | (i32x4.bitmask(i32x4.le_u(v128.load(src, 32), lastV)) << 8)
    | (i32x4.bitmask(i32x4.le_u(v128.load(src, 48), lastV)) << 12);
}
