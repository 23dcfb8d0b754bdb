// Worker of scripts/pool-cache-migration.mjs: rebuilds the model over the shared memory exactly as
// workers/shard-worker.ts does, then runs each shard task twice and returns both compute times (ms).
import { workerData } from 'node:worker_threads';
import { instantiateKernels } from '../../dist/src/wasm/module.js';
import { Arena } from '../../dist/src/wasm/arena.js';
import { ALGORITHMS } from '../../dist/src/algorithms/registry.js';

const init = workerData;
const { kernels, heapBase } = instantiateKernels(init.memory, 'fast', init.module);
const arena = new Arena(init.memory, heapBase);
const model = ALGORITHMS[init.algorithm].create({ arena, kernels, nInput: init.nInput, nClasses: init.nClasses }, init.config);
model.createShards(init.shards);
if (arena.used !== init.arenaUsed) throw new Error(`worker layout mismatch: ${arena.used} vs ${init.arenaUsed}`);
const data = { images: new Uint8Array(init.trainImages), labels: new Uint8Array(init.trainLabels), pixels: init.pixels };

// a task's gradient is a pure function of the parameters and its samples (the trainer relies on that to re-run a
// failed task), so the second run recomputes the same shard gradient, now from this core's caches
export default function runTwice(tasks) {
  let first = 0, second = 0;
  for (const task of tasks) {
    const a = performance.now(); model.runShard(task, data);
    const b = performance.now(); model.runShard(task, data);
    first += b - a; second += performance.now() - b;
  }
  return [first, second];
}
