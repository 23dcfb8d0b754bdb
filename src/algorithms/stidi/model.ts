// The Model face of a StidiNetwork: what the trainer, the executors, the evaluator and checkpoints call.
// Online SGD (batch 1, the default) is the minibatch path with one sample: gradient, then update.
import { hasTargets, HOMEOSTASIS_EMA_REFUSAL } from '../homeostasis.js';
import type { EvalStats, ImageSource, Model, ModelContext, ModelState, PackedState, SampleResult, ShardOutcome, ShardTask, SpikeLayer, SpikeRecord, WeightMatrix } from '../types.js';
import { judgeTtfs, type DecisionRule } from '../../train/decision.js';
import { UsageError } from '../../errors.js';
import type { StidiConfig } from './config.js';
import { StidiNetwork, type Workspace } from './network.js';
import { noNirForm, type NirGraph } from '../../interop/nir-graph.js';
import { lastInputEvent } from '../ttfs/encode.js';
import { packedThetaAlpha, ttfsPackedState } from '../signs.js';

/** ShardOutcome.sums of an evaluation: [winner time sum, samples with a winner, samples with no
 *  output spike, then per layer the sum over samples of the share of its neurons that fired]. */
const FIXED_SUMS = 3;

export class StidiModel implements Model {
  readonly net: StidiNetwork;

  constructor(private readonly ctx: ModelContext, readonly cfg: StidiConfig) {
    this.net = new StidiNetwork(ctx.arena, ctx.kernels, ctx.nClasses, cfg);
    if (this.net.nInput !== ctx.nInput) throw new Error(`stidi: image shape gives ${this.net.nInput} inputs, the dataset ${ctx.nInput}`);
  }
  /** Adapting thresholds (--target-firing) change the scale the weights are read at during training:
   *  an average over 20,000 samples mixes weights trained against different thresholds and was
   *  measured to silence the outputs (docs/stidi-bp.md §4.7), so the two are not combined. */
  get averagingUnsupported(): string | undefined {
    return hasTargets(this.cfg.targetFiring) ? HOMEOSTASIS_EMA_REFUSAL : undefined;
  }
  get nInput(): number { return this.ctx.nInput; }
  get nClasses(): number { return this.ctx.nClasses; }

  initialise(seed: number): void { this.net.initialise(seed); }

  private judge(ws: Workspace, label: number): SampleResult {
    const o = judgeTtfs(this.net.outputTimes(ws), this.net.outputPotentials(ws), this.nClasses, label, this.cfg.tmax);
    return { correct: o.correct, winnerTime: o.winnerTime, noSpike: o.noSpike };
  }

  trainSample(images: Uint8Array, offset: number, label: number): SampleResult {
    const ws = this.net.main;
    this.net.forwardTraining(ws, images, offset / this.nInput);
    const r = this.judge(ws, label);
    if (this.net.accumulateGradient(ws, label)) this.net.applyGradient(ws, 1);
    else this.net.adaptThresholds(ws);
    return r;
  }

  createShards(n: number): void { this.net.createShards(n); }

  runShard(task: ShardTask, data: ImageSource): ShardOutcome {
    const ws = this.net.shards[task.shard];
    if (!ws) throw new Error(`no shard workspace ${task.shard}`);
    if (task.kind === 'grad') this.net.clearGradient(ws);
    const hits: Record<DecisionRule, number> = { strict: 0, 'first-index': 0, reference: 0 };
    const sums = new Array<number>(FIXED_SUMS + this.net.layers.length).fill(0);
    for (const i of task.indices) {
      const label = data.labels[i];
      if (task.kind === 'grad') this.net.forwardTraining(ws, data.images, i);
      else this.net.forward(ws, data.images, i * data.pixels);
      const r = this.judge(ws, label);
      for (const k of Object.keys(hits) as DecisionRule[]) if (r.correct[k]) hits[k]++;
      if (task.kind === 'grad') this.net.accumulateGradient(ws, label);
      else {
        if (r.noSpike) sums[2]++; else { sums[0] += r.winnerTime!; sums[1]++; }
        this.net.layers.forEach((L, l) => { sums[FIXED_SUMS + l] += ws.fired[l] / L.nOut; });
      }
    }
    return { n: task.indices.length, hits, sums };
  }

  applyShards(n: number, batch: number): void {
    const total = this.net.reduceInto(this.net.shards.slice(0, n));
    this.net.applyGradient(total, batch);
    for (const ws of this.net.shards.slice(1, n)) this.net.clearGradient(ws);
  }

  evalStats(outcomes: ShardOutcome[]): EvalStats {
    const nl = this.net.layers.length;
    const s = new Array<number>(FIXED_SUMS + nl).fill(0);
    let n = 0;
    for (const o of outcomes) { o.sums.forEach((v, i) => { s[i] += v; }); n += o.n; }
    const layerFiringShare = Array.from({ length: nl }, (_, l) => (n ? s[FIXED_SUMS + l] / n : 0));
    // hidden share over all hidden neurons (every layer but the output), weighted by layer size
    const hidden = this.net.layers.slice(0, -1);
    const nHidden = hidden.reduce((a, L) => a + L.nOut, 0);
    const hiddenFiringShare = n && nHidden ? hidden.reduce((a, L, l) => a + layerFiringShare[l] * L.nOut, 0) / nHidden : undefined;
    return { meanWinnerTime: s[1] ? s[0] / s[1] : undefined, hiddenFiringShare, noOutputSpike: s[2], layerFiringShare };
  }

  endEpoch(seed: number, epoch: number, _samples?: number): Record<string, number> {
    this.net.etaScale = this.cfg.etaDecay ** (epoch + 1);
    this.net.setSeedEpoch(seed, epoch + 1);
    const out: Record<string, number> = { etaScale: this.net.etaScale };
    this.net.layers.forEach((L, l) => { if (L.sgn) out[`alpha${l}`] = this.net.alpha(l); }); // binary layers only
    return out;
  }

  checkFinite(step: number): void { this.net.checkFinite(step); }

  state(): ModelState {
    const tensors: Record<string, Float32Array> = {};
    this.net.layers.forEach((L, l) => { tensors[`w${l}`] = this.ctx.arena.view(L.w).slice(); });
    return { scalars: { theta: this.net.layers.map((_, l) => this.net.theta(l)), etaScale: this.net.etaScale, seed: this.net.seed, epoch: this.net.epoch }, tensors };
  }

  loadState(s: ModelState): void {
    const theta = s.scalars.theta as number[] | undefined;
    this.net.etaScale = typeof s.scalars.etaScale === 'number' ? s.scalars.etaScale : 1;
    // the augmentation's keys (checkpoints from before --shift lack them; they trained without it)
    this.net.setSeedEpoch(typeof s.scalars.seed === 'number' ? s.scalars.seed : 0, typeof s.scalars.epoch === 'number' ? s.scalars.epoch : 0);
    this.net.layers.forEach((L, l) => {
      const w = s.tensors[`w${l}`];
      if (!w || w.length !== L.nW) throw new Error(`state lacks layer ${l} weights of ${L.nW} values`);
      this.ctx.arena.view(L.w).set(w);
      this.net.setTheta(l, theta ? theta[l] : this.cfg.theta[l]);
      this.net.refreshBinary(l);
    });
  }

  weights(): WeightMatrix[] {
    return this.net.layers.map((L, l) => ({ name: `W${l}`, rows: L.cout, cols: L.k * L.k * L.cin, data: this.net.exportWeights(l) }));
  }

  setWeights(layer: number, m: Float32Array): void {
    this.net.importWeights(layer, m);
    this.net.setTheta(layer, this.cfg.theta[layer]);
  }

  /** the weights only (a binary network's scale is mean |w|, recomputed from them) */
  useWeights(w: Float32Array[]): void { w.forEach((m, l) => this.net.importWeights(l, m)); }

  /** The input spike times the simulation processes (lastInputEvent), each layer's spike times and, after a conv
   *  layer, its pooled map, all reordered channel-major ([c][y][x]) without the pad lanes; tmax stands for silent. */
  spikeRecord(pixels: Uint8Array, offset: number): SpikeRecord {
    const ws = this.net.main, tmax = this.cfg.tmax, a = this.ctx.arena, net = this.net;
    net.forward(ws, pixels, offset);
    const L0 = net.layers[0];
    const inT = channelMajor(a.view(ws.tIn), L0.hin, L0.win, L0.cin, L0.cin).map((t) => (t <= lastInputEvent(tmax) ? t : tmax));
    const layers: SpikeLayer[] = [{ name: 'input', shape: [L0.cin, L0.hin, L0.win], times: inT }];
    net.layers.forEach((L, l) => {
      const W = ws.layers[l], last = l === net.layers.length - 1;
      if (last && L.hout * L.wout === 1) {
        layers.push({ name: 'output', shape: [L.cout], times: a.view(W.tOut).slice(0, L.cout) });
        return;
      }
      const conv = L.k > 1 || L.hin > 1;
      const name = conv ? `conv ${l + 1}` : `fc ${l + 1}`;
      layers.push({ name, shape: [L.cout, L.hout, L.wout], times: channelMajor(a.view(W.tOut), L.hout, L.wout, L.cout, L.cs) });
      if (!last && L.pool > 1) layers.push({ name: `${name} pooled`, shape: [L.cout, L.ph, L.pw], times: channelMajor(a.view(W.tPool), L.ph, L.pw, L.cout, L.cout) });
    });
    return { coding: 'time-to-first-spike', steps: tmax, layers };
  }

  /** A binary CSNN's forward state (`export --format packed`): sign(w) of every layer at one bit each, theta per
   *  layer, and each binary layer's scale (alpha per layer; with --binary-scale filter also alpha_j per output
   *  channel, tensor alpha<l>). A layer kept real (--real-layers) stores its f32 weights as tensor w<l>, which its
   *  forward pass reads instead of the signs. */
  packedState(): PackedState {
    if (!this.cfg.binary) throw new UsageError('--format', 'packed saves binary weights at one bit each: this stidi network is real-valued (use --format npy)');
    const tensors: Record<string, Float32Array> = {};
    this.net.layers.forEach((L, l) => {
      if (!L.sgn) tensors[`w${l}`] = this.net.exportWeights(l);
      const fa = this.net.filterScales(l);
      if (fa) tensors[`alpha${l}`] = fa;
    });
    const n = this.net.layers.length;
    return ttfsPackedState(this.weights(), Array.from({ length: n }, (_, l) => this.net.theta(l)), Array.from({ length: n }, (_, l) => this.net.alpha(l)), tensors);
  }

  loadPackedState(p: PackedState): void {
    const { theta, alpha } = packedThetaAlpha(p, this.net.layers.length);
    this.net.layers.forEach((L, l) => {
      if (L.sgn) {
        const fa = p.tensors[`alpha${l}`];
        this.net.loadPackedLayer(l, p.signs[l].data, alpha[l], fa ? Float32Array.from(fa) : null);
      } else {
        const w = p.tensors[`w${l}`];
        if (!(w instanceof Float32Array) || w.length !== L.k * L.k * L.cin * L.cout) throw new Error(`layer ${l} is kept real (--real-layers): needs its ${L.cout}x${L.k * L.k * L.cin} f32 weights (w${l})`);
        this.net.importWeights(l, w);
      }
      if (!(theta[l] > 0 && theta[l] < Infinity)) throw new Error(`layer ${l}: theta must be positive and finite, got ${theta[l]}`);
      this.net.setTheta(l, theta[l]);
    });
  }

  setLayerScalars(opts: { theta?: number[]; alpha?: number[] }): void {
    if (opts.alpha) throw new UsageError('--alpha', 'stidi: the binary scale is mean |w| of each layer (set by the weights), it cannot be given');
    if (opts.theta) this.net.layers.forEach((_, l) => this.net.setTheta(l, opts.theta![l]));
  }

  toNir(): NirGraph {
    return noNirForm('stidi', 'its synapses have a piecewise-linear PSP (a ramp over tau steps) and its spike times are real-valued ' +
      'crossings found in closed form between input events; NIR has no node for either, and a time-stepped IF graph would give other ' +
      'spike times. `--format npy` exports its weights (docs/interop.md)');
  }

  describe(): Record<string, unknown> {
    return {
      model: this.cfg.model, binary: this.cfg.binary, realLayers: this.cfg.realLayers, tau: this.cfg.tau, tmax: this.cfg.tmax, inputCode: this.cfg.inputCode ?? 'intensity',
      layers: this.net.layers.map((L) => (L.k > 1 || L.hin > 1
        ? `conv ${L.k}x${L.k} ${L.cin}->${L.cout} (${L.hout}x${L.wout}), pool ${L.pool} -> ${L.ph}x${L.pw}`
        : `fc ${L.cin}->${L.cout}`)),
      alpha: this.cfg.binary ? this.net.layers.map((L, l) => (L.sgn ? this.net.alpha(l) : null)) : undefined,
    };
  }
}

/** [h][w][stride] (the kernels' layout, the first c lanes real) -> [c][h][w]. */
function channelMajor(t: Int32Array, h: number, w: number, c: number, stride: number): Int32Array {
  const out = new Int32Array(c * h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) out[(ch * h + y) * w + x] = t[(y * w + x) * stride + ch];
  return out;
}
