// Times single minibatch training steps of any algorithm in its own process: the trainer's inner
// loop (src/train/minibatch-step.ts: shard tasks -> executor.run -> model.applyShards) on
// the first images of a permutation of the training set, `warmup` untimed steps then `steps` timed
// ones. Used where an epoch slice is too long to time (proxy learning on fmnist-paper: ~3 G
// multiply-adds per image). Reports per-step seconds, images/s (batch / median step), peak RSS.
//   node dist/bench/step-child.js '<json StepSpec>'
import path from 'node:path';
import { ALGORITHMS } from '../src/algorithms/registry.js';
import { createExecutor, createSession, sharedImages } from '../src/session.js';
import { loadDataset, type DatasetName } from '../src/data/index.js';
import { minibatchStep } from '../src/train/minibatch-step.js';
import { epochPermutation } from '../src/train/rng.js';
import { reportToParent } from './lib.js';

export interface StepSpec {
  algo: string;
  dataset: DatasetName;
  flags: Record<string, unknown>;
  batchSize: number;
  shards: number;
  workers: number;
  warmup: number;
  steps: number;
  seed: number;
}

export interface StepChildResult {
  spec: StepSpec;
  stepSeconds: number[];
  stepSecondsMedian: number;
  imagesPerSecond: number;
  warmupSeconds: number[];
  /** CPU seconds (all threads of the process) of each timed step, and batch / their median */
  stepCpuSeconds: number[];
  imagesPerCpuSecond: number;
  setupSeconds: number;
  maxRssMiB: number;
  wasmMemoryMiB: number;
  cpuSeconds: number;
  describe: Record<string, unknown>;
}

/** The CLI command training the same configuration (an epoch slice of it). */
export function stepCliEquivalent(s: StepSpec): string {
  const flags = Object.entries(s.flags).map(([k, v]) => `--${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} ${Array.isArray(v) ? v.join(',') : v}`);
  return ['node dist/src/cli/main.js train', `--algo ${s.algo}`, `--dataset ${s.dataset}`, ...flags, `--batch-size ${s.batchSize}`, `--shards ${s.shards}`,
    `--workers ${s.workers}`, `--seed ${s.seed}`, '--epochs 1', `--limit-train ${(s.warmup + s.steps) * s.batchSize}`, '--limit-test 100', '--no-progress', '--out $(mktemp -d)/run'].join(' ');
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]) as StepSpec;
  const algo = ALGORITHMS[spec.algo];
  if (!algo) throw new Error(`algorithm "${spec.algo}" is not in this build (registry: ${Object.keys(ALGORITHMS).join(', ')})`);
  const t0 = performance.now();
  const tr = loadDataset(spec.dataset, 'train');
  const px = tr.images.length / tr.count;
  const n = (spec.warmup + spec.steps) * spec.batchSize;
  if (n > tr.count) throw new Error(`${n} images needed, the training set has ${tr.count}`);
  const train = { ...sharedImages(tr.images, tr.labels, px), count: tr.count };
  const data = { dataset: spec.dataset, train, test: train };
  const session = createSession(algo, spec.dataset, spec.flags, { shards: spec.shards });
  session.model.initialise(spec.seed);
  const executor = createExecutor(session, data, spec.workers);
  const setupSeconds = (performance.now() - t0) / 1000;
  const order = epochPermutation(spec.seed, 0, tr.count);
  const times: number[] = [], cpus: number[] = [];
  try {
    for (let s = 0; s < spec.warmup + spec.steps; s++) {
      const a = s * spec.batchSize;
      const c0 = process.cpuUsage(); // this process: the main thread and the pool's worker threads
      const ts = performance.now();
      await minibatchStep(executor, session.model, order.subarray(a, a + spec.batchSize), spec.shards);
      times.push((performance.now() - ts) / 1000);
      const c = process.cpuUsage(c0);
      cpus.push((c.user + c.system) / 1e6);
      process.stderr.write(`step ${s}${s < spec.warmup ? ' (warm-up)' : ''}: ${times[s].toFixed(3)} s\n`);
    }
    session.model.checkFinite(spec.warmup + spec.steps);
  } finally {
    await executor.close();
  }
  const timed = times.slice(spec.warmup).sort((x, y) => x - y);
  const med = timed.length % 2 ? timed[(timed.length - 1) / 2] : (timed[timed.length / 2 - 1] + timed[timed.length / 2]) / 2;
  const cpu = process.cpuUsage();
  const tc = cpus.slice(spec.warmup).sort((x, y) => x - y);
  const medCpu = tc.length % 2 ? tc[(tc.length - 1) / 2] : (tc[tc.length / 2 - 1] + tc[tc.length / 2]) / 2;
  const out: StepChildResult = {
    spec, stepSeconds: times.slice(spec.warmup), stepSecondsMedian: med, imagesPerSecond: spec.batchSize / med, warmupSeconds: times.slice(0, spec.warmup),
    stepCpuSeconds: cpus.slice(spec.warmup), imagesPerCpuSecond: spec.batchSize / medCpu,
    setupSeconds, maxRssMiB: process.resourceUsage().maxRSS / 1024, wasmMemoryMiB: session.memory.buffer.byteLength / 2 ** 20,
    cpuSeconds: (cpu.user + cpu.system) / 1e6, describe: session.model.describe(),
  };
  reportToParent(out);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  main().catch((e) => { process.stderr.write(`${(e as Error).stack ?? e}\n`); process.exit(1); });
}
