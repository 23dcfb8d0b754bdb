// Kernel ceilings: this machine's WASM limits (f32x4 mul+add peak, the f32x4 divide/sqrt unit, i64.popcnt XOR throughput,
// streaming read, in-place update and copy bandwidth by working-set size), then every hot kernel of the
// registry (src/wasm/kernels.ts) on real MNIST-derived inputs as a fraction of the ceiling that
// binds it, fast vs ref side by side (the SIMD speedup), and the two binary forward kernels
// against each other on BS4NN latency codes of real MNIST test images (the choice the project makes).
import { createSession } from '../src/session.js';
import { ALGORITHMS } from '../src/algorithms/registry.js';
import { createSharedMemory, instantiateKernels } from '../src/wasm/module.js';
import { Arena, type DType, type Tensor } from '../src/wasm/arena.js';
import { KERNELS, convGatherListLength, encodeCountsLength, type KernelName, type KernelSet } from '../src/wasm/kernels.js';
import { loadDataset, type Dataset } from '../src/data/index.js';
import type { TtfsModel } from '../src/algorithms/ttfs/model.js';
import type { TtfsConfig } from '../src/algorithms/ttfs/config.js';
import type { BnnModel } from '../src/algorithms/bnn/model.js';
import type { StidiModel } from '../src/algorithms/stidi/model.js';
import { layerTau } from '../src/algorithms/stidi/config.js';
import { type Benchmark, type BenchContext, type Stat, type Timed, type TimingOpts, fmt, median, pick, sig, stat, timeInterleaved } from './lib.js';

const BYTES: Record<DType, number> = { f32: 4, f64: 8, i32: 4, i16: 2, u8: 1, u64: 8 };

/** `count` rows of `len` elements in one tensor, each row 64-byte aligned. */
class Slab<T extends DType> {
  readonly per: number;
  readonly t: Tensor<T>;
  constructor(private readonly arena: Arena, dtype: T, readonly count: number, readonly len: number) {
    this.per = Math.ceil((len * BYTES[dtype]) / 64) * (64 / BYTES[dtype]);
    this.t = arena.alloc(dtype, count * this.per);
  }
  off(i: number): number { return this.t.offset + i * this.per * BYTES[this.t.dtype]; }
  /** typed view of row i (the element type follows the slab's dtype) */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  view(i: number): any {
    return (this.arena.view(this.t) as unknown as { subarray(a: number, b: number): unknown }).subarray(i * this.per, i * this.per + this.len);
  }
}

const i32v = (x: unknown) => x as Int32Array;
const f32v = (x: unknown) => x as Float32Array;

/** Input rows a masked TTFS kernel touches for one sample: those that spiked before the latest output
 *  with a non-zero delta (the cut of ttfs_update_f32, ttfs_grad_accum_f32, ttfs_sign_counts_i16). */
function rowsBeforeCut(tIn: Int32Array, tOut: Int32Array, delta: Float32Array, nOut: number): number {
  let cut = -1, rows = 0;
  for (let j = 0; j < nOut; j++) if (delta[j] !== 0 && tOut[j] > cut) cut = tOut[j];
  for (const t of tIn) if (t < cut) rows++;
  return rows;
}

interface Params {
  samples: number; trainSamples: number; slowSamples: number; timing: TimingOpts;
  /** passes over the registry cases; each case's rounds are merged over them (timeCases) */
  passes: number;
  streamSizes: number[]; peakIters: number;
}

/** Work done by one pass of a case (one call per sample, over the case's samples). */
interface Work {
  flops?: number;
  bytes?: number;
  /** which stream probe binds it: read only, in-place read + write, or read one array and write another */
  traffic?: 'read' | 'update' | 'copy';
  bits?: number;
  /** working set of the big operand (selects the bandwidth ceiling measured at that size) */
  wsBytes: number;
  /** useful synaptic operations (events x fan-out) where that is the natural unit */
  synOps?: number;
  /** lanes that each take two f32 divisions and a square root (Adam's divider work) */
  divLanes?: number;
  /** `bytes` are rows read at data-dependent offsets (an event's weight row): also held against the
   *  indexed-gather ceiling at the working set (probe_gather_rows), beside the streaming one */
  gather?: boolean;
}

interface KernelCase {
  kernel: KernelName; label: string; shape: string; calls: number; work: Work;
  fast: () => void; ref?: () => void; note?: string;
}

interface Ceilings {
  f32PeakGflops: number; popcountGbits: number;
  /** f32x4 lanes per second of (sqrt, div, div), G lanes/s */
  divsqrtGlanes: number;
  stream: { bytes: number; readGBs: number; updateGBs: number; copyGBs?: number }[];
  /** 64-byte rows at random offsets within the working set, summed (the best of the 4- and 8-chain probes) */
  gather?: { bytes: number; GBs: number; chains: 4 | 8 }[];
}

/** The probe behind one ceiling, runnable inside a kernel's timed rounds: one call does `units` of its work
 *  (flops, bits, divider lanes or bytes, as the ceiling counts them). */
interface Probe { units: number; run: () => void }
/** Which ceiling a fraction is of: the kernel's flops, popcount bits, divider lanes or bytes moved. */
type CeilingKind = 'flops' | 'bits' | 'div' | 'bytes' | 'gather';
/** The probes of the ceilings a case's work can be held against (bytes: the stream probe at the case's working
 *  set and traffic, the same row `bandwidthAt` reads). */
type ProbesFor = (w: Work) => Partial<Record<CeilingKind, Probe>>;

function bandwidthAt(c: Ceilings, bytes: number, traffic: 'read' | 'update' | 'copy'): { size: number; gbs: number } {
  const row = c.stream.find((s) => s.bytes >= bytes) ?? c.stream[c.stream.length - 1];
  const gbs = traffic === 'read' ? row.readGBs : traffic === 'update' ? row.updateGBs : row.copyGBs;
  if (gbs === undefined) throw new Error(`no ${traffic} bandwidth measured at ${sizeLabel(row.bytes)}`);
  return { size: row.bytes, gbs };
}

function gatherAt(c: Ceilings, bytes: number): { bytes: number; GBs: number; chains: 4 | 8 } | null {
  if (!c.gather?.length) return null;
  return c.gather.find((s) => s.bytes >= bytes) ?? c.gather[c.gather.length - 1];
}

const TRAFFIC_LABEL = { read: 'read', update: 'in-place update', copy: 'copy' } as const;

function sizeLabel(b: number): string {
  return b >= 2 ** 20 ? `${+(b / 2 ** 20).toFixed(1)} MiB` : `${+(b / 1024).toFixed(1)} KiB`;
}

// ---------------------------------------------------------------------------------------------
// ceilings

function measureCeilings(P: Params, ctx: BenchContext) {
  const memory = createSharedMemory();
  const inst = instantiateKernels(memory, 'fast');
  const arena = new Arena(memory, inst.heapBase);
  const e = inst.exports as unknown as {
    probe_f32_fma_peak(iters: number, m: number, c: number): number;
    probe_f32_divsqrt_peak(iters: number, d: number, e: number): number;
    probe_popcnt_peak(a: number, b: number, words: number, reps: number): bigint;
    probe_stream_read(p: number, bytes: number, reps: number): number;
    probe_stream_update(p: number, bytes: number, reps: number, c: number): void;
    probe_stream_copy(src: number, dst: number, bytes: number, reps: number): void;
    probe_gather_rows(table: number, idx: number, m: number, reps: number): number;
    probe_gather_rows4(table: number, idx: number, m: number, reps: number): number;
  };
  if (typeof e.probe_f32_fma_peak !== 'function') throw new Error('build/snnwasm.wasm lacks the probe kernels: run npm run build');
  let sink = 0;
  const peak = timeInterleaved({ fma: () => { sink += e.probe_f32_fma_peak(P.peakIters, 0.9999, 1e-4); } }, P.timing).fma;
  // a ceiling is the best this core did: the fastest round (other processes can only slow a round down)
  const f32PeakGflops = (96 * P.peakIters) / (peak.perCallMs.min * 1e6);
  ctx.log(`  f32x4 mul+add peak (12 chains): ${fmt(f32PeakGflops)} GFLOP/s`);
  // the divider: Adam's two divisions and square root per lane, 8 chains (the latency of one chain is
  // ~3x its throughput cost on x86, so 8 keep the unit busy); a tenth of the fma probe's iterations
  const divIters = Math.max(1, Math.round(P.peakIters / 10));
  const dsq = timeInterleaved({ div: () => { sink += e.probe_f32_divsqrt_peak(divIters, 1.5, 1.25); } }, P.timing).div;
  const divsqrtGlanes = (32 * divIters) / (dsq.perCallMs.min * 1e6);
  ctx.log(`  f32x4 sqrt + 2 div (8 chains): ${fmt(divsqrtGlanes)} G lanes/s`);

  const words = 512, reps = 1000;
  const a = arena.alloc('u64', words), b = arena.alloc('u64', words);
  const av = arena.view(a), bv = arena.view(b);
  for (let i = 0; i < words; i++) { av[i] = BigInt.asUintN(64, BigInt(i) * 0x9e3779b97f4a7c15n); bv[i] = BigInt.asUintN(64, BigInt(i + 7) * 0xc2b2ae3d27d4eb4fn); }
  const pop = timeInterleaved({ popc: () => { sink += Number(e.probe_popcnt_peak(a.offset, b.offset, words, reps) & 1n); } }, P.timing).popc;
  const popcountGbits = (words * reps * 64) / (pop.perCallMs.min * 1e6);
  ctx.log(`  i64.popcnt(a ^ b) in L1: ${fmt(popcountGbits)} Gbit/s`);

  const maxBytes = Math.max(...P.streamSizes);
  const buf = arena.alloc('u8', maxBytes), dst = arena.alloc('u8', maxBytes);
  new Uint32Array(memory.buffer, buf.offset, maxBytes / 4).fill(0x3f800000); // touch every page (1.0f)
  new Uint32Array(memory.buffer, dst.offset, maxBytes / 4).fill(0); // (the copy's destination: its pages too)
  const stream: Ceilings['stream'] = [];
  const streamDetail: Record<string, unknown>[] = [];
  for (const size of P.streamSizes) {
    const r = Math.max(1, Math.round((32 * 2 ** 20) / size));
    const t = timeInterleaved({
      read: () => { sink += e.probe_stream_read(buf.offset, size, r); },
      update: () => { e.probe_stream_update(buf.offset, size, r, 1e-7); },
      // the working set of a copy is both arrays: `size` bytes in all, half read, half written
      copy: () => { e.probe_stream_copy(buf.offset, dst.offset, size / 2, r); },
    }, P.timing);
    const readGBs = (size * r) / (t.read.perCallMs.min * 1e6);
    const updateGBs = (2 * size * r) / (t.update.perCallMs.min * 1e6);
    const copyGBs = (size * r) / (t.copy.perCallMs.min * 1e6);
    stream.push({ bytes: size, readGBs: sig(readGBs), updateGBs: sig(updateGBs), copyGBs: sig(copyGBs) });
    streamDetail.push({ bytes: size, repsPerCall: r, readMsPerCall: t.read.perCallMs, updateMsPerCall: t.update.perCallMs, copyMsPerCall: t.copy.perCallMs });
    ctx.log(`  stream ${sizeLabel(size)}: read ${fmt(readGBs)} GB/s, in-place update (read+write) ${fmt(updateGBs)} GB/s, copy (read+write) ${fmt(copyGBs)} GB/s`);
  }
  // indexed row gathers: GATHER_M offsets of 64-byte rows drawn at random (a fixed LCG) within each working set
  const GATHER_M = 2048, gatherReps = 40;
  const gatherIdx = new Map<number, number>();
  const gather: NonNullable<Ceilings['gather']> = [];
  let gst = 987654321;
  for (const size of P.streamSizes) {
    const idx = arena.alloc('i32', GATHER_M), iv = arena.view(idx), rows = size / 64;
    for (let i = 0; i < GATHER_M; i++) { gst = (Math.imul(gst, 1103515245) + 12345) >>> 0; iv[i] = (gst % rows) * 64; }
    gatherIdx.set(size, idx.offset);
    const t = timeInterleaved({
      c8: () => { sink += e.probe_gather_rows(buf.offset, idx.offset, GATHER_M, gatherReps); },
      c4: () => { sink += e.probe_gather_rows4(buf.offset, idx.offset, GATHER_M, gatherReps); },
    }, P.timing);
    const gbs = (x: Timed) => (GATHER_M * 64 * gatherReps) / (x.perCallMs.min * 1e6);
    const chains: 4 | 8 = gbs(t.c8) >= gbs(t.c4) ? 8 : 4;
    gather.push({ bytes: size, GBs: sig(Math.max(gbs(t.c8), gbs(t.c4))), chains });
    streamDetail.push({ gatherBytes: size, gatherRows: GATHER_M, gatherReps, c8MsPerCall: t.c8.perCallMs, c4MsPerCall: t.c4.perCallMs });
    ctx.log(`  gather of 64-byte rows within ${sizeLabel(size)}: ${fmt(gbs(t.c4))} GB/s with 4 chains, ${fmt(gbs(t.c8))} with 8`);
  }
  const c: Ceilings = { f32PeakGflops: sig(f32PeakGflops), popcountGbits: sig(popcountGbits), divsqrtGlanes: sig(divsqrtGlanes), stream, gather };
  // the same probe calls, for timing in a kernel's own rounds (timeCases): the paired fraction
  const probesFor: ProbesFor = (w) => {
    const out: Partial<Record<CeilingKind, Probe>> = {};
    if (w.flops !== undefined) out.flops = { units: 96 * P.peakIters, run: () => { sink += e.probe_f32_fma_peak(P.peakIters, 0.9999, 1e-4); } };
    if (w.bits !== undefined) out.bits = { units: words * reps * 64, run: () => { sink += Number(e.probe_popcnt_peak(a.offset, b.offset, words, reps) & 1n); } };
    if (w.divLanes !== undefined) out.div = { units: 32 * divIters, run: () => { sink += e.probe_f32_divsqrt_peak(divIters, 1.5, 1.25); } };
    if (w.bytes !== undefined && w.traffic) {
      const size = bandwidthAt(c, w.wsBytes, w.traffic).size;
      const r = Math.max(1, Math.round((32 * 2 ** 20) / size));
      out.bytes = w.traffic === 'read' ? { units: size * r, run: () => { sink += e.probe_stream_read(buf.offset, size, r); } }
        : w.traffic === 'update' ? { units: 2 * size * r, run: () => { e.probe_stream_update(buf.offset, size, r, 1e-7); } }
        : { units: size * r, run: () => { e.probe_stream_copy(buf.offset, dst.offset, size / 2, r); } };
    }
    const g = w.gather && w.bytes !== undefined ? gatherAt(c, w.wsBytes) : null;
    if (g) {
      const off = gatherIdx.get(g.bytes)!, run = g.chains === 8 ? e.probe_gather_rows : e.probe_gather_rows4;
      out.gather = { units: GATHER_M * 64 * gatherReps, run: () => { sink += run(buf.offset, off, GATHER_M, gatherReps); } };
    }
    return out;
  };
  return { ceilings: c, probesFor, detail: { basis: 'best round (ceilings); kernels below use median rounds',
    f32PeakGflopsMedianRound: sig((96 * P.peakIters) / (peak.perCallMs.median * 1e6)), popcountGbitsMedianRound: sig((words * reps * 64) / (pop.perCallMs.median * 1e6)), peakMsPerCall: peak.perCallMs, peakIters: P.peakIters, divsqrtMsPerCall: dsq.perCallMs, divsqrtIters: divIters, popcMsPerCall: pop.perCallMs, popcWords: words, popcReps: reps, stream: streamDetail, sink: sink ? 1 : 0 } };
}

// ---------------------------------------------------------------------------------------------
// helpers over captured forward passes

/** Events a time-to-first-spike forward kernel actually processes before its early exit. */
function processed(tIn: Int32Array, order: Int32Array, nEv: number, tOut: Int32Array, nOut: number, tmax: number, recording: boolean): { events: number; times: number } {
  let fired = 0, last = -1;
  for (let j = 0; j < nOut; j++) if (tOut[j] < tmax) { fired++; last = Math.max(last, tOut[j] - 1); }
  const limit = !recording && fired === nOut ? last : Infinity;
  let events = 0, times = 0, prev = -1;
  for (let p = 0; p < nEv; p++) {
    const t = tIn[order[p]];
    if (t > limit) break;
    events++;
    if (t !== prev) { times++; prev = t; }
  }
  return { events, times };
}

function loop(n: number, f: (i: number) => void): () => void {
  return () => { for (let i = 0; i < n; i++) f(i); };
}

// ---------------------------------------------------------------------------------------------
// Proxy learning: one conv layer of fmnist-small (32 -> 32 channels, 3x3, pad 1, 28x28) forward and
// backward through im2col + GEMM, the IF time step over its output, and the spike-driven conv at a
// 10% input spike rate (about what the trained network's hidden layers show, bench/results/proxy-snn.json)

function convCases(P: Params): KernelCase[] {
  const memory = createSharedMemory();
  const { kernels: k, heapBase } = instantiateKernels(memory, 'fast');
  const kr = instantiateKernels(memory, 'ref').kernels;
  const a = new Arena(memory, heapBase);
  const C = 32, H = 28, Wd = 28, Kk = 3, HW = H * Wd, K = C * Kk * Kk;
  const x = a.alloc('f32', C * HW), col = a.alloc('f32', K * HW), w = a.alloc('f32', C * K), wt = a.alloc('f32', K * C);
  const y = a.alloc('f32', C * HW), dy = a.alloc('f32', C * HW), gw = a.alloc('f32', C * K), dx = a.alloc('f32', C * HW);
  const v = a.alloc('f32', C * HW), spk = a.alloc('f32', C * HW), cnt = a.alloc('f32', C * HW);
  const list = a.alloc('i32', convGatherListLength(C, H, Wd, Kk)), pixCnt = a.alloc('i32', HW);
  // deterministic pseudo-random contents (a fixed LCG: benchmark inputs, not training)
  let st = 12345;
  const rnd = () => { st = (Math.imul(st, 1103515245) + 12345) >>> 0; return st / 4294967296; };
  const xv = a.view(x), wv = a.view(w), dyv = a.view(dy);
  for (let i = 0; i < xv.length; i++) xv[i] = rnd() < 0.1 ? 1 : 0;
  for (let i = 0; i < wv.length; i++) wv[i] = (rnd() - 0.5) / 8;
  for (let i = 0; i < dyv.length; i++) dyv[i] = rnd() - 0.5;
  k.f32_transpose(w.offset, C, K, wt.offset);
  const active = xv.reduce((s2, q) => s2 + q, 0);
  const S = Math.max(4, P.samples >> 2);
  const cases: KernelCase[] = [];
  const shape = `${C}→${C}, 3×3, ${H}×${Wd}`;
  const flops = 2 * C * K * HW;
  // im2col is a copy of every column element that lies inside the image (the rest are zeros, only written), so its
  // bytes are counted as the copy probe counts its own (and f32_relu's): each element read once and written once.
  // (Before 2026-12-06 the image was counted as read once, 1 + 1/9 bytes per column byte instead of 2 - 0.05: its
  // "100%" was then a kernel that writes its columns faster than the probe can copy them, and read 42% where the
  // kernel ran at about three quarters of the probe's copy rate; docs/kernel-changes.md.)
  const inside = (n: number) => { let v = 0; for (let t = 0; t < Kk; t++) v += Math.min(n, n + 1 - t) - Math.max(0, 1 - t); return v; };
  const im2colReads = C * inside(H) * inside(Wd); // taps inside the 28 x 28 image, pad 1: (27 + 28 + 27)^2 per channel
  cases.push({ kernel: 'f32_im2col', label: 'conv input to columns', shape, calls: S, fast: loop(S, () => k.f32_im2col(x.offset, C, H, Wd, Kk, 1, 1, col.offset)),
    work: { bytes: S * (K * HW + im2colReads) * 4, traffic: 'copy', wsBytes: (C + K) * HW * 4 },
    note: 'bytes = each column element written, and read from the image where its tap lies inside (as the copy probe counts a copy)' });
  // the stored forms, as src/nn/conv.ts calls them: no zeroing pass, C never read
  const fwd = (kk: KernelSet) => loop(S, () => kk.f32_gemm_nn_set(y.offset, HW, C, HW, w.offset, K, col.offset, HW, K));
  cases.push({ kernel: 'f32_gemm_nn_set', label: 'conv forward, y = W col', shape, calls: S, fast: fwd(k), ref: fwd(kr),
    work: { flops: S * flops, wsBytes: K * HW * 4 } });
  const gwc = (kk: KernelSet) => loop(S, () => kk.f32_gemm_nt_acc(gw.offset, K, C, K, dy.offset, HW, col.offset, HW, HW));
  cases.push({ kernel: 'f32_gemm_nt_acc', label: 'conv weight gradient, gW += dy col^T', shape, calls: S, fast: gwc(k), ref: gwc(kr),
    work: { flops: S * flops, wsBytes: K * HW * 4 } });
  const dcol = (kk: KernelSet) => loop(S, () => kk.f32_gemm_tn_set(col.offset, HW, K, HW, w.offset, K, dy.offset, HW, C));
  cases.push({ kernel: 'f32_gemm_tn_set', label: 'conv input gradient, dcol = W^T dy', shape, calls: S, fast: dcol(k), ref: dcol(kr),
    work: { flops: S * flops, wsBytes: K * HW * 4 } });
  const c2i = (kk: KernelSet) => loop(S, () => kk.f32_col2im(col.offset, C, H, Wd, Kk, 1, 1, dx.offset));
  cases.push({ kernel: 'f32_col2im', label: 'conv columns back to the input gradient', shape, calls: S, fast: c2i(k), ref: c2i(kr),
    work: { bytes: S * (K * HW + C * HW) * 4, traffic: 'read', wsBytes: K * HW * 4 } });
  const ifs = (kk: KernelSet) => loop(S, () => kk.if_step(v.offset, y.offset, spk.offset, cnt.offset, C * HW, 2));
  cases.push({ kernel: 'if_step', label: 'IF time step over the conv output', shape: `${C}×${HW} neurons`, calls: S, fast: ifs(k), ref: ifs(kr),
    work: { bytes: S * C * HW * 24, traffic: 'update', wsBytes: C * HW * 16 } });
  const gat = (kk: KernelSet) => loop(S, () => kk.if_conv_gather(x.offset, C, H, Wd, Kk, 1, 1, wt.offset, C, y.offset, list.offset, pixCnt.offset));
  cases.push({ kernel: 'if_conv_gather', label: 'spike-driven conv (adds active inputs\' weight rows)', shape: `${shape}, ${fmt((100 * active) / (C * HW))}% inputs spiking`,
    calls: S, fast: gat(k), ref: gat(kr),
    work: { flops: S * active * Kk * Kk * C, bytes: S * active * Kk * Kk * C * 4, traffic: 'read', gather: true, wsBytes: K * C * 4, synOps: S * active * Kk * Kk * C },
    note: 'flops = one add per active input per tap per output channel (the dense GEMM does 2 per input); bytes = the weight rows read (one load per add)' });
  // the SNN's 2x2 OR pooling of a spike map (every time step; no winners recorded), into dx's first quarter
  const mp = (kk: KernelSet) => loop(S, () => kk.f32_maxpool2(x.offset, C, H, Wd, dx.offset, 0));
  cases.push({ kernel: 'f32_maxpool2', label: 'SNN 2×2 pooling of a spike map', shape: `${C}×${H}×${Wd}, ${fmt((100 * active) / (C * HW))}% spiking`, calls: S, fast: mp(k), ref: mp(kr),
    work: { bytes: S * C * HW * 5, traffic: 'read', wsBytes: C * HW * 4 } });
  const rl = (kk: KernelSet) => loop(S, () => kk.f32_relu(dy.offset, dx.offset, C * HW));
  cases.push({ kernel: 'f32_relu', label: 'ReLU over the conv output', shape: `${C * HW}`, calls: S, fast: rl(k), ref: rl(kr),
    work: { bytes: S * C * HW * 8, traffic: 'copy', wsBytes: C * HW * 8 } });
  // batch-norm statistics over the conv output (one sample here; training calls it per chunk of samples), f64 per
  // channel, each channel one chain of adds in a fixed order: bytes = what the two passes (or the dy and x) read
  const bnMean = a.alloc('f64', C), bnM2 = a.alloc('f64', C);
  const bst = (kk: KernelSet) => loop(S, () => kk.f32_plane_stats(dy.offset, 1, C, HW, bnMean.offset, bnM2.offset));
  cases.push({ kernel: 'f32_plane_stats', label: 'batch-norm statistics of the conv output (mean, then squared deviations)', shape: `${C}×${HW}`, calls: S, fast: bst(k), ref: bst(kr),
    work: { bytes: S * C * HW * 8, traffic: 'read', wsBytes: C * HW * 4 } });
  const bsu = (kk: KernelSet) => loop(S, () => kk.f32_plane_sums(dy.offset, y.offset, 1, C, HW, bnMean.offset, bnM2.offset));
  cases.push({ kernel: 'f32_plane_sums', label: 'batch-norm backward sums (dy, dy x)', shape: `${C}×${HW}`, calls: S, fast: bsu(k), ref: bsu(kr),
    work: { bytes: S * C * HW * 8, traffic: 'read', wsBytes: C * HW * 8 } });
  // fmnist-small's first fully connected layer (3136 -> 256) over the trainer's chunk of 16 samples: the ANN's weight
  // gradient gW[256][3136] += dY^T X (f32_gemm_tn_any, the samples summed in order) and the SNN's spike-driven fc at
  // a 30% input rate (docs/proxy.md: the trained network's pooled maps), per sample below the input-major threshold
  const Bf = 16, nI = 3136, nO = 256;
  const fx = a.alloc('f32', Bf * nI), fdy = a.alloc('f32', Bf * nO), fgw = a.alloc('f32', nO * nI), fwt = a.alloc('f32', nI * nO);
  const fsp = a.alloc('f32', Bf * nI), fy = a.alloc('f32', Bf * nO), flist = a.alloc('i32', nI);
  { const v = a.view(fx), d = a.view(fdy), w = a.view(fwt), sp = a.view(fsp);
    for (let i = 0; i < v.length; i++) v[i] = rnd() - 0.5;
    for (let i = 0; i < d.length; i++) d[i] = rnd() - 0.5;
    for (let i = 0; i < w.length; i++) w[i] = (rnd() - 0.5) / 8;
    for (let i = 0; i < sp.length; i++) sp[i] = rnd() < 0.3 ? 1 : 0; }
  const fcShape = `${nI}→${nO}, chunk ${Bf}`;
  const fgw1 = (kk: KernelSet) => loop(S, () => kk.f32_gemm_tn_any(fgw.offset, nI, nO, nI, fdy.offset, nO, fx.offset, nI, Bf));
  cases.push({ kernel: 'f32_gemm_tn_any', label: 'fc weight gradient, gW += dY^T X', shape: fcShape, calls: S, fast: fgw1(k), ref: fgw1(kr),
    work: { flops: S * 2 * Bf * nI * nO, wsBytes: nI * nO * 4 } });
  const activeFc = a.view(fsp).reduce((s2, q) => s2 + q, 0);
  const fga = (kk: KernelSet) => loop(S, () => kk.if_fc_gather(fsp.offset, Bf, nI, fwt.offset, nO, fy.offset, flist.offset));
  cases.push({ kernel: 'if_fc_gather', label: 'spike-driven fc (adds active inputs\' weight rows)', shape: `${fcShape}, ${fmt((100 * activeFc) / (Bf * nI))}% inputs spiking`,
    calls: S, fast: fga(k), ref: fga(kr),
    work: { flops: S * activeFc * nO, bytes: S * activeFc * nO * 4, traffic: 'read', gather: true, wsBytes: nI * nO * 4, synOps: S * activeFc * nO },
    note: 'flops = one add per active input per output (the dense GEMM does 2 per input); bytes = the weight rows read (one load per add)' });
  // the same layer's weights W[256][3136] transposed to the gather's wt[3136][256] after each update (refreshTransposed)
  const ftd = a.alloc('f32', nI * nO);
  const ftr = (kk: KernelSet) => loop(S, () => kk.f32_transpose(fgw.offset, nO, nI, ftd.offset));
  cases.push({ kernel: 'f32_transpose', label: 'fc weights transposed for the spike-driven fc after an update', shape: `${nO}×${nI}`, calls: S, fast: ftr(k), ref: ftr(kr),
    work: { bytes: S * nO * nI * 8, traffic: 'copy', wsBytes: nO * nI * 8 }, note: 'bytes = each weight read and written once (as the copy probe counts a copy)' });
  return cases;
}

// ---------------------------------------------------------------------------------------------
// STiDi-BP: the event-driven conv and FC forward, the layer-local gradient and the displacement, on
// a trained stidi-mnist network with 32 maps (the README's MNIST runs: conv 5x5, pool 2, FC 10)

/** Output positions a (y, x) input of a valid k x k convolution reaches. */
function reached(y: number, x: number, k: number, hout: number, wout: number): number {
  return (Math.min(k - 1, y) - Math.max(0, y - hout + 1) + 1) * (Math.min(k - 1, x) - Math.max(0, x - wout + 1) + 1);
}

function stidiCases(P: Params, train: Dataset, test: Dataset, ctx: BenchContext): KernelCase[] {
  const s = createSession(ALGORITHMS.stidi, 'mnist', { maps: [32] }, { shards: 1 });
  const model = s.model as StidiModel, net = model.net, cfg = model.cfg, a = s.arena;
  const k: KernelSet = s.kernels, kr = instantiateKernels(s.memory, 'ref').kernels;
  model.initialise(1);
  const nTrain = Math.min(P.trainSamples, 1000);
  for (let i = 0; i < nTrain; i++) model.trainSample(train.images, i * 784, train.labels[i]);
  ctx.log(`  stidi-mnist, 32 maps, trained on ${nTrain} samples; capturing ${P.samples} test images`);
  const [L0, L1] = net.layers, ws = net.main, S = P.samples, tmax = cfg.tmax;
  const tau0 = layerTau(cfg, 0), tau1 = layerTau(cfg, 1);
  const n0 = L0.hout * L0.wout * L0.cs;
  const tIn0 = new Slab(a, 'i32', S, L0.nIn), ord0 = new Slab(a, 'i32', S, L0.nIn), tC = new Slab(a, 'i32', S, n0), dC = new Slab(a, 'f32', S, n0);
  const tP = new Slab(a, 'i32', S, L1.nIn), ord1 = new Slab(a, 'i32', S, L1.nIn), tO = new Slab(a, 'i32', S, L1.cs), dO = new Slab(a, 'f32', S, L1.cs);
  const counts = a.alloc('i32', tmax + 2);
  const nEv0: number[] = [], nEv1: number[] = [];
  for (let i = 0; i < S; i++) {
    net.forward(ws, test.images, i * 784);
    net.accumulateGradient(ws, test.labels[i]);
    tIn0.view(i).set(a.view(ws.tIn)); tC.view(i).set(a.view(ws.layers[0].tOut)); dC.view(i).set(a.view(ws.layers[0].delta));
    tP.view(i).set(a.view(ws.layers[0].tPool)); tO.view(i).set(a.view(ws.layers[1].tOut)); dO.view(i).set(a.view(ws.layers[1].delta));
    nEv0.push(k.ttfs_sort_events(tIn0.off(i), L0.nIn, tmax - 2, counts.offset, ord0.off(i)));
    nEv1.push(k.ttfs_sort_events(tP.off(i), L1.nIn, tmax - 2, counts.offset, ord1.off(i)));
    net.clearGradient(ws);
  }
  // forward work: every processed event (an arrival, and its ramp's end if that is before tmax - 1) adds a weight
  // row of cs lanes to the slopes of each position it reaches: 12 bytes per lane (row, slope read, slope written),
  // plus the final advance of every position (u and slope read, u written); the potential advances that events
  // trigger on the way (u, slope and spike time read, u written) are not counted, so the fraction understates the
  // kernel's actual memory traffic
  const fwdWork = (L: typeof L0, tIn: Slab<'i32'>, tau: number) => {
    let lanes = 0, syn = 0;
    for (let i = 0; i < S; i++) {
      const t = i32v(tIn.view(i));
      for (let q = 0; q < L.nIn; q++) {
        if (t[q] > tmax - 2) continue;
        const c = q % L.cin, yx = (q - c) / L.cin, x = yx % L.win, y = (yx - x) / L.win;
        const r = reached(y, x, L.k, L.hout, L.wout);
        syn += r * L.cout;
        lanes += r * L.cs * (t[q] + tau <= tmax - 1 ? 2 : 1);
      }
    }
    const final = S * L.hout * L.wout * L.cs;
    return { bytes: lanes * 12 + final * 12, syn, lanes };
  };
  const u = a.alloc('f32', n0), sl = a.alloc('f32', n0), to = a.alloc('i32', n0), lt = a.alloc('i32', L0.hout * L0.wout);
  const thr0 = net.kernelThreshold(0), thr1 = net.kernelThreshold(1);
  const cases: KernelCase[] = [];
  const f0 = fwdWork(L0, tIn0, tau0), f1 = fwdWork(L1, tP, tau1);
  const fw0 = (kk: KernelSet) => loop(S, (i) => kk.stidi_forward_f32(L0.w.offset, L0.cin, L0.hin, L0.win, L0.k, L0.hout, L0.wout, L0.cs,
    tIn0.off(i), ord0.off(i), nEv0[i], thr0, tau0, tmax, u.offset, sl.offset, to.offset, lt.offset));
  cases.push({ kernel: 'stidi_forward_f32', label: 'STiDi-BP conv layer, event-driven', shape: `1→${L0.cout}, 5×5, 28×28`, calls: S, fast: fw0(k), ref: fw0(kr),
    work: { bytes: f0.bytes, traffic: 'update', wsBytes: n0 * 12 + L0.nW * 4, synOps: f0.syn },
    note: `${fmt(median(nEv0))} input events per image (median); bytes = 12 per slope lane an event touches (${fmt(f0.lanes / S)} per image) and 12 per lane of the final advance` });
  const fw1 = (kk: KernelSet) => loop(S, (i) => kk.stidi_forward_f32(L1.w.offset, L1.cin, L1.hin, L1.win, L1.k, L1.hout, L1.wout, L1.cs,
    tP.off(i), ord1.off(i), nEv1[i], thr1, tau1, tmax, u.offset, sl.offset, to.offset, lt.offset));
  cases.push({ kernel: 'stidi_forward_f32', label: 'STiDi-BP output layer, event-driven', shape: `${L1.nIn}→10`, calls: S, fast: fw1(k), ref: fw1(kr),
    work: { bytes: f1.bytes, traffic: 'update', wsBytes: L1.nW * 4, synOps: f1.syn },
    note: `${fmt(median(nEv1))} pooled events per image (median); bytes as for the conv layer` });
  // earliest-spike pooling of the conv layer's spike times (every forward pass): each input time read once, each
  // pooled time and winner index written once
  const pt = a.alloc('i32', L1.nIn), pa = a.alloc('i32', L1.nIn);
  const pm = (kk: KernelSet) => loop(S, (i) => kk.stidi_pool_min(tC.off(i), L0.hout, L0.wout, L0.cout, L0.cs, L0.pool, pt.offset, pa.offset));
  cases.push({ kernel: 'stidi_pool_min', label: 'STiDi-BP earliest-spike pooling of the conv layer\'s spike times', shape: `${L0.cout}×${L0.hout}×${L0.wout}, 2×2`, calls: S, fast: pm(k), ref: pm(kr),
    work: { bytes: S * (n0 + 2 * L1.nIn) * 4, traffic: 'copy', wsBytes: (n0 + 2 * L1.nIn) * 4 } });
  // gradient: per position with a non-zero delta row, per spiking input in its window, cs lanes of
  // g += delta * clamp(t_j - t_i, 0, tau): 2 flops and a read-modify-write of g per lane
  const gradLanes = (L: typeof L0, tIn: Slab<'i32'>, d: Slab<'f32'>): number => {
    let lanes = 0;
    for (let i = 0; i < S; i++) {
      const t = i32v(tIn.view(i)), dv = f32v(d.view(i));
      for (let oy = 0; oy < L.hout; oy++) for (let ox = 0; ox < L.wout; ox++) {
        const pos = (oy * L.wout + ox) * L.cs;
        let any = false;
        for (let j = 0; j < L.cs && !any; j++) any = dv[pos + j] !== 0;
        if (!any) continue;
        for (let ky = 0; ky < L.k; ky++) for (let kx = 0; kx < L.k; kx++) for (let c = 0; c < L.cin; c++) {
          if (t[((oy + ky) * L.win + ox + kx) * L.cin + c] < tmax) lanes += L.cs;
        }
      }
    }
    return lanes;
  };
  const g0 = a.alloc('f32', L0.nW), g1 = a.alloc('f32', L1.nW), e1 = a.alloc('f32', L1.nIn);
  const gl0 = gradLanes(L0, tIn0, dC), gl1 = gradLanes(L1, tP, dO);
  const gr0 = (kk: KernelSet) => loop(S, (i) => kk.stidi_grad_f32(g0.offset, tIn0.off(i), L0.cin, L0.hin, L0.win, L0.k, L0.hout, L0.wout, L0.cs, tC.off(i), dC.off(i), tau0, tmax));
  cases.push({ kernel: 'stidi_grad_f32', label: 'STiDi-BP conv layer gradient (summed over positions)', shape: `1→${L0.cout}, 5×5, 28×28`, calls: S, fast: gr0(k), ref: gr0(kr),
    work: { flops: gl0 * 2, bytes: gl0 * 8, traffic: 'update', wsBytes: L0.nW * 4 },
    note: `${fmt(gl0 / S / L0.cs)} (position, spiking input) pairs per image, cs = ${L0.cs} lanes each` });
  const gr1 = (kk: KernelSet) => loop(S, (i) => kk.stidi_grad_f32(g1.offset, tP.off(i), L1.cin, L1.hin, L1.win, L1.k, L1.hout, L1.wout, L1.cs, tO.off(i), dO.off(i), tau1, tmax));
  cases.push({ kernel: 'stidi_grad_f32', label: 'STiDi-BP output layer gradient', shape: `${L1.nIn}×10`, calls: S, fast: gr1(k), ref: gr1(kr),
    work: { flops: gl1 * 2, bytes: gl1 * 8, traffic: 'update', wsBytes: L1.nW * 4 },
    note: `${fmt(gl1 / S / L1.cs)} spiking inputs per image` });
  // the displacement at the pooled map: per spiking input, a masked dot product of its weight row with delta
  const bp = (kk: KernelSet) => loop(S, (i) => kk.stidi_backprop_f32(L1.w.offset, tP.off(i), L1.cin, L1.hin, L1.win, L1.k, L1.hout, L1.wout, L1.cs, tO.off(i), dO.off(i), tau1, tmax, e1.offset, 0));
  cases.push({ kernel: 'stidi_backprop_f32', label: 'STiDi-BP output → pooled map displacement', shape: `${L1.nIn}×10`, calls: S, fast: bp(k), ref: bp(kr),
    work: { flops: gl1 * 2, bytes: gl1 * 4, traffic: 'read', wsBytes: L1.nW * 4 } });
  return cases;
}

// ---------------------------------------------------------------------------------------------
// S4NN (real weights): forward, update, backprop, minibatch gradient

function s4nnCases(P: Params, train: Dataset, test: Dataset, ctx: BenchContext): KernelCase[] {
  const s = createSession(ALGORITHMS.s4nn, 'mnist', { hidden: [400] }, { shards: 1 });
  const model = s.model as TtfsModel, net = model.net, cfg = s.config as TtfsConfig, a = s.arena;
  const k: KernelSet = s.kernels, kr = instantiateKernels(s.memory, 'ref').kernels;
  model.initialise(1);
  for (let i = 0; i < P.trainSamples; i++) model.trainSample(train.images, i * 784, train.labels[i]);
  ctx.log(`  s4nn 784-400-10 trained on ${P.trainSamples} samples; capturing ${P.samples} test images`);
  const [L0, L1] = net.layers, ws = net.main, S = P.samples, tmax = cfg.tmax;
  const tIn0 = new Slab(a, 'i32', S, 784), ord0 = new Slab(a, 'i32', S, 784), tH = new Slab(a, 'i32', S, L0.stride), ord1 = new Slab(a, 'i32', S, L0.nOut);
  const tO = new Slab(a, 'i32', S, L1.stride), dO = new Slab(a, 'f32', S, L1.stride), dH = new Slab(a, 'f32', S, L0.stride);
  const counts = a.alloc('i32', tmax + 2), ordScratch = a.alloc('i32', 784);
  const nEv0: number[] = [], nEv1: number[] = [];
  for (let i = 0; i < S; i++) {
    net.forward(ws, test.images, i * 784);
    tIn0.view(i).set(a.view(ws.tIn).subarray(0, 784));
    tH.view(i).set(a.view(ws.layers[0].tOut));
    tO.view(i).set(a.view(ws.layers[1].tOut));
    nEv0.push(k.ttfs_sort_events(tIn0.off(i), 784, tmax - 2, counts.offset, ord0.off(i)));
    nEv1.push(k.ttfs_sort_events(tH.off(i), L0.nOut, tmax - 2, counts.offset, ord1.off(i)));
    net.trainStep(ws, test.labels[i]);
    dO.view(i).set(a.view(ws.layers[1].delta));
    dH.view(i).set(a.view(ws.layers[0].delta));
  }
  const v = a.alloc('f32', 512), tOut = a.alloc('i32', 512), vRec = a.alloc('f32', 512), dIn = a.alloc('f32', 512);
  const theta0 = net.theta(0), theta1 = net.theta(1);
  // work of the forward kernels: events processed before the early exit, times fan-out
  let ev0 = 0, ev1 = 0;
  for (let i = 0; i < S; i++) {
    k.ttfs_forward_f32(L0.w.offset, L0.nOut, L0.stride, tIn0.off(i), ord0.off(i), nEv0[i], theta0, tmax, tmax - 3, v.offset, tOut.offset, 0);
    ev0 += processed(i32v(tIn0.view(i)), i32v(ord0.view(i)), nEv0[i], a.view(tOut), L0.nOut, tmax, false).events;
    ev1 += nEv1[i]; // the output layer records V[tmax-3], so it always runs to the end
  }
  // update/backprop/grad work on copies, so the forward cases above keep their weights
  const w0 = a.alloc('f32', L0.w.length), w1 = a.alloc('f32', L1.w.length), g0 = a.alloc('f32', L0.w.length);
  a.view(w0).set(a.view(L0.w)); a.view(w1).set(a.view(L1.w));
  let active0 = 0;
  for (let i = 0; i < S; i++) {
    active0 += rowsBeforeCut(i32v(tIn0.view(i)), i32v(tH.view(i)), f32v(dH.view(i)), L0.nOut);
  }
  const W0 = L0.nIn * L0.stride, W1 = L1.nIn * L1.stride;
  const cases: KernelCase[] = [];
  const fwd0 = (kk: KernelSet) => loop(S, (i) => kk.ttfs_forward_f32(L0.w.offset, L0.nOut, L0.stride, tIn0.off(i), ord0.off(i), nEv0[i], theta0, tmax, tmax - 3, v.offset, tOut.offset, 0));
  cases.push({ kernel: 'ttfs_forward_f32', label: 'S4NN hidden layer', shape: '784→400', calls: S, fast: fwd0(k), ref: fwd0(kr),
    work: { flops: ev0 * L0.nOut, synOps: ev0 * L0.nOut, bytes: ev0 * L0.stride * 4, traffic: 'read', gather: true, wsBytes: W0 * 4 },
    note: `useful adds = processed input events x 400 (mean ${fmt(ev0 / S)} events/image processed of ${fmt(median(nEv0))} median)` });
  const fwd1 = (kk: KernelSet) => loop(S, (i) => kk.ttfs_forward_f32(L1.w.offset, L1.nOut, L1.stride, tH.off(i), ord1.off(i), nEv1[i], theta1, tmax, tmax - 3, v.offset, tOut.offset, vRec.offset));
  cases.push({ kernel: 'ttfs_forward_f32', label: 'S4NN output layer', shape: '400→10', calls: S, fast: fwd1(k), ref: fwd1(kr),
    work: { flops: ev1 * L1.nOut, synOps: ev1 * L1.nOut, bytes: ev1 * L1.stride * 4, traffic: 'read', gather: true, wsBytes: W1 * 4 } });
  // the input layer: pixels to times and events in one kernel (what TtfsNetwork.forward calls for layer 0)
  const px = new Slab(a, 'u8', S, 784), table = a.alloc('i32', 256), tScratch = a.alloc('i32', 784), encCounts = a.alloc('i32', encodeCountsLength(tmax - 2));
  a.view(table).set(net.latencies);
  for (let i = 0; i < S; i++) px.view(i).set(test.images.subarray(i * 784, (i + 1) * 784));
  const enc0 = (kk: KernelSet) => loop(S, (i) => kk.ttfs_encode_events(px.off(i), 784, table.offset, tmax - 2, tScratch.offset, encCounts.offset, ordScratch.offset));
  cases.push({ kernel: 'ttfs_encode_events', label: 'S4NN input layer: pixels to times and events', shape: '784 pixels', calls: S, fast: enc0(k), ref: enc0(kr),
    work: { bytes: S * (784 + 2 * 784 * 4), traffic: 'read', wsBytes: 784 * 5 },
    note: `bytes = the pixels, the times written and read once (the events written, the table and the 256 counters not counted); ${fmt(median(nEv0))} events per image (median)` });
  const sort1 = (kk: KernelSet) => loop(S, (i) => kk.ttfs_sort_events(tH.off(i), L0.nOut, tmax - 2, counts.offset, ordScratch.offset));
  cases.push({ kernel: 'ttfs_sort_events', label: 'S4NN hidden layer\'s spike times to events', shape: '400 times', calls: S, fast: sort1(k), ref: sort1(kr),
    work: { bytes: S * 2 * 400 * 4, traffic: 'read', wsBytes: 400 * 4 }, note: `bytes = the two passes over the 400 times (the events written and the 256 counters not counted); ${fmt(median(nEv1))} events per image (median)` });
  // the network calls the kernel with lambda = 0: S4NN's L2 decay is a lazy per-layer scale (TtfsNetwork.scale);
  // and without the scale sum S (wantSum 0: S4NN has no scale), so the work is a masked multiply-subtract per weight
  const upd0 = (kk: KernelSet) => loop(S, (i) => kk.ttfs_update_f32(w0.offset, L0.nIn, L0.nOut, L0.stride, tIn0.off(i), tH.off(i), dH.off(i), cfg.eta[0], 0, 0, 0));
  cases.push({ kernel: 'ttfs_update_f32', label: 'S4NN hidden layer (decay as a lazy scale: only masked rows touched)', shape: '784×400', calls: S, fast: upd0(k), ref: upd0(kr),
    work: { flops: active0 * L0.stride * 2, bytes: active0 * L0.stride * 8, traffic: 'update', wsBytes: W0 * 4 },
    note: `${fmt((100 * active0) / (S * 784))}% of rows take the masked update` });
  const upd1 = (kk: KernelSet) => loop(S, (i) => kk.ttfs_update_f32(w1.offset, L1.nIn, L1.nOut, L1.stride, tH.off(i), tO.off(i), dO.off(i), cfg.eta[1], 0, 0, 0));
  cases.push({ kernel: 'ttfs_update_f32', label: 'S4NN output layer', shape: '400×10', calls: S, fast: upd1(k), ref: upd1(kr),
    work: { flops: S * W1 * 2, bytes: S * W1 * 8, traffic: 'update', wsBytes: W1 * 4 } });
  const bp = (kk: KernelSet) => loop(S, (i) => kk.ttfs_backprop_f32(w1.offset, L1.nIn, L1.stride, tH.off(i), tO.off(i), dO.off(i), dIn.offset));
  cases.push({ kernel: 'ttfs_backprop_f32', label: 'S4NN output → hidden delta', shape: '400×10', calls: S, fast: bp(k), ref: bp(kr),
    work: { flops: S * W1 * 2, bytes: S * W1 * 4, traffic: 'read', wsBytes: W1 * 4 } });
  const ga = (wantSum: number) => (kk: KernelSet) => loop(S, (i) => kk.ttfs_grad_accum_f32(g0.offset, w0.offset, L0.nIn, L0.stride, tIn0.off(i), tH.off(i), dH.off(i), wantSum));
  // like the update, it skips the rows no neuron with a non-zero delta admits: work counts the rows it touches.
  // S4NN's form adds the masked delta to g (read and written); with the scale sum S (BS4NN's per-layer alpha) it
  // also reads w for the signs
  cases.push({ kernel: 'ttfs_grad_accum_f32', label: 'S4NN hidden layer (minibatch)', shape: '784×400', calls: S, fast: ga(0)(k), ref: ga(0)(kr),
    work: { flops: active0 * L0.stride, bytes: active0 * L0.stride * 8, traffic: 'update', wsBytes: W0 * 4 },
    note: `${fmt((100 * active0) / (S * 784))}% of rows accumulated` });
  cases.push({ kernel: 'ttfs_grad_accum_f32', label: 'the same layer with the scale sum S (the form BS4NN\'s per-layer scale takes)', shape: '784×400', calls: S, fast: ga(1)(k), ref: ga(1)(kr),
    work: { flops: active0 * L0.stride * 4, bytes: active0 * L0.stride * 12, traffic: 'update', wsBytes: W0 * 8 },
    note: `${fmt((100 * active0) / (S * 784))}% of rows accumulated; S = sum of delta x mask x sign(w)` });
  return cases;
}

// ---------------------------------------------------------------------------------------------
// BS4NN: the two binary forward kernels, and the minibatch apply path

interface BinLayerResult {
  layer: string; shape: string; meanEvents: number; meanProcessedEvents: number; meanDistinctTimes: number;
  usPerImage: { i16: Stat; i16ref: Stat; popc: Stat };
  pairedRatioPopcOverI16: number; synOpsPerSecondI16: number; popcGbits: number;
}

function binaryForward(P: Params, train: Dataset, test: Dataset, ctx: BenchContext, ceil: Ceilings, probesFor: ProbesFor) {
  const s = createSession(ALGORITHMS.bs4nn, 'mnist', { hidden: [600] }, { shards: 1 });
  const model = s.model as TtfsModel, net = model.net, cfg = s.config as TtfsConfig, a = s.arena;
  const k = s.kernels, kr = instantiateKernels(s.memory, 'ref').kernels;
  const [L0, L1] = net.layers, ws = net.main, S = P.samples, tmax = cfg.tmax;
  const words0 = Math.ceil(L0.nIn / 64), words1 = Math.ceil(L1.nIn / 64);
  const pos0 = a.alloc('u64', L0.nOut * words0), neg0 = a.alloc('u64', L0.nOut * words0);
  const pos1 = a.alloc('u64', L1.nOut * words1), neg1 = a.alloc('u64', L1.nOut * words1);
  const tIn0 = new Slab(a, 'i32', S, 784), ord0 = new Slab(a, 'i32', S, 784), tH = new Slab(a, 'i32', S, L0.stride), ord1 = new Slab(a, 'i32', S, L0.nOut);
  const counts = a.alloc('i32', tmax + 2);
  const c16 = a.alloc('i16', 2048), c32 = a.alloc('i32', 1024), ev = a.alloc('u64', 64), tOut = a.alloc('i32', 1024), cRec = a.alloc('i32', 1024);
  const states: Record<string, { layers: BinLayerResult[]; usPerImage: { i16: number; popc: number }; agree: boolean; alpha: number[]; thresholds: number[] }> = {};
  // registry-table rows for both kernels, from the trained state's timings
  const rows: ReturnType<typeof makeRow>[] = [];
  const run = (state: string) => {
    for (const [L, pos, neg, words] of [[L0, pos0, neg0, words0], [L1, pos1, neg1, words1]] as const) {
      k.bin_pack_signs(L.w.offset, L.nOut, L.nIn, 1, L.stride, words, pos.offset, neg.offset);
    }
    const nEv0: number[] = [], nEv1: number[] = [];
    for (let i = 0; i < S; i++) {
      net.forward(ws, test.images, i * 784);
      tIn0.view(i).set(a.view(ws.tIn).subarray(0, 784));
      tH.view(i).set(a.view(ws.layers[0].tOut));
      nEv0.push(k.ttfs_sort_events(tIn0.off(i), 784, tmax - 2, counts.offset, ord0.off(i)));
      nEv1.push(k.ttfs_sort_events(tH.off(i), L0.nOut, tmax - 2, counts.offset, ord1.off(i)));
    }
    const thr = [net.binaryThreshold(0), net.binaryThreshold(1)];
    // the three kernels must agree on every output time (and on the recorded counts)
    let agree = true;
    const ev0: { events: number; times: number }[] = [], ev1: { events: number; times: number }[] = [];
    for (let i = 0; i < S; i++) {
      for (const l of [0, 1]) {
        const L = net.layers[l], tin = l ? tH : tIn0, ord = l ? ord1 : ord0, n = l ? nEv1[i] : nEv0[i], rec = l ? cRec.offset : 0;
        const outs: string[] = [];
        for (const variant of ['i16', 'i16ref', 'popc']) {
          if (variant === 'popc') {
            k.ttfs_forward_bin_popc(l ? pos1.offset : pos0.offset, l ? neg1.offset : neg0.offset, l ? words1 : words0, L.nOut, tin.off(i), ord.off(i), n,
              thr[l], tmax, tmax - 3, ev.offset, c32.offset, tOut.offset, rec);
          } else {
            (variant === 'i16' ? k : kr).ttfs_forward_bin_i16(L.sgn!.offset, L.nOut, L.stride, tin.off(i), ord.off(i), n, thr[l], tmax, tmax - 3, c16.offset, tOut.offset, rec, 0);
          }
          outs.push(Array.from(a.view(tOut).subarray(0, L.nOut)).join(',') + (l ? '|' + Array.from(a.view(cRec).subarray(0, L.nOut)).join(',') : ''));
          if (variant === 'i16') (l ? ev1 : ev0).push(processed(i32v(tin.view(i)), i32v(ord.view(i)), n, a.view(tOut), L.nOut, tmax, l === 1));
        }
        if (outs[0] !== outs[1] || outs[0] !== outs[2]) agree = false;
      }
    }
    const layers: BinLayerResult[] = [];
    for (const l of [0, 1]) {
      const L = net.layers[l], tin = l ? tH : tIn0, ord = l ? ord1 : ord0, nEv = l ? nEv1 : nEv0, rec = l ? cRec.offset : 0;
      const pos = l ? pos1 : pos0, neg = l ? neg1 : neg0, words = l ? words1 : words0, evs = l ? ev1 : ev0;
      const events = evs.reduce((s2, e) => s2 + e.events, 0), times = evs.reduce((s2, e) => s2 + e.times, 0);
      const i16Work: Work = { synOps: events * L.nOut, bytes: events * L.stride * 2, traffic: 'read', gather: true, wsBytes: L.nIn * L.stride * 2 };
      const popcWork: Work = { synOps: events * L.nOut, bits: times * L.nOut * words * 64 * 2, wsBytes: 2 * L.nOut * words * 8 };
      const i16Probes = probesFor(i16Work), probeBytes = i16Probes.bytes!, probeGather = i16Probes.gather, probeBits = probesFor(popcWork).bits!;
      const t = timeInterleaved({
        // the ceilings' probes in the same rounds (the paired fractions)
        'probe:bytes': probeBytes.run, 'probe:bits': probeBits.run, ...(probeGather ? { 'probe:gather': probeGather.run } : {}),
        i16: loop(S, (i) => k.ttfs_forward_bin_i16(L.sgn!.offset, L.nOut, L.stride, tin.off(i), ord.off(i), nEv[i], thr[l], tmax, tmax - 3, c16.offset, tOut.offset, rec, 0)),
        i16ref: loop(S, (i) => kr.ttfs_forward_bin_i16(L.sgn!.offset, L.nOut, L.stride, tin.off(i), ord.off(i), nEv[i], thr[l], tmax, tmax - 3, c16.offset, tOut.offset, rec, 0)),
        popc: loop(S, (i) => k.ttfs_forward_bin_popc(pos.offset, neg.offset, words, L.nOut, tin.off(i), ord.off(i), nEv[i], thr[l], tmax, tmax - 3, ev.offset, c32.offset, tOut.offset, rec)),
      }, P.timing);
      const per = (x: Stat): Stat => {
        const o = {} as Stat;
        for (const [key, val] of Object.entries(x)) (o as unknown as Record<string, number>)[key] = key === 'n' ? val : sig((val * 1000) / S);
        return o;
      };
      if (state === 'trained') {
        const what = `BS4NN ${l ? 'output' : 'hidden'} layer, trained`;
        rows.push(makeRow({ kernel: 'ttfs_forward_bin_i16', label: what, shape: `${L.nIn}→${L.nOut}`, calls: S,
          work: i16Work,
          note: `one i16 row per processed event (${fmt(events / S)} per image)` }, { fast: t.i16, ref: t.i16ref, probes: { bytes: { units: probeBytes.units, t: t['probe:bytes'] }, ...(probeGather ? { gather: { units: probeGather.units, t: t['probe:gather'] } } : {}) } }, ceil));
        rows.push(makeRow({ kernel: 'ttfs_forward_bin_popc', label: what, shape: `${L.nIn}→${L.nOut}`, calls: S,
          work: popcWork,
          note: `AND-popcount sweep per distinct spike time (${fmt(times / S)} per image)` }, { fast: t.popc, probes: { bits: { units: probeBits.units, t: t['probe:bits'] } } }, ceil));
      }
      const paired = median(t.popc.rounds.map((x, r) => x / t.i16.rounds[r]));
      layers.push({
        layer: l ? 'output' : 'hidden', shape: `${L.nIn}→${L.nOut}`,
        meanEvents: sig(nEv.reduce((x, y) => x + y, 0) / S), meanProcessedEvents: sig(events / S), meanDistinctTimes: sig(times / S),
        usPerImage: { i16: per(t.i16.perCallMs), i16ref: per(t.i16ref.perCallMs), popc: per(t.popc.perCallMs) },
        pairedRatioPopcOverI16: sig(paired),
        synOpsPerSecondI16: sig((events * L.nOut) / (t.i16.perCallMs.median / 1000)),
        popcGbits: sig((times * L.nOut * words * 64 * 2) / (t.popc.perCallMs.median * 1e6)),
      });
    }
    const tot = (v: 'i16' | 'popc') => sig(layers.reduce((x, L) => x + L.usPerImage[v].median, 0));
    states[state] = { layers, usPerImage: { i16: tot('i16'), popc: tot('popc') }, agree, alpha: [net.alpha(0), net.alpha(1)].map((x) => sig(x)), thresholds: thr };
    ctx.log(`  bs4nn forward (${state}): i16 ${fmt(tot('i16'))} µs/image vs popc ${fmt(tot('popc'))} µs/image over both layers; outputs agree: ${agree}`);
    for (const L of layers) {
      ctx.log(`    ${L.layer} ${L.shape}: ${fmt(L.meanProcessedEvents)} events in ${fmt(L.meanDistinctTimes)} distinct times per image; i16 ${fmt(L.usPerImage.i16.median)} µs, popc ${fmt(L.usPerImage.popc.median)} µs, i16 scalar twin ${fmt(L.usPerImage.i16ref.median)} µs`);
    }
  };
  model.initialise(1);
  run('init');
  for (let i = 0; i < P.trainSamples; i++) model.trainSample(train.images, i * 784, train.labels[i]);
  run('trained');

  // the per-neuron scale's sign counts (--binary-scale filter) on the hidden layer: input and hidden
  // times and the hidden delta of each test image (a training step after the forward pass, so the
  // weights move on; the forward timings above are done)
  const dH = new Slab(a, 'f32', S, L0.stride), sc = a.alloc('i16', 2 * L0.stride); // counts, then the kernel's scratch
  let activeRows = 0;
  for (let i = 0; i < S; i++) {
    net.forward(ws, test.images, i * 784);
    tIn0.view(i).set(a.view(ws.tIn).subarray(0, 784));
    tH.view(i).set(a.view(ws.layers[0].tOut));
    net.trainStep(ws, test.labels[i]);
    dH.view(i).set(a.view(ws.layers[0].delta));
    activeRows += rowsBeforeCut(i32v(tIn0.view(i)), i32v(tH.view(i)), f32v(dH.view(i)), L0.nOut);
  }
  const scall = (kk: KernelSet) => loop(S, (i) => kk.ttfs_sign_counts_i16(L0.sgn!.offset, L0.nIn, L0.nOut, L0.stride, tIn0.off(i), tH.off(i), dH.off(i), sc.offset));
  const signCounts: KernelCase = { kernel: 'ttfs_sign_counts_i16', label: 'BS4NN hidden layer, per-neuron scale counts (--binary-scale filter)', shape: '784×600', calls: S,
    fast: scall(k), ref: scall(kr), work: { bytes: activeRows * L0.stride * 2, traffic: 'read', gather: true, wsBytes: L0.nIn * L0.stride * 2 },
    note: `one i16 sign row per input before the latest neuron with a non-zero delta (${fmt((100 * activeRows) / (S * 784))}% of rows)` };

  // the online update of the hidden layer with BS4NN's scale sum S and the i16 sign rows the forward kernel reads
  // (the largest share of a BS4NN training step in a CPU profile), on a copy of the trained weights
  const n = L0.nIn * L0.stride;
  const wU = a.alloc('f32', n), sgU = a.alloc('i16', n);
  a.view(wU).set(a.view(L0.w));
  const eta0 = net.eta(0) / net.scale(0);
  const ucall = (kk: KernelSet) => loop(S, (i) => kk.ttfs_update_f32(wU.offset, L0.nIn, L0.nOut, L0.stride, tIn0.off(i), tH.off(i), dH.off(i), eta0, 0, sgU.offset, 1));
  const update: KernelCase = { kernel: 'ttfs_update_f32', label: 'BS4NN hidden layer, online (the scale sum S and the sign rows)', shape: '784×600', calls: S,
    fast: ucall(k), ref: ucall(kr), work: { flops: activeRows * L0.stride * 4, bytes: activeRows * L0.stride * 10, traffic: 'update', wsBytes: n * 6 },
    note: `${fmt((100 * activeRows) / (S * 784))}% of rows take the masked update; bytes = each weight of those rows read and written, its i16 sign written` };

  // the minibatch apply path of a BS4NN layer: reduction, SGD step, sign refresh
  const g = a.alloc('f32', n), g2 = a.alloc('f32', n), w = a.alloc('f32', n), sg = a.alloc('i16', n);
  a.view(w).set(a.view(L0.w));
  const gv = a.view(g), g2v = a.view(g2);
  for (let i = 0; i < n; i++) { gv[i] = ((i * 2654435761) % 1000) / 1e5 - 0.005; g2v[i] = gv[(i * 7) % n]; }
  const cases: KernelCase[] = [
    update,
    signCounts,
    { kernel: 'f32_add', label: 'gradient reduction (one tree edge)', shape: '784×600', calls: 1, fast: () => k.f32_add(g.offset, g2.offset, n), ref: () => kr.f32_add(g.offset, g2.offset, n),
      work: { flops: n, bytes: 12 * n, traffic: 'update', wsBytes: 8 * n } },
    { kernel: 'f32_sgd_step', label: 'minibatch SGD apply', shape: '784×600', calls: 1, fast: () => k.f32_sgd_step(w.offset, g.offset, n, 1e-7, 0), ref: () => kr.f32_sgd_step(w.offset, g.offset, n, 1e-7, 0),
      work: { flops: 4 * n, bytes: 12 * n, traffic: 'update', wsBytes: 8 * n } },
    { kernel: 'f32_sign_i16', label: 'BS4NN sign refresh', shape: '784×600', calls: 1, fast: () => k.f32_sign_i16(w.offset, sg.offset, n), ref: () => kr.f32_sign_i16(w.offset, sg.offset, n),
      work: { bytes: 6 * n, traffic: 'read', wsBytes: 6 * n } },
  ];
  const tr = states.trained;
  const winner: 'i16' | 'popc' = tr.usPerImage.i16 <= tr.usPerImage.popc ? 'i16' : 'popc';
  const hid = tr.layers[0];
  const factor = winner === 'i16' ? tr.usPerImage.popc / tr.usPerImage.i16 : tr.usPerImage.i16 / tr.usPerImage.popc;
  const why = `On BS4NN latency codes (t = 255 - pixel) of ${S} real MNIST test images the hidden layer (784→600) processes ` +
    `${fmt(hid.meanProcessedEvents)} input events per image, spread over ${fmt(hid.meanDistinctTimes)} distinct spike times. ` +
    `The i16 kernel pays one 600-lane row of i16x8 adds per event (${fmt(hid.meanProcessedEvents * 75)} vector adds) plus a threshold scan per distinct time; ` +
    `the popcount kernel pays 600 neurons × ${Math.ceil(784 / 64)} words × 2 popcounts per distinct time ` +
    `(${fmt(hid.meanDistinctTimes * 600 * 13 * 2)} popcounts), however few inputs spike at that time. ` +
    (winner === 'i16'
      ? `Events per distinct time are few (${fmt(hid.meanProcessedEvents / Math.max(1, hid.meanDistinctTimes))}), so the bit-parallel form cannot amortise its per-time sweep.`
      : `Many inputs share each spike time (${fmt(hid.meanProcessedEvents / Math.max(1, hid.meanDistinctTimes))} per time), which the bit-parallel sweep amortises.`);
  // the per-layer picture can differ from the total: say so where it does
  const flips = tr.layers.filter((L) => (winner === 'i16') === (L.usPerImage.popc.median < L.usPerImage.i16.median));
  const perLayerNote = flips.map((L) => ` On the ${L.layer} layer (${L.shape}) alone the other kernel is faster ` +
    `(${fmt(L.usPerImage.i16.median)} µs i16 vs ${fmt(L.usPerImage.popc.median)} µs popc: ${fmt(L.meanProcessedEvents)} events in ${fmt(L.meanDistinctTimes)} distinct times)` +
    `: using it there alone would save ${fmt((100 * Math.abs(L.usPerImage.i16.median - L.usPerImage.popc.median)) / Math.min(tr.usPerImage.i16, tr.usPerImage.popc))}% of the per-image forward time.`).join('');
  const decision = {
    winner: winner === 'i16' ? 'ttfs_forward_bin_i16' : 'ttfs_forward_bin_popc',
    factor: sig(factor, 3),
    projectUses: 'ttfs_forward_bin_i16',
    text: (winner === 'i16'
      ? `Use ttfs_forward_bin_i16 (what TtfsNetwork.forward calls): ${fmt(factor)}× faster than ttfs_forward_bin_popc per image over both layers of a trained 784-600-10 BS4NN` +
        ` (${fmt(states.init.usPerImage.popc / states.init.usPerImage.i16)}× at the all-positive initialisation). `
      : `ttfs_forward_bin_popc is ${fmt(factor)}× faster than ttfs_forward_bin_i16 per image over both layers of a trained 784-600-10 BS4NN: switch TtfsNetwork.forward to it. `) +
      why + perLayerNote + ` Both kernels give identical spike times on every image measured: ${tr.agree && states.init.agree}.`,
  };
  ctx.log(`  decision: ${decision.text}`);
  return { states, decision, cases, rows };
}

// ---------------------------------------------------------------------------------------------
// BNN: popcount GEMVs, outer-product gradient, Adam

function bnnCases(P: Params, train: Dataset, test: Dataset, ctx: BenchContext): KernelCase[] {
  const s = createSession(ALGORITHMS.bnn, 'mnist', { hidden: [600] }, { shards: 1 });
  const model = s.model as BnnModel, net = model.net, a = s.arena;
  const k = s.kernels, kr = instantiateKernels(s.memory, 'ref').kernels;
  model.initialise(1);
  for (let i = 0; i < Math.min(P.trainSamples, 500); i++) model.trainSample(train.images, i * 784, train.labels[i]);
  const [L0, L1] = net.layers, ws = net.main, S = P.samples;
  const planes = new Slab(a, 'u64', S, 8 * L0.words), xb1 = new Slab(a, 'u64', S, L1.words);
  const dz0 = new Slab(a, 'f32', S, L0.nOut), x0 = new Slab(a, 'f32', S, L0.cols);
  const dz1 = new Slab(a, 'f32', S, L1.nOut), z0 = new Slab(a, 'f32', S, L0.nOut);
  let nz = 0;
  for (let i = 0; i < S; i++) {
    net.forward(ws, test.images, i * 784, false);
    net.backward(ws, test.labels[i]);
    planes.view(i).set(a.view(ws.planes));
    xb1.view(i).set(a.view(ws.layers[1].xbits));
    dz0.view(i).set(a.view(ws.layers[0].dz));
    x0.view(i).set(a.view(ws.layers[0].x));
    dz1.view(i).set(a.view(ws.layers[1].dz)); z0.view(i).set(a.view(ws.layers[0].z));
    for (const d of f32v(dz0.view(i))) if (d !== 0) nz++;
    net.clearWorkspace(ws);
  }
  ctx.log(`  bnn 784-600-10: ${fmt((100 * nz) / (S * L0.nOut))}% of hidden units pass a gradient (straight-through window)`);
  const out = a.alloc('i32', 2048);
  const g = a.alloc('f32', L0.w.n);
  const SS = Math.min(S, P.slowSamples);
  const cases: KernelCase[] = [];
  const andp = (kk: KernelSet) => loop(SS, (i) => kk.bin_andpopc_planes_gemv(L0.bits.offset, planes.off(i), L0.nOut, L0.words, out.offset));
  cases.push({ kernel: 'bin_andpopc_planes_gemv', label: 'BNN first layer (8 bit planes)', shape: '784→600', calls: SS, fast: andp(k), ref: andp(kr),
    work: { bits: SS * L0.nOut * L0.words * 64 * 8, bytes: SS * L0.nOut * L0.words * 8, traffic: 'read', wsBytes: L0.nOut * L0.words * 8 } });
  const xn = (kk: KernelSet) => loop(S, (i) => kk.bin_xnor_gemv(L1.bits.offset, xb1.off(i), L1.nOut, L1.words, L1.nIn, out.offset));
  cases.push({ kernel: 'bin_xnor_gemv', label: 'BNN output layer', shape: '600→10', calls: S, fast: xn(k), ref: xn(kr),
    work: { bits: S * L1.nOut * L1.words * 64, bytes: S * L1.nOut * L1.words * 8, traffic: 'read', wsBytes: L1.nOut * L1.words * 8 } });
  // the backward through the binary output layer to the hidden layer (straight-through window), per sample
  const dzb = a.alloc('f32', L0.nOut);
  const ste = (kk: KernelSet) => loop(S, (i) => kk.bin_ste_backprop(L1.w.t.offset, L1.nOut, L1.nIn, L1.cols, dz1.off(i), z0.off(i), dzb.offset));
  cases.push({ kernel: 'bin_ste_backprop', label: 'BNN output → hidden gradient (straight-through)', shape: '600×10', calls: S, fast: ste(k), ref: ste(kr),
    work: { bytes: S * (L1.nOut * L1.cols * 4 + L1.nIn * 8), traffic: 'read', wsBytes: L1.nOut * L1.cols * 4 },
    note: 'f64 sums (the host loop it replaced), two inputs per f64x2 lane pair' });
  // a square layer as large as the hidden one, to show the GEMV's own ceiling apart from call overhead
  const R = 1024, Wd = 16;
  const big = a.alloc('u64', R * Wd), xb = a.alloc('u64', Wd);
  const bv = a.view(big), xv = a.view(xb);
  for (let i = 0; i < R * Wd; i++) bv[i] = BigInt.asUintN(64, BigInt(i + 1) * 0x9e3779b97f4a7c15n);
  for (let i = 0; i < Wd; i++) xv[i] = BigInt.asUintN(64, BigInt(i + 3) * 0xc2b2ae3d27d4eb4fn);
  cases.push({ kernel: 'bin_xnor_gemv', label: 'synthetic square layer', shape: '1024→1024', calls: 1,
    fast: () => k.bin_xnor_gemv(big.offset, xb.offset, R, Wd, R, out.offset), ref: () => kr.bin_xnor_gemv(big.offset, xb.offset, R, Wd, R, out.offset),
    work: { bits: R * Wd * 64, bytes: R * Wd * 8, traffic: 'read', wsBytes: R * Wd * 8 } });
  // what BNN training calls: the first layer's gradient as a GEMM over GEMM_ROWS = 16 queued samples
  // (G += dZ^T X), reading the captured rows in place (row strides = the slabs' padded lengths)
  const K = 16, groups = Math.floor(S / K);
  if (groups > 0) {
    const gemm = (kk: KernelSet) => loop(groups, (q) => kk.f32_gemm_tn_acc(g.offset, L0.nOut, L0.cols, dz0.off(q * K), dz0.per, x0.off(q * K), x0.per, K));
    cases.push({ kernel: 'f32_gemm_tn_acc', label: 'BNN first-layer gradient, 16 samples per call', shape: `600×784, K=${K}`, calls: groups, fast: gemm(k), ref: gemm(kr),
      work: { flops: groups * 2 * L0.nOut * L0.cols * K, bytes: groups * L0.w.n * 8, traffic: 'update', wsBytes: L0.w.n * 4 },
      note: 'G is read and written once per 16 samples' });
  }
  const n = L0.w.n;
  const w = a.alloc('f32', n), m = a.alloc('f32', n), v = a.alloc('f32', n);
  a.view(w).set(a.view(L0.w.t)); a.view(m).set(a.view(L0.w.m)); a.view(v).set(a.view(L0.w.v));
  const gv = a.view(g);
  for (let i = 0; i < n; i++) gv[i] = gv[i] / S;
  const bc1 = 1 - 0.9 ** 50, bc2 = 1 - 0.999 ** 50;
  const adam = (kk: KernelSet) => () => kk.f32_adam_step(w.offset, g.offset, m.offset, v.offset, n, 1e-3, 0.9, 0.999, 1e-8, bc1, bc2, 0, 1);
  cases.push({ kernel: 'f32_adam_step', label: 'BNN first-layer Adam step', shape: '600×784', calls: 1, fast: adam(k), ref: adam(kr),
    work: { flops: 17 * n, bytes: 28 * n, traffic: 'update', wsBytes: 16 * n, divLanes: n } });
  cases.push({ kernel: 'bin_pack_u8_planes', label: 'BNN input bit planes', shape: '784 pixels', calls: S,
    fast: loop(S, (i) => k.bin_pack_u8_planes(ws.pixels.offset, 784, L0.words, planes.off(i))), work: { wsBytes: 784 } });
  cases.push({ kernel: 'bin_pack_signs', label: 'BNN weight signs after a step', shape: '600×784', calls: 1,
    fast: () => k.bin_pack_signs(L0.w.t.offset, L0.nOut, L0.nIn, L0.cols, 1, L0.words, L0.bits.offset, 0), work: { wsBytes: L0.w.n * 4 } });
  return cases;
}

// ---------------------------------------------------------------------------------------------

/**
 * Times every case (fast and scalar twin side by side) in `P.passes` passes over the whole list, then merges
 * each case's rounds over the passes. This host slows down in bursts of seconds (docs/speed-history.md, "How steady one host
 * is") that the interleaving inside one case cannot see, since all of that case's rounds fall in the burst:
 * with its rounds taken in passes a minute apart, one burst shifts at most one pass's rounds and the median
 * stays with the others. Paired ratios stay per round (fast and twin of one round are timed together).
 */
function timeCases(cases: KernelCase[], P: Params, probesFor: ProbesFor, onPass: (pass: number) => void): CaseTiming[] {
  const merged: Record<string, Timed>[][] = cases.map(() => []);
  const probes = cases.map((c) => Object.entries(probesFor(c.work)) as [CeilingKind, Probe][]);
  for (let pass = 0; pass < P.passes; pass++) {
    cases.forEach((c, i) => {
      const fns: Record<string, () => void> = { fast: c.fast };
      if (c.ref) fns.ref = c.ref;
      // the probes of the case's ceilings take turns with the kernel in the same rounds: a slow spell of the
      // host slows both, and their per-round ratio (the paired fraction) stays
      for (const [kind, probe] of probes[i]) fns[`probe:${kind}`] = probe.run;
      merged[i].push(timeInterleaved(fns, P.timing));
    });
    onPass(pass);
  }
  const join = (ts: Timed[]): Timed => {
    const rounds = ts.flatMap((t) => t.rounds);
    return { perCallMs: stat(rounds), callsPerRound: ts[0].callsPerRound, rounds };
  };
  return merged.map((ts, i) => {
    const timedProbes: CaseTiming['probes'] = {};
    for (const [kind, probe] of probes[i]) timedProbes[kind] = { units: probe.units, t: join(ts.map((t) => t[`probe:${kind}`])) };
    return { fast: join(ts.map((t) => t.fast)), ref: ts[0].ref ? join(ts.map((t) => t.ref)) : undefined, probes: timedProbes };
  });
}

interface CaseTiming { fast: Timed; ref?: Timed; probes: Partial<Record<CeilingKind, { units: number; t: Timed }>> }

const sigOrNull = (x: number | null) => (x === null ? null : sig(x, 3));

/** A table row: per-call times, throughput, the binding ceiling and the SIMD speedup of one case. */
function makeRow(c: Omit<KernelCase, 'fast' | 'ref'>, t: CaseTiming, ceil: Ceilings) {
  const sec = t.fast.perCallMs.median / 1000;
  const w = c.work;
  const gflops = w.flops !== undefined ? w.flops / sec / 1e9 : undefined;
  const gbs = w.bytes !== undefined ? w.bytes / sec / 1e9 : undefined;
  const gbits = w.bits !== undefined ? w.bits / sec / 1e9 : undefined;
  // paired: per round, the kernel's rate over its probe's rate in that same round; the median of those ratios
  const paired = (kind: CeilingKind, units: number): number | null => {
    const p = t.probes[kind];
    if (!p) return null;
    return median(t.fast.rounds.map((ms, r) => (units / ms) / (p.units / p.t.rounds[r])));
  };
  const fr: { ceiling: string; value: number; fraction: number; pairedFraction: number | null }[] = [];
  if (gflops !== undefined) fr.push({ ceiling: 'f32x4 mul+add peak', value: ceil.f32PeakGflops, fraction: gflops / ceil.f32PeakGflops, pairedFraction: paired('flops', w.flops!) });
  if (gbits !== undefined) fr.push({ ceiling: 'i64.popcnt peak', value: ceil.popcountGbits, fraction: gbits / ceil.popcountGbits, pairedFraction: paired('bits', w.bits!) });
  if (w.divLanes !== undefined && ceil.divsqrtGlanes !== undefined) {
    fr.push({ ceiling: 'f32x4 sqrt + 2 div peak (G lanes/s)', value: ceil.divsqrtGlanes, fraction: w.divLanes / sec / 1e9 / ceil.divsqrtGlanes, pairedFraction: paired('div', w.divLanes) });
  }
  if (gbs !== undefined && w.traffic) {
    const bw = bandwidthAt(ceil, w.wsBytes, w.traffic);
    fr.push({ ceiling: `${TRAFFIC_LABEL[w.traffic]} bandwidth at ${sizeLabel(bw.size)}`, value: bw.gbs, fraction: gbs / bw.gbs, pairedFraction: paired('bytes', w.bytes!) });
  }
  fr.sort((x, y) => y.fraction - x.fraction);
  // beside the binding ceiling (not in its choice): rows read at data-dependent offsets against the gather probe
  const ga = w.gather && gbs !== undefined ? gatherAt(ceil, w.wsBytes) : null;
  const gather = ga ? { ceiling: `gather of 64-byte rows within ${sizeLabel(ga.bytes)}`, value: ga.GBs, fraction: sig(gbs! / ga.GBs, 3), pairedFraction: sigOrNull(paired('gather', w.bytes!)) } : null;
  const perCallUs = (x: Stat) => sig((x.median * 1000) / c.calls);
  const speedup = t.ref ? sig(t.ref.perCallMs.median / t.fast.perCallMs.median, 3) : undefined;
  const pairedSpeedup = t.ref ? sig(median(t.ref.rounds.map((x, r) => x / t.fast.rounds[r])), 3) : undefined;
  return {
    kernel: c.kernel, exports: KERNELS[c.kernel], label: c.label, shape: c.shape, note: c.note ?? null,
    callsPerPass: c.calls, work: c.work,
    usPerCall: { fast: perCallUs(t.fast.perCallMs), ref: t.ref ? perCallUs(t.ref.perCallMs) : null },
    msPerPass: { fast: t.fast.perCallMs, ref: t.ref?.perCallMs ?? null },
    gflops: gflops !== undefined ? sig(gflops) : null, gbs: gbs !== undefined ? sig(gbs) : null, gbits: gbits !== undefined ? sig(gbits) : null,
    synOpsPerSecond: w.synOps !== undefined ? sig(w.synOps / sec) : null,
    bound: fr[0] ? { ceiling: fr[0].ceiling, ceilingValue: fr[0].value, fraction: sig(fr[0].fraction, 3), pairedFraction: sigOrNull(fr[0].pairedFraction) } : null,
    fractions: fr.map((f) => ({ ...f, fraction: sig(f.fraction, 3), pairedFraction: sigOrNull(f.pairedFraction) })),
    gather,
    simdSpeedup: speedup ?? null, pairedSimdSpeedup: pairedSpeedup ?? null,
  };
}

export const kernels: Benchmark = {
  name: 'kernels',
  title: 'Kernel ceilings',
  about: 'WASM SIMD f32 peak, popcount peak and stream bandwidth of this core; every hot registry kernel on MNIST-derived inputs as a fraction of its ceiling; fast vs scalar twin; BS4NN i16 vs popcount forward.',
  // steady-state code only: with --no-liftoff V8 compiles every wasm function with TurboFan at once,
  // which is the code a training run executes after tier-up. Without it a short warm-up can end
  // before the background tier-up (seen under load: Liftoff code timed at a third of the speed).
  nodeFlags: ['--no-liftoff'],
  async run(ctx) {
    const P: Params = pick<Params>(ctx.quick,
      { samples: 128, trainSamples: 3000, slowSamples: 8, timing: { warmMs: 300, roundMs: 40, rounds: 9 }, passes: 3,
        streamSizes: [16 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20, 64 << 20], peakIters: 200_000 },
      { samples: 24, trainSamples: 300, slowSamples: 2, timing: { warmMs: 60, roundMs: 8, rounds: 3 }, passes: 1,
        streamSizes: [16 << 10, 256 << 10, 4 << 20, 32 << 20], peakIters: 100_000 });
    ctx.log('ceilings:');
    const { ceilings, probesFor, detail } = measureCeilings(P, ctx);
    const train = loadDataset('mnist', 'train'), test = loadDataset('mnist', 'test');
    ctx.log('binary forward kernels (BS4NN 784-600-10):');
    const bin = binaryForward(P, train, test, ctx, ceilings, probesFor);
    ctx.log('registry kernels:');
    const cases = [...s4nnCases(P, train, test, ctx), ...bin.cases, ...bnnCases(P, train, test, ctx), ...stidiCases(P, train, test, ctx), ...convCases(P)];
    const rows = [...bin.rows];
    const timed = timeCases(cases, P, probesFor, (pass) => { ctx.monitor.sample(); ctx.log(`  pass ${pass + 1} of ${P.passes} timed`); });
    for (const [i, c] of cases.entries()) {
      const r = makeRow(c, timed[i], ceilings);
      rows.push(r);
      ctx.log(`  ${r.kernel} [${r.label}, ${r.shape}]: ${fmt(r.usPerCall.fast)} µs/call` +
        (r.bound ? `, ${fmt(100 * r.bound.fraction)}% of ${r.bound.ceiling} (${fmt(r.bound.ceilingValue)}), paired ${r.bound.pairedFraction === null ? '—' : `${fmt(100 * r.bound.pairedFraction)}%`}` : '') +
        (r.gather ? `; ${fmt(100 * r.gather.fraction)}% of the ${r.gather.ceiling} (${fmt(r.gather.value)}), paired ${r.gather.pairedFraction === null ? '—' : `${fmt(100 * r.gather.pairedFraction)}%`}` : '') +
        (r.simdSpeedup ? `; scalar twin ${fmt(r.usPerCall.ref!)} µs → SIMD speedup ${fmt(r.simdSpeedup)}×` : ''));
    }
    // a kernel added to the registry later shows up here until a case measures it
    const covered = new Set(rows.map((r) => r.kernel));
    const notMeasured = (Object.keys(KERNELS) as KernelName[]).filter((k) => !covered.has(k));
    if (notMeasured.length) ctx.log(`  registry kernels without a case here: ${notMeasured.join(', ')}`);
    const summary = [
      `f32x4 mul+add peak ${fmt(ceilings.f32PeakGflops)} GFLOP/s; i64.popcnt XOR ${fmt(ceilings.popcountGbits)} Gbit/s; ` +
        `read bandwidth ${ceilings.stream.map((s) => `${sizeLabel(s.bytes)} ${fmt(s.readGBs)}`).join(', ')} GB/s`,
      ...rows.map((r) => `${r.kernel} ${r.shape}: ${fmt(r.usPerCall.fast)} µs/call` + (r.bound ? `, ${fmt(100 * r.bound.fraction)}% of ${r.bound.ceiling} (paired ${r.bound.pairedFraction === null ? '—' : `${fmt(100 * r.bound.pairedFraction)}%`})` : '') +
        (r.simdSpeedup ? `, SIMD ${fmt(r.simdSpeedup)}× over scalar` : '')),
      `binary forward: ${bin.decision.text}`,
    ];
    if (notMeasured.length) summary.push(`not measured (cold or trivial): ${notMeasured.join(', ')}`);
    return { params: P, results: { ceilings, ceilingDetail: detail, kernels: rows, notMeasured, binaryForward: { states: bin.states, decision: bin.decision } }, summary };
  },
};
