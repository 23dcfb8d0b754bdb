// A STiDi-BP convolutional spiking network (docs/stidi-bp.md): conv layers, each followed by
// earliest-spike pooling, then a fully connected output layer (a 1x1 "convolution" over the flattened
// pooled map). Parameters (weights, their signs for the binary forward, thresholds and scales) live
// once in shared wasm memory; every executor (the main thread, each micro-shard) has its own
// Workspace. Allocation order is fixed (parameters, main workspace, shard workspaces), so a worker
// that builds the same network over the same memory finds every tensor at the same offset.
import { adaptThresholds } from '../homeostasis.js';
import { codedChannels, imageEncoder } from './input-code.js';
import type { Arena, Tensor } from '../../wasm/arena.js';
import { zeroTensor, type KernelSet } from '../../wasm/kernels.js';
import { RandomStream, fillUniformRows } from '../../train/rng.js';
import { NumericalError } from '../../errors.js';
import { relativeTargets } from '../ttfs/targets.js';
import { layerTau, type StidiConfig } from './config.js';
import { sampleShift, shiftImage } from './shift.js';
import { lastInputEvent } from '../ttfs/encode.js';
import { reduceShards } from '../../pool/reduction-tree.js';

export interface StidiLayer {
  /** input map (channels, height, width) and kernel size; FC: cin = all inputs, hin = win = k = 1 */
  cin: number; hin: number; win: number; k: number;
  hout: number; wout: number; cout: number;
  /** cout rounded up to 4 (the SIMD lane group); pad weights stay 0, so pad lanes never fire */
  cs: number;
  /** pooling window after the layer (1 for the output layer) and the pooled size */
  pool: number; ph: number; pw: number;
  nIn: number; nOut: number; nW: number;
  /** real weights [k][k][cin][cs] */
  w: Tensor<'f32'>;
  /** binary layers: sign(w) as f32 (+1, -1, 0; times alpha_j with the per-filter scale), same layout; null
   *  in a real network and for the layers a binary one keeps real (cfg.realLayers) */
  sgn: Tensor<'f32'> | null;
}

export interface WsLayer {
  u: Tensor<'f32'>; s: Tensor<'f32'>; tOut: Tensor<'i32'>;
  /** per output position: the time its potential was last brought up to date (event-driven kernel) */
  lt: Tensor<'i32'>;
  delta: Tensor<'f32'>; grad: Tensor<'f32'>;
  /** temporal error (displacement) at this layer's input, i.e. at the pooled output below */
  eIn: Tensor<'f32'>;
  tPool: Tensor<'i32'>; arg: Tensor<'i32'>;
}

export interface Workspace {
  tIn: Tensor<'i32'>; order: Tensor<'i32'>; counts: Tensor<'i32'>;
  layers: WsLayer[];
  /** neurons that fired in each layer on the last forward pass */
  fired: number[];
  /** per layer the sum of the fired shares of the samples accumulated since the last update, then
   *  their count (the threshold adaptation's input; shared memory, summed over shards like grad) */
  firing: Tensor<'f64'>;
  target: Float64Array;
  /** --shift: this thread's copy of the moved training image (allocated on first use) */
  image?: Uint8Array;
}

export class StidiNetwork {
  readonly layers: StidiLayer[] = [];
  /** [theta_0..theta_L-1, alpha_0..alpha_L-1] in shared memory: workers read the current values */
  private readonly scalars: Tensor<'f64'>;
  readonly main: Workspace;
  readonly shards: Workspace[] = [];
  readonly nInput: number;
  /** the configured input code (input-code.ts), built once */
  private readonly encodeImage: (pixels: Uint8Array, offset: number, t: Int32Array) => void;
  /** cfg.etaDecay ** (epochs completed): the learning-rate schedule's current factor (main thread only) */
  etaScale = 1;

  constructor(private readonly arena: Arena, private readonly k: KernelSet, readonly nClasses: number, readonly cfg: StidiConfig) {
    const { channels, height, width } = cfg.imageShape;
    this.nInput = channels * height * width;
    this.encodeImage = imageEncoder(cfg.inputCode, cfg.imageShape, cfg.tmax);
    // the first layer sees the coded channels (two contrast channels per image channel with 'dog')
    let c = codedChannels(cfg.inputCode, channels), h = height, w = width;
    const geo: Omit<StidiLayer, 'w' | 'sgn'>[] = [];
    for (const conv of cfg.convs) {
      const hout = h - conv.kernel + 1, wout = w - conv.kernel + 1;
      const ph = Math.floor(hout / conv.pool), pw = Math.floor(wout / conv.pool);
      geo.push(this.geometry(c, h, w, conv.kernel, hout, wout, conv.maps, conv.pool, ph, pw));
      c = conv.maps; h = ph; w = pw;
    }
    for (const units of cfg.fc) { geo.push(this.geometry(c * h * w, 1, 1, 1, 1, 1, units, 1, 1, 1)); c = units; h = 1; w = 1; }
    geo.push(this.geometry(c * h * w, 1, 1, 1, 1, 1, nClasses, 1, 1, 1));
    geo.forEach((g, l) => {
      const binary = cfg.binary && !(cfg.realLayers ?? []).includes(l);
      this.layers.push({ ...g, w: arena.alloc('f32', g.nW), sgn: binary ? arena.alloc('f32', g.nW) : null });
    });
    // theta per layer, alpha per layer, then the run's seed and the current epoch (the augmentation's keys)
    this.scalars = arena.alloc('f64', 2 * this.layers.length + 2);
    this.main = this.allocWorkspace();
  }

  private geometry(cin: number, hin: number, win: number, k: number, hout: number, wout: number, cout: number,
    pool: number, ph: number, pw: number): Omit<StidiLayer, 'w' | 'sgn'> {
    const cs = (cout + 3) & ~3;
    return { cin, hin, win, k, hout, wout, cout, cs, pool, ph, pw, nIn: cin * hin * win, nOut: hout * wout * cout, nW: k * k * cin * cs };
  }

  private allocWorkspace(): Workspace {
    const a = this.arena;
    const maxIn = Math.max(...this.layers.map((L) => L.nIn));
    return {
      tIn: a.alloc('i32', this.layers[0].nIn),
      order: a.alloc('i32', maxIn),
      counts: a.alloc('i32', this.cfg.tmax + 2),
      layers: this.layers.map((L) => {
        const n = L.hout * L.wout * L.cs, np = L.ph * L.pw * L.cout;
        return {
          u: a.alloc('f32', n), s: a.alloc('f32', n), tOut: a.alloc('i32', n), lt: a.alloc('i32', L.hout * L.wout), delta: a.alloc('f32', n),
          grad: a.alloc('f32', L.nW), eIn: a.alloc('f32', L.nIn), tPool: a.alloc('i32', np), arg: a.alloc('i32', np),
        };
      }),
      fired: this.layers.map(() => 0),
      firing: a.alloc('f64', this.layers.length + 1),
      target: new Float64Array(this.nClasses),
    };
  }

  createShards(n: number): void {
    if (this.shards.length) throw new Error('shards already created');
    for (let s = 0; s < n; s++) this.shards.push(this.allocWorkspace());
  }

  theta(l: number): number { return this.arena.view(this.scalars)[l]; }
  setTheta(l: number, v: number): void { this.arena.view(this.scalars)[l] = v; }
  alpha(l: number): number { return this.arena.view(this.scalars)[this.layers.length + l]; }

  /** The run's seed and the epoch being trained (shared memory: every worker reads them). */
  get seed(): number { return this.arena.view(this.scalars)[2 * this.layers.length]; }
  get epoch(): number { return this.arena.view(this.scalars)[2 * this.layers.length + 1]; }
  setSeedEpoch(seed: number, epoch: number): void {
    const sc = this.arena.view(this.scalars), n = 2 * this.layers.length;
    sc[n] = seed; sc[n + 1] = epoch;
  }

  /** U[lo, hi] from the (seed, 'init', layer) stream; pad lanes stay 0. */
  initialise(seed: number): void {
    this.setSeedEpoch(seed, 0);
    this.layers.forEach((L, l) => {
      const [lo, hi] = this.cfg.init[l];
      fillUniformRows(this.arena.view(L.w), L.k * L.k * L.cin, L.cout, L.cs, lo, hi, new RandomStream(seed, 'init', l, 0));
      this.setTheta(l, this.cfg.theta[l]);
      this.refreshBinary(l);
    });
    for (const ws of [this.main, ...this.shards]) this.clearGradient(ws);
  }

  /** Binary networks: sign(w) and alpha = mean |w| over the real (unpadded) weights. With
   *  binaryScale 'filter' (XNOR-Net's per-filter scale) the forward weights are alpha_j sign(w) with
   *  alpha_j = mean |w| of output channel j, stored as such (the threshold is then theta itself), and
   *  the layer's alpha scalar is their mean (reported only). */
  refreshBinary(l: number): void {
    const L = this.layers[l];
    if (!L.sgn) { this.arena.view(this.scalars)[this.layers.length + l] = 1; return; }
    const w = this.arena.view(L.w), sg = this.arena.view(L.sgn);
    let sum = 0;
    for (let i = 0; i < w.length; i++) {
      const v = w[i];
      sg[i] = v > 0 ? 1 : v < 0 ? -1 : 0;
      sum += Math.abs(v);
    }
    const alpha = sum / (L.k * L.k * L.cin * L.cout);
    if (!(alpha > 0 && alpha < Infinity)) throw new NumericalError(`layer ${l} scale alpha`, -1, `mean |w| = ${alpha} (must be positive and finite)`);
    this.arena.view(this.scalars)[this.layers.length + l] = alpha;
    if (this.cfg.binaryScale === 'filter') {
      const rows = L.k * L.k * L.cin, a = this.filterScales(l)!;
      for (let j = 0; j < L.cout; j++) for (let r = 0; r < rows; r++) sg[r * L.cs + j] *= a[j];
    }
  }

  /** With binaryScale 'filter', a binary layer's alpha_j = mean |w| of output channel j (f32, as the forward
   *  weights alpha_j sign(w) hold it); null for a real layer or the per-layer scale. */
  filterScales(l: number): Float32Array | null {
    const L = this.layers[l];
    if (!L.sgn || this.cfg.binaryScale !== 'filter') return null;
    const w = this.arena.view(L.w), rows = L.k * L.k * L.cin, out = new Float32Array(L.cout);
    for (let j = 0; j < L.cout; j++) {
      let sj = 0;
      for (let r = 0; r < rows; r++) sj += Math.abs(w[r * L.cs + j]);
      out[j] = sj / rows;
    }
    return out;
  }

  /** A packed binary layer (export --format packed): signs [cout][k*k*cin] become the latent weights, and the
   *  forward state is set from the saved scales instead of being recomputed from them (mean |sign| is 1, not the
   *  trained alpha): the layer's alpha, and with the per-filter scale alpha_j, so the forward weights are
   *  alpha_j sign(w) exactly as in the trained model. */
  loadPackedLayer(l: number, signs: Float32Array, alpha: number, filterAlpha: Float32Array | null): void {
    const L = this.layers[l];
    if (!L.sgn) throw new Error(`layer ${l} is real-valued in this network`);
    if (!(alpha > 0 && alpha < Infinity)) throw new Error(`layer ${l}: scale alpha must be positive and finite, got ${alpha}`);
    const filter = this.cfg.binaryScale === 'filter';
    if (filter !== (filterAlpha !== null)) throw new Error(`layer ${l}: ${filter ? 'needs' : 'has'} per-filter scales (alpha${l}) ${filter ? 'for' : 'but'} --binary-scale ${this.cfg.binaryScale ?? 'layer'}`);
    if (filterAlpha && (filterAlpha.length !== L.cout || filterAlpha.some((a) => !(a > 0 && a < Infinity)))) throw new Error(`layer ${l}: alpha${l} must hold ${L.cout} positive finite scales`);
    this.importWeights(l, signs);
    const sg = this.arena.view(L.sgn), rows = L.k * L.k * L.cin;
    if (filterAlpha) for (let j = 0; j < L.cout; j++) for (let r = 0; r < rows; r++) sg[r * L.cs + j] = signs[j * rows + r] * filterAlpha[j];
    this.arena.view(this.scalars)[this.layers.length + l] = alpha;
  }

  clearGradient(ws: Workspace): void {
    for (const W of ws.layers) zeroTensor(this.k, W.grad);
    zeroTensor(this.k, ws.firing);
  }

  /** Threshold in the kernel's units: U = sum w clamp(t - t_i, 0, tau) > tau theta (binary: tau theta / alpha). */
  kernelThreshold(l: number): number {
    const th = this.theta(l);
    if (!(th > 0 && th < Infinity)) throw new NumericalError(`layer ${l} threshold theta`, -1, `theta = ${th}`);
    return layerTau(this.cfg, l) * th / (this.layers[l].sgn && this.cfg.binaryScale !== 'filter' ? this.alpha(l) : 1);
  }

  private inputTimes(ws: Workspace, l: number): Tensor<'i32'> { return l === 0 ? ws.tIn : ws.layers[l - 1].tPool; }

  /** the first layer's input spike times of one image (input-code.ts) */
  encode(ws: Workspace, pixels: Uint8Array, offset: number): void {
    this.encodeImage(pixels, offset, this.arena.view(ws.tIn));
  }

  /** Event-driven forward pass of one image; `stepped` uses the time-stepped kernel (benchmarks, tests). */
  forward(ws: Workspace, pixels: Uint8Array, offset: number, stepped = false): void {
    const cfg = this.cfg, k = this.k;
    this.encode(ws, pixels, offset);
    const run = stepped ? k.stidi_forward_stepped_f32 : k.stidi_forward_f32;
    this.layers.forEach((L, l) => {
      const W = ws.layers[l], tIn = this.inputTimes(ws, l);
      const nEv = k.ttfs_sort_events(tIn.offset, L.nIn, lastInputEvent(cfg.tmax), ws.counts.offset, ws.order.offset);
      ws.fired[l] = run((L.sgn ?? L.w).offset, L.cin, L.hin, L.win, L.k, L.hout, L.wout, L.cs, tIn.offset, ws.order.offset, nEv,
        this.kernelThreshold(l), layerTau(cfg, l), cfg.tmax, W.u.offset, W.s.offset, W.tOut.offset, W.lt.offset);
      if (l < this.layers.length - 1) k.stidi_pool_min(W.tOut.offset, L.hout, L.wout, L.cout, L.cs, L.pool, W.tPool.offset, W.arg.offset);
    });
  }

  /** forward() on training sample `index`, moved by its shift when cfg.shift > 0 (shift.ts). */
  forwardTraining(ws: Workspace, pixels: Uint8Array, index: number): void {
    const { channels, height, width } = this.cfg.imageShape, n = channels * height * width;
    const s = this.cfg.shift ?? 0;
    if (s === 0) { this.forward(ws, pixels, index * n); return; }
    const [dy, dx] = sampleShift(this.seed, this.epoch, index, s);
    ws.image ??= new Uint8Array(n);
    shiftImage(pixels, index * n, channels, height, width, dy, dx, ws.image);
    this.forward(ws, ws.image, 0);
  }

  outputTimes(ws: Workspace): Int32Array { return this.arena.view(ws.layers[this.layers.length - 1].tOut).subarray(0, this.nClasses); }
  /** the output potentials at the end of the simulation (the decision's fallback when no output fires) */
  outputPotentials(ws: Workspace): Float32Array { return this.arena.view(ws.layers[this.layers.length - 1].u).subarray(0, this.nClasses); }

  /**
   * Adds this sample's layer-local gradients to ws (call after forward(ws)). Output: S4NN's relative
   * targets; every layer: delta_j = e_j t_j / theta_j normalised over the layer, gradient
   * sum delta_j K(t_j - t_i); below a layer, the displacement e_i = sum_j delta_j w_ji K'(t_j - t_i)
   * routed through the pooling winner. Returns false when the output error is zero (nothing to learn).
   */
  accumulateGradient(ws: Workspace, label: number): boolean {
    const cfg = this.cfg, k = this.k, a = this.arena;
    const last = this.layers.length - 1, Lo = this.layers[last], Wo = ws.layers[last];
    const firing = a.view(ws.firing);
    this.layers.forEach((L, l) => { firing[l] += ws.fired[l] / L.nOut; });
    firing[this.layers.length]++;
    const t = a.view(Wo.tOut), d = a.view(Wo.delta);
    relativeTargets(t, this.nClasses, label, cfg.gamma, cfg.tmax, cfg.noSpikeTarget, ws.target);
    d.fill(0);
    for (let j = 0; j < this.nClasses; j++) d[j] = ((ws.target[j] - t[j]) / cfg.tmax) * (t[j] / this.theta(last));
    if (k.f32_l2_normalise(Wo.delta.offset, Lo.cs) === 0) return false;
    for (let l = last; l >= 0; l--) {
      const L = this.layers[l], W = ws.layers[l], tIn = this.inputTimes(ws, l);
      k.stidi_grad_f32(W.grad.offset, tIn.offset, L.cin, L.hin, L.win, L.k, L.hout, L.wout, L.cs, W.tOut.offset, W.delta.offset, layerTau(cfg, l), cfg.tmax);
      if (l === 0) break;
      k.stidi_backprop_f32(L.w.offset, tIn.offset, L.cin, L.hin, L.win, L.k, L.hout, L.wout, L.cs, W.tOut.offset, W.delta.offset, layerTau(cfg, l), cfg.tmax, W.eIn.offset,
        (cfg.revive ?? 0) > 0 ? 1 : 0);
      const norm = this.displaceBelow(ws, l);
      if (!Number.isFinite(norm)) throw new NumericalError(`layer ${l - 1} error (displaced through layer ${l} weights)`, -1, `delta norm ${norm}`);
      if (norm === 0) break;
    }
    return true;
  }

  /**
   * Layer l-1's error signal from the displacement at layer l's input (W.eIn, one value per pooled
   * neuron): each pooling window's displacement goes to its winner (silent windows and losers get
   * none), less the mean over the windows that received one (cfg.center), times t_j / theta_{l-1};
   * then normalised over the layer. With cfg.revive > 0 a silent window whose unmasked displacement
   * asks for an earlier spike (e < 0) gives revive * e to its neuron nearest the threshold (§4.8), not
   * centred (the centring removes the fired neurons' common mode; this one-sided signal has none).
   * Returns the norm before normalisation (0: nothing to learn).
   */
  private displaceBelow(ws: Workspace, l: number): number {
    const a = this.arena, tmax = this.cfg.tmax, B = ws.layers[l - 1], revive = this.cfg.revive ?? 0;
    const e = a.view(ws.layers[l].eIn), tp = a.view(B.tPool), arg = a.view(B.arg), tb = a.view(B.tOut), db = a.view(B.delta);
    zeroTensor(this.k, B.delta);
    let mean = 0, cnt = 0;
    if (this.cfg.center) {
      for (let p = 0; p < e.length; p++) if (e[p] !== 0 && tp[p] < tmax) { mean += e[p]; cnt++; }
      if (cnt) mean /= cnt;
    }
    const th = this.theta(l - 1);
    for (let p = 0; p < e.length; p++) {
      if (e[p] === 0) continue;
      if (tp[p] < tmax) db[arg[p]] = (e[p] - mean) * (tb[arg[p]] / th);
      else if (revive > 0 && e[p] < 0) db[this.nearestToFire(ws, l - 1, p)] = revive * e[p] * (tmax / th);
    }
    return this.k.f32_l2_normalise(B.delta.offset, db.length);
  }

  /** The neuron of layer l's pooling window p (pooled layout [ph][pw][cout]) with the highest potential at the
   *  end of the simulation (the first in raster order on ties), as an index into the layer's [hout][wout][cs]. */
  private nearestToFire(ws: Workspace, l: number, p: number): number {
    const L = this.layers[l], u = this.arena.view(ws.layers[l].u);
    const ch = p % L.cout, q = (p - ch) / L.cout, ox = q % L.pw, oy = (q - ox) / L.pw;
    let best = -Infinity, at = -1;
    for (let dy = 0; dy < L.pool; dy++) for (let dx = 0; dx < L.pool; dx++) {
      const i = ((oy * L.pool + dy) * L.wout + ox * L.pool + dx) * L.cs + ch;
      if (u[i] > best) { best = u[i]; at = i; }
    }
    return at;
  }

  /** Sums the shard workspaces' gradients into the first in the fixed tree of src/pool/reduction-tree.ts. */
  reduceInto(wss: Workspace[]): Workspace {
    reduceShards(wss.length, (d, s) => this.mergeShard(wss[d], wss[s]));
    return wss[0];
  }

  /** One merge of the tree: src's gradients and firing sums added into dst's. */
  mergeShard(dst: Workspace, src: Workspace): void {
    dst.layers.forEach((D, l) => this.k.f32_add(D.grad.offset, src.layers[l].grad.offset, this.layers[l].nW));
    const fd = this.arena.view(dst.firing), fs = this.arena.view(src.firing);
    for (let j = 0; j < fd.length; j++) fd[j] += fs[j];
  }

  /** W -= eta / (tau B) G, then W -= eta lambda W; clears G; refreshes the binary signs and scales;
   *  then the threshold adaptation toward cfg.targetFiring (if any). */
  applyGradient(ws: Workspace, batch: number): void {
    const cfg = this.cfg, k = this.k;
    this.adaptThresholds(ws);
    this.layers.forEach((L, l) => {
      const W = ws.layers[l];
      const lr = (cfg.eta[l] * this.etaScale) / (layerTau(cfg, l) * batch);
      k.f32_sgd_step(L.w.offset, W.grad.offset, L.nW, lr, lr > 0 ? (cfg.eta[l] * this.etaScale * cfg.lambda[l]) / lr : 0);
      if (k.f32_nonfinite_any(L.w.offset, L.nW)) throw new NumericalError(`layer ${l} weights`, -1, `NaN or Inf after an update with eta = ${cfg.eta[l]} (lower --eta)`);
      zeroTensor(k, W.grad);
      if (cfg.binary) this.refreshBinary(l);
    });
  }

  /**
   * Homeostasis (docs/stidi-bp.md §4.7): theta_l *= 1 + rate (r_l - target_l) for every layer with a
   * target, r_l the mean fired share of the samples accumulated in ws since the last update. A layer
   * that fires more than its target gets a higher threshold. Multiplication and addition only (no
   * library exp), so the thresholds are the same bits on every platform; the sums are reduced over
   * shards in the fixed order of the gradients. Called by every step, also an online step whose
   * error was zero (no weight update), so nothing is pending between steps (a resumed run continues
   * exactly).
   */
  adaptThresholds(ws: Workspace): void {
    adaptThresholds(this.arena.view(ws.firing), this.layers.length, this.cfg.targetFiring, this.cfg.thetaRate,
      (l) => this.theta(l), (l, v) => this.setTheta(l, v));
  }

  checkFinite(step: number): void {
    this.layers.forEach((L, l) => {
      if (this.k.f32_nonfinite_any(L.w.offset, L.nW)) throw new NumericalError(`layer ${l} weights`, step, 'NaN or Inf');
      if (!Number.isFinite(this.theta(l))) throw new NumericalError(`layer ${l} threshold theta`, step, `theta = ${this.theta(l)}`);
    });
  }

  /** Layer l as [cout][k*k*cin] (columns in (ky, kx, c) order), the .npy interchange layout: the learned real
   *  weights, or with `forward` the weights the forward pass uses (alpha sign(w) in a binary layer). */
  exportWeights(l: number, forward = false): Float32Array {
    const L = this.layers[l], w = this.arena.view(forward ? (L.sgn ?? L.w) : L.w), rows = L.k * L.k * L.cin;
    const out = new Float32Array(L.cout * rows);
    for (let j = 0; j < L.cout; j++) for (let i = 0; i < rows; i++) out[j * rows + i] = w[i * L.cs + j];
    return out;
  }

  importWeights(l: number, m: Float32Array): void {
    const L = this.layers[l], w = this.arena.view(L.w), rows = L.k * L.k * L.cin;
    if (m.length !== L.cout * rows) throw new Error(`layer ${l} expects ${L.cout}x${rows} weights, got ${m.length} values`);
    w.fill(0);
    for (let j = 0; j < L.cout; j++) for (let i = 0; i < rows; i++) w[i * L.cs + j] = m[j * rows + i];
    this.refreshBinary(l);
  }
}
