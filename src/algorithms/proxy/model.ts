// The Model face of proxy learning: shards of a minibatch compute gradients (ANN forward, SNN
// forward, counts substituted for the ANN output, ANN backward) in their own workspaces; applyShards
// reduces them in a fixed tree and takes one Adam step. Evaluation runs the SNN alone and reports,
// besides the decision rules at the training T, the accuracy at every --eval-T and the spike rate of
// every IF layer.
import type { EvalStats, ImageSource, Model, ModelContext, ModelState, SampleResult, ShardOutcome, ShardTask, SpikeLayer, SpikeRecord, WeightMatrix } from '../types.js';
import { DECISION_RULES, judgeCounts, type DecisionRule } from '../../train/decision.js';
import { UsageError } from '../../errors.js';
import { ProxyNetwork, type ProxyConfig, type ProxyWorkspace } from './network.js';
import { architecture } from './models.js';
import { makePlan } from './plan.js';
import { loadImage } from './augment.js';
import { outSize } from '../../nn/types.js';
import { proxyNir } from './nir.js';
import type { NirGraph } from '../../interop/nir-graph.js';

export class ProxyModel implements Model {
  readonly net: ProxyNetwork;
  /** simulation length at evaluation: the largest of T and --eval-T */
  readonly evalSteps: number;
  constructor(private readonly ctx: ModelContext, readonly cfg: ProxyConfig) {
    const { channels, height, width } = cfg.input;
    if (channels * height * width !== ctx.nInput) throw new Error(`proxy: input shape ${channels}x${height}x${width} does not match ${ctx.nInput} inputs`);
    const plan = makePlan(architecture(cfg.model).layers, cfg.input, ctx.nClasses);
    this.net = new ProxyNetwork(ctx.arena, ctx.kernels, plan, cfg);
    this.evalSteps = Math.max(cfg.T, ...cfg.evalT);
  }
  get nInput(): number { return this.ctx.nInput; }
  get nClasses(): number { return this.ctx.nClasses; }
  initialise(seed: number): void { this.net.initialise(seed); }

  trainSample(): SampleResult {
    throw new UsageError('--batch-size', 'proxy learning trains on minibatches (batch statistics, Adam): use --batch-size >= 2 (the reference: 100)');
  }

  createShards(n: number): void { this.net.createShards(n); }

  /** Loads samples indices[from..to) into ws.x0, augmented when training. */
  private load(ws: ProxyWorkspace, data: ImageSource, idx: ArrayLike<number>, from: number, to: number, train: boolean): void {
    const px = data.pixels;
    const x0 = this.ctx.arena.view(ws.x0);
    const net = this.net;
    for (let i = from; i < to; i++) {
      loadImage(x0.subarray((i - from) * px, (i - from + 1) * px), data.images, idx[i], this.cfg.input, train ? this.cfg.augment : 'none', net.seed, net.epoch);
    }
  }

  runShard(task: ShardTask, data: ImageSource): ShardOutcome {
    const net = this.net;
    const ws = net.shards[task.shard];
    if (!ws) throw new Error(`no shard workspace ${task.shard}`);
    const train = task.kind === 'grad', stats = task.kind === 'stats';
    if (train || stats) net.clearWorkspace(ws);
    const hits: Record<DecisionRule, number> = { strict: 0, 'first-index': 0, reference: 0 };
    const evalT = this.cfg.evalT;
    const nIf = net.ifLayers.length;
    const sums = new Array<number>(task.kind === 'eval' ? 3 * evalT.length + 2 * nIf : 0).fill(0);
    const idx = task.indices, nc = this.nClasses, B0 = this.cfg.chunk;
    const batch = train && net.batchStats;
    const mem = this.ctx.arena.memory;
    // balanced chunks of at most `chunk` samples (50 samples, chunk 16: 13 + 12 + 13 + 12, not 16 + 16 + 16 + 2:
    // in epoch 0 a chunk is a ghost batch, and a tiny one would normalise with poor statistics)
    const nChunks = Math.ceil(idx.length / B0);
    for (let q = 0; q < nChunks; q++) {
      const from = Math.floor((q * idx.length) / nChunks), to = Math.floor(((q + 1) * idx.length) / nChunks), B = to - from;
      this.load(ws, data, idx, from, to, train || stats);
      const labels = Array.from({ length: B }, (_, b) => data.labels[idx[from + b]]);
      const judge = (cnt: number, acc: (r: DecisionRule, b: number) => void) => {
        const c = new Float32Array(mem.buffer, cnt, B * nc);
        for (let b = 0; b < B; b++) {
          const j = judgeCounts(c.subarray(b * nc, (b + 1) * nc), nc, labels[b]);
          for (const r of DECISION_RULES) if (j[r]) acc(r, b);
        }
      };
      if (stats) {
        // batch statistics of this chunk, summed into ws.stats for the refresh; nothing is learned
        net.annForward(ws, B, true);
        net.snnForward(ws, B, true, this.cfg.T, false);
        net.countSamples(ws, B);
      } else if (train) {
        net.annForward(ws, B, batch);
        const cnt = net.snnForward(ws, B, batch, this.cfg.T, false);
        judge(cnt, (r) => { hits[r]++; });
        net.setOutputGrad(ws, B, labels);
        net.annBackward(ws, B, batch);
      } else {
        const last = ws.layers[ws.layers.length - 1];
        const cnt = net.snnForward(ws, B, false, this.evalSteps, true, (t) => {
          if (t === this.cfg.T) judge(last.cnt, (r) => { hits[r]++; });
          const e = evalT.indexOf(t);
          if (e >= 0) judge(last.cnt, (r) => { sums[3 * e + DECISION_RULES.indexOf(r)]++; });
        });
        void cnt;
        // spikes per IF layer over the simulated steps, and neuron-steps
        let f = 0;
        net.plan.layers.forEach((L, l) => {
          if (L.kind === 'pool') return;
          const n = B * outSize(L);
          const c = new Float32Array(mem.buffer, ws.layers[l].cnt, n);
          let s = 0;
          for (let i = 0; i < n; i++) s += c[i];
          sums[3 * evalT.length + f] += s;
          sums[3 * evalT.length + nIf + f] += n * this.evalSteps;
          f++;
        });
      }
    }
    return { n: idx.length, hits, sums };
  }

  /** One test image (no augmentation, frozen BN as in evaluation) through the SNN for T steps: every IF layer's
   *  spikes, step by step, and its counts. The input is not spiking (the first conv reads the pixels as a constant
   *  current), and the OR-pooling layers only pass spikes on, so neither is listed. */
  spikeRecord(pixels: Uint8Array, offset: number): SpikeRecord {
    const net = this.net, ws = net.main, mem = this.ctx.arena.memory, T = this.cfg.T;
    loadImage(this.ctx.arena.view(ws.x0).subarray(0, this.nInput), pixels, offset / this.nInput, this.cfg.input, 'none', net.seed, net.epoch);
    const ifs = net.plan.layers.map((L, l) => ({ L, l })).filter(({ L }) => L.kind !== 'pool');
    const raster: number[][] = ifs.map(() => []);
    net.snnForward(ws, 1, false, T, true, (t) => {
      ifs.forEach(({ L, l }, f) => {
        const spk = new Float32Array(mem.buffer, ws.layers[l].spk, outSize(L));
        for (let i = 0; i < spk.length; i++) if (spk[i] !== 0) raster[f].push(i, t - 1);
      });
    });
    const layers: SpikeLayer[] = ifs.map(({ L, l }, f) => ({
      name: L.kind === 'fc' && L.last ? 'output' : `${L.kind} ${f + 1}`,
      shape: L.kind === 'conv' ? [L.cout, L.Ho, L.Wo] : [outSize(L)],
      counts: Uint16Array.from(new Float32Array(mem.buffer, ws.layers[l].cnt, outSize(L))),
      raster: Uint32Array.from(raster[f]),
    }));
    return { coding: 'rate', steps: T, layers };
  }

  applyShards(n: number, batch: number): void {
    this.net.apply(this.net.reduceInto(this.net.shards.slice(0, n)), batch);
  }

  evalStats(outcomes: ShardOutcome[]): EvalStats {
    const evalT = this.cfg.evalT, nIf = this.net.ifLayers.length;
    const tot = new Array<number>(3 * evalT.length + 2 * nIf).fill(0);
    let n = 0;
    for (const o of outcomes) { n += o.n; o.sums.forEach((v, i) => { tot[i] += v; }); }
    if (n === 0) return {};
    const rates = Array.from({ length: nIf }, (_, f) => tot[3 * evalT.length + f] / tot[3 * evalT.length + nIf + f]);
    return {
      accuracyByT: evalT.map((T, e) => ({ T, accuracy: Object.fromEntries(DECISION_RULES.map((r, i) => [r, tot[3 * e + i] / n])) as Record<DecisionRule, number> })),
      layerSpikeRates: rates,
      hiddenFiringShare: rates.slice(0, -1).reduce((a, b) => a + b, 0) / Math.max(1, nIf - 1),
    };
  }

  /** --bn-refresh: at the start of every epoch that trains on frozen statistics */
  statsRefreshSamples(epoch: number): number {
    return epoch >= this.cfg.bnBatchEpochs ? this.cfg.bnRefresh ?? 0 : 0;
  }
  addStatsShards(n: number): void { this.net.addRefresh(this.net.reduceInto(this.net.shards.slice(0, n))); }
  finishStats(): Record<string, number> { return this.net.finishRefresh(); }

  endEpoch(_seed: number, epoch: number): Record<string, number> { return this.net.endEpoch(epoch); }
  checkFinite(step: number): void { this.net.checkFinite(step); }

  state(): ModelState { return { scalars: { state: this.net.scalarState }, tensors: this.net.stateTensors() }; }
  loadState(s: ModelState): void {
    this.net.loadTensors(s.tensors);
    this.net.scalarState = s.scalars.state as number[];
  }

  /** Every parameter tensor in PyTorch layout and order: conv{i}.weight [Cout][Cin k k], bn{i}.weight/.bias [1][C], fc{j}.weight [out][in]. */
  weights(): WeightMatrix[] {
    const p = this.ctx.arena.view(this.net.params);
    return this.net.plan.params.map((info) => ({ name: info.name, rows: info.rows, cols: info.cols, data: p.slice(info.offset, info.offset + info.size) }));
  }
  setWeights(layer: number, m: Float32Array): void {
    const info = this.net.plan.params[layer];
    if (!info) throw new Error(`proxy model has ${this.net.plan.params.length} parameter tensors, no #${layer}`);
    if (m.length !== info.size) throw new Error(`${info.name} expects ${info.rows}x${info.cols} values, got ${m.length}`);
    this.ctx.arena.view(this.net.params).set(m, info.offset);
    this.net.refreshTransposed();
  }
  /** --ema: every learned parameter (conv and fc weights, BN scale and shift) is in weights(), so the average
   *  covers them all; the BN running statistics are not learned and stay as they are. After the epochs of
   *  batch statistics (the reference: epoch 0) they are frozen, the same for the raw and the averaged
   *  weights (docs/averaging.md). */
  useWeights(w: Float32Array[]): void {
    const p = this.ctx.arena.view(this.net.params);
    this.net.plan.params.forEach((info, i) => {
      if (w[i].length !== info.size) throw new Error(`${info.name} expects ${info.size} values, got ${w[i].length}`);
      p.set(w[i], info.offset);
    });
    this.net.refreshTransposed();
  }
  setLayerScalars(): void {}
  /** The SNN `eval` simulates (frozen BN folded into the convs) as a NIR graph (nir.ts). */
  toNir(): NirGraph { return proxyNir(this.net, this.cfg.model, this.cfg.T, this.cfg.theta); }

  describe(): Record<string, unknown> {
    return { model: this.cfg.model, layers: this.net.plan.layers.map((L) => L.kind === 'conv' ? `conv${L.k}x${L.k} ${L.cin}->${L.cout} @${L.H}x${L.W}` : L.kind === 'pool' ? `pool ${L.H}x${L.W}->${L.Ho}x${L.Wo}` : `fc ${L.nin}->${L.nout}`),
      parameters: this.net.plan.params.reduce((s, p) => s + p.size, 0), T: this.cfg.T, theta: this.cfg.theta };
  }
}
