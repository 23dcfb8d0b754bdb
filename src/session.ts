// Library entry for building a model: one shared wasm memory, the kernels bound to it, an arena,
// and the algorithm's model for a dataset's input size. The CLI and the tests start here.
import { createSharedMemory, instantiateKernels } from './wasm/module.js';
import { Arena } from './wasm/arena.js';
import type { KernelVariant, KernelSet } from './wasm/kernels.js';
import type { AlgorithmEntry, Model } from './algorithms/types.js';
import { DATASETS, type DatasetName } from './data/index.js';

export interface Session { arena: Arena; kernels: KernelSet; model: Model; config: unknown }

export function createSession(algorithm: AlgorithmEntry, dataset: DatasetName, flags: Record<string, unknown> = {},
  variant: KernelVariant = 'fast'): Session {
  const info = DATASETS[dataset];
  const config = algorithm.resolve(flags, dataset);
  const memory = createSharedMemory();
  const { kernels, heapBase } = instantiateKernels(memory, variant);
  const arena = new Arena(memory, heapBase);
  const model = algorithm.create({ arena, kernels, nInput: info.channels * info.height * info.width, nClasses: info.classes }, config);
  return { arena, kernels, model, config };
}
