// The piscina worker entry: instantiate the shared kernel module over the shared memory, rebuild the
// model's layout (same allocation order, so every tensor lands at the main thread's offset), and run
// shard tasks. A worker keeps no state between tasks except that layout.
import { workerData } from 'node:worker_threads';
import type { ShardOutcome, ShardTask } from '../src/algorithms/types.js';
import type { ClaimedOutcome, WorkerInit, WorkerTask } from '../src/pool/protocol.js';
import { buildWorkerModel } from '../src/pool/worker-model.js';

const init = workerData as WorkerInit;
const { model, data } = buildWorkerModel(init);

function runTask(set: WorkerTask['set'], task: ShardTask): ShardOutcome {
  const n = Atomics.add(init.faults, 0, 1) + 1;
  if (n === init.faults[1]) throw new Error(`injected fault: task ${n} throws`);
  const out = model.runShard(task, data[set]);
  // an injected death after the shard's gradient was written: the re-run must give the same result
  if (n === init.faults[2]) process.exit(1);
  return out;
}

export default function runTasks(t: WorkerTask): ShardOutcome[] | ClaimedOutcome[] {
  if (!t.claim) return t.tasks.map((task) => runTask(t.set, task));
  const done: ClaimedOutcome[] = [];
  for (let i = Atomics.add(t.claim, 0, 1); i < t.tasks.length; i = Atomics.add(t.claim, 0, 1)) done.push([i, runTask(t.set, t.tasks[i])]);
  return done;
}
