// The Model face of a TtfsNetwork: what the trainer, the evaluator and checkpoints call.
import type { EvalStats, Model, ModelContext, ModelState, SampleResult, WeightMatrix } from '../types.js';
import { judgeTtfs } from '../../train/decision.js';
import type { TtfsConfig } from './config.js';
import { TtfsNetwork } from './network.js';

export class TtfsModel implements Model {
  readonly net: TtfsNetwork;
  private winnerSum = 0; private winners = 0; private noSpike = 0; private firedShareSum = 0; private evaluated = 0;

  constructor(private readonly ctx: ModelContext, readonly cfg: TtfsConfig) {
    this.net = new TtfsNetwork(ctx.arena, ctx.kernels, ctx.nInput, ctx.nClasses, cfg);
  }
  get nInput(): number { return this.ctx.nInput; }
  get nClasses(): number { return this.ctx.nClasses; }

  initialise(seed: number): void { this.net.initialise(seed); }

  private judge(label: number): SampleResult {
    const a = this.ctx.arena;
    const o = judgeTtfs(this.net.outputTimes(), a.view(this.net.vRec), this.nClasses, label, this.cfg.tmax);
    return { correct: o.correct, winnerTime: o.winnerTime, noSpike: o.noSpike };
  }

  trainSample(images: Uint8Array, offset: number, label: number): SampleResult {
    this.net.forward(images, offset);
    this.net.recordFiring();
    const r = this.judge(label);
    this.net.trainStep(label);
    return r;
  }

  accumulate(images: Uint8Array, offset: number, label: number): SampleResult {
    this.net.forward(images, offset);
    this.net.recordFiring();
    const r = this.judge(label);
    this.net.accumulateGradient(label);
    return r;
  }

  applyBatch(batch: number): void { this.net.applyGradient(batch); }

  evaluate(images: Uint8Array, offset: number, label: number): SampleResult {
    this.net.forward(images, offset);
    const r = this.judge(label);
    this.evaluated++;
    if (r.noSpike) this.noSpike++; else { this.winners++; this.winnerSum += r.winnerTime!; }
    let fired = 0, total = 0;
    const tmax = this.cfg.tmax;
    for (let l = 0; l < this.net.layers.length - 1; l++) {
      const L = this.net.layers[l];
      const t = this.ctx.arena.view(L.tOut);
      for (let j = 0; j < L.nOut; j++) if (t[j] < tmax) fired++;
      total += L.nOut;
    }
    if (total > 0) this.firedShareSum += fired / total;
    return r;
  }

  resetStats(): void { this.winnerSum = this.winners = this.noSpike = this.firedShareSum = this.evaluated = 0; }

  evalStats(): EvalStats {
    return {
      meanWinnerTime: this.winners ? this.winnerSum / this.winners : undefined,
      hiddenFiringShare: this.evaluated ? this.firedShareSum / this.evaluated : undefined,
      noOutputSpike: this.noSpike,
    };
  }

  endEpoch(seed: number, epoch: number, samples: number): Record<string, number> {
    const reset = this.net.endEpoch(seed, epoch, samples);
    const out: Record<string, number> = { deadNeuronsReset: reset };
    this.net.layers.forEach((L, l) => { if (this.cfg.binary) out[`alpha${l}`] = L.alpha; });
    return out;
  }

  checkFinite(step: number): void { this.net.checkFinite(step); }

  state(): ModelState {
    const tensors: Record<string, Float32Array | Float64Array> = {};
    this.net.layers.forEach((L, l) => { tensors[`w${l}`] = this.ctx.arena.view(L.w).slice(); });
    return { scalars: { alpha: this.net.layers.map((L) => L.alpha), theta: this.net.layers.map((L) => L.theta) }, tensors };
  }

  loadState(s: ModelState): void {
    this.net.layers.forEach((L, l) => {
      const w = s.tensors[`w${l}`];
      if (!w || w.length !== L.nIn * L.stride) throw new Error(`state lacks layer ${l} weights of ${L.nIn}x${L.stride}`);
      this.ctx.arena.view(L.w).set(w);
      const alpha = s.scalars.alpha as number[] | undefined;
      const theta = s.scalars.theta as number[] | undefined;
      if (alpha) L.alpha = alpha[l];
      if (theta) L.theta = theta[l];
      this.net.refreshSigns(L);
    });
  }

  weights(): WeightMatrix[] {
    return this.net.exportWeights().map((data, l) => ({ name: `W${l}`, rows: this.net.layers[l].nOut, cols: this.net.layers[l].nIn, data }));
  }

  setWeights(layer: number, m: Float32Array): void { this.net.importWeights(layer, m); }

  setLayerScalars(opts: { theta?: number[]; alpha?: number[] }): void {
    this.net.layers.forEach((L, l) => {
      if (opts.theta) L.theta = opts.theta[l];
      if (opts.alpha) L.alpha = opts.alpha[l];
    });
  }

  describe(): Record<string, unknown> {
    return { layers: this.net.layers.map((L) => `${L.nIn}->${L.nOut}`), binary: this.cfg.binary,
      alpha: this.cfg.binary ? this.net.layers.map((L) => L.alpha) : undefined };
  }
}
