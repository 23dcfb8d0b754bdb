// Counter-based random numbers (Philox4x32-10, Salmon et al. 2011). A draw is a pure function of
// (seed, stream, a, b, index): no hidden state, so the number a sample sees depends only on the
// seed, what it is used for, the epoch and the sample index, never on which worker or in which
// order work ran. Integer arithmetic only (Math.imul and 16-bit splits for the high product).

const M0 = 0xd2511f53, M1 = 0xcd9e8d57, W0 = 0x9e3779b9, W1 = 0xbb67ae85;

function mulhi(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const lo = a0 * b0;
  const mid1 = a1 * b0 + (lo >>> 16);
  const mid2 = a0 * b1 + (mid1 & 0xffff);
  return (a1 * b1 + (mid1 >>> 16) + (mid2 >>> 16)) >>> 0;
}

/** Philox4x32-10 of counter (c0..c3) under key (k0, k1); writes 4 uint32 into out. */
export function philox(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array): void {
  for (let r = 0; r < 10; r++) {
    const hi0 = mulhi(M0, c0), lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2), lo1 = Math.imul(M1, c2) >>> 0;
    const n0 = (hi1 ^ c1 ^ k0) >>> 0, n2 = (hi0 ^ c3 ^ k1) >>> 0;
    c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
    k0 = (k0 + W0) >>> 0; k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

/** What a random stream is used for; each purpose gets its own counter space. */
export const STREAM = { init: 1, shuffle: 2, sample: 3, reinit: 4, augment: 5, dropout: 6 } as const;
export type StreamName = keyof typeof STREAM;

/**
 * A stream of uniform draws keyed by (seed, purpose, a, b): e.g. (seed, 'shuffle', epoch, 0) or
 * (seed, 'init', layer, 0). Draw i is independent of every other draw. Seeds are 32-bit integers.
 */
export class RandomStream {
  private readonly buf = new Uint32Array(4);
  private cached = -1;
  constructor(readonly seed: number, readonly purpose: StreamName, readonly a = 0, readonly b = 0) {}

  /** 32 random bits of draw i (i < 2^32 * 4). */
  u32(i: number): number {
    const block = Math.floor(i / 4);
    if (block !== this.cached) {
      philox(block >>> 0, Math.floor(block / 2 ** 32) >>> 0, this.a >>> 0, this.b >>> 0,
        this.seed >>> 0, STREAM[this.purpose], this.buf);
      this.cached = block;
    }
    return this.buf[i & 3];
  }

  /** Uniform in [0, 1) with 24 bits: exactly representable in f32. */
  uniform(i: number): number {
    return (this.u32(i) >>> 8) / 16777216;
  }

  /** Integer in [0, n) by rejection (unbiased). Uses draws i, i+stride, ... ; returns [value, draws]. */
  below(i: number, n: number): number {
    // Lemire-free simple rejection over the largest multiple of n below 2^32, with sub-counters.
    const limit = Math.floor(4294967296 / n) * n;
    for (let j = 0; ; j++) {
      const x = this.u32Sub(i, j);
      if (x < limit) return x % n;
    }
  }

  private u32Sub(i: number, j: number): number {
    if (j === 0) return this.u32(i);
    const out = new Uint32Array(4);
    philox(i >>> 0, Math.floor(i / 2 ** 32) >>> 0, (this.a + j * 0x10000) >>> 0, this.b >>> 0, this.seed >>> 0, STREAM[this.purpose] | 0x100, out);
    return out[0];
  }
}

/**
 * Fills w, a [rows][stride] matrix of which the first cols columns are used, with U[lo, hi) draws
 * lo + (hi - lo) * uniform(i * cols + j) of stream r; padding columns are zeroed.
 */
export function fillUniformRows(w: Float32Array, rows: number, cols: number, stride: number, lo: number, hi: number, r: RandomStream): void {
  w.fill(0);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) w[i * stride + j] = lo + (hi - lo) * r.uniform(i * cols + j);
}

/** Fisher-Yates permutation of 0..n-1 for (seed, epoch): the epoch's sample order. */
export function epochPermutation(seed: number, epoch: number, n: number): Uint32Array {
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const r = new RandomStream(seed, 'shuffle', epoch, 0);
  for (let i = n - 1; i > 0; i--) {
    const j = r.below(i, i + 1);
    const t = perm[i]; perm[i] = perm[j]; perm[j] = t;
  }
  return perm;
}

/** n indices drawn with replacement (BS4NN's reference sampling: randint(0, N, N) per epoch). */
export function epochDrawsWithReplacement(seed: number, epoch: number, n: number): Uint32Array {
  const out = new Uint32Array(n);
  const r = new RandomStream(seed, 'sample', epoch, 0);
  for (let i = 0; i < n; i++) out[i] = r.below(i, n);
  return out;
}
