// Proxy learning against PyTorch, same machine, same run: images/s of ONE training step (SNN forward
// over T steps + ANN forward/backward + Adam, batch 100, BN in its epoch-0 train mode) of our `proxy`
// trainer (bench/step-child.ts: the trainer's inner loop, in its own process) and of an independent
// PyTorch implementation of the authors' step (bench/peers/proxy_torch.py), on the same Fashion-MNIST
// images (the first ones of the seed's epoch-0 permutation), for the reference network
// `fmnist-paper` and a reduced-width one. Ours with --workers = all cores and 1; PyTorch with
// torch.set_num_threads = all cores and 1. A step of fmnist-paper is ~3 G multiply-adds per image,
// so only a few steps are timed (median after a warm-up step), not epochs.
import os from 'node:os';
import path from 'node:path';
import { rmSync, writeFileSync } from 'node:fs';
import { ALGORITHMS } from '../src/algorithms/registry.js';
import { DATASETS, loadDataset } from '../src/data/index.js';
import { epochPermutation } from '../src/train/rng.js';
import { ARCHITECTURES } from '../src/algorithms/proxy/models.js';
import type { ProxyConfig } from '../src/algorithms/proxy/network.js';
import { type Benchmark, ROOT, fmt, pick, runChild, sig, ratio } from './lib.js';
import { blasEnv, ensureFastBlas, ensurePython } from './peers.js';
import { stepCliEquivalent, type StepChildResult, type StepSpec } from './step-child.js';

const DATASET = 'fashion-mnist' as const;
const STEP_CHILD_JS = path.join(ROOT, 'dist', 'bench', 'step-child.js');

/** The proxy algorithm's resolved configuration for a model name (its T, threshold...). */
function proxyConfig(model: string): ProxyConfig {
  return ALGORITHMS.proxy.resolve({ model }, DATASET) as ProxyConfig;
}

export const proxyPeer: Benchmark = {
  name: 'proxy-peer',
  title: 'Proxy learning: one training step, ours vs PyTorch (same machine, same run)',
  about: 'images/s of one proxy-learning training step at batch 100 (SNN T steps + ANN forward/backward + Adam, BN train mode) for fmnist-paper and a reduced net: our trainer (--workers all cores and 1; 8 micro-shards or one per worker when more, fewer where the workspaces do not fit in wasm memory) vs an independent PyTorch implementation of the authors\' step (threads all cores and 1), same images.',
  async run(ctx) {
    const ncpu = os.availableParallelism();
    const P = pick(ctx.quick,
      { models: ['fmnist-paper', 'fmnist-small'], batch: 100, warmup: 1, steps: { 'fmnist-paper': 2, 'fmnist-small': 4 } as Record<string, number>, threads: [...new Set([ncpu, 1])], shards: 8, seed: 1 },
      { models: ['fmnist-small'], batch: 100, warmup: 1, steps: { 'fmnist-small': 1 } as Record<string, number>, threads: [...new Set([ncpu, 1])], shards: 8, seed: 1 });
    // SNN_PROXY_PEER_THREADS=16 / SNN_PROXY_PEER_MODELS=fmnist-small pick a subset (a many-core
    // machine's one-thread runs of fmnist-paper take minutes and say nothing new)
    const threadsEnv = process.env.SNN_PROXY_PEER_THREADS, modelsEnv = process.env.SNN_PROXY_PEER_MODELS;
    if (threadsEnv) {
      const th = threadsEnv.split(',').map(Number);
      if (th.some((x) => !Number.isInteger(x) || x < 1 || x > 256)) throw new Error(`SNN_PROXY_PEER_THREADS=${threadsEnv}: a comma-separated list of thread counts 1..256`);
      P.threads = [...new Set(th)];
    }
    if (modelsEnv) {
      const ms = modelsEnv.split(',');
      for (const m of ms) if (!(m in P.steps)) throw new Error(`SNN_PROXY_PEER_MODELS: unknown model "${m}" (known: ${Object.keys(P.steps).join(', ')})`);
      P.models = ms;
    }
    const archs = ARCHITECTURES;
    const errors: string[] = [];
    const mayInstall = !ctx.quick || ctx.flags.has('--install');
    const torchPy = await ensurePython('torch', 'python3-torch', mayInstall, ctx);
    ctx.log(`  torch: ${torchPy.python ? `${torchPy.python} (torch ${torchPy.version})` : `unavailable: ${torchPy.error}`}`);
    const blas = torchPy.python ? await ensureFastBlas(mayInstall, ctx) : { libblas: null, install: null };
    if (torchPy.python) ctx.log(`  system BLAS for torch: ${blas.libblas ?? 'unknown'}${blas.install ? ` (installed libopenblas0-pthread: ${blas.install.ok})` : ''}`);
    if (torchPy.error) { ctx.warn(`PyTorch peer not run: ${torchPy.error}`); errors.push(`torch: ${torchPy.error}`); }

    // the same images for both: the first ones of the seed's epoch-0 permutation (what step-child trains on)
    const info = DATASETS[DATASET];
    const tr = loadDataset(DATASET, 'train');
    const px = info.channels * info.height * info.width;
    const nImg = P.batch * (P.warmup + Math.max(...Object.values(P.steps)));
    const order = epochPermutation(P.seed, 0, tr.count);
    const buf = new Uint8Array(nImg * (px + 1));
    for (let i = 0; i < nImg; i++) {
      buf.set(tr.images.subarray(order[i] * px, (order[i] + 1) * px), i * px);
      buf[nImg * px + i] = tr.labels[order[i]];
    }
    const dataFile = path.join(os.tmpdir(), `snnwasm-proxy-peer-${process.pid}.u8`);
    writeFileSync(dataFile, buf);

    const rows: Record<string, unknown>[] = [];
    let torchMeta: { torch: string; numpy: string; blasInfo: string[]; parallelInfo: string[] } | null = null;
    const summary: string[] = [];
    try {
      for (const model of P.models) {
        const cfg = proxyConfig(model);
        const T = cfg.T;
        const steps = P.steps[model];
        // the PyTorch peer builds the same network from the same layer list
        const archArg = JSON.stringify({ name: model, input: [info.channels, info.height, info.width], classes: info.classes, layers: archs[model].layers });
        const ours: Record<number, StepChildResult | null> = {}, torch: Record<number, any> = {};
        const jobs: [string, () => Promise<void>][] = [];
        for (const th of P.threads) {
          {
            jobs.push([`ours ${model} workers ${th}`, async () => {
              // the trainer's default shard count (as many as workers, when more), or fewer when the
              // model's workspaces do not fit in wasm memory
              let r;
              for (let shards = Math.max(P.shards, th); ; shards >>= 1) {
                const spec: StepSpec = { algo: 'proxy', dataset: DATASET, flags: { model }, batchSize: P.batch, shards, workers: th, warmup: P.warmup, steps, seed: P.seed };
                r = await runChild(process.execPath, [STEP_CHILD_JS, JSON.stringify(spec)], { timeoutMs: 60 * 60_000 });
                if (!(r.error && /--shards/.test(r.stderr) && shards > 1)) break;
                ctx.log(`  ours ${model}: ${shards} shards do not fit in wasm memory, trying ${shards >> 1}`);
              }
              if (r.error) { errors.push(`ours ${model} workers ${th}: ${r.error}`); ctx.warn(`ours ${model} (${th} workers) failed: ${r.error}`); ours[th] = null; return; }
              ours[th] = r.result as StepChildResult;
              ctx.log(`  ours ${model} (--workers ${th}): ${fmt(ours[th]!.imagesPerSecond)} images/s (steps ${ours[th]!.stepSeconds.map((s) => s.toFixed(2)).join(', ')} s; load avg ${os.loadavg()[0].toFixed(2)})`);
            }]);
          }
          if (torchPy.python) {
            jobs.push([`torch ${model} threads ${th}`, async () => {
              const args = [path.join(ROOT, 'bench', 'peers', 'proxy_torch.py'), 'time', '--arch', archArg, '--data', dataFile, '--batch', String(P.batch), '--T', String(T), '--theta', String(cfg.theta),
                '--threads', String(th), '--warmup', String(P.warmup), '--steps', String(steps), '--distinct-batches', String(P.warmup + steps), '--rates'];
              const r = await runChild(torchPy.python!, args, { env: blasEnv(th), timeoutMs: 60 * 60_000 });
              if (r.error) { errors.push(`torch ${model} threads ${th}: ${r.error}`); ctx.warn(`torch ${model} (${th} threads) failed: ${r.error}`); torch[th] = null; return; }
              torch[th] = r.result;
              torchMeta ??= { torch: r.result.torch, numpy: r.result.numpy, blasInfo: r.result.blasInfo, parallelInfo: r.result.parallelInfo };
              ctx.log(`  torch ${model} (${th} threads): ${fmt(r.result.imagesPerSecond)} images/s (steps ${r.result.stepSeconds.map((s: number) => s.toFixed(2)).join(', ')} s; load avg ${os.loadavg()[0].toFixed(2)})`);
            }]);
          }
        }
        for (const [, job] of jobs) { await job(); ctx.monitor.sample(); }
        const per = P.threads.map((th) => {
          const o = ours[th] ?? null, t = torch[th] ?? null;
          return {
            threads: th,
            ours: o ? { imagesPerSecond: sig(o.imagesPerSecond), imagesPerCpuSecond: sig(o.imagesPerCpuSecond), stepCpuSeconds: o.stepCpuSeconds.map((x) => sig(x)), shards: o.spec.shards, stepSeconds: o.stepSeconds.map((x) => sig(x)), stepSecondsMedian: sig(o.stepSecondsMedian),
              warmupSeconds: o.warmupSeconds.map((x) => sig(x)), maxRssMiB: sig(o.maxRssMiB), wasmMemoryMiB: sig(o.wasmMemoryMiB), cli: stepCliEquivalent(o.spec) } : null,
            torch: t ? { imagesPerSecond: sig(t.imagesPerSecond), imagesPerCpuSecond: sig(t.imagesPerCpuSecond), stepCpuSeconds: t.stepCpuSeconds.map((x: number) => sig(x)), stepSeconds: t.stepSeconds.map((x: number) => sig(x)), stepSecondsMedian: sig(t.stepSecondsMedian),
              phasesMedian: Object.fromEntries(Object.entries(t.phasesMedian).map(([k, v]) => [k, sig(v as number)])), gmacPerSecond: sig(t.gmacPerSecond),
              maxRssMiB: sig(t.maxRssMiB), cpuSeconds: sig(t.cpuSeconds), cpuSystemSeconds: sig(t.cpuSystemSeconds), spikeRates: t.spikeRates } : null,
            oursOverTorch: o && t ? ratio(o.imagesPerSecond, t.imagesPerSecond) : null,
            // per CPU-second of the process (all its threads): less sensitive to other processes taking cores
            oursOverTorchPerCpuSecond: o && t ? ratio(o.imagesPerCpuSecond, t.imagesPerCpuSecond) : null,
          };
        });
        const t0 = Object.values(torch).find(Boolean);
        rows.push({ model, summary: archs[model].summary, theta: cfg.theta, chunk: cfg.chunk, T, batch: P.batch, warmup: P.warmup, steps, macsPerImage: t0?.macsPerImage ?? null, perThreads: per,
          oursDescribe: Object.values(ours).find(Boolean)?.describe ?? null });
        for (const x of per) {
          summary.push(`proxy ${model} (T ${T}, batch ${P.batch}), ${x.threads} thread${x.threads > 1 ? 's' : ''}: ours ${x.ours ? fmt(x.ours.imagesPerSecond) : 'n/a'} images/s vs PyTorch ${x.torch ? fmt(x.torch.imagesPerSecond) : 'n/a'} images/s` +
            (x.oursOverTorch !== null ? `: ours/PyTorch ${fmt(x.oursOverTorch)}× (goal > 1: ${x.oursOverTorch > 1 ? 'met' : 'NOT met'}); per CPU-second ${fmt(x.ours!.imagesPerCpuSecond)} vs ${fmt(x.torch!.imagesPerCpuSecond)} images: ${fmt(x.oursOverTorchPerCpuSecond!)}×` : ''));
        }
      }
    } finally {
      rmSync(dataFile, { force: true });
    }
    const tm = torchMeta as { torch: string; numpy: string; blasInfo: string[]; parallelInfo: string[] } | null; // set inside the jobs
    const torchInfo = { python: torchPy, systemBlas: blas, ...(tm ?? {}) };
    for (const e of errors) summary.push(`error: ${e}`);
    return { params: P, results: { configs: rows, torch: torchInfo, errors }, summary };
  },
};
