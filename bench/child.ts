// One training run in its own process, so that its peak RSS is its own: the library API's real
// trainer (src/train/trainer.ts: the same loop as `snnwasm train`), one epoch over the first
// `samples` MNIST training images, then a short evaluation. Reports samples/s of the training loop
// (the trainer's own timing, evaluation excluded), peak RSS, checkpoint and .npy sizes, and the sizes of the
// model's exports (`snnwasm export`: NIR graph, packed binary model; null where the model has no such form).
//   node dist/bench/child.js '<json TrainSpec>'
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ALGORITHMS } from '../src/algorithms/registry.js';
import { createExecutor, createSession, sharedImages } from '../src/session.js';
import { loadDataset } from '../src/data/index.js';
import { train, CHECKPOINT_FILE } from '../src/train/trainer.js';
import { reportToParent } from './lib.js';
import { writeNirFile } from '../src/interop/nir-hdf5.js';
import { savePackedModel } from '../src/io/packed-model.js';
import { UsageError } from '../src/errors.js';
import type { EvalStats } from '../src/algorithms/types.js';

export interface TrainSpec {
  algo: string;
  flags: Record<string, unknown>;
  batchSize: number;
  shards: number;
  workers: number;
  samples: number;
  limitTest: number;
  seed: number;
}

export interface TrainChildResult {
  spec: TrainSpec;
  samplesPerSecond: number;
  trainSeconds: number;
  samples: number;
  loadSeconds: number;
  testAccuracy: Record<string, number>;
  testImages: number;
  /** share of the test images on which no output neuron answered (TTFS: no output spike; counts: all outputs at
   *  the same count, e.g. all silent), from the model's evaluation statistics; null where it does not say */
  testOutputSilentShare: number | null;
  maxRssMiB: number;
  wasmMemoryMiB: number;
  checkpointBytes: number;
  npyBytes: number;
  npyFiles: string[];
  /** `snnwasm export --format nir` / `--format packed` file sizes; null: the model has no such form */
  nirBytes: number | null;
  packedBytes: number | null;
  cpuSeconds: number;
  layers: unknown;
}

/** The CLI command doing the same run (for the report's "reproduce by hand" line). */
export function cliEquivalent(s: TrainSpec): string {
  const flags = Object.entries(s.flags).map(([k, v]) => `--${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} ${Array.isArray(v) ? v.join(',') : v}`);
  return ['node dist/src/cli/main.js train', `--algo ${s.algo}`, '--dataset mnist', ...flags, `--batch-size ${s.batchSize}`, `--shards ${s.shards}`,
    `--workers ${s.workers}`, `--seed ${s.seed}`, '--epochs 1', `--limit-train ${s.samples}`, `--limit-test ${s.limitTest}`, '--no-progress', '--out $(mktemp -d)/run'].join(' ');
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]) as TrainSpec;
  const algo = ALGORITHMS[spec.algo];
  if (!algo) throw new Error(`unknown algorithm ${spec.algo}`);
  const t0 = performance.now();
  const tr = loadDataset('mnist', 'train'), te = loadDataset('mnist', 'test');
  const data = {
    dataset: 'mnist',
    train: { ...sharedImages(tr.images, tr.labels, 784), count: tr.count },
    test: { ...sharedImages(te.images, te.labels, 784), count: te.count },
  };
  const loadSeconds = (performance.now() - t0) / 1000;
  const session = createSession(algo, 'mnist', spec.flags, { shards: spec.shards });
  const executor = createExecutor(session, data, spec.workers);
  const dir = mkdtempSync(path.join(tmpdir(), 'snnwasm-bench-'));
  try {
    const summary = await train({
      algorithm: algo, config: session.config, epochs: 1, batchSize: spec.batchSize, shards: spec.shards, seed: spec.seed, outDir: dir,
      resume: false, keepCheckpoints: 1, progress: false, limitTrain: spec.samples, limitTest: spec.limitTest, finiteCheckEvery: 1000, log: () => {},
    }, data, session.model, executor);
    const rec = summary.final!;
    const wdir = path.join(dir, 'weights');
    const npyFiles = readdirSync(wdir).filter((f) => f.endsWith('.npy')).sort();
    // peak RSS and CPU of the training run itself, before the exports load h5wasm
    const maxRssMiB = process.resourceUsage().maxRSS / 1024;
    const cpu = process.cpuUsage();
    // the exports, as `snnwasm export` writes them (a UsageError: this model has no such form)
    const sizeOf = async (file: string, write: () => Promise<void> | void): Promise<number | null> => {
      try { await write(); return statSync(file).size; } catch (e) { if (e instanceof UsageError) return null; throw e; }
    };
    const nirBytes = await sizeOf(path.join(dir, 'model.nir'), () => writeNirFile(path.join(dir, 'model.nir'), session.model.toNir()));
    const packedBytes = session.model.packedState
      ? await sizeOf(path.join(dir, 'model.snnb'), () => savePackedModel(path.join(dir, 'model.snnb'), { algorithm: spec.algo, config: session.config }, session.model.packedState!()))
      : null;
    const out: TrainChildResult = {
      spec, samplesPerSecond: rec.samplesPerSecond, trainSeconds: rec.seconds, samples: rec.samples, loadSeconds,
      testAccuracy: rec.test.accuracy, testImages: rec.test.n, testOutputSilentShare: outputSilentShare(rec.test.stats, rec.test.n),
      maxRssMiB,
      wasmMemoryMiB: session.memory.buffer.byteLength / 2 ** 20,
      checkpointBytes: statSync(path.join(dir, CHECKPOINT_FILE)).size,
      npyBytes: npyFiles.reduce((a, f) => a + statSync(path.join(wdir, f)).size, 0), npyFiles, nirBytes, packedBytes,
      cpuSeconds: (cpu.user + cpu.system) / 1e6, layers: session.model.describe().layers,
    };
    reportToParent(out);
  } finally {
    await executor.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  main().catch((e) => { process.stderr.write(`${(e as Error).stack ?? e}\n`); process.exit(1); });
}

/** The evaluation statistics' output silence: TTFS models (S4NN, BS4NN, STiDi-BP) count the test images with no
 *  output spike (noOutputSpike); the others do not say (the proxy's layer spike rates are over its longest
 *  evaluation T, not per image). */
function outputSilentShare(stats: EvalStats, n: number): number | null {
  return typeof stats.noOutputSpike === 'number' && n ? stats.noOutputSpike / n : null;
}
