// The Model face of a TtfsNetwork: what the trainer, the executors, the evaluator and checkpoints call.
import { hasTargets, HOMEOSTASIS_EMA_REFUSAL } from '../homeostasis.js';
import type { EvalStats, ImageSource, Model, ModelContext, ModelState, PackedState, SampleResult, ShardOutcome, ShardTask, SpikeLayer, SpikeRecord, WeightMatrix } from '../types.js';
import { judgeTtfs, type DecisionRule } from '../../train/decision.js';
import type { TtfsConfig } from './config.js';
import { decayed } from '../../train/schedule.js';
import { lastInputEvent } from './encode.js';
import { TtfsNetwork, type Workspace } from './network.js';
import { ttfsNir } from './nir.js';
import { packedThetaAlpha, sign, ttfsPackedState } from '../signs.js';
import { UsageError } from '../../errors.js';
import type { NirGraph } from '../../interop/nir-graph.js';

export class TtfsModel implements Model {
  readonly net: TtfsNetwork;

  constructor(private readonly ctx: ModelContext, readonly cfg: TtfsConfig) {
    this.net = new TtfsNetwork(ctx.arena, ctx.kernels, ctx.nInput, ctx.nClasses, cfg);
  }
  /** Moving thresholds and averaged weights are not combined (as stidi: homeostasis.ts). */
  get averagingUnsupported(): string | undefined {
    return hasTargets(this.cfg.targetFiring) ? HOMEOSTASIS_EMA_REFUSAL : undefined;
  }
  get nInput(): number { return this.ctx.nInput; }
  get nClasses(): number { return this.ctx.nClasses; }

  initialise(seed: number): void { this.net.initialise(seed); }

  private judge(ws: Workspace, label: number): SampleResult {
    const o = judgeTtfs(this.net.outputTimes(ws), this.ctx.arena.view(ws.vRec), this.nClasses, label, this.cfg.tmax);
    return { correct: o.correct, winnerTime: o.winnerTime, noSpike: o.noSpike };
  }

  trainSample(images: Uint8Array, offset: number, label: number): SampleResult {
    const ws = this.net.main;
    this.net.forward(ws, images, offset);
    this.net.recordFiring(ws);
    this.net.recordLayerFiring(ws);
    const r = this.judge(ws, label);
    this.net.trainStep(ws, label);
    this.net.adaptThresholds(ws);
    return r;
  }

  createShards(n: number): void { this.net.createShards(n); }

  /** grad: accumulate gradients (and firing counts); eval: forward only. sums (eval) =
   *  [winner time sum, samples with a winner, samples with no output spike, hidden firing share sum]. */
  runShard(task: ShardTask, data: ImageSource): ShardOutcome {
    const ws = this.net.shards[task.shard];
    if (!ws) throw new Error(`no shard workspace ${task.shard}`);
    if (task.kind === 'grad') this.net.clearWorkspace(ws);
    const hits: Record<DecisionRule, number> = { strict: 0, 'first-index': 0, reference: 0 };
    const sums = [0, 0, 0, 0];
    for (const i of task.indices) {
      const label = data.labels[i];
      this.net.forward(ws, data.images, i * data.pixels);
      const share = this.net.recordFiring(ws);
      const r = this.judge(ws, label);
      for (const k of Object.keys(hits) as DecisionRule[]) if (r.correct[k]) hits[k]++;
      if (task.kind === 'grad') { this.net.recordLayerFiring(ws); this.net.accumulateGradient(ws, label); }
      else {
        if (r.noSpike) sums[2]++; else { sums[0] += r.winnerTime!; sums[1]++; }
        sums[3] += share;
      }
    }
    if (task.kind === 'eval') this.net.clearFireCounts(ws); // evaluation leaves no firing counts behind
    return { n: task.indices.length, hits, sums };
  }

  applyShards(n: number, batch: number): void {
    const wss = this.net.shards.slice(0, n);
    const total = this.net.reduceInto(wss);
    for (const ws of wss) this.net.absorbFireCounts(ws);
    this.net.applyGradient(total, batch);
    this.net.adaptThresholds(total);
  }

  evalStats(outcomes: ShardOutcome[]): EvalStats {
    let ws = 0, w = 0, ns = 0, fs = 0, n = 0;
    for (const o of outcomes) { ws += o.sums[0]; w += o.sums[1]; ns += o.sums[2]; fs += o.sums[3]; n += o.n; }
    return { meanWinnerTime: w ? ws / w : undefined, hiddenFiringShare: n && this.cfg.hidden.length ? fs / n : undefined, noOutputSpike: ns };
  }

  endEpoch(seed: number, epoch: number, samples: number): Record<string, number> {
    const reset = this.net.endEpoch(seed, epoch, samples);
    this.net.etaScale = decayed(1, this.cfg.etaDecay ?? 1, epoch + 1);
    const out: Record<string, number> = { deadNeuronsReset: reset, etaScale: this.net.etaScale };
    this.net.layers.forEach((_, l) => { if (this.cfg.binary) out[`alpha${l}`] = this.net.alpha(l); });
    return out;
  }

  checkFinite(step: number): void { this.net.checkFinite(step); }

  state(): ModelState {
    this.net.fold();
    const tensors: Record<string, Float32Array | Float64Array> = {};
    this.net.layers.forEach((L, l) => {
      tensors[`w${l}`] = this.ctx.arena.view(L.w).slice();
      const a = this.net.neuronAlpha(l);
      if (a) tensors[`alpha${l}`] = a.slice();
    });
    return { scalars: { alpha: this.net.layers.map((_, l) => this.net.alpha(l)), theta: this.net.layers.map((_, l) => this.net.theta(l)), etaScale: this.net.etaScale }, tensors };
  }

  loadState(s: ModelState): void {
    this.net.etaScale = typeof s.scalars.etaScale === 'number' ? s.scalars.etaScale : 1;
    this.net.layers.forEach((L, l) => {
      const w = s.tensors[`w${l}`];
      if (!w || w.length !== L.nIn * L.stride) throw new Error(`state lacks layer ${l} weights of ${L.nIn}x${L.stride}`);
      this.ctx.arena.view(L.w).set(w);
      const alpha = s.scalars.alpha as number[] | undefined;
      const theta = s.scalars.theta as number[] | undefined;
      this.net.setAlpha(l, alpha ? alpha[l] : this.cfg.binary ? this.cfg.alphaInit[l] : 1);
      this.net.setTheta(l, theta ? theta[l] : this.cfg.theta[l]);
      // per-neuron scales: from the state's tensor (a state without one, e.g. a per-layer run's, gives every neuron the layer's scale)
      const na = s.tensors[`alpha${l}`];
      if (na && this.net.neuronAlpha(l)) this.net.setNeuronAlpha(l, na);
      this.net.refreshSigns(L);
      this.net.resetScales();
    });
  }

  weights(): WeightMatrix[] {
    return this.net.exportWeights().map((data, l) => ({ name: `W${l}`, rows: this.net.layers[l].nOut, cols: this.net.layers[l].nIn, data }));
  }

  setWeights(layer: number, m: Float32Array): void {
    this.net.importWeights(layer, m);
    this.net.setTheta(layer, this.cfg.theta[layer]);
    this.net.setAlpha(layer, this.cfg.binary ? this.cfg.alphaInit[layer] : 1);
  }

  /** the weights only: thresholds and BS4NN's learned scales stay as trained */
  useWeights(w: Float32Array[]): void { w.forEach((m, l) => this.net.importWeights(l, m)); }

  /** Input latencies the simulation processes (later ones are no events: lastInputEvent) and every layer's spike
   *  time; tmax stands for silent. */
  spikeRecord(pixels: Uint8Array, offset: number): SpikeRecord {
    const ws = this.net.main, tmax = this.cfg.tmax, a = this.ctx.arena;
    this.net.forward(ws, pixels, offset);
    const tIn = a.view(ws.tIn).subarray(0, this.nInput);
    const layers: SpikeLayer[] = [{ name: 'input', shape: [this.nInput], times: Int32Array.from(tIn, (t) => (t <= lastInputEvent(tmax) ? t : tmax)) }];
    this.net.layers.forEach((L, l) => {
      const last = l === this.net.layers.length - 1;
      layers.push({ name: last ? 'output' : `hidden ${l + 1}`, shape: [L.nOut], times: a.view(ws.layers[l].tOut).slice(0, L.nOut) });
    });
    return { coding: 'time-to-first-spike', steps: tmax, layers };
  }

  /** BS4NN's forward state: sign(W), theta and alpha per layer (and the per-neuron alpha_j with --binary-scale filter). */
  packedState(): PackedState {
    if (!this.cfg.binary) throw new UsageError('--format', 'packed saves binary weights at one bit each: s4nn has real weights (use --format npy or nir)');
    const tensors: Record<string, Float64Array> = {};
    this.net.layers.forEach((_, l) => { const a = this.net.neuronAlpha(l); if (a) tensors[`alpha${l}`] = a.slice(); });
    const n = this.net.layers.length;
    return ttfsPackedState(this.weights(), Array.from({ length: n }, (_, l) => this.net.theta(l)), Array.from({ length: n }, (_, l) => this.net.alpha(l)), tensors);
  }

  /** The signs become the latent weights (the forward pass reads nothing else of them), with theta and alpha. */
  loadPackedState(p: PackedState): void {
    const { theta, alpha } = packedThetaAlpha(p, this.net.layers.length);
    this.net.layers.forEach((L, l) => {
      this.net.importWeights(l, p.signs[l].data);
      this.net.setAlpha(l, alpha[l]);
      this.net.setTheta(l, theta[l]);
      const na = p.tensors[`alpha${l}`];
      if (na && this.net.neuronAlpha(l)) this.net.setNeuronAlpha(l, na);
      this.net.refreshSigns(L);
    });
    this.net.resetScales();
  }

  /** The network as a NIR graph (nir.ts): the forward weights and the thresholds the forward kernels test. */
  toNir(): NirGraph {
    const net = this.net, W = net.exportWeights(), binary = this.cfg.binary;
    const layers = net.layers.map((L, l) => {
      const weight = binary ? W[l].map(sign) : W[l];
      const threshold = new Float32Array(L.nOut);
      if (!binary) threshold.fill(net.theta(l));
      else if (L.neuron) { const c0 = this.ctx.arena.view(L.neuron.c0); for (let j = 0; j < L.nOut; j++) threshold[j] = -c0[j] - 1; }
      else threshold.fill(net.binaryThreshold(l) - 1);
      return { nIn: L.nIn, nOut: L.nOut, weight, threshold };
    });
    return ttfsNir(binary ? 'bs4nn' : 's4nn', layers, this.cfg.tmax, net.latencies, lastInputEvent(this.cfg.tmax), binary);
  }

  setLayerScalars(opts: { theta?: number[]; alpha?: number[] }): void {
    this.net.layers.forEach((_, l) => {
      if (opts.theta) this.net.setTheta(l, opts.theta[l]);
      if (opts.alpha) this.net.setAlpha(l, opts.alpha[l]);
    });
  }

  describe(): Record<string, unknown> {
    return { layers: this.net.layers.map((L) => `${L.nIn}->${L.nOut}`), binary: this.cfg.binary,
      binaryScale: this.cfg.binary ? this.cfg.binaryScale ?? 'layer' : undefined,
      alpha: this.cfg.binary ? this.net.layers.map((_, l) => this.net.alpha(l)) : undefined };
  }
}
