// Worker of scripts/pool-cache-migration.mjs: the model rebuilt as the pool's workers build it
// (src/pool/worker-model.ts), then each shard task run twice, returning both compute times (ms).
import { workerData } from 'node:worker_threads';
import { buildWorkerModel } from '../../dist/src/pool/worker-model.js';

const { model, data } = buildWorkerModel(workerData);

// a task's gradient is a pure function of the parameters and its samples (the trainer relies on that to re-run a
// failed task), so the second run recomputes the same shard gradient, now from this core's caches
export default function runTwice(tasks) {
  let first = 0, second = 0;
  for (const task of tasks) {
    const a = performance.now(); model.runShard(task, data.train);
    const b = performance.now(); model.runShard(task, data.train);
    first += b - a; second += performance.now() - b;
  }
  return [first, second];
}
