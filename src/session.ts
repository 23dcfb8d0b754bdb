// Library entry for building a model: one shared wasm memory, the kernels bound to it, an arena,
// the algorithm's model for a dataset's input size with its micro-shard workspaces, and an executor
// (inline or a worker pool over the same memory). The CLI and the tests start here.
import { compileKernelModule, createSharedMemory, instantiateKernels } from './wasm/module.js';
import { Arena } from './wasm/arena.js';
import type { KernelVariant, KernelSet } from './wasm/kernels.js';
import type { AlgorithmEntry, ImageSource, Model } from './algorithms/types.js';
import { DATASETS, inShared, type DatasetName } from './data/index.js';
import { InlineExecutor, PoolExecutor, type Executor } from './pool/executor.js';
import type { WorkerInit } from './pool/protocol.js';

export const DEFAULT_SHARDS = 8;

export interface Session { arena: Arena; kernels: KernelSet; model: Model; config: unknown; shards: number;
  memory: WebAssembly.Memory; arenaUsed: number; nInput: number; nClasses: number; algorithm: AlgorithmEntry }

export function createSession(algorithm: AlgorithmEntry, dataset: DatasetName, flags: Record<string, unknown> = {},
  opts: { variant?: KernelVariant; shards?: number } = {}): Session {
  const info = DATASETS[dataset];
  const config = algorithm.resolve(flags, dataset);
  const memory = createSharedMemory();
  const { kernels, heapBase } = instantiateKernels(memory, opts.variant ?? 'fast');
  const arena = new Arena(memory, heapBase);
  const nInput = info.channels * info.height * info.width, nClasses = info.classes;
  const model = algorithm.create({ arena, kernels, nInput, nClasses }, config);
  const shards = opts.shards ?? DEFAULT_SHARDS;
  model.createShards(shards);
  return { arena, kernels, model, config, shards, memory, arenaUsed: arena.used, nInput, nClasses, algorithm };
}

/** Images and labels in SharedArrayBuffers, so every worker reads the same bytes: loadDataset's arrays as they
 *  are (they already live in one), anything else copied once. */
export function sharedImages(images: Uint8Array, labels: Uint8Array, pixels: number): ImageSource {
  return { images: inShared(images), labels: inShared(labels), pixels };
}

/** workers <= 1: run shards inline on this thread; otherwise this thread and a piscina pool of
 *  workers - 1 threads sharing the memory. `mainWaits`: a pool of `workers` threads while this thread
 *  only waits (what the pool did before the calling thread took part; benchmarks compare the two). A
 *  fault hook with workers <= 1 gives a 1-thread pool (the tests' and benchmarks' pool without
 *  parallelism). */
export function createExecutor(s: Session, data: { train: ImageSource; test: ImageSource }, workers: number,
  faults?: [number, number], mainWaits = false): Executor {
  if (workers <= 1 && !faults) return new InlineExecutor(s.model, data);
  const main = workers >= 2 && !mainWaits ? { model: s.model, data } : undefined;
  return new PoolExecutor({ workers: Math.max(1, workers), maxAttempts: 4, faults, init: workerInit(s, data), main });
}

/** What a pool worker needs to rebuild the session's model over the same memory (src/pool/worker-model.ts). */
export function workerInit(s: Session, data: { train: ImageSource; test: ImageSource }): Omit<WorkerInit, 'faults'> {
  const shared = (x: Uint8Array) => {
    if (!(x.buffer instanceof SharedArrayBuffer)) throw new Error('pool data must live in SharedArrayBuffers (use sharedImages)');
    return x; // a view: structured cloning gives the worker a view of the same memory, offset and length kept
  };
  return { module: compileKernelModule(), memory: s.memory, algorithm: s.algorithm.name, config: s.config, nInput: s.nInput,
    nClasses: s.nClasses, shards: s.shards, arenaUsed: s.arenaUsed, pixels: data.train.pixels,
    trainImages: shared(data.train.images), trainLabels: shared(data.train.labels),
    testImages: shared(data.test.images), testLabels: shared(data.test.labels) };
}
