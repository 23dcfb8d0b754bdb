// What every algorithm provides to the trainer, the CLI and checkpoints. An algorithm is a
// registry entry (registry.ts) whose create() returns a Model.
import type { DecisionRule } from '../train/decision.js';
import type { Arena } from '../wasm/arena.js';
import type { KernelSet } from '../wasm/kernels.js';
import type { NirGraph } from '../interop/nir-graph.js';

export type Sampling = 'permutation' | 'replacement';

export interface SampleResult {
  correct: Record<DecisionRule, boolean>;
  /** time-to-first-spike models: the winner's spike time (tmax if none) */
  winnerTime?: number;
  noSpike?: boolean;
}

export interface EvalStats {
  /** mean winner spike time over samples where an output fired */
  meanWinnerTime?: number;
  /** mean share of hidden neurons that fire per sample */
  hiddenFiringShare?: number;
  /** samples with no output spike */
  noOutputSpike?: number;
  /** rate-coded models: accuracy under every rule after T simulation steps, for each T evaluated */
  accuracyByT?: { T: number; accuracy: Record<DecisionRule, number> }[];
  /** rate-coded models: spikes per neuron per time step of each spiking layer, in layer order */
  layerSpikeRates?: number[];
  /** per layer (output last): mean share of its neurons that fire per sample */
  layerFiringShare?: number[];
}

/** One layer's spikes for one image (`snnwasm spikes`). Neurons are numbered channel-major ([c][y][x] for maps). */
export interface SpikeLayer {
  name: string;
  /** [neurons] or [channels, height, width] */
  shape: number[];
  /** time-to-first-spike coding: each neuron's spike time, tmax when it stayed silent */
  times?: Int32Array;
  /** rate coding: each neuron's spike count over the T steps */
  counts?: Uint16Array;
  /** rate coding: every spike as (neuron, step) pairs, step-major (the raster) */
  raster?: Uint32Array;
}

/** One image through a trained network, layer by layer: the input's spikes first, the output last. */
export interface SpikeRecord {
  coding: 'time-to-first-spike' | 'rate';
  /** time steps of the simulation (tmax for time-to-first-spike, T for rate coding) */
  steps: number;
  layers: SpikeLayer[];
}

/** Named weight tensors as [rows = n_out][cols = n_in] matrices (the .npy interchange layout). */
export interface WeightMatrix { name: string; rows: number; cols: number; data: Float32Array }

/** A binary-weight model's forward state with its weights as signs (saved at one bit each: src/io/packed-model.ts). */
export interface PackedState {
  /** each layer's forward weights as +1 / -1 (0 where the latent weight is exactly 0), weights() order and shapes */
  signs: WeightMatrix[];
  scalars: Record<string, number | number[]>;
  tensors: Record<string, Float32Array | Float64Array>;
}

export interface ModelState {
  /** scalars and small arrays (alpha, thresholds, optimizer step...), JSON-serialisable */
  scalars: Record<string, number | number[]>;
  /** f64 where the host keeps f64 state (running means): resume must be exact */
  tensors: Record<string, Float32Array | Float64Array>;
}

/** Images and labels as every executor sees them (workers: views of SharedArrayBuffers). */
export interface ImageSource { images: Uint8Array; labels: Uint8Array; pixels: number }

/** One unit of parallel work in one shard's workspace: the gradient of some training samples, the
 *  evaluation of some test samples, or ('stats') the forward statistics a normalisation refresh needs. */
export interface ShardTask { kind: 'grad' | 'eval' | 'stats'; shard: number; indices: Uint32Array }

/** What a shard task returns: counts under each rule, and model-specific sums (added in shard order). */
export interface ShardOutcome { n: number; hits: Record<DecisionRule, number>; sums: number[] }

export interface Model {
  readonly nInput: number;
  readonly nClasses: number;
  initialise(seed: number): void;
  /** one online step (batch size 1) on the image at `offset`, in the main workspace */
  trainSample(images: Uint8Array, offset: number, label: number): SampleResult;
  /** allocates n micro-shard workspaces; called once, right after construction, in every thread alike */
  createShards(n: number): void;
  /** runs one shard task (pure given the shared parameters: safe to re-run after a fault) */
  runShard(task: ShardTask, data: ImageSource): ShardOutcome;
  /** reduces the first n shards' gradients in a fixed tree order and applies them for a batch of `batch` */
  applyShards(n: number, batch: number): void;
  /** combines evaluation outcomes (in shard order) into statistics */
  evalStats(outcomes: ShardOutcome[]): EvalStats;
  /** training samples on which to re-estimate normalisation statistics at the start of epoch `epoch`
   *  (0-based); 0 or absent: no refresh. The trainer then runs 'stats' shard tasks over the first n
   *  samples of the epoch's order, calls addStatsShards after each minibatch, then finishStats. */
  statsRefreshSamples?(epoch: number): number;
  /** folds the first n shards' 'stats' sums of one minibatch into the refresh estimate (main thread) */
  addStatsShards?(n: number): void;
  /** replaces the running statistics by the refresh estimate; returns figures for the log */
  finishStats?(): Record<string, number>;
  /** end-of-epoch housekeeping; returns a few named figures for the log */
  endEpoch(seed: number, epoch: number, samples: number): Record<string, number>;
  /** throws NumericalError naming the layer on NaN/Inf */
  checkFinite(step: number): void;
  state(): ModelState;
  loadState(s: ModelState): void;
  weights(): WeightMatrix[];
  setWeights(layer: number, m: Float32Array): void;
  /** replaces every layer's learned weights (weights() order and shapes) for an evaluation, keeping all
   *  other state (thresholds, learned scales, optimiser moments); loadState(state()) undoes it exactly.
   *  Absent: the model cannot be evaluated with averaged weights (--ema) */
  useWeights?(w: Float32Array[]): void;
  /** set when this configuration's weights must not be averaged (--ema): why */
  readonly averagingUnsupported?: string;
  /** the spikes of every layer for one image (on the main workspace); absent: the model has no spikes (bnn) */
  spikeRecord?(pixels: Uint8Array, offset: number): SpikeRecord;
  /** the trained network as a NIR graph (`snnwasm export --format nir`); throws UsageError saying why for a
   *  model NIR cannot express */
  toNir(): NirGraph;
  /** binary-weight models (bs4nn, bnn, stidi --binary): what the forward pass needs, the weights as signs (`export --format packed`);
   *  throws UsageError for a configuration without binary weights. Absent: the algorithm has none. */
  packedState?(): PackedState;
  /** loads a packedState(): afterwards the forward pass (eval, spikes) is the packed model's, bit for bit */
  loadPackedState?(p: PackedState): void;
  /** per-layer scalars the CLI may set for interop (thresholds, scales) */
  setLayerScalars(opts: { theta?: number[]; alpha?: number[] }): void;
  describe(): Record<string, unknown>;
}

export interface ModelContext { arena: Arena; kernels: KernelSet; nInput: number; nClasses: number }

/** One hyper-parameter the CLI exposes for an algorithm. */
export interface OptionSpec {
  flag: string;
  key: string;
  kind: 'int' | 'float' | 'ints' | 'floats' | 'choice' | 'bool';
  help: string;
  choices?: readonly string[];
  min?: number;
  max?: number;
}

export interface AlgorithmEntry<C = any> {
  name: string;
  summary: string;
  defaults: C;
  /** dataset-specific overrides of the defaults */
  datasetDefaults?: Record<string, Partial<C>>;
  options: OptionSpec[];
  sampling: Sampling;
  /** config keys that only change what an evaluation reports (e.g. proxy's --eval-T): --resume accepts new values */
  evaluationKeys?: string[];
  defaultEpochs: number;
  defaultBatchSize: number;
  /** defaults (+ dataset overrides) + parsed flags -> a checked config; throws UsageError naming the flag */
  resolve(flags: Record<string, unknown>, dataset: string): C;
  create(ctx: ModelContext, cfg: C): Model;
}

export type { DecisionRule };
