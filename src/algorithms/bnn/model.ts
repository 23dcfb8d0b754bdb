// The Model face of the BNN baseline (minibatch Adam; batch size 1 is one Adam step per sample).
import type { EvalStats, Model, ModelContext, ModelState, SampleResult, WeightMatrix } from '../types.js';
import { judgeCounts } from '../../train/decision.js';
import { BnnNetwork, type BnnConfig } from './network.js';

export class BnnModel implements Model {
  readonly net: BnnNetwork;
  constructor(private readonly ctx: ModelContext, readonly cfg: BnnConfig) {
    this.net = new BnnNetwork(ctx.arena, ctx.kernels, ctx.nInput, ctx.nClasses, cfg);
  }
  get nInput(): number { return this.ctx.nInput; }
  get nClasses(): number { return this.ctx.nClasses; }
  initialise(seed: number): void { this.net.initialise(seed); this.net.lrScale = 1; }

  private judge(label: number): SampleResult {
    return { correct: judgeCounts(this.net.layers[this.net.layers.length - 1].z, this.nClasses, label) };
  }
  trainSample(images: Uint8Array, offset: number, label: number): SampleResult {
    const r = this.accumulate(images, offset, label);
    this.net.apply(1);
    return r;
  }
  accumulate(images: Uint8Array, offset: number, label: number): SampleResult {
    this.net.forward(images, offset, true);
    const r = this.judge(label);
    this.net.backward(label);
    return r;
  }
  applyBatch(batch: number): void { this.net.apply(batch); }
  evaluate(images: Uint8Array, offset: number, label: number): SampleResult {
    this.net.forward(images, offset, false);
    return this.judge(label);
  }
  resetStats(): void {}
  evalStats(): EvalStats { return {}; }
  endEpoch(): Record<string, number> {
    this.net.lrScale *= this.cfg.lrDecay;
    return { lrScale: this.net.lrScale };
  }
  checkFinite(step: number): void { this.net.checkFinite(step); }

  state(): ModelState {
    const a = this.ctx.arena;
    const tensors: Record<string, Float32Array | Float64Array> = {};
    this.net.layers.forEach((L, l) => {
      for (const [n, p] of [['w', L.w], ['b', L.b], ['s', L.s]] as const) {
        tensors[`${n}${l}`] = a.view(p.t).slice();
        tensors[`${n}${l}.adam_m`] = a.view(p.m).slice();
        tensors[`${n}${l}.adam_v`] = a.view(p.v).slice();
      }
    });
    this.net.layers.forEach((L, l) => { tensors[`mu${l}`] = L.mu.slice(); });
    return { scalars: { adam: this.net.adamState, lrScale: this.net.lrScale, muCount: this.net.layers.map((L) => L.muCount) }, tensors };
  }
  loadState(s: ModelState): void {
    const a = this.ctx.arena;
    this.net.layers.forEach((L, l) => {
      for (const [n, p] of [['w', L.w], ['b', L.b], ['s', L.s]] as const) {
        for (const [suffix, t] of [['', p.t], ['.adam_m', p.m], ['.adam_v', p.v]] as const) {
          const src = s.tensors[`${n}${l}${suffix}`];
          if (!src || src.length !== t.length) throw new Error(`state lacks ${n}${l}${suffix} of length ${t.length}`);
          a.view(t).set(src);
        }
      }
      const mu = s.tensors[`mu${l}`];
      if (!mu || mu.length !== L.nOut) throw new Error(`state lacks mu${l}`);
      L.mu.set(mu);
      L.muCount = (s.scalars.muCount as number[])[l];
      this.net.pack(L);
    });
    this.net.adamState = s.scalars.adam as number[];
    this.net.lrScale = s.scalars.lrScale as number;
  }
  weights(): WeightMatrix[] {
    const a = this.ctx.arena;
    return this.net.layers.map((L, l) => {
      const w = a.view(L.w.t);
      const data = new Float32Array(L.nOut * L.nIn);
      for (let j = 0; j < L.nOut; j++) data.set(w.subarray(j * L.cols, j * L.cols + L.nIn), j * L.nIn);
      return { name: `W${l}`, rows: L.nOut, cols: L.nIn, data };
    });
  }
  setWeights(layer: number, m: Float32Array): void {
    const L = this.net.layers[layer];
    if (m.length !== L.nOut * L.nIn) throw new Error(`layer ${layer} expects ${L.nOut}x${L.nIn} weights`);
    const w = this.ctx.arena.view(L.w.t);
    for (let j = 0; j < L.nOut; j++) w.set(m.subarray(j * L.nIn, (j + 1) * L.nIn), j * L.cols);
    this.net.pack(L);
  }
  setLayerScalars(): void {}
  describe(): Record<string, unknown> {
    return { layers: this.net.layers.map((L) => `${L.nIn}->${L.nOut}`), binary: true, activations: 'sign' };
  }
}
