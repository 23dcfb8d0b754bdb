// Shared helpers for the kernel specs (not a spec itself: as-pect only compiles *.spec.ts).
// Buffers are raw, 16-byte aligned blocks from heap.alloc, released with freeAll() at the end of
// each test; inputs come from a xorshift32 generator so every run sees the same data.
import { ttfs_forward_f32_simd, ttfs_forward_f32_ref, ttfs_sort_events_simd } from "../index";

// ---------------------------------------------------------------- deterministic PRNG (xorshift32)

let rngState: u32 = 0x9e3779b9;

export function seed(s: u32): void {
  rngState = s != 0 ? s : 0x9e3779b9;
}

export function rnd(): u32 {
  let x = rngState;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  rngState = x;
  return x;
}

/** Uniform integer in [lo, hi] (inclusive). */
export function rndInt(lo: i32, hi: i32): i32 {
  return lo + <i32>(rnd() % <u32>(hi - lo + 1));
}

/** Uniform f32 in [lo, hi), 24 random bits. */
export function rndF32(lo: f32, hi: f32): f32 {
  return lo + (hi - lo) * (<f32>(rnd() >> 8) * <f32>(1.0 / 16777216.0));
}

/** True with probability pct / 100. */
export function chance(pct: i32): bool {
  return <i32>(rnd() % 100) < pct;
}

// ---------------------------------------------------------------- aligned scratch buffers

const blocks = new Array<usize>(0);

/** `bytes` bytes aligned to 16, filled with the byte `fill` (a poison pattern for outputs). */
export function alloc(bytes: i32, fill: u8 = 0): usize {
  const raw = heap.alloc(<usize>bytes + 16);
  blocks.push(raw);
  const p = (raw + 15) & ~(<usize>15);
  memory.fill(p, fill, <usize>bytes);
  return p;
}

/** A 16-byte aligned copy of `bytes` bytes at `src`. */
export function dup(src: usize, bytes: i32): usize {
  const p = alloc(bytes);
  memory.copy(p, src, <usize>bytes);
  return p;
}

export function freeAll(): void {
  for (let i = 0; i < blocks.length; i++) heap.free(blocks[i]);
  blocks.length = 0;
}

// ---------------------------------------------------------------- exact comparisons

/** First index where the 32-bit patterns differ (f32 by bits: -0 != +0), or -1. */
export function diff32(a: usize, b: usize, n: i32): i32 {
  for (let i = 0; i < n; i++) {
    if (load<u32>(a + (<usize>i << 2)) != load<u32>(b + (<usize>i << 2))) return i;
  }
  return -1;
}

/** First index where the 16-bit values differ, or -1. */
export function diff16(a: usize, b: usize, n: i32): i32 {
  for (let i = 0; i < n; i++) {
    if (load<u16>(a + (<usize>i << 1)) != load<u16>(b + (<usize>i << 1))) return i;
  }
  return -1;
}

export function bits64(x: f64): u64 {
  return reinterpret<u64>(x);
}

// ---------------------------------------------------------------- TTFS layer helpers

export const TMAX: i32 = 256;

export function ceil8(n: i32): i32 {
  return (n + 7) & ~7;
}

/**
 * n input spike times in 0..TMAX (TMAX = no spike) by `mode`: 0 uniform; 1 a few distinct times
 * (many ties, including tmax-2, tmax-1, tmax); 2 early and dense (0..20); 3 none before tmax-1.
 */
export function fillTimes(p: usize, n: i32, mode: i32): void {
  for (let i = 0; i < n; i++) {
    let t: i32;
    if (mode == 0) t = rndInt(0, TMAX);
    else if (mode == 1) {
      const k = rndInt(0, 6);
      t = k == 0 ? TMAX - 2 : k == 1 ? TMAX - 1 : k == 2 ? TMAX : k * 17;
    } else if (mode == 2) t = rndInt(0, 20);
    else t = rndInt(TMAX - 1, TMAX);
    store<i32>(p + (<usize>i << 2), t);
  }
}

/** Event list of `tIn` for a TTFS forward pass (tLast = tmax - 2): returns `order`, sets nEv[0]. */
export function sortEvents(tIn: usize, n: i32, nEv: StaticArray<i32>): usize {
  const counts = alloc((TMAX - 2 + 2) << 2);
  const order = alloc(max(n, 1) << 2, 0xee);
  nEv[0] = ttfs_sort_events_simd(tIn, n, TMAX - 2, counts, order);
  return order;
}

// ---------------------------------------------------------------- hand-computed forward case

/**
 * 3 inputs, 2 neurons (stride 8), tmax 10, theta 1, all weights exact binary fractions:
 *   input 0 at t=1: w = [ 0.5 , 0.25]
 *   input 1 at t=3: w = [ 0.75, 0.25]
 *   input 2 at t=5: w = [-2   , 0.5 ]
 * Neuron 0: V = 0.5 after step 1, 1.25 > 1 after step 3, so it fires at 3 + 1 = 4.
 * Neuron 1: V = 0.25, 0.5, 1.0: reaches theta exactly but never exceeds it, so t = tmax = 10.
 * V at kRec = 7 (no event after 5): [-0.75, 1.0]; at kRec = 2 (before the t=3 event): [0.5, 0.25].
 * Checks both variants; call from each spec file.
 */
export function checkHandForwardF32(): void {
  const stride = 8;
  const tmax = 10;
  const wt = alloc(3 * stride * 4);
  store<f32>(wt + 0, 0.5); store<f32>(wt + 4, 0.25);
  store<f32>(wt + 32, 0.75); store<f32>(wt + 36, 0.25);
  store<f32>(wt + 64, -2.0); store<f32>(wt + 68, 0.5);
  const tIn = alloc(3 * 4);
  store<i32>(tIn, 1); store<i32>(tIn + 4, 3); store<i32>(tIn + 8, 5);
  const counts = alloc((tmax - 2 + 2) * 4);
  const order = alloc(3 * 4);
  const nEv = ttfs_sort_events_simd(tIn, 3, tmax - 2, counts, order);
  expect<i32>(nEv).toBe(3, "hand case: 3 events");
  expect<i32>(load<i32>(order)).toBe(0);
  expect<i32>(load<i32>(order + 4)).toBe(1);
  expect<i32>(load<i32>(order + 8)).toBe(2);
  for (let variant = 0; variant < 2; variant++) {
    for (let rec = 0; rec < 2; rec++) {
      const kRec = rec == 0 ? tmax - 3 : 2;
      const v = alloc(stride * 4);
      const tOut = alloc(stride * 4, 0xa5);
      const vRec = alloc(stride * 4, 0xa5);
      const fired = variant == 0
        ? ttfs_forward_f32_simd(wt, 2, stride, tIn, order, nEv, 1.0, tmax, kRec, v, tOut, vRec)
        : ttfs_forward_f32_ref(wt, 2, stride, tIn, order, nEv, 1.0, tmax, kRec, v, tOut, vRec);
      const name = (variant == 0 ? "simd" : "ref") + " kRec=" + kRec.toString() + ": ";
      expect<i32>(fired).toBe(1, name + "one neuron fires");
      expect<i32>(load<i32>(tOut)).toBe(4, name + "neuron 0 crosses at step 3, fires at 4");
      expect<i32>(load<i32>(tOut + 4)).toBe(tmax, name + "V == theta is not a crossing");
      for (let j = 2; j < stride; j++) expect<i32>(load<i32>(tOut + (<usize>j << 2))).toBe(tmax, name + "pad lane");
      const r0: f32 = rec == 0 ? -0.75 : 0.5;
      const r1: f32 = rec == 0 ? 1.0 : 0.25;
      expect<u32>(reinterpret<u32>(load<f32>(vRec))).toBe(reinterpret<u32>(r0), name + "vRec[0]");
      expect<u32>(reinterpret<u32>(load<f32>(vRec + 4))).toBe(reinterpret<u32>(r1), name + "vRec[1]");
    }
  }
  freeAll();
}
