// Counting sort of spike times into an event list: the shared first step of every
// event-driven time-to-first-spike forward pass. Times are small integers (0..tmax),
// so a counting sort is O(n + tmax) and stable (ties keep input order, which fixes the
// accumulation order and therefore the float result).

/**
 * Writes into `order` (i32) the indices of inputs whose spike time t satisfies 0 <= t <= tLast,
 * ordered by time, ties by index. `counts` is scratch of (tLast + 2) i32. Returns the event count.
 * Scalar twin of ttfs_sort_events_simd.
 */
export function ttfs_sort_events_ref(times: usize, n: i32, tLast: i32, counts: usize, order: usize): i32 {
  memory.fill(counts, 0, <usize>(tLast + 2) << 2);
  for (let i = 0; i < n; i++) {
    const t = load<i32>(times + (<usize>i << 2));
    if (t >= 0 && t <= tLast) count(counts, t);
  }
  const run = cursors(counts, tLast);
  for (let i = 0; i < n; i++) {
    const t = load<i32>(times + (<usize>i << 2));
    if (t >= 0 && t <= tLast) place(counts, order, t, i);
  }
  return run;
}

/**
 * ttfs_sort_events_ref with the two passes over the times four at a time: a vector whose four times are
 * all outside 0..tLast (an unsigned compare: negative times wrap above tLast) costs one compare and one
 * branch, and the in-range lanes are visited in ascending index order, so counts, cursors and `order`
 * are the twin's, entry for entry. On input layers most times are out of range (S4NN: 82% of MNIST
 * pixels are black, t = tmax), in runs along each row, and the scalar passes' one branch per input
 * mispredicted at every run boundary.
 */
export function ttfs_sort_events_simd(times: usize, n: i32, tLast: i32, counts: usize, order: usize): i32 {
  memory.fill(counts, 0, <usize>(tLast + 2) << 2);
  if (tLast < 0) return 0;
  const lastV = i32x4.splat(tLast), n4 = n & ~3;
  for (let i0 = 0; i0 < n4; i0 += 4) {
    const tv = v128.load(times + (<usize>i0 << 2));
    let m = i32x4.bitmask(i32x4.le_u(tv, lastV));
    if (m == 15) { // all four in range (hidden layers, where most neurons fire): no bit loop
      count4(counts, tv);
      continue;
    }
    while (m != 0) {
      const t = load<i32>(times + (<usize>(i0 + ctz(m)) << 2));
      m &= m - 1;
      count(counts, t);
    }
  }
  for (let i = n4; i < n; i++) {
    const t = load<i32>(times + (<usize>i << 2));
    if (<u32>t <= <u32>tLast) count(counts, t);
  }
  const run = cursors(counts, tLast);
  for (let i0 = 0; i0 < n4; i0 += 4) {
    let m = i32x4.bitmask(i32x4.le_u(v128.load(times + (<usize>i0 << 2)), lastV));
    if (m == 15) {
      for (let i = i0; i < i0 + 4; i++) place(counts, order, load<i32>(times + (<usize>i << 2)), i);
      continue;
    }
    while (m != 0) {
      const i = i0 + ctz(m);
      m &= m - 1;
      place(counts, order, load<i32>(times + (<usize>i << 2)), i);
    }
  }
  for (let i = n4; i < n; i++) {
    const t = load<i32>(times + (<usize>i << 2));
    if (<u32>t <= <u32>tLast) place(counts, order, t, i);
  }
  return run;
}

/** counts[t + 1] held the count of time t; an inclusive prefix sum turns counts[t] into the first slot of
 *  time t, which then serves as that time's write cursor. Returns the total (the event count). */
// @ts-ignore: decorator
@inline export function cursors(counts: usize, tLast: i32): i32 {
  let run = 0;
  for (let t = 0; t <= tLast + 1; t++) {
    const c = counts + (<usize>t << 2);
    run += load<i32>(c);
    store<i32>(c, run);
  }
  return run;
}

/**
 * Four more events, at the times of tv (all in range): each lane's counter is loaded before any is stored, and each
 * gets its time's multiplicity among the four lanes (a time that two lanes share gets +2 from both, and the second
 * store writes what the first did). Counting the four one after another made an increment wait for the previous
 * one's store whenever two lanes shared a time: hidden neurons fire in bursts (S4NN's 383 firing neurons of 400 over
 * ~47 distinct times), and this form measured 1.07x on S4NN's hidden times and 1.15x on BS4NN's (600) for the
 * whole sort, paired against the one-by-one count (docs/kernel-changes.md, 2026-12-06). The counts are the same.
 */
// @ts-ignore: decorator
@inline function count4(counts: usize, tv: v128): void {
  // eq gives -1 where a rotation's lane holds the same time: 1 - (three eq) is the multiplicity
  const mult = i32x4.sub(i32x4.sub(i32x4.sub(i32x4.splat(1), i32x4.eq(tv, i32x4.shuffle(tv, tv, 1, 2, 3, 0))),
    i32x4.eq(tv, i32x4.shuffle(tv, tv, 2, 3, 0, 1))), i32x4.eq(tv, i32x4.shuffle(tv, tv, 3, 0, 1, 2)));
  const c0 = counts + (<usize>(i32x4.extract_lane(tv, 0) + 1) << 2), c1 = counts + (<usize>(i32x4.extract_lane(tv, 1) + 1) << 2);
  const c2 = counts + (<usize>(i32x4.extract_lane(tv, 2) + 1) << 2), c3 = counts + (<usize>(i32x4.extract_lane(tv, 3) + 1) << 2);
  const o0 = load<i32>(c0), o1 = load<i32>(c1), o2 = load<i32>(c2), o3 = load<i32>(c3);
  store<i32>(c0, o0 + i32x4.extract_lane(mult, 0)); store<i32>(c1, o1 + i32x4.extract_lane(mult, 1));
  store<i32>(c2, o2 + i32x4.extract_lane(mult, 2)); store<i32>(c3, o3 + i32x4.extract_lane(mult, 3));
}

/** One more event at time t (counts[t + 1] holds time t's count during the counting pass). */
// @ts-ignore: decorator
@inline export function count(counts: usize, t: i32): void {
  const c = counts + (<usize>(t + 1) << 2);
  store<i32>(c, load<i32>(c) + 1);
}

/** Input i (time t) goes to its time's write cursor, which moves on. */
// @ts-ignore: decorator
@inline export function place(counts: usize, order: usize, t: i32, i: i32): void {
  const c = counts + (<usize>t << 2);
  const slot = load<i32>(c);
  store<i32>(order + (<usize>slot << 2), i);
  store<i32>(c, slot + 1);
}

/** The end (exclusive) of the group of events that share event p's time k in a sorted list: the
 *  event-driven forward kernels process one distinct time at a time. */
// @ts-ignore: decorator
@inline export function event_group_end(tIn: usize, order: usize, nEv: i32, p: i32, k: i32): i32 {
  let q = p + 1;
  while (q < nEv && load<i32>(tIn + (<usize>load<i32>(order + (<usize>q << 2)) << 2)) == k) q++;
  return q;
}

/** The spike time of event p of the sorted list. */
// @ts-ignore: decorator
@inline export function event_time(tIn: usize, order: usize, p: i32): i32 {
  return load<i32>(tIn + (<usize>load<i32>(order + (<usize>p << 2)) << 2));
}

/** The end of the next distinct time's events, starting at q, if that time may join the pass (there is one,
 *  and V need not be recorded before it); else q (no events). */
// @ts-ignore: decorator
@inline export function event_join_group(tIn: usize, order: usize, nEv: i32, q: i32, recorded: bool, kRec: i32): i32 {
  if (q >= nEv) return q;
  const k = event_time(tIn, order, q);
  return recorded || k <= kRec ? event_group_end(tIn, order, nEv, q, k) : q;
}
