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
      filename: fileURLToPath(new URL('../../workers/shard-worker.js', import.meta.url)),
      minThreads: opts.workers, maxThreads: opts.workers, idleTimeout: 60_000, workerData, execArgv: workerExecArgv(),
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

/**
 * The workers' Node flags: the parent's, plus --no-experimental-require-module where Node knows it.
 * piscina loads its task file with require() first; on Node 20.19+ that loads our ES module through the
 * synchronous require(esm) path, and a worker terminated while in it (the pool closed or replaced a
 * worker that had just died) aborts the whole process: "v8::Module::IsGraphAsync must be used on an
 * instantiated module" or "Assertion failed: facade->InstantiateModule(...)" (seen once in CI, after
 * pool.test's injected worker deaths). With require(esm) off, require() fails at once and piscina falls
 * back to import(), whose termination Node handles. Measured with scripts/pool-teardown-crash.mjs and its
 * first draft (two processes side by side, Node 20.20.2): 8 of 10 runs aborted without the flag, 0 of 12 with it.
 */
function workerExecArgv(): string[] {
  const flag = '--no-experimental-require-module';
  const inherited = process.execArgv;
  return process.allowedNodeEnvironmentFlags.has(flag) && !inherited.includes(flag) ? [...inherited, flag] : [...inherited];
}
