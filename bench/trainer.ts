// Trainer throughput, peak RSS and model size: one epoch slice of real training per run, each run
// in its own child process (bench/child.ts) with --workers 1, configurations interleaved over the
// repeats so that load drift hits them alike; medians reported.
import os from 'node:os';
import { type Benchmark, type ChildRun, CHILD_JS, EPOCH, fmt, pick, runChild, sig, stat } from './lib.js';
import { cliEquivalent, type TrainChildResult, type TrainSpec } from './child.js';
import { measureHostSpeed } from './host-speed.js';

export interface TrainConfig {
  id: string; label: string; spec: Omit<TrainSpec, 'samples' | 'limitTest' | 'seed'>;
  /** a smaller slice for a slow trainer (default: the benchmark's) */
  samples?: number; limitTest?: number;
}

export const TRAIN_CONFIGS: Record<string, TrainConfig> = {
  's4nn-400': { id: 's4nn-400', label: 'S4NN 784-400-10, online (batch 1)', spec: { algo: 's4nn', flags: { hidden: [400] }, batchSize: 1, shards: 8, workers: 1 } },
  's4nn-600': { id: 's4nn-600', label: 'S4NN 784-600-10, online (batch 1)', spec: { algo: 's4nn', flags: { hidden: [600] }, batchSize: 1, shards: 8, workers: 1 } },
  'bs4nn-600': { id: 'bs4nn-600', label: 'BS4NN 784-600-10, online (batch 1)', spec: { algo: 'bs4nn', flags: { hidden: [600] }, batchSize: 1, shards: 8, workers: 1 } },
  'bnn-600-b100': { id: 'bnn-600-b100', label: 'BNN 784-600-10, Adam batch 100', spec: { algo: 'bnn', flags: { hidden: [600] }, batchSize: 100, shards: 8, workers: 1 } },
  'stidi-mnist': { id: 'stidi-mnist', label: 'STiDi stidi-mnist (conv 5x5x16), online (batch 1)', spec: { algo: 'stidi', flags: {}, batchSize: 1, shards: 8, workers: 1 } },
  // the binary CSNN (sign(w) forward, per-layer scale): its speed, and its packed size in the memory table
  'stidi-mnist-bin': { id: 'stidi-mnist-bin', label: 'STiDi stidi-mnist --binary (conv 5x5x16), online (batch 1)', spec: { algo: 'stidi', flags: { binary: true }, batchSize: 1, shards: 8, workers: 1 } },
  // ~100 samples/s on one core: a 1,000-sample slice
  'proxy-small-b100': { id: 'proxy-small-b100', label: 'Proxy fmnist-small (T 15), Adam batch 100', spec: { algo: 'proxy', flags: { model: 'fmnist-small' }, batchSize: 100, shards: 8, workers: 1 }, samples: 1000, limitTest: 200 },
};

export interface TrainRunSummary {
  id: string; label: string; spec: TrainSpec; cli: string;
  samplesPerSecond: ReturnType<typeof stat>; epochSeconds: number; runs: number;
  maxRssMiB: number; wasmMemoryMiB: number; checkpointBytes: number; npyBytes: number; npyFiles: string[]; nirBytes: number | null; packedBytes: number | null;
  testAccuracy: Record<string, number> | null; testImages: number; testOutputSilentShare: number | null; errors: string[];
  /** per child run; hostF32Gflops: the host-speed probe's f32 figure (median round) just before and just after it */
  perRun: { samplesPerSecond: number; maxRssMiB: number; wallS: number; hostF32Gflops?: [number, number] }[];
}

/** Runs one training child; returns its result or an error string. */
export async function trainOnce(spec: TrainSpec): Promise<{ run: ChildRun; result: TrainChildResult | null }> {
  const run = await runChild(process.execPath, [CHILD_JS, JSON.stringify(spec)], { timeoutMs: 30 * 60_000 });
  return { run, result: run.error ? null : (run.result as TrainChildResult) };
}

export function summariseTrain(cfg: TrainConfig, spec: TrainSpec, results: (TrainChildResult | null)[], errors: string[], walls: number[],
  probes: ([number, number] | undefined)[] = []): TrainRunSummary {
  const ok = results.filter((r): r is TrainChildResult => r !== null);
  const sps = stat(ok.map((r) => r.samplesPerSecond));
  const last = ok[ok.length - 1];
  return {
    id: cfg.id, label: cfg.label, spec, cli: cliEquivalent(spec), samplesPerSecond: sps, epochSeconds: sig(EPOCH / sps.median), runs: ok.length,
    maxRssMiB: sig(Math.max(...ok.map((r) => r.maxRssMiB))), wasmMemoryMiB: last ? sig(last.wasmMemoryMiB) : NaN,
    checkpointBytes: last?.checkpointBytes ?? NaN, npyBytes: last?.npyBytes ?? NaN, npyFiles: last?.npyFiles ?? [], nirBytes: last?.nirBytes ?? null, packedBytes: last?.packedBytes ?? null,
    testAccuracy: last?.testAccuracy ?? null, testImages: last?.testImages ?? 0, testOutputSilentShare: last?.testOutputSilentShare ?? null, errors,
    perRun: ok.map((r, i) => ({ samplesPerSecond: sig(r.samplesPerSecond), maxRssMiB: sig(r.maxRssMiB), wallS: sig(walls[i] / 1000), hostF32Gflops: probes[i] })),
  };
}

/** The run of configuration c at the benchmark's slice (or the configuration's smaller one). */
function specOf(c: TrainConfig, P: { samples: number; limitTest: number; seed: number }): TrainSpec {
  return { ...c.spec, samples: Math.min(P.samples, c.samples ?? P.samples), limitTest: Math.min(P.limitTest, c.limitTest ?? P.limitTest), seed: P.seed };
}

export const trainer: Benchmark = {
  name: 'trainer',
  title: 'Trainer throughput, peak RSS and model size',
  about: 'samples/s of one epoch slice of real training (library trainer, --workers 1) for s4nn 784-400-10 and 784-600-10, bs4nn 784-600-10, bnn 784-600-10 batch 100, stidi-mnist online (real and --binary) and proxy fmnist-small batch 100 (MNIST images); peak RSS of each run (own child process); checkpoint, .npy, NIR and packed-model bytes.',
  async run(ctx) {
    const P = pick(ctx.quick, { samples: 10000, limitTest: 1000, repeats: 3, seed: 1 }, { samples: 1000, limitTest: 200, repeats: 1, seed: 1 });
    const cfgs = Object.values(TRAIN_CONFIGS);
    const got: Record<string, { results: (TrainChildResult | null)[]; errors: string[]; walls: number[]; probes: ([number, number] | undefined)[] }> = {};
    for (const c of cfgs) got[c.id] = { results: [], errors: [], walls: [], probes: [] };
    // the host-speed probe around every child run (host-speed.ts): does a slow slice coincide with a slow host?
    const probe = (): number | undefined => measureHostSpeed(true)?.f32Gflops.median;
    for (let r = 0; r < P.repeats; r++) {
      // rotate the order each repeat: no configuration always runs first
      for (let i = 0; i < cfgs.length; i++) {
        const c = cfgs[(i + r) % cfgs.length];
        const spec = specOf(c, P);
        const p0 = probe();
        const { run, result } = await trainOnce(spec);
        const p1 = probe();
        ctx.monitor.sample();
        if (result) {
          const pp: [number, number] | undefined = p0 !== undefined && p1 !== undefined ? [p0, p1] : undefined;
          got[c.id].results.push(result); got[c.id].walls.push(run.wallMs); got[c.id].probes.push(pp);
          ctx.log(`  [${r + 1}/${P.repeats}] ${c.label}: ${fmt(result.samplesPerSecond)} samples/s, peak RSS ${fmt(result.maxRssMiB)} MiB (load avg ${os.loadavg()[0].toFixed(2)}` +
            `${pp ? `; host f32 probe ${fmt(pp[0])} → ${fmt(pp[1])} GFLOP/s` : ''})`);
        } else {
          got[c.id].errors.push(run.error ?? 'unknown failure');
          ctx.warn(`${c.label}: run failed: ${run.error}`);
        }
      }
    }
    const rows = cfgs.map((c) => summariseTrain(c, specOf(c, P), got[c.id].results, got[c.id].errors, got[c.id].walls, got[c.id].probes));
    const summary = rows.map((x) => `${x.label}: ${fmt(x.samplesPerSecond.median)} samples/s (median of ${x.runs}; 60k epoch ≈ ${fmt(x.epochSeconds)} s), ` +
      `peak RSS ${fmt(x.maxRssMiB)} MiB, checkpoint ${fmt(x.checkpointBytes / 1024)} KiB, .npy ${fmt(x.npyBytes / 1024)} KiB`);
    return { params: P, results: { configs: rows }, summary };
  },
};
