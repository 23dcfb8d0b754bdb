// The piscina worker entry: instantiate the shared kernel module over the shared memory, rebuild the
// model's layout (same allocation order, so every tensor lands at the main thread's offset), and run
// shard tasks. A worker keeps no state between tasks except that layout.
import { workerData } from 'node:worker_threads';
import { instantiateKernels } from '../src/wasm/module.js';
import { Arena } from '../src/wasm/arena.js';
import { ALGORITHMS } from '../src/algorithms/registry.js';
import type { ImageSource, ShardOutcome } from '../src/algorithms/types.js';
import type { WorkerInit, WorkerTask } from '../src/pool/protocol.js';

const init = workerData as WorkerInit;
const { kernels, heapBase } = instantiateKernels(init.memory, 'fast', init.module);
const arena = new Arena(init.memory, heapBase);
const algo = ALGORITHMS[init.algorithm];
const model = algo.create({ arena, kernels, nInput: init.nInput, nClasses: init.nClasses }, init.config);
model.createShards(init.shards);
if (arena.used !== init.arenaUsed) {
  throw new Error(`worker layout mismatch: arena ends at ${arena.used}, main thread at ${init.arenaUsed}`);
}
const data: Record<'train' | 'test', ImageSource> = {
  train: { images: new Uint8Array(init.trainImages), labels: new Uint8Array(init.trainLabels), pixels: init.pixels },
  test: { images: new Uint8Array(init.testImages), labels: new Uint8Array(init.testLabels), pixels: init.pixels },
};

export default function runTasks(t: WorkerTask): ShardOutcome[] {
  return t.tasks.map((task) => {
    const n = Atomics.add(init.faults, 0, 1) + 1;
    if (n === init.faults[1]) throw new Error(`injected fault: task ${n} throws`);
    const out = model.runShard(task, data[t.set]);
    // an injected death after the shard's gradient was written: the re-run must give the same result
    if (n === init.faults[2]) process.exit(1);
    return out;
  });
}
