// Counting sort of spike times into an event list: the shared first step of every
// event-driven time-to-first-spike forward pass. Times are small integers (0..tmax),
// so a counting sort is O(n + tmax) and stable (ties keep input order, which fixes the
// accumulation order and therefore the float result).

/**
 * Writes into `order` (i32) the indices of inputs whose spike time t satisfies 0 <= t <= tLast,
 * ordered by time, ties by index. `counts` is scratch of (tLast + 2) i32. Returns the event count.
 */
export function ttfs_sort_events(times: usize, n: i32, tLast: i32, counts: usize, order: usize): i32 {
  memory.fill(counts, 0, <usize>(tLast + 2) << 2);
  for (let i = 0; i < n; i++) {
    const t = load<i32>(times + (<usize>i << 2));
    if (t >= 0 && t <= tLast) {
      const c = counts + (<usize>(t + 1) << 2);
      store<i32>(c, load<i32>(c) + 1);
    }
  }
  // counts[t+1] held the count of time t; an inclusive prefix sum turns counts[t] into the
  // first slot of time t, which then serves as that time's write cursor.
  let run = 0;
  for (let t = 0; t <= tLast + 1; t++) {
    const c = counts + (<usize>t << 2);
    run += load<i32>(c);
    store<i32>(c, run);
  }
  for (let i = 0; i < n; i++) {
    const t = load<i32>(times + (<usize>i << 2));
    if (t >= 0 && t <= tLast) {
      const c = counts + (<usize>t << 2);
      const slot = load<i32>(c);
      store<i32>(order + (<usize>slot << 2), i);
      store<i32>(c, slot + 1);
    }
  }
  return run;
}

/** The end (exclusive) of the group of events that share event p's time k in a sorted list: the
 *  event-driven forward kernels process one distinct time at a time. */
// @ts-ignore: decorator
@inline export function event_group_end(tIn: usize, order: usize, nEv: i32, p: i32, k: i32): i32 {
  let q = p + 1;
  while (q < nEv && load<i32>(tIn + (<usize>load<i32>(order + (<usize>q << 2)) << 2)) == k) q++;
  return q;
}
