// Executors run shard tasks: inline on the calling thread, or on a piscina pool of worker threads
// that share the model's wasm memory, the calling thread taking tasks beside them. All give identical
// results (tasks are pure functions of the shared parameters and their own workspace, and outcomes
// are returned in task order), so the worker count never changes a number.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { Model, ShardOutcome, ShardTask, ImageSource } from '../algorithms/types.js';
import { SnnError } from '../errors.js';
import type { ClaimedOutcome, WorkerInit, WorkerTask } from './protocol.js';

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
  /** The calling thread takes part: it claims tasks from the same shared cursor as the pool's threads,
   *  running them on its own model (the same shared memory), and the pool has workers - 1 threads.
   *  Why: a thread that sleeps while others compute takes 0.08-0.15 ms to wake on this virtual machine
   *  (scripts/pool-wake-latency.mjs), paid twice per step when the caller only waits; a caller that
   *  computes needs no waking, and a late-waking worker simply claims fewer tasks. */
  main?: { model: Model; data: Record<DataSet, ImageSource> };
}

export class PoolExecutor implements Executor {
  private readonly pool: Piscina;
  private failures = 0;
  readonly workers: number;
  /** threads of the piscina pool: workers, or workers - 1 when the calling thread takes part */
  private readonly threads: number;
  /** the next unclaimed task of the run in progress (main-takes-part mode) */
  private readonly cursor = new Int32Array(new SharedArrayBuffer(4));
  constructor(private readonly opts: PoolOptions) {
    this.workers = opts.workers;
    this.threads = opts.main ? opts.workers - 1 : opts.workers;
    if (!(this.threads >= 1)) throw new Error(`a pool needs at least one thread (workers ${opts.workers}${opts.main ? ', the calling thread included' : ''})`);
    const faults = new Int32Array(new SharedArrayBuffer(16));
    if (opts.faults) { faults[1] = opts.faults[0]; faults[2] = opts.faults[1]; }
    const workerData: WorkerInit = { ...opts.init, faults };
    this.pool = new Piscina({
      // the CommonJS shim, not the ES module itself: see workers/shard-worker-entry.cts
      filename: fileURLToPath(new URL('../../workers/shard-worker-entry.cjs', import.meta.url)),
      minThreads: this.threads, maxThreads: this.threads, idleTimeout: 60_000, workerData,
      // a thread per core at most two tasks deep: tasks are milliseconds, queueing is cheap
      concurrentTasksPerWorker: 1,
    });
  }
  get recovered(): number { return this.failures; }

  async run(set: DataSet, tasks: ShardTask[]): Promise<ShardOutcome[]> {
    if (!this.opts.main) return this.runGroups(set, tasks);
    // every pool thread and the calling thread claim tasks from one cursor until none is left
    const n = tasks.length, out = new Array<ShardOutcome | undefined>(n);
    this.cursor[0] = 0;
    const helpers: Promise<ClaimedOutcome[]>[] = [];
    for (let k = 0; k < Math.min(this.threads, n - 1); k++) helpers.push(this.pool.run({ set, tasks, claim: this.cursor }) as Promise<ClaimedOutcome[]>);
    const { model, data } = this.opts.main;
    for (let i = Atomics.add(this.cursor, 0, 1); i < n; i = Atomics.add(this.cursor, 0, 1)) {
      // a task that throws here is left undone and re-run on the pool below, where its attempts are counted
      try { out[i] = model.runShard(tasks[i], data[set]); } catch { /* re-run below */ }
    }
    for (const r of await Promise.allSettled(helpers)) {
      if (r.status === 'fulfilled') for (const [i, o] of r.value) out[i] = o;
      else this.failures++; // a thread threw or died: every task it had claimed is re-run
    }
    const undone = tasks.filter((_, i) => out[i] === undefined);
    if (undone.length) {
      const again = await this.runGroups(set, undone);
      let k = 0;
      for (let i = 0; i < n; i++) if (out[i] === undefined) out[i] = again[k++];
    }
    return out as ShardOutcome[];
  }

  /** Cuts the tasks into one contiguous group per pool thread (groups differ in size by at most one
   *  task): one message, one wake-up and one reply per thread per step instead of per shard. Which
   *  thread runs a group never changes a result, and outcomes come back in task order. */
  private async runGroups(set: DataSet, tasks: ShardTask[]): Promise<ShardOutcome[]> {
    const groups = Math.min(tasks.length, this.threads);
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
