// Peers on the same machine, in the same run:
//  (a) the authors' approach, dense time-stepped NumPy training (bench/peers/s4nn_numpy.py), timed
//      on N samples and extrapolated to a 60k epoch, against our S4NN 784-400-10 and BS4NN
//      784-600-10 trainers: the speedup ratio (goal >= 100x);
//  (b) PyTorch CPU training a plain float MLP 784-600-10 at batch 1 and 100 (bench/peers/mlp_torch.py)
//      against our BS4NN (batch 1) and BNN (batch 100).
// Runs are interleaved over the repeats; ratios are medians of per-repeat ratios (side by side) and
// ratios of medians. Missing Python packages are installed with apt-get (full runs, or --install);
// a failed install is recorded, not fatal.
import os from 'node:os';
import path from 'node:path';
import { realpathSync, rmSync, writeFileSync } from 'node:fs';
import { loadDataset } from '../src/data/index.js';
import { type Benchmark, type BenchContext, EPOCH, PEER_MMAP_THRESHOLD_MIB, ROOT, fmt, lastLines, median, pick, runChild, sig, stat, ratio } from './lib.js';
import { TRAIN_CONFIGS, summariseTrain, trainOnce } from './trainer.js';
import type { TrainChildResult, TrainSpec } from './child.js';

interface PythonFound { python: string | null; version: string | null; install: { attempted: boolean; ok: boolean; log: string } | null; error: string | null }

async function probePython(module: string): Promise<{ python: string; version: string } | null> {
  const candidates = [...new Set([process.env.SNNWASM_PYTHON, 'python3', '/usr/bin/python3'].filter((x): x is string => !!x))];
  for (const py of candidates) {
    const r = await runChild(py, ['-c', `import ${module}, sys; print("BENCH_RESULT " + __import__("json").dumps([sys.executable, ${module}.__version__]))`], { timeoutMs: 120_000 });
    if (!r.error && Array.isArray(r.result)) return { python: r.result[0] as string, version: r.result[1] as string };
  }
  return null;
}

/** apt-get install, with one apt-get update and retry when the package lists are missing or stale. */
async function aptInstall(pkg: string, ctx: BenchContext): Promise<{ ok: boolean; log: string }> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  ctx.log(`  installing ${pkg} with apt-get (this can take minutes)...`);
  // apt-get prints no BENCH_RESULT line, so runChild reports an error for it: judge by the exit code
  let r = await runChild('apt-get', ['install', '-y', '--no-install-recommends', pkg], { env, timeoutMs: 20 * 60_000 });
  if (r.code !== 0) {
    ctx.log(`  apt-get install failed (${lastLines(r.stderr || r.stdout, 1)}); running apt-get update and retrying`);
    const u = await runChild('apt-get', ['update'], { env, timeoutMs: 10 * 60_000 });
    if (u.code !== 0) return { ok: false, log: `apt-get update exited ${u.code ?? u.signal}: ${lastLines(u.stderr || u.stdout, 4)}` };
    r = await runChild('apt-get', ['install', '-y', '--no-install-recommends', pkg], { env, timeoutMs: 20 * 60_000 });
  }
  return r.code === 0 ? { ok: true, log: lastLines(r.stdout, 2) } : { ok: false, log: `apt-get install ${pkg} exited ${r.code ?? r.signal}: ${lastLines(r.stderr || r.stdout, 4)}` };
}

export async function ensurePython(module: string, pkg: string, mayInstall: boolean, ctx: BenchContext): Promise<PythonFound> {
  const have = await probePython(module);
  if (have) return { ...have, install: null, error: null };
  if (!mayInstall) {
    return { python: null, version: null, install: null, error: `no python3 with ${module} found; quick runs do not install (run the full benchmark, or pass --install, to apt-get install ${pkg})` };
  }
  const install = await aptInstall(pkg, ctx);
  const after = install.ok ? await probePython(module) : null;
  if (after) return { ...after, install: { attempted: true, ...install }, error: null };
  return { python: null, version: null, install: { attempted: true, ...install }, error: install.ok ? `${pkg} installed but no python3 imports ${module}` : install.log };
}

/**
 * Debian's python3-torch calls BLAS through the libblas.so.3 alternative, which is the unoptimised
 * reference BLAS unless an optimised one is installed (measured here: 2.6 GFLOP/s sgemm). A fair
 * "just use PyTorch" peer gets Debian's OpenBLAS; returns where libblas.so.3 points afterwards.
 */
export async function ensureFastBlas(mayInstall: boolean, ctx: BenchContext): Promise<{ libblas: string | null; install: { ok: boolean; log: string } | null }> {
  const resolve = () => { try { return realpathSync('/usr/lib/x86_64-linux-gnu/libblas.so.3'); } catch { return null; } };
  const before = resolve();
  if (before === null || /openblas|blis|mkl/i.test(before) || !mayInstall) return { libblas: before, install: null };
  const install = await aptInstall('libopenblas0-pthread', ctx);
  return { libblas: resolve(), install };
}

/** glibc's malloc threshold above which a block is its own mmap, for the Python peers: PEER_MMAP_THRESHOLD_MIB
 *  (32 MiB, glibc's largest). With the default (128 KiB, rising only as blocks are freed) every fresh array of ~1 MB, and the
 *  dense S4NN step makes several per sample, can be a new mapping whose pages fault in one by one; on a
 *  VM where page faults are dear that made the NumPy peer 4.3x slower (AMD EPYC host, 2026-12-03: 34 against
 *  148 samples/s, same run). A peer is measured at its best, so every peer process gets this. */
const PEER_MMAP_THRESHOLD = String(PEER_MMAP_THRESHOLD_MIB * 1024 * 1024);

/** The benchmark's command environment: OpenBLAS tuning variables of this machine removed (toolchain notes),
 *  glibc's mmap threshold raised (above). */
export function blasEnv(threads: number | null): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  env.MALLOC_MMAP_THRESHOLD_ = PEER_MMAP_THRESHOLD;
  env.MALLOC_TRIM_THRESHOLD_ = PEER_MMAP_THRESHOLD;
  if (threads !== null) { env.OPENBLAS_NUM_THREADS = String(threads); env.OMP_NUM_THREADS = String(threads); env.MKL_NUM_THREADS = String(threads); }
  return env;
}

export const peers: Benchmark = {
  name: 'peers',
  title: 'Peers: the authors\' dense NumPy method and PyTorch, same machine, same run',
  about: 'dense time-stepped NumPy S4NN/BS4NN training (the reference method, re-implemented) extrapolated per 60k epoch vs our trainers (goal >= 100x); a PyTorch CPU float MLP 784-600-10 at batch 1 and 100 vs our BS4NN and BNN.',
  async run(ctx) {
    const ncpu = os.availableParallelism();
    const P = pick(ctx.quick,
      { numpySamples: 500, oursSamples: 10000, torchB1: 5000, torchB100: 30000, torchWarmSteps: 20, repeats: 3, limitTest: 500, seed: 1 },
      { numpySamples: 10, oursSamples: 1000, torchB1: 100, torchB100: 1000, torchWarmSteps: 5, repeats: 1, limitTest: 100, seed: 1 });
    const mayInstall = !ctx.quick || ctx.flags.has('--install');
    const numpyPy = await ensurePython('numpy', 'python3-numpy', mayInstall, ctx);
    ctx.log(`  numpy: ${numpyPy.python ? `${numpyPy.python} (numpy ${numpyPy.version})` : `unavailable: ${numpyPy.error}`}`);
    const torchPy = await ensurePython('torch', 'python3-torch', mayInstall, ctx);
    ctx.log(`  torch: ${torchPy.python ? `${torchPy.python} (torch ${torchPy.version})` : `unavailable: ${torchPy.error}`}`);
    const blas = torchPy.python ? await ensureFastBlas(mayInstall, ctx) : { libblas: null, install: null };
    if (torchPy.python) ctx.log(`  system BLAS for torch: ${blas.libblas ?? 'unknown'}${blas.install ? ` (installed libopenblas0-pthread: ${blas.install.ok})` : ''}`);
    if (numpyPy.error) ctx.warn(`NumPy peer not run: ${numpyPy.error}`);
    if (torchPy.error) ctx.warn(`PyTorch peer not run: ${torchPy.error}`);

    // the same first training images for every peer
    const tr = loadDataset('mnist', 'train');
    const n = Math.min(tr.count, Math.max(P.numpySamples + 3, P.torchB1 + P.torchWarmSteps, P.torchB100 + P.torchWarmSteps * 100));
    const dataFile = path.join(os.tmpdir(), `snnwasm-peers-${process.pid}.u8`);
    const buf = new Uint8Array(n * 785);
    buf.set(tr.images.subarray(0, n * 784)); buf.set(tr.labels.subarray(0, n), n * 784);
    writeFileSync(dataFile, buf);

    const oursIds = ['s4nn-400', 'bs4nn-600', 'bnn-600-b100'] as const;
    const ours: Record<string, { results: (TrainChildResult | null)[]; errors: string[]; walls: number[] }> = {};
    for (const id of oursIds) ours[id] = { results: [], errors: [], walls: [] };
    const numpyRuns: Record<string, any[]> = { default: [], one: [] };
    const torchRuns: Record<string, any[]> = { one: [], all: [] };
    const errors: string[] = [];
    const script = (f: string) => path.join(ROOT, 'bench', 'peers', f);
    try {
      for (let r = 0; r < P.repeats; r++) {
        const jobs: [string, () => Promise<void>][] = [];
        if (numpyPy.python) {
          for (const [key, threads] of [['default', null], ['one', 1]] as const) {
            jobs.push([`numpy (${threads ?? 'default'} BLAS threads)`, async () => {
              const run = await runChild(numpyPy.python!, [script('s4nn_numpy.py'), '--data', dataFile, '--n', String(P.numpySamples)], { env: blasEnv(threads), timeoutMs: 60 * 60_000 });
              if (run.error) { errors.push(`numpy ${key}: ${run.error}`); ctx.warn(`numpy run failed: ${run.error}`); return; }
              numpyRuns[key].push(run.result);
              const res = run.result.results;
              ctx.log(`  [${r + 1}/${P.repeats}] numpy (${threads ?? 'default'} BLAS threads): s4nn ${fmt(res.s4nn.samplesPerSecond)} samples/s, bs4nn ${fmt(res.bs4nn.samplesPerSecond)} samples/s`);
            }]);
          }
        }
        for (const id of oursIds) {
          jobs.push([`ours ${id}`, async () => {
            const c = TRAIN_CONFIGS[id];
            const spec: TrainSpec = { ...c.spec, samples: P.oursSamples, limitTest: P.limitTest, seed: P.seed };
            const { run, result } = await trainOnce(spec);
            if (!result) { ours[id].errors.push(run.error ?? 'failed'); ctx.warn(`${c.label} failed: ${run.error}`); return; }
            ours[id].results.push(result); ours[id].walls.push(run.wallMs);
            ctx.log(`  [${r + 1}/${P.repeats}] ours ${c.label}: ${fmt(result.samplesPerSecond)} samples/s`);
          }]);
        }
        if (torchPy.python) {
          for (const [key, threads] of [['one', 1], ['all', ncpu]] as const) {
            jobs.push([`torch (${threads} threads)`, async () => {
              const run = await runChild(torchPy.python!, [script('mlp_torch.py'), '--data', dataFile, '--threads', String(threads), '--batches', '1,100',
                '--samples', `${P.torchB1},${P.torchB100}`, '--warmup-steps', String(P.torchWarmSteps)], { env: blasEnv(threads), timeoutMs: 60 * 60_000 });
              if (run.error) { errors.push(`torch ${key}: ${run.error}`); ctx.warn(`torch run failed: ${run.error}`); return; }
              torchRuns[key].push(run.result);
              const res = run.result.results;
              ctx.log(`  [${r + 1}/${P.repeats}] torch MLP (${threads} threads): batch 1 ${fmt(res['1'].samplesPerSecond)} samples/s, batch 100 ${fmt(res['100'].samplesPerSecond)} samples/s`);
            }]);
          }
        }
        // rotate: no peer always runs first (or right after a hot run)
        for (let i = 0; i < jobs.length; i++) { await jobs[(i + r) % jobs.length][1](); ctx.monitor.sample(); }
      }
    } finally {
      rmSync(dataFile, { force: true });
    }

    const oursSum: Record<string, ReturnType<typeof summariseTrain>> = {};
    for (const id of oursIds) {
      const c = TRAIN_CONFIGS[id];
      oursSum[id] = summariseTrain(c, { ...c.spec, samples: P.oursSamples, limitTest: P.limitTest, seed: P.seed }, ours[id].results, ours[id].errors, ours[id].walls);
    }
    const oursSps = (id: string) => oursSum[id].samplesPerSecond.median;
    const oursRep = (id: string) => ours[id].results.map((x) => x?.samplesPerSecond ?? NaN);

    // (a) NumPy
    const numpy: Record<string, unknown> = { python: numpyPy, samples: P.numpySamples };
    const numpyVs: Record<string, unknown>[] = [];
    for (const [algo, id] of [['s4nn', 's4nn-400'], ['bs4nn', 'bs4nn-600']] as const) {
      for (const key of ['default', 'one'] as const) {
        const runs = numpyRuns[key];
        if (!runs.length) continue;
        const sps = runs.map((x) => x.results[algo].samplesPerSecond as number);
        const s = stat(sps);
        const paired = median(sps.map((v, i) => oursRep(id)[i] / v));
        numpyVs.push({
          algo, architecture: runs[0].results[algo].architecture, blasThreads: key === 'default' ? 'default' : 1,
          numpySamplesPerSecond: s, numpyEpochMinutes: sig(EPOCH / s.median / 60), numpyMsPerSampleMedian: sig(median(runs.map((x) => x.results[algo].msPerSampleMedian))),
          oursSamplesPerSecond: sig(oursSps(id)), oursEpochSeconds: sig(EPOCH / oursSps(id)),
          speedup: ratio(oursSps(id), s.median), pairedSpeedup: sig(paired, 3), goal: 100, goalMet: oursSps(id) / s.median >= 100,
        });
      }
    }
    numpy.vsOurs = numpyVs;
    numpy.blas = numpyRuns.default[0]?.blas ?? numpyRuns.one[0]?.blas ?? null;
    numpy.numpyVersion = numpyRuns.default[0]?.numpy ?? numpyRuns.one[0]?.numpy ?? null;
    numpy.maxRssMiB = sig(Math.max(...[...numpyRuns.default, ...numpyRuns.one].map((x) => x.maxRssMiB as number)));

    // (b) PyTorch
    const torch: Record<string, unknown> = { python: torchPy, systemBlas: blas, samples: { batch1: P.torchB1, batch100: P.torchB100 } };
    const torchVs: Record<string, unknown>[] = [];
    for (const [batch, id] of [['1', 'bs4nn-600'], ['100', 'bnn-600-b100']] as const) {
      for (const key of ['one', 'all'] as const) {
        const runs = torchRuns[key];
        if (!runs.length) continue;
        const sps = runs.map((x) => x.results[batch].samplesPerSecond as number);
        const s = stat(sps);
        torchVs.push({
          batch: Number(batch), threads: runs[0].threads, torchSamplesPerSecond: s, ours: oursSum[id].label, oursSamplesPerSecond: sig(oursSps(id)),
          oursOverTorch: ratio(oursSps(id), s.median), pairedOursOverTorch: sig(median(sps.map((v, i) => oursRep(id)[i] / v)), 3),
        });
      }
    }
    torch.vsOurs = torchVs;
    torch.version = torchRuns.one[0]?.torch ?? torchRuns.all[0]?.torch ?? null;
    torch.parallelInfo = torchRuns.one[0]?.parallelInfo ?? null;
    torch.blasInfo = torchRuns.one[0]?.blasInfo ?? null;
    torch.sgemmGflops = torchRuns.one.length ? sig(median(torchRuns.one.map((x) => x.sgemmGflops as number))) : null;
    torch.maxRssMiB = sig(Math.max(...[...torchRuns.one, ...torchRuns.all].map((x) => x.maxRssMiB as number)));

    const summary: string[] = [];
    for (const v of numpyVs as any[]) {
      summary.push(`${v.algo} ${v.architecture}: numpy dense (${v.blasThreads} BLAS threads) ${fmt(v.numpySamplesPerSecond.median)} samples/s = ${fmt(v.numpyEpochMinutes)} min per 60k epoch; ` +
        `ours ${fmt(v.oursSamplesPerSecond)} samples/s = ${fmt(v.oursEpochSeconds)} s per epoch; speedup ${fmt(v.speedup)}× (paired ${fmt(v.pairedSpeedup)}×, goal ≥ 100×: ${v.goalMet ? 'met' : 'NOT met'})`);
    }
    for (const v of torchVs as any[]) {
      summary.push(`PyTorch float MLP 784-600-10 batch ${v.batch} (${v.threads} threads): ${fmt(v.torchSamplesPerSecond.median)} samples/s vs ours ${v.ours} ${fmt(v.oursSamplesPerSecond)} samples/s: ours/torch ${fmt(v.oursOverTorch)}×`);
    }
    if (numpyPy.error) summary.push(`NumPy peer not run: ${numpyPy.error}`);
    if (torchPy.error) summary.push(`PyTorch peer not run: ${torchPy.error}`);
    return { params: P, results: { numpy, torch, ours: oursSum, errors }, summary };
  },
};
