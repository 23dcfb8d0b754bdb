// The piscina worker entry: instantiate the shared kernel module over the shared memory, rebuild the
// model's layout (same allocation order, so every tensor lands at the main thread's offset), and run
// shard tasks. A worker keeps no state between tasks except that layout.
import { workerData } from 'node:worker_threads';
import type { ShardOutcome } from '../src/algorithms/types.js';
import type { WorkerInit, WorkerTask } from '../src/pool/protocol.js';
import { buildWorkerModel } from '../src/pool/worker-model.js';

const init = workerData as WorkerInit;
const { model, data } = buildWorkerModel(init);

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
