// The Model face of the BNN baseline (minibatch Adam; batch size 1 is one Adam step per sample).
import type { EvalStats, ImageSource, Model, ModelContext, ModelState, PackedState, SampleResult, ShardOutcome, ShardTask, WeightMatrix } from '../types.js';
import { judgeCounts, type DecisionRule } from '../../train/decision.js';
import { BnnNetwork, type BnnConfig } from './network.js';
import { signMatrix } from '../signs.js';
import { noNirForm, type NirGraph } from '../../interop/nir-graph.js';
import type { Tensor } from '../../wasm/arena.js';

export class BnnModel implements Model {
  readonly net: BnnNetwork;
  constructor(private readonly ctx: ModelContext, readonly cfg: BnnConfig) {
    this.net = new BnnNetwork(ctx.arena, ctx.kernels, ctx.nInput, ctx.nClasses, cfg);
  }
  get nInput(): number { return this.ctx.nInput; }
  get nClasses(): number { return this.ctx.nClasses; }
  initialise(seed: number): void { this.net.initialise(seed); }

  trainSample(images: Uint8Array, offset: number, label: number): SampleResult {
    const ws = this.net.main;
    const z = this.net.forward(ws, images, offset, true);
    const correct = judgeCounts(z, this.nClasses, label);
    this.net.backward(ws, label);
    this.net.flush(ws);
    this.net.apply(ws, 1);
    return { correct };
  }

  createShards(n: number): void { this.net.createShards(n); }

  runShard(task: ShardTask, data: ImageSource): ShardOutcome {
    const ws = this.net.shards[task.shard];
    if (!ws) throw new Error(`no shard workspace ${task.shard}`);
    const train = task.kind === 'grad';
    if (train) this.net.clearWorkspace(ws);
    const hits: Record<DecisionRule, number> = { strict: 0, 'first-index': 0, reference: 0 };
    for (const i of task.indices) {
      const z = this.net.forward(ws, data.images, i * data.pixels, train);
      const c = judgeCounts(z, this.nClasses, data.labels[i]);
      for (const k of Object.keys(hits) as DecisionRule[]) if (c[k]) hits[k]++;
      if (train) this.net.backward(ws, data.labels[i]);
    }
    if (train) this.net.flush(ws);
    return { n: task.indices.length, hits, sums: [] };
  }

  applyShards(n: number, batch: number): void {
    this.net.apply(this.net.reduceInto(this.net.shards.slice(0, n)), batch);
  }

  evalStats(): EvalStats { return {}; }
  endEpoch(): Record<string, number> {
    this.net.lrScale = this.net.lrScale * this.cfg.lrDecay;
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
      tensors[`mu${l}`] = a.view(L.mu).slice();
    });
    return { scalars: { state: this.net.scalarState }, tensors };
  }
  loadState(s: ModelState): void {
    const a = this.ctx.arena;
    this.net.layers.forEach((L, l) => {
      const put = (name: string, t: Tensor<'f32'> | Tensor<'f64'>) => {
        const src = s.tensors[name];
        if (!src || src.length !== t.length) throw new Error(`state lacks ${name} of length ${t.length}`);
        (t.dtype === 'f32' ? a.view(t as Tensor<'f32'>) : a.view(t as Tensor<'f64'>)).set(src);
      };
      for (const [n, p] of [['w', L.w], ['b', L.b], ['s', L.s]] as const) {
        put(`${n}${l}`, p.t); put(`${n}${l}.adam_m`, p.m); put(`${n}${l}.adam_v`, p.v);
      }
      put(`mu${l}`, L.mu);
      this.net.pack(L);
    });
    this.net.scalarState = s.scalars.state as number[];
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
  /** The forward state: sign(W), and per neuron the scale s, bias b and running mean mu of the popcount. */
  packedState(): PackedState {
    const a = this.ctx.arena, tensors: Record<string, Float32Array | Float64Array> = {};
    this.net.layers.forEach((L, l) => {
      tensors[`b${l}`] = a.view(L.b.t).slice(0, L.nOut); tensors[`s${l}`] = a.view(L.s.t).slice(0, L.nOut);
      const mu = a.view(L.mu); tensors[`mu${l}`] = mu.slice(0, L.nOut);
    });
    return { signs: this.weights().map(signMatrix), scalars: {}, tensors };
  }

  loadPackedState(p: PackedState): void {
    const a = this.ctx.arena;
    this.net.layers.forEach((L, l) => {
      this.setWeights(l, p.signs[l].data);
      for (const [name, t] of [[`b${l}`, L.b.t], [`s${l}`, L.s.t], [`mu${l}`, L.mu]] as const) {
        const src = p.tensors[name];
        if (!src || src.length !== L.nOut) throw new Error(`packed state lacks ${name} of length ${L.nOut}`);
        (t.dtype === 'f32' ? a.view(t as Tensor<'f32'>) : a.view(t as unknown as Tensor<'f64'>)).set(src);
      }
    });
  }

  setLayerScalars(): void {}
  toNir(): NirGraph {
    return noNirForm('bnn', 'its units are ±1 activations of a binarised ANN, not spiking neurons; `--format npy` exports its weights');
  }

  describe(): Record<string, unknown> {
    return { layers: this.net.layers.map((L) => `${L.nIn}->${L.nOut}`), binary: true, activations: 'sign' };
  }
}
