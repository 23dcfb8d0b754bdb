// Executors run shard tasks: inline on the calling thread, or on a piscina pool of worker threads
// that share the model's wasm memory. Both give identical results (tasks are pure functions of the
// shared parameters and their own workspace), so the worker count never changes a number.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { Model, ShardOutcome, ShardTask, ImageSource } from '../algorithms/types.js';
import { SnnError } from '../errors.js';
import type { WorkerInit, WorkerTask } from './protocol.js';

export type DataSet = 'train' | 'test';

export interface Executor {
  readonly workers: number;
  run(set: DataSet, tasks: ShardTask[]): Promise<ShardOutcome[]>;
  /** failures seen and recovered from (re-run tasks) */
  readonly recovered: number;
  close(): Promise<void>;
}

export class InlineExecutor implements Executor {
  readonly workers = 1;
  readonly recovered = 0;
  constructor(private readonly model: Model, private readonly data: Record<DataSet, ImageSource>) {}
  async run(set: DataSet, tasks: ShardTask[]): Promise<ShardOutcome[]> {
    return tasks.map((t) => this.model.runShard(t, this.data[set]));
  }
  async close(): Promise<void> {}
}

export interface PoolOptions {
  workers: number;
  /** attempts per task before the run stops (a task that fails is re-run; piscina replaces dead workers) */
  maxAttempts: number;
  init: Omit<WorkerInit, 'faults'>;
  /** test hook: [task number to throw at, task number to exit at] (1-based, counted across the pool) */
  faults?: [number, number];
}

export class PoolExecutor implements Executor {
  private readonly pool: Piscina;
  private failures = 0;
  readonly workers: number;
  constructor(private readonly opts: PoolOptions) {
    this.workers = opts.workers;
    const faults = new Int32Array(new SharedArrayBuffer(16));
    if (opts.faults) { faults[1] = opts.faults[0]; faults[2] = opts.faults[1]; }
    const workerData: WorkerInit = { ...opts.init, faults };
    this.pool = new Piscina({
      // the CommonJS shim, not the ES module itself: see workers/shard-worker-entry.cts
      filename: fileURLToPath(new URL('../../workers/shard-worker-entry.cjs', import.meta.url)),
      minThreads: opts.workers, maxThreads: opts.workers, idleTimeout: 60_000, workerData,
      // a thread per core at most two tasks deep: tasks are milliseconds, queueing is cheap
      concurrentTasksPerWorker: 1,
    });
  }
  get recovered(): number { return this.failures; }

  /** Cuts the tasks into one contiguous group per worker (groups differ in size by at most one task):
   *  one message, one wake-up and one reply per worker per step instead of per shard. Which worker runs
   *  a group never changes a result, and outcomes come back in task order. */
  async run(set: DataSet, tasks: ShardTask[]): Promise<ShardOutcome[]> {
    const groups = Math.min(tasks.length, this.workers);
    const runs: Promise<ShardOutcome[]>[] = [];
    for (let g = 0; g < groups; g++) {
      const a = Math.floor((g * tasks.length) / groups), b = Math.floor(((g + 1) * tasks.length) / groups);
      runs.push(this.runGroup({ set, tasks: tasks.slice(a, b) }));
    }
    return (await Promise.all(runs)).flat();
  }

  /** A group that throws or loses its worker is re-run whole: tasks are pure, so the result is unchanged. */
  private async runGroup(t: WorkerTask): Promise<ShardOutcome[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.pool.run(t)) as ShardOutcome[];
      } catch (e) {
        this.failures++;
        if (attempt >= this.opts.maxAttempts) {
          const shards = t.tasks.map((x) => x.shard).join(',');
          throw new SnnError(`shard${t.tasks.length > 1 ? "s" : ""} ${shards} failed ${attempt} times on worker threads (last: ${(e as Error).message}); the run stops, the last checkpoint is intact`);
        }
      }
    }
  }

  async close(): Promise<void> { await this.pool.destroy(); }
}

export function defaultWorkers(): number { return availableParallelism(); }
