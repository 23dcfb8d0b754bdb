// Shared test helpers: a fresh kernel instance over its own memory, a small deterministic PRNG, MNIST for the trainer.
import { createSharedMemory, instantiateKernels } from '../src/wasm/module.js';
import { Arena } from '../src/wasm/arena.js';
import type { KernelSet, KernelVariant } from '../src/wasm/kernels.js';
import { sharedImages } from '../src/session.js';
import { loadDataset } from '../src/data/index.js';

export function kernelEnv(variant: KernelVariant = 'fast'): { k: KernelSet; arena: Arena } {
  const memory = createSharedMemory();
  const inst = instantiateKernels(memory, variant);
  return { k: inst.kernels, arena: new Arena(memory, inst.heapBase) };
}

/** Both variants over ONE memory, so the same buffers can be fed to each. */
export function pairedEnv(): { fast: KernelSet; ref: KernelSet; arena: Arena } {
  const memory = createSharedMemory();
  const a = instantiateKernels(memory, 'fast');
  const b = instantiateKernels(memory, 'ref');
  return { fast: a.kernels, ref: b.kernels, arena: new Arena(memory, a.heapBase) };
}

/** xorshift32: test data only (training uses the counter-based Philox streams). */
export function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
}

export const shared = new URL('../../../shared/data', import.meta.url).pathname;

/** MNIST as the trainer takes it: both splits copied once into SharedArrayBuffers (the sets themselves beside). */
export function mnistTrainerData() {
  const trainSet = loadDataset('mnist', 'train'), testSet = loadDataset('mnist', 'test');
  return {
    trainSet, testSet,
    data: {
      dataset: 'mnist',
      train: { ...sharedImages(trainSet.images, trainSet.labels, 784), count: trainSet.count },
      test: { ...sharedImages(testSet.images, testSet.labels, 784), count: testSet.count },
    },
  };
}
