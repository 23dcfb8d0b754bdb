// How fast this core runs right now, measured before and after every benchmark. The load check (lib.ts) sees
// other processes in this machine, not a virtual machine's neighbours on the same host, a lower clock, or a
// shared cache taken by another guest: on the AMD EPYC VM the same build's trainer slices ran 16,400-25,500
// samples/s minutes apart with the load check "quiet" and steal 0. So each result also records the kernels
// benchmark's two ceiling probes (f32x4 multiply-add chains: the core; a streaming read of 4 MiB: the memory
// path), a fraction of a second each, and the report sets them beside the kernels benchmark's ceilings. What they
// catch is a host slower around the whole run: in their first quiet trainer run they read 96-97% of the ceilings while
// the slices of one configuration still ranged 25,600-39,100 samples/s, so bursts of seconds inside a run escape them;
// the trainer benchmark therefore also probes around each child run (there a dip to 45 GFLOP/s from ~48.5 came with
// its two slow slices, 27% and 20% below their repeats).
import { createSharedMemory, instantiateKernels } from '../src/wasm/module.js';
import { Arena } from '../src/wasm/arena.js';
import { fmt, sig, timeInterleaved, type HostSpeedProbe } from './lib.js';

const FMA_ITERS = 200_000; // 96 flops per iteration (the kernels benchmark's probe and count)
const READ_BYTES = 4 << 20;

interface Probes { fma(iters: number, m: number, c: number): number; read(p: number, bytes: number, reps: number): number; buf: number }
/** one instance for the whole process: the trainer benchmark probes around each of its child runs, and a fresh
 *  module per probe would also start cold in V8's tiers; null when the wasm was built without the probe kernels */
let probes: Probes | null | undefined;

function probeKernels(): Probes | null {
  if (probes !== undefined) return probes;
  const memory = createSharedMemory();
  const inst = instantiateKernels(memory, 'fast');
  const e = inst.exports as unknown as { probe_f32_fma_peak?: Probes['fma']; probe_stream_read?: Probes['read'] };
  probes = typeof e.probe_f32_fma_peak === 'function' && typeof e.probe_stream_read === 'function'
    ? { fma: e.probe_f32_fma_peak, read: e.probe_stream_read, buf: new Arena(memory, inst.heapBase).alloc('f32', READ_BYTES / 4).offset }
    : null;
  return probes;
}

/** f32x4 mul+add (12 independent chains) and a streaming read over 4 MiB, median and best round; null without
 *  the probe kernels */
export function measureHostSpeed(quick: boolean): HostSpeedProbe | null {
  const k = probeKernels();
  if (!k) return null;
  let sink = 0;
  const t = timeInterleaved({
    fma: () => { sink += k.fma(FMA_ITERS, 0.9999, 1e-4); },
    read: () => { sink += k.read(k.buf, READ_BYTES, 1); },
  }, { warmMs: quick ? 30 : 90, roundMs: 25, rounds: quick ? 3 : 9 });
  if (sink === 0.5) process.stdout.write(''); // keeps the probes' results alive
  const gflops = (ms: number) => sig((96 * FMA_ITERS) / (ms * 1e6), 3);
  const gbs = (ms: number) => sig(READ_BYTES / (ms * 1e6), 3);
  return {
    f32Gflops: { median: gflops(t.fma.perCallMs.median), best: gflops(t.fma.perCallMs.min) },
    readGBs: { median: gbs(t.read.perCallMs.median), best: gbs(t.read.perCallMs.min) },
  };
}

/** The host ran slower than its ceilings by more than this (a median round under 90% of the kernels benchmark's). */
const SLOW_HOST_FRACTION = 0.9;

export function describeHostSpeed(h: { before: HostSpeedProbe; after: HostSpeedProbe }): string {
  const one = (x: HostSpeedProbe) => `${fmt(x.f32Gflops.median)} GFLOP/s, ${fmt(x.readGBs.median)} GB/s`;
  return `before ${one(h.before)}; after ${one(h.after)}`;
}

/** The lowest median of the run's probes as a fraction of the kernels benchmark's ceilings (f32 peak, read at 4 MiB). */
export function hostSpeedFraction(h: { before: HostSpeedProbe; after: HostSpeedProbe }, ceiling: { f32Gflops: number; readGBs: number }): { f32: number; read: number } {
  return {
    f32: Math.min(h.before.f32Gflops.median, h.after.f32Gflops.median) / ceiling.f32Gflops,
    read: Math.min(h.before.readGBs.median, h.after.readGBs.median) / ceiling.readGBs,
  };
}

/** A result measured below SLOW_HOST_FRACTION of the ceilings on either probe, before or after. */
export function isSlowHost(h: { before: HostSpeedProbe; after: HostSpeedProbe }, ceiling: { f32Gflops: number; readGBs: number }): boolean {
  const f = hostSpeedFraction(h, ceiling);
  return f.f32 < SLOW_HOST_FRACTION || f.read < SLOW_HOST_FRACTION;
}
