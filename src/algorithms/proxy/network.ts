// Proxy learning (Kheradpisheh, Mirsadeghi, Masquelier 2022; algorithms.md 4.2): a ReLU ANN and an
// IF SNN with one set of weights and BN gamma/beta, separate BN running statistics.
//   ANN: conv -> BN -> ReLU [-> maxpool] ... fc -> ReLU ... fc (linear output)
//   SNN: conv0 + BN computed once = constant analog current into IF; then per time step
//        conv -> BN -> IF [-> OR pool] ... fc -> IF ... fc -> IF; output = spike counts over T steps
//   loss = mean over B x classes of (count - onehot)^2, with the counts substituted for the ANN output,
//   and backpropagated through the ANN (its ReLU masks, pool winners, BN): dL/dout = 2 (count - y) / (B n).
//   BN regime: epoch 0 both nets use batch statistics (the SNN's per time step, its running statistics
//   updated T times per minibatch), later epochs both use their frozen running statistics.
//
// Batch statistics under micro-shards: a minibatch is split into a fixed number of shards (not
// workers), each processed in chunks of at most `chunk` samples. In epoch 0 each chunk normalises with
// its own statistics ("ghost batch norm"): the shard's work stays independent of the others, so shards
// run on any worker in any order, and the result depends only on the shard count. The running
// statistics, though, are updated once per minibatch (the SNN's T times) from the exact statistics of
// the whole minibatch, summed over the chunks and shards in a fixed order, as PyTorch does with one
// batch. (docs/proxy.md says why, and what it changes.)
//
// Memory: parameters, Adam moments, running statistics and a few scalars live once in shared memory;
// every executor has a workspace (gradients, statistics sums, activations of one chunk), allocated in a
// fixed order so workers find every tensor at the main thread's offsets.
import type { Arena, Tensor } from '../../wasm/arena.js';
import { convGatherListLength, zeroTensor, type KernelSet } from '../../wasm/kernels.js';
import { makeNn, outSize, type ConvLayer, type Layer, type Nn } from '../../nn/types.js';
import { convBackward, convForward } from '../../nn/conv.js';
import { linearBackward, linearForward } from '../../nn/linear.js';
import { bnBackward, bnEvalCoeffs, bnTrainCoeffs, type BnCoeffs } from '../../nn/batchnorm.js';
import { RandomStream } from '../../train/rng.js';
import { decayed } from '../../train/schedule.js';
import { NumericalError, UsageError } from '../../errors.js';
import { WASM_LIMIT, gib } from '../memory-budget.js';
import type { Augment } from './augment.js';
import type { ImageShape, Plan } from './plan.js';
import { reduceShards } from '../../pool/reduction-tree.js';

export interface ProxyConfig {
  model: string;
  /** simulation length for training and the main evaluation */
  T: number;
  /** extra simulation lengths reported at evaluation (accuracy vs T); the SNN runs to the largest */
  evalT: number[];
  theta: number;
  lr: number; beta1: number; beta2: number; eps: number; weightDecay: number;
  /** the learning rate is lr · lrDecay^epoch (reference: 1, a constant rate) */
  lrDecay: number;
  bnMomentum: number; bnEps: number;
  /** epochs that use batch statistics (the reference: 1) */
  bnBatchEpochs: number;
  /** at the start of each epoch that trains on frozen statistics, re-estimate them on this many
   *  training samples with the current weights (0: never, the reference) */
  bnRefresh?: number;
  /** most samples a workspace processes at once (also the ghost-batch size in epoch 0) */
  chunk: number;
  /** the label's target spike count (the reference's one-hot: 1) */
  targetCount: number;
  augment: Augment;
  /** SNN conv (after the first) and fc layers: 'sparse' adds the weight rows of active inputs
   *  (if_*_gather), 'dense' multiplies every input (GEMM); bench/proxy-snn.ts measures both */
  snnPath: 'sparse' | 'dense';
  input: ImageShape;
}

const F = 4;
/** scalars in shared memory */
const S_STEP = 0, S_B1 = 1, S_B2 = 2, S_EPOCH = 3, S_SEED = 4, S_LOSS = 5, S_SEEN = 6;

interface LayerWs {
  /** ANN: conv/fc pre-activation (conv: before BN) */
  pre: number;
  /** ANN output of the layer (post ReLU, pooled, or the linear output) */
  out: number;
  /** gradient w.r.t. out (conv: becomes the gradient w.r.t. pre in place) */
  dout: number;
  arg: number;
  /** SNN: input current, membrane, spikes (0/1), spike counts */
  scur: number; v: number; spk: number; cnt: number;
  /** BN coefficients (ANN, SNN) of conv layers */
  annCo?: BnCoeffs & { aT: Tensor<'f32'>; sT: Tensor<'f32'> };
  snnCo?: BnCoeffs & { aT: Tensor<'f32'>; sT: Tensor<'f32'> };
}

export interface ProxyWorkspace {
  grad: Tensor<'f32'>;
  /** f64 sums: per conv layer ANN [S1[C], S2[C]], SNN [T][S1[C], S2[C]]; then [samples, loss] */
  stats: Tensor<'f64'>;
  x0: Tensor<'f32'>;
  layers: LayerWs[];
  col: number; dcol: number;
  /** sparse path: active-input lists (per input pixel for convs) and their lengths */
  list: number; pixCnt: number;
  bn: { sdy: number; sdyx: number; p: number; q: number; r: number; sdyV: Float64Array; sdyxV: Float64Array; pV: Float32Array; qV: Float32Array; rV: Float32Array };
}

/** Where a conv layer's statistics sums start in the workspace stats block (f64 index). */
interface StatsAt { ann: number; snn: number; C: number }

/** Channel c's mean and unbiased variance from the sums at st[at..] (S1[C], then S2[C]) over N values. */
function batchMoments(st: Float64Array, at: number, C: number, N: number, c: number): [number, number] {
  const mean = st[at + c] / N;
  return [mean, Math.max(0, st[at + C + c] - N * mean * mean) / Math.max(1, N - 1)];
}

export class ProxyNetwork {
  readonly nn: Nn;
  readonly params: Tensor<'f32'>;
  private readonly adamM: Tensor<'f32'>;
  private readonly adamV: Tensor<'f32'>;
  /** per conv layer: ANN mean, ANN var, SNN mean, SNN var (C each) */
  readonly running: Tensor<'f32'>;
  readonly runningAt: number[] = [];
  readonly scalars: Tensor<'f64'>;
  /** conv and fc weights transposed ([Cin k k][Cout], [in][out]) for the sparse SNN path, refreshed after every change */
  readonly wt: Tensor<'f32'>;
  readonly statsAt: (StatsAt | null)[] = [];
  private readonly statsLen: number;
  readonly main: ProxyWorkspace;
  readonly shards: ProxyWorkspace[] = [];
  readonly workspaceBytes: number;
  /** neurons (per sample) of each IF layer, in layer order (convs and fcs) */
  readonly ifLayers: number[] = [];

  constructor(private readonly arena: Arena, readonly k: KernelSet, readonly plan: Plan, readonly cfg: ProxyConfig) {
    this.nn = makeNn(arena, k);
    const P = plan.paramFloats;
    let runningFloats = 0;
    for (const L of plan.layers) {
      this.runningAt.push(L.kind === 'conv' ? runningFloats : -1);
      if (L.kind === 'conv') runningFloats += 4 * L.cout;
    }
    const shared = 4 * P * F + runningFloats * F + 64;
    if (arena.used + shared > WASM_LIMIT) {
      throw new UsageError('--model', `model ${cfg.model} needs ${gib(shared)} GiB of wasm memory for parameters and Adam state, over the ${gib(WASM_LIMIT)} GiB limit`);
    }
    this.params = arena.alloc('f32', P);
    this.adamM = arena.alloc('f32', P);
    this.adamV = arena.alloc('f32', P);
    this.running = arena.alloc('f32', Math.max(4, runningFloats));
    this.scalars = arena.alloc('f64', 8);
    this.wt = arena.alloc('f32', P);
    let s = 0;
    for (const L of plan.layers) {
      if (L.kind === 'conv') { this.statsAt.push({ ann: s, snn: s + 2 * L.cout, C: L.cout }); s += 2 * L.cout * (1 + cfg.T); } else this.statsAt.push(null);
      if (L.kind !== 'pool') this.ifLayers.push(outSize(L));
    }
    this.statsLen = s + 2;
    const before = arena.used;
    this.main = this.allocWorkspace();
    this.workspaceBytes = arena.used - before + 64;
  }

  private allocWorkspace(): ProxyWorkspace {
    const a = this.arena, B = this.cfg.chunk, plan = this.plan;
    const f32 = (n: number) => a.alloc('f32', Math.max(4, n)).offset;
    const grad = a.alloc('f32', plan.paramFloats);
    const stats = a.alloc('f64', this.statsLen);
    const { channels, height, width } = this.cfg.input;
    const x0 = a.alloc('f32', B * channels * height * width);
    let colMax = 4, cMax = 4, listMax = 4, hwMax = 4;
    const co = (C: number) => {
      const aT = a.alloc('f32', C), sT = a.alloc('f32', C);
      return { aT, sT, a: a.view(aT), s: a.view(sT), mean: new Float64Array(C), invstd: new Float64Array(C) };
    };
    const layers: LayerWs[] = plan.layers.map((L) => {
      const n = B * outSize(L);
      if (L.kind === 'conv') {
        colMax = Math.max(colMax, L.cin * L.k * L.k * L.Ho * L.Wo); cMax = Math.max(cMax, L.cout);
        listMax = Math.max(listMax, convGatherListLength(L.cin, L.H, L.W, L.k)); hwMax = Math.max(hwMax, L.H * L.W);
      } else if (L.kind === 'fc') listMax = Math.max(listMax, L.nin);
      const pre = L.kind === 'pool' ? 0 : f32(n);
      const out = L.kind === 'fc' && L.last ? pre : f32(n);
      const dout = f32(n);
      const arg = L.kind === 'pool' ? a.alloc('u8', n).offset : 0;
      const snn = L.kind === 'pool' ? { scur: 0, v: 0, spk: f32(n), cnt: 0 } : { scur: f32(n), v: f32(n), spk: f32(n), cnt: f32(n) };
      return { pre, out, dout, arg, ...snn, annCo: L.kind === 'conv' ? co(L.cout) : undefined, snnCo: L.kind === 'conv' ? co(L.cout) : undefined };
    });
    const col = f32(colMax), dcol = f32(colMax), list = a.alloc('i32', listMax).offset, pixCnt = a.alloc('i32', hwMax).offset;
    const sdy = a.alloc('f64', cMax), sdyx = a.alloc('f64', cMax);
    const p = a.alloc('f32', cMax), q = a.alloc('f32', cMax), r = a.alloc('f32', cMax);
    return { grad, stats, x0, layers, col, dcol, list, pixCnt,
      bn: { sdy: sdy.offset, sdyx: sdyx.offset, p: p.offset, q: q.offset, r: r.offset, sdyV: a.view(sdy), sdyxV: a.view(sdyx), pV: a.view(p), qV: a.view(q), rV: a.view(r) } };
  }

  createShards(n: number): void {
    if (this.shards.length) throw new Error('shards already created');
    const need = this.arena.used + n * this.workspaceBytes;
    if (need > WASM_LIMIT) {
      throw new UsageError('--shards', `model ${this.cfg.model} with ${n} micro-shards needs ${gib(need)} GiB of wasm memory ` +
        `(${gib(this.arena.used)} GiB of parameters and the main workspace + ${n} x ${gib(this.workspaceBytes)} GiB), over the ${gib(WASM_LIMIT)} GiB limit: ` +
        'use fewer --shards or a smaller --chunk');
    }
    for (let s = 0; s < n; s++) this.shards.push(this.allocWorkspace());
  }

  get sc(): Float64Array { return this.arena.view(this.scalars); }
  /** true while batch statistics are used (the reference: epoch 0 only) */
  get batchStats(): boolean { return this.sc[S_EPOCH] < this.cfg.bnBatchEpochs; }

  /** PyTorch's default init: conv/linear weights U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (kaiming_uniform, a = sqrt 5), BN gamma 1, beta 0. */
  initialise(seed: number): void {
    const p = this.arena.view(this.params);
    p.fill(0);
    this.plan.params.forEach((info, i) => {
      if (info.name.startsWith('bn')) { p.fill(info.name.endsWith('.weight') ? 1 : 0, info.offset, info.offset + info.size); return; }
      const r = new RandomStream(seed, 'init', i, 0);
      const bound = 1 / Math.sqrt(info.cols);
      for (let j = 0; j < info.size; j++) p[info.offset + j] = bound * (2 * r.uniform(j) - 1);
    });
    this.arena.view(this.adamM).fill(0);
    this.arena.view(this.adamV).fill(0);
    const run = this.arena.view(this.running);
    this.plan.layers.forEach((L, l) => {
      if (L.kind !== 'conv') return;
      const at = this.runningAt[l], C = L.cout;
      run.fill(0, at, at + C); run.fill(1, at + C, at + 2 * C); run.fill(0, at + 2 * C, at + 3 * C); run.fill(1, at + 3 * C, at + 4 * C);
    });
    this.sc.set([0, 1, 1, 0, seed, 0, 0, 0]);
    this.refreshTransposed();
    for (const ws of [this.main, ...this.shards]) this.clearWorkspace(ws);
  }

  /** Rebuilds the transposed weights of the sparse path (after init, an update, or loaded weights). */
  refreshTransposed(): void {
    this.plan.layers.forEach((L, l) => {
      if (L.kind === 'pool') return;
      const info = this.plan.params[this.plan.w[l]];
      this.k.f32_transpose(this.params.offset + info.offset * F, info.rows, info.cols, this.wt.offset + info.offset * F);
    });
  }

  clearWorkspace(ws: ProxyWorkspace): void {
    zeroTensor(this.k, ws.grad);
    zeroTensor(this.k, ws.stats);
  }

  private paramView(idx: number): Float32Array {
    const info = this.plan.params[idx];
    return new Float32Array(this.arena.memory.buffer, this.params.offset + info.offset * F, info.size);
  }
  private gradView(ws: ProxyWorkspace, idx: number): Float32Array {
    const info = this.plan.params[idx];
    return new Float32Array(this.arena.memory.buffer, ws.grad.offset + info.offset * F, info.size);
  }
  private wOff(l: number): number { return this.params.offset + this.plan.params[this.plan.w[l]].offset * F; }
  private gwOff(ws: ProxyWorkspace, l: number): number { return ws.grad.offset + this.plan.params[this.plan.w[l]].offset * F; }
  private runningView(l: number, which: number, C: number): Float32Array {
    return new Float32Array(this.arena.memory.buffer, this.running.offset + (this.runningAt[l] + which * C) * F, C);
  }

  private inputOf(ws: ProxyWorkspace, l: number): number { return l === 0 ? ws.x0.offset : ws.layers[l - 1].out; }

  /** BN train coefficients from this chunk's pre-activations; adds the chunk's sums at stats[at..]. */
  private batchCoeffs(ws: ProxyWorkspace, l: number, x: number, B: number, co: BnCoeffs, at: number): void {
    const L = this.plan.layers[l] as ConvLayer, C = L.cout, n = L.Ho * L.Wo, N = B * n;
    const t = ws.bn; // borrow the backward scratch for mean and m2 (f64, >= C)
    this.k.f32_plane_stats(x, B, C, n, t.sdy, t.sdyx);
    bnTrainCoeffs(this.paramView(this.plan.gamma[l]), this.paramView(this.plan.beta[l]), t.sdyV, t.sdyxV, N, this.cfg.bnEps, co);
    const st = this.arena.view(ws.stats);
    for (let c = 0; c < C; c++) { st[at + c] += t.sdyV[c] * N; st[at + C + c] += t.sdyxV[c] + N * t.sdyV[c] * t.sdyV[c]; }
  }

  /** Layer l's weights and, for a conv, the SNN's frozen BN as y = a x + s per channel (copies; for export). */
  frozenLayer(l: number): { w: Float32Array; a?: Float32Array; s?: Float32Array } {
    const L = this.plan.layers[l];
    if (L.kind === 'pool') throw new Error('internal: a pool layer has no weights');
    const w = this.paramView(this.plan.w[l]).slice();
    if (L.kind === 'fc') return { w };
    const C = L.cout;
    const co: BnCoeffs = { a: new Float32Array(C), s: new Float32Array(C), mean: new Float64Array(C), invstd: new Float64Array(C) };
    this.evalCoeffs(l, true, co);
    return { w, a: co.a, s: co.s };
  }

  private evalCoeffs(l: number, snn: boolean, co: BnCoeffs): void {
    const C = (this.plan.layers[l] as ConvLayer).cout;
    bnEvalCoeffs(this.paramView(this.plan.gamma[l]), this.paramView(this.plan.beta[l]),
      this.runningView(l, snn ? 2 : 0, C), this.runningView(l, snn ? 3 : 1, C), this.cfg.bnEps, co);
  }

  /** ANN forward over B samples in ws.x0; returns the offset of the outputs [B][classes]. */
  annForward(ws: ProxyWorkspace, B: number, batch: boolean): number {
    const k = this.k;
    this.plan.layers.forEach((L, l) => {
      const W = ws.layers[l], x = this.inputOf(ws, l), n = B * outSize(L);
      if (L.kind === 'conv') {
        convForward(this.nn, L, this.wOff(l), x, W.pre, B, ws.col);
        const co = W.annCo!;
        if (batch) this.batchCoeffs(ws, l, W.pre, B, co, this.statsAt[l]!.ann); else this.evalCoeffs(l, false, co);
        k.f32_affine_planes(W.pre, W.out, B, L.cout, L.Ho * L.Wo, co.aT.offset, co.sT.offset);
        k.f32_relu(W.out, W.out, n);
      } else if (L.kind === 'pool') {
        k.f32_maxpool2(x, B * L.C, L.H, L.W, W.out, W.arg);
      } else {
        linearForward(this.nn, L, this.wOff(l), x, W.pre, B);
        if (!L.last) k.f32_relu(W.pre, W.out, n);
      }
    });
    return ws.layers[this.plan.layers.length - 1].out;
  }

  /**
   * SNN forward over B samples for Tsim steps; returns the offset of the output counts [B][classes].
   * Needs conv0's pre-activation in ws.layers[0].pre (annForward leaves it there; else pass
   * computeConv0). With batch statistics, the first layer uses the ANN's chunk coefficients (same
   * weights, same input: the same numbers) and later convs their own per time step.
   * `onStep(t)` runs after each step t = 1..Tsim (accuracy vs T).
   */
  snnForward(ws: ProxyWorkspace, B: number, batch: boolean, Tsim: number, computeConv0: boolean, onStep?: (t: number) => void): number {
    const k = this.k, layers = this.plan.layers;
    layers.forEach((L, l) => {
      if (L.kind === 'pool') return;
      const W = ws.layers[l], n = B * outSize(L);
      this.nn.zero(W.v, n); this.nn.zero(W.cnt, n);
      if (L.kind === 'conv' && !batch) this.evalCoeffs(l, true, W.snnCo!);
    });
    const L0 = layers[0] as ConvLayer, W0 = ws.layers[0];
    if (computeConv0) convForward(this.nn, L0, this.wOff(0), ws.x0.offset, W0.pre, B, ws.col);
    const co0 = batch ? W0.annCo! : W0.snnCo!;
    k.f32_affine_planes(W0.pre, W0.scur, B, L0.cout, L0.Ho * L0.Wo, co0.aT.offset, co0.sT.offset);
    const th = this.cfg.theta;
    for (let t = 0; t < Tsim; t++) {
      layers.forEach((L, l) => {
        const W = ws.layers[l], n = B * outSize(L), x = l === 0 ? 0 : ws.layers[l - 1].spk;
        if (L.kind === 'conv') {
          if (l > 0) {
            if (this.cfg.snnPath === 'sparse') {
              const wt = this.wt.offset + this.plan.params[this.plan.w[l]].offset * F, P = L.Ho * L.Wo, inN = L.cin * L.H * L.W;
              for (let b = 0; b < B; b++) k.if_conv_gather(x + b * inN * F, L.cin, L.H, L.W, L.k, L.stride, L.pad, wt, L.cout, W.scur + b * L.cout * P * F, ws.list, ws.pixCnt);
            } else convForward(this.nn, L, this.wOff(l), x, W.scur, B, ws.col);
            const co = W.snnCo!;
            if (batch) this.batchCoeffs(ws, l, W.scur, B, co, this.statsAt[l]!.snn + 2 * L.cout * Math.min(t, this.cfg.T - 1));
            k.f32_affine_planes(W.scur, W.scur, B, L.cout, L.Ho * L.Wo, co.aT.offset, co.sT.offset);
          }
          k.if_step(W.v, W.scur, W.spk, W.cnt, n, th);
        } else if (L.kind === 'pool') {
          k.f32_maxpool2(x, B * L.C, L.H, L.W, W.spk, 0);
        } else {
          if (this.cfg.snnPath === 'sparse') k.if_fc_gather(x, B, L.nin, this.wt.offset + this.plan.params[this.plan.w[l]].offset * F, L.nout, W.scur, ws.list);
          else linearForward(this.nn, L, this.wOff(l), x, W.scur, B);
          k.if_step(W.v, W.scur, W.spk, W.cnt, n, th);
        }
      });
      onStep?.(t + 1);
    }
    return ws.layers[layers.length - 1].cnt;
  }

  /** Backward through the ANN from ws.layers[last].dout (set by the caller); adds into ws.grad. */
  annBackward(ws: ProxyWorkspace, B: number, batch: boolean): void {
    const k = this.k, layers = this.plan.layers;
    for (let l = layers.length - 1; l >= 0; l--) {
      const L = layers[l], W = ws.layers[l], x = this.inputOf(ws, l), n = B * outSize(L);
      const dIn = l === 0 ? 0 : ws.layers[l - 1].dout;
      if (L.kind === 'fc') {
        if (!L.last) k.f32_relu_bwd(W.out, W.dout, W.dout, n);
        linearBackward(this.nn, L, this.wOff(l), this.gwOff(ws, l), x, W.dout, dIn, B);
      } else if (L.kind === 'pool') {
        k.f32_maxpool2_bwd(W.dout, W.arg, B * L.C, L.H, L.W, dIn);
      } else {
        k.f32_relu_bwd(W.out, W.dout, W.dout, n);
        bnBackward(this.nn, batch, W.pre, W.dout, B, L.cout, L.Ho * L.Wo, W.annCo!,
          this.gradView(ws, this.plan.gamma[l]), this.gradView(ws, this.plan.beta[l]), ws.bn);
        convBackward(this.nn, L, this.wOff(l), this.gwOff(ws, l), x, W.dout, dIn, B, ws.col, ws.dcol);
      }
    }
  }

  /** Sets the output gradient from the counts: 2 (count - target) / classes per sample (the 1/B is applied in apply); returns the summed squared error. */
  setOutputGrad(ws: ProxyWorkspace, B: number, labels: ArrayLike<number>): number {
    const last = ws.layers[this.plan.layers.length - 1], nc = this.plan.nClasses;
    const cnt = new Float32Array(this.arena.memory.buffer, last.cnt, B * nc);
    const d = new Float32Array(this.arena.memory.buffer, last.dout, B * nc);
    let loss = 0;
    for (let b = 0; b < B; b++) for (let c = 0; c < nc; c++) {
      const e = cnt[b * nc + c] - (c === labels[b] ? this.cfg.targetCount : 0);
      d[b * nc + c] = (2 * e) / nc;
      loss += e * e;
    }
    const st = this.arena.view(ws.stats);
    st[this.statsLen - 2] += B; st[this.statsLen - 1] += loss / nc;
    return loss;
  }

  /** Sums the workspaces' gradients and statistics into the first in the fixed tree of src/pool/reduction-tree.ts. */
  reduceInto(wss: ProxyWorkspace[]): ProxyWorkspace {
    reduceShards(wss.length, (d, s) => this.mergeShard(wss[d], wss[s]));
    return wss[0];
  }

  /** One merge of the tree: src's gradient and statistics added into dst's. */
  mergeShard(dst: ProxyWorkspace, src: ProxyWorkspace): void {
    this.k.f32_add(dst.grad.offset, src.grad.offset, this.plan.paramFloats);
    const a = this.arena.view(dst.stats), b = this.arena.view(src.stats);
    for (let j = 0; j < a.length; j++) a[j] += b[j];
  }

  /** Adam step on the summed gradients of `batch` samples in ws, running-statistics updates; clears ws. */
  apply(ws: ProxyWorkspace, batch: number): void {
    const a = this.arena, c = this.cfg, sc = this.sc;
    const st = a.view(ws.stats);
    const loss = st[this.statsLen - 1];
    if (!Number.isFinite(loss)) throw new NumericalError('proxy loss (spike counts)', -1, `loss = ${loss}`);
    const g = a.view(ws.grad);
    const inv = 1 / batch;
    for (let i = 0; i < g.length; i++) g[i] *= inv;
    if (this.k.f32_nonfinite_any(ws.grad.offset, this.plan.paramFloats)) throw new NumericalError('proxy gradients', -1, 'NaN or Inf');
    sc[S_STEP]++; sc[S_B1] *= c.beta1; sc[S_B2] *= c.beta2;
    this.k.f32_adam_step(this.params.offset, ws.grad.offset, this.adamM.offset, this.adamV.offset, this.plan.paramFloats,
      this.learningRate(), c.beta1, c.beta2, c.eps, 1 - sc[S_B1], 1 - sc[S_B2], c.weightDecay, 0);
    this.refreshTransposed();
    if (this.batchStats) this.updateRunning(st, st[this.statsLen - 2]);
    sc[S_LOSS] += loss; sc[S_SEEN] += st[this.statsLen - 2];
    this.clearWorkspace(ws);
  }

  /** lr · lrDecay^epoch (checkpoints written before the option existed: a constant rate) */
  learningRate(): number { return decayed(this.cfg.lr, this.cfg.lrDecay ?? 1, this.sc[S_EPOCH]); }

  /** running = (1 - m) running + m batch (unbiased variance), as torch.nn.BatchNorm2d in train mode. */
  updateRunning(st: Float64Array, samples: number): void {
    const m = this.cfg.bnMomentum;
    for (const { l, which, at, C, N } of this.statsSlots(samples)) {
      const rm = this.runningView(l, which, C), rv = this.runningView(l, which + 1, C);
      for (let c = 0; c < C; c++) {
        const [mean, v] = batchMoments(st, at, C, N, c);
        rm[c] = (1 - m) * rm[c] + m * mean;
        rv[c] = (1 - m) * rv[c] + m * v;
      }
    }
  }

  /**
   * Where one minibatch's statistics sums sit in a workspace's stats block, in update order: per conv
   * layer the ANN's (running statistics `which` 0), then the SNN's (`which` 2): the first layer's static
   * conv + BN sees the same batch once (the ANN's sums), a later layer has one slot per time step.
   */
  private statsSlots(samples: number): { l: number; which: 0 | 2; at: number; C: number; N: number; steps: number }[] {
    const out: { l: number; which: 0 | 2; at: number; C: number; N: number; steps: number }[] = [];
    this.plan.layers.forEach((L, l) => {
      if (L.kind !== 'conv') return;
      const at = this.statsAt[l]!, N = samples * L.Ho * L.Wo, C = L.cout;
      out.push({ l, which: 0, at: at.ann, C, N, steps: 1 });
      if (l === 0) out.push({ l, which: 2, at: at.ann, C, N, steps: 1 });
      else for (let t = 0; t < this.cfg.T; t++) out.push({ l, which: 2, at: at.snn + 2 * C * t, C, N, steps: this.cfg.T });
    });
    return out;
  }

  /** --bn-refresh: per conv layer, in the running-statistics layout, the sums over refresh minibatches of
   *  each minibatch's channel mean and unbiased variance (the SNN's averaged over its T steps) */
  private refreshSum: Float64Array | null = null;
  private refreshBatches = 0;

  /** Marks B samples as seen in ws (a 'stats' pass computes no loss). */
  countSamples(ws: ProxyWorkspace, B: number): void { this.arena.view(ws.stats)[this.statsLen - 2] += B; }

  /** Folds one minibatch's reduced statistics sums (ws.stats, from batch-mode forwards) into the refresh sums. */
  addRefresh(ws: ProxyWorkspace): void {
    const st = this.arena.view(ws.stats);
    const acc = this.refreshSum ??= new Float64Array(this.running.length);
    for (const { l, which, at, C, N, steps } of this.statsSlots(st[this.statsLen - 2])) {
      const dst = this.runningAt[l] + which * C, w = 1 / steps;
      for (let c = 0; c < C; c++) {
        const [mean, v] = batchMoments(st, at, C, N, c);
        acc[dst + c] += w * mean;
        acc[dst + C + c] += w * v;
      }
    }
    this.refreshBatches++;
    this.clearWorkspace(ws);
  }

  /**
   * Replaces the running statistics by the refresh means ("precise BN": the average of the minibatch
   * statistics under the current weights) and returns how far they moved: the mean over channels of
   * |new mean - old mean| / old std, and of new std / old std, for the ANN's and the SNN's statistics.
   */
  finishRefresh(): Record<string, number> {
    const acc = this.refreshSum, nb = this.refreshBatches;
    this.refreshSum = null; this.refreshBatches = 0;
    if (!acc || nb === 0) return {};
    const run = this.arena.view(this.running), eps = this.cfg.bnEps;
    const moved = { annShift: 0, annStdRatio: 0, snnShift: 0, snnStdRatio: 0 };
    let channels = 0;
    this.plan.layers.forEach((L, l) => {
      if (L.kind !== 'conv') return;
      const C = L.cout, r = this.runningAt[l];
      for (const [net, base] of [['ann', r], ['snn', r + 2 * C]] as const) {
        for (let c = 0; c < C; c++) {
          const m = acc[base + c] / nb, v = acc[base + C + c] / nb;
          const oldStd = Math.sqrt(run[base + C + c] + eps);
          moved[`${net}Shift`] += Math.abs(m - run[base + c]) / oldStd;
          moved[`${net}StdRatio`] += Math.sqrt(v + eps) / oldStd;
          run[base + c] = m; run[base + C + c] = v;
        }
      }
      channels += C;
    });
    for (const k of Object.keys(moved) as (keyof typeof moved)[]) moved[k] /= channels;
    return { bnRefreshBatches: nb, bnAnnMeanShift: moved.annShift, bnAnnStdRatio: moved.annStdRatio, bnSnnMeanShift: moved.snnShift, bnSnnStdRatio: moved.snnStdRatio };
  }

  endEpoch(epoch: number): Record<string, number> {
    const sc = this.sc;
    const out = { loss: sc[S_SEEN] ? sc[S_LOSS] / sc[S_SEEN] : 0, batchStats: this.batchStats ? 1 : 0 };
    sc[S_EPOCH] = epoch + 1; sc[S_LOSS] = 0; sc[S_SEEN] = 0;
    return out;
  }

  get epoch(): number { return this.sc[S_EPOCH]; }
  get seed(): number { return this.sc[S_SEED]; }

  checkFinite(step: number): void {
    const k = this.k;
    for (const [name, t] of [['parameters', this.params], ['Adam first moments', this.adamM], ['Adam second moments', this.adamV], ['BN running statistics', this.running]] as const) {
      if (k.f32_nonfinite_any(t.offset, t.length)) {
        const v = this.arena.view(t);
        const bad = v.findIndex((x) => !Number.isFinite(x));
        const p = this.plan.params.find((q) => bad >= q.offset && bad < q.offset + q.size);
        throw new NumericalError(`proxy ${name}${p && t !== this.running ? ` (${p.name})` : ''}`, step, 'NaN or Inf');
      }
    }
  }

  stateTensors(): Record<string, Float32Array | Float64Array> {
    const a = this.arena;
    return { params: a.view(this.params).slice(), 'params.adam_m': a.view(this.adamM).slice(), 'params.adam_v': a.view(this.adamV).slice(), running: a.view(this.running).slice() };
  }
  loadTensors(t: Record<string, Float32Array | Float64Array>): void {
    const a = this.arena;
    for (const [name, dst] of [['params', this.params], ['params.adam_m', this.adamM], ['params.adam_v', this.adamV], ['running', this.running]] as const) {
      const src = t[name];
      if (!src || src.length !== dst.length) throw new Error(`state lacks ${name} of length ${dst.length}`);
      a.view(dst).set(src);
    }
    this.refreshTransposed();
  }
  get scalarState(): number[] { return [...this.sc]; }
  set scalarState(s: number[]) { this.sc.set(s); }

  /** Layer input/output helpers for statistics. */
  layerOf(l: number): Layer { return this.plan.layers[l]; }
}
