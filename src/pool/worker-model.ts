// What a pool worker builds from its WorkerInit before running shard tasks: the shared kernel module
// instantiated over the shared memory, the model's layout rebuilt in the same allocation order (so every
// tensor lands at the main thread's offset; checked), and views of the shared images. The piscina worker
// (workers/shard-worker.ts) and scripts that time shard tasks in a worker of their own start here.
import { instantiateKernels } from '../wasm/module.js';
import { Arena } from '../wasm/arena.js';
import { ALGORITHMS } from '../algorithms/registry.js';
import type { ImageSource, Model } from '../algorithms/types.js';
import type { WorkerInit } from './protocol.js';

export interface WorkerModel { model: Model; data: Record<'train' | 'test', ImageSource> }

export function buildWorkerModel(init: Omit<WorkerInit, 'faults'>): WorkerModel {
  const { kernels, heapBase } = instantiateKernels(init.memory, 'fast', init.module);
  const arena = new Arena(init.memory, heapBase);
  const model = ALGORITHMS[init.algorithm].create({ arena, kernels, nInput: init.nInput, nClasses: init.nClasses }, init.config);
  model.createShards(init.shards);
  if (arena.used !== init.arenaUsed) {
    throw new Error(`worker layout mismatch: arena ends at ${arena.used}, main thread at ${init.arenaUsed}`);
  }
  return {
    model,
    data: {
      train: { images: init.trainImages, labels: init.trainLabels, pixels: init.pixels },
      test: { images: init.testImages, labels: init.testLabels, pixels: init.pixels },
    },
  };
}
