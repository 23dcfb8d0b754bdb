// What the main thread hands a worker once (workerData) and per task. Everything large is shared:
// the compiled module, the wasm memory holding the parameters and every shard's workspace, and the
// images; a task carries only its shard number and sample indices.
import type { ShardOutcome, ShardTask } from '../algorithms/types.js';

export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  algorithm: string;
  config: unknown;
  nInput: number;
  nClasses: number;
  shards: number;
  /** the arena's end after building the model and its shards on the main thread: the worker checks it
   *  reproduced the same layout */
  arenaUsed: number;
  pixels: number;
  /** views of SharedArrayBuffers (a dataset's images start after its file's header: offset kept) */
  trainImages: Uint8Array; trainLabels: Uint8Array;
  testImages: Uint8Array; testLabels: Uint8Array;
  /** [tasks started, throw at task #, exit at task #, spare] for fault-injection tests */
  faults: Int32Array;
}

/** Shard tasks for one worker: without `claim`, a contiguous run of them, all run, outcomes returned in
 *  order (one message and one wake-up per worker per step); with `claim`, the step's whole task list,
 *  of which the worker runs those it claims from the shared cursor (Atomics.add) until none is left,
 *  beside the other workers and the calling thread, returning [task index, outcome] pairs. */
export interface WorkerTask { set: 'train' | 'test'; tasks: ShardTask[]; claim?: Int32Array }

export type ClaimedOutcome = [number, ShardOutcome];
