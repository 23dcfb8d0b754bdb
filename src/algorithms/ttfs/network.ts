// A fully connected time-to-first-spike network (S4NN / BS4NN). Parameters (weights, their signs,
// the per-layer scales alpha) live once in the shared wasm memory; every executor of work (the main
// thread, each micro-shard) has its own Workspace of scratch and gradient buffers. Allocation order
// is fixed (params, then workspace 0, then the shard workspaces), so a worker that builds the same
// network over the same memory finds every tensor at the same offset.
import { adaptThresholds, hasTargets } from '../homeostasis.js';
import { Arena, padTo8, type Tensor } from '../../wasm/arena.js';
import { encodeCountsLength, zeroTensor, type KernelSet } from '../../wasm/kernels.js';
import { RandomStream, fillUniformRows } from '../../train/rng.js';
import { NumericalError, UsageError } from '../../errors.js';
import { WASM_LIMIT, gib, assertShardsFit } from '../memory-budget.js';
import { deadNeuronRule, type TtfsConfig } from './config.js';
import { lastInputEvent, latencyTable } from './encode.js';
import { relativeTargets, normalisedError } from './targets.js';
import { startingCounts } from './neuron-scale.js';
import { reduceShards } from '../../pool/reduction-tree.js';

export interface TtfsLayer {
  nIn: number; nOut: number; stride: number;
  /** real weights, input-major [nIn][stride] */
  w: Tensor<'f32'>;
  /** sign(w) as i16, same layout (binary networks only) */
  sgn: Tensor<'i16'> | null;
  /** per-neuron scales (`--binary-scale filter`): alpha_j (stride lanes) and the forward kernel's starting counts */
  neuron: { alpha: Tensor<'f64'>; c0: Tensor<'i16'> } | null;
}

interface WsLayer {
  tOut: Tensor<'i32'>;
  /** potential scratch: f32 (real) or i16 (binary) */
  v: Tensor<'f32'> | Tensor<'i16'>;
  delta: Tensor<'f32'>;
  grad: Tensor<'f32'>;
  /** 1 for each input row of grad that holds a non-zero contribution. Every other row is exactly +0
   *  (a sum of masked deltas is never -0), so zeroing, reducing and applying only the touched rows gives
   *  the same bits as full passes, at the cost of the rows that spiked early (~5-20% on MNIST). */
  touched: Tensor<'u8'>;
}

/** Scratch and gradient buffers of one executor. */
export interface Workspace {
  /** the current image's pixels (the input coding kernel reads them from wasm memory) */
  px: Tensor<'u8'>;
  tIn: Tensor<'i32'>;
  order: Tensor<'i32'>;
  counts: Tensor<'i32'>;
  layers: WsLayer[];
  /** potential (real: f32; binary: i32 counts) of the output layer at step tmax - 3 */
  vRec: Tensor<'f32'> | Tensor<'i32'>;
  /** per layer: sum over samples of S = sum delta [t_i < t_j] sign(w) (BS4NN's scale gradient) */
  alphaGrad: Tensor<'f64'>;
  /** per-neuron scales: per layer, sum over samples of S_j = delta_j sum_i [t_i < t_j] sign(w_ij) (stride lanes);
   *  empty with per-layer scales (a network has per-neuron scales in every layer or in none) */
  neuronGrad: Tensor<'f64'>[];
  /** per hidden neuron (all hidden layers concatenated): samples on which it fired */
  fireCount: Tensor<'f64'>;
  /** --target-firing: per layer, the sum over samples of the share of its neurons that fired; then
   *  the number of samples (length layers + 1) */
  firing: Tensor<'f64'>;
  target: Float64Array;
}

const F32_MAX = 3.4028234663852886e38;

// Numerical faults (NaN/Inf) are caught within one step without scanning the weights every step:
//  * every delta that enters an update is finite: the output delta comes from integer spike times,
//    and each back-propagated delta is normalised on the host, whose norm is checked (O(1)); a
//    non-finite norm names the layer whose weights it came through. After normalisation |delta| <= 1.
//  * so one update changes a weight by at most |eta| (online: eta * delta; minibatch: eta / B times a
//    sum of B masked deltas) and then scales it by (1 - eta * lambda): from finite weights it cannot
//    produce a non-finite one except by overflow. wBound[l] tracks an upper bound on max |w| of
//    layer l, grown by that much per update (O(1)); only when the bound passes wGuard[l], the level
//    at which a potential (a sum of <= nIn weights) or a back-propagated sum (<= nOut terms) could
//    overflow float32, is the layer scanned: that throws on NaN/Inf (e.g. --eta beyond float32
//    range, caught at step 1) or on weights that really are that large (a diverging run), else it
//    resets the bound to the true maximum. With sane settings the scan never runs between the
//    trainer's periodic checks (checkFinite, which also measures the bounds).
//  * the thresholds theta and scales alpha are checked where they are read or updated (O(layers));
//    the f32 potentials of the online step are checked too (O(neurons)): that catches weights
//    corrupted outside the arithmetic (bad memory, a bad write) in every row the sample touched.
// Weights written wholesale (initialise, importWeights) reset the bound to "unknown" (a scan at the
// next update); loadState callers should call checkFinite afterwards, as the trainer does.
export class TtfsNetwork {
  readonly layers: TtfsLayer[] = [];
  /** [theta_0..theta_L-1, alpha_0..alpha_L-1] in shared memory: workers read the current values */
  private readonly scalars: Tensor<'f64'>;
  /** etaDecay^(epochs completed): the learning-rate schedule's factor for eta and alphaLr (updates run on the main thread only) */
  etaScale = 1;
  readonly nClasses: number;
  readonly main: Workspace;
  readonly shards: Workspace[] = [];
  private readonly nHiddenTotal: number;
  /** per layer: an upper bound on max |w| (Infinity: unknown); see the comment above the class */
  private readonly wBound: number[];
  /** per layer: max |w| below which no potential, update or back-propagated sum can overflow float32 */
  private readonly wGuard: number[];
  private readonly workspaceBytes: number;
  /** input latency of every pixel value (the config's encoding and latency power) */
  readonly latencies: Int32Array;
  /** the same table in wasm memory, for ttfs_encode_events */
  private readonly latencyTensor: Tensor<'i32'>;

  constructor(private readonly arena: Arena, private readonly k: KernelSet, readonly nInput: number,
    nClasses: number, readonly cfg: TtfsConfig) {
    const sizes = [nInput, ...cfg.hidden, nClasses];
    if (nInput >= 32767 && cfg.binary) throw new Error('binary layers support at most 32766 inputs');
    const perNeuron = cfg.binary && cfg.binaryScale === 'filter';
    if (perNeuron && Math.max(nInput, ...cfg.hidden) > 16383) {
      throw new UsageError('--binary-scale', 'filter: layers with more than 16383 inputs are not supported (the i16 counts plus the per-neuron threshold could overflow)');
    }
    this.nClasses = nClasses;
    this.latencies = latencyTable(cfg.encoding, cfg.tmax, cfg.latencyPower ?? 1);
    // refuse a network the 1 GiB wasm memory cannot hold before allocating any of it (the weights,
    // plus one workspace whose gradient buffers are as large again; createShards checks the rest)
    let weights = 0;
    for (let l = 0; l + 1 < sizes.length; l++) weights += sizes[l] * padTo8(sizes[l + 1]);
    const atLeast = weights * ((cfg.binary ? 6 : 4) + 4);
    if (arena.used + atLeast > WASM_LIMIT) {
      throw new UsageError('--hidden', `a ${sizes.join('-')} network needs more than ${gib(atLeast)} GiB of wasm memory ` +
        `(weights and one gradient workspace), over the ${gib(WASM_LIMIT)} GiB limit: use smaller hidden layers`);
    }
    for (let l = 0; l + 1 < sizes.length; l++) {
      const nIn = sizes[l], nOut = sizes[l + 1], stride = padTo8(nOut);
      this.layers.push({ nIn, nOut, stride, w: arena.alloc('f32', nIn * stride), sgn: cfg.binary ? arena.alloc('i16', nIn * stride) : null, neuron: null });
    }
    this.scalars = arena.alloc('f64', 3 * this.layers.length);
    this.latencyTensor = arena.alloc('i32', 256);
    arena.view(this.latencyTensor).set(this.latencies); // every thread writes the same values
    if (perNeuron) for (const L of this.layers) L.neuron = { alpha: arena.alloc('f64', L.stride), c0: arena.alloc('i16', L.stride) };
    this.nHiddenTotal = cfg.hidden.reduce((a, b) => a + b, 0);
    this.wBound = this.layers.map(() => Infinity);
    this.wGuard = this.layers.map((L) => F32_MAX / (4 * (L.nIn + L.stride)));
    const before = arena.used;
    this.main = this.allocWorkspace();
    this.workspaceBytes = arena.used - before + 64;
  }

  private allocWorkspace(): Workspace {
    const a = this.arena, cfg = this.cfg;
    const ws: Workspace = {
      px: a.alloc('u8', this.nInput),
      tIn: a.alloc('i32', padTo8(this.nInput)),
      order: a.alloc('i32', Math.max(this.nInput, ...cfg.hidden)),
      counts: a.alloc('i32', Math.max(cfg.tmax + 2, encodeCountsLength(lastInputEvent(cfg.tmax)))), // the sort's and the input coding's
      layers: this.layers.map((L) => ({
        tOut: a.alloc('i32', L.stride),
        // binary: the i16 counts, then the kernel's spike-time state (ttfs_forward_bin_i16); ttfs_sign_counts_i16 uses both halves too
        v: cfg.binary ? a.alloc('i16', 2 * L.stride) : a.alloc('f32', L.stride),
        delta: a.alloc('f32', L.stride),
        grad: a.alloc('f32', L.nIn * L.stride),
        touched: a.alloc('u8', L.nIn),
      })),
      vRec: cfg.binary ? a.alloc('i32', this.layers[this.layers.length - 1].stride) : a.alloc('f32', this.layers[this.layers.length - 1].stride),
      alphaGrad: a.alloc('f64', this.layers.length),
      neuronGrad: this.layers.filter((L) => L.neuron).map((L) => a.alloc('f64', L.stride)),
      fireCount: a.alloc('f64', Math.max(1, this.nHiddenTotal)),
      firing: a.alloc('f64', this.layers.length + 1),
      target: new Float64Array(this.nClasses),
    };
    return ws;
  }

  /** Allocates n micro-shard workspaces (call once, after construction, in every thread alike). */
  createShards(n: number): void {
    if (this.shards.length) throw new Error('shards already created');
    assertShardsFit([this.nInput, ...this.cfg.hidden, this.nClasses], this.arena.used, n, this.workspaceBytes, 'weights and the main workspace');
    for (let s = 0; s < n; s++) this.shards.push(this.allocWorkspace());
  }

  theta(l: number): number { return this.arena.view(this.scalars)[l]; }
  /** layer l's learning rate now: cfg.eta[l] times the schedule's factor */
  eta(l: number): number { return this.cfg.eta[l] * this.etaScale; }
  /** the layer's scale; with per-neuron scales, their mean (what epoch logs report) */
  alpha(l: number): number { return this.arena.view(this.scalars)[this.layers.length + l]; }
  setTheta(l: number, v: number): void { this.arena.view(this.scalars)[l] = v; this.refreshStartingCounts(l); }
  /** sets the layer's scale (with per-neuron scales: every neuron's) */
  setAlpha(l: number, v: number): void {
    this.arena.view(this.scalars)[this.layers.length + l] = v;
    const N = this.layers[l].neuron;
    if (N) {
      this.arena.view(N.alpha).fill(v);
      if (this.theta(l) !== 0) this.refreshStartingCounts(l); // 0: a fresh network whose theta is set next
    }
  }
  /** per-neuron scales of layer l (null: one scale per layer) */
  neuronAlpha(l: number): Float64Array | null { const N = this.layers[l].neuron; return N ? this.arena.view(N.alpha) : null; }
  setNeuronAlpha(l: number, a: ArrayLike<number>): void {
    const N = this.layers[l].neuron;
    if (!N) throw new Error(`layer ${l} has one scale, not one per neuron`);
    const v = this.arena.view(N.alpha);
    if (a.length !== v.length) throw new Error(`layer ${l} expects ${v.length} per-neuron scales, got ${a.length}`);
    v.set(a);
    this.neuronAlphaChanged(l);
  }
  /** After layer l's per-neuron scales changed: their mean into the layer's scalar (what logs report), and
   *  the forward kernel's starting counts. */
  private neuronAlphaChanged(l: number): void {
    const L = this.layers[l], a = this.arena.view(L.neuron!.alpha);
    let s = 0;
    for (let j = 0; j < L.nOut; j++) s += a[j];
    this.arena.view(this.scalars)[this.layers.length + l] = s / L.nOut;
    this.refreshStartingCounts(l);
  }
  private refreshStartingCounts(l: number): void {
    const L = this.layers[l], N = L.neuron;
    if (!N) return;
    const a = this.arena.view(N.alpha);
    for (let j = 0; j < L.nOut; j++) {
      if (!(a[j] > 0) || !Number.isFinite(a[j])) throw new NumericalError(`layer ${l} scale alpha of neuron ${j}`, -1, `alpha = ${a[j]} (must stay positive and finite; lower --alpha-lr)`);
    }
    startingCounts(this.checkedTheta(l), a, L.nIn, L.nOut, this.arena.view(N.c0));
  }
  /**
   * Lazy L2 decay: the true weights are scale(l) * the stored ones. S4NN decays every weight every
   * sample (W -= eta lambda W), a full pass over the matrix although an update touches only the rows
   * of inputs that spiked before an erring output (~5% of rows on MNIST). Instead the decay
   * multiplies this scale (O(1)), an update subtracts (eta / scale) delta from the stored weights,
   * the forward pass compares the stored potential with theta / scale, and the back-propagated
   * error is normalised, so its scale cancels. fold() writes the scale into the weights (at every
   * epoch end, before any export or checkpoint, and whenever it falls below 1/2), so checkpoints
   * and .npy files always hold the true weights.
   */
  scale(l: number): number { return this.arena.view(this.scalars)[2 * this.layers.length + l]; }
  private setScale(l: number, v: number): void { this.arena.view(this.scalars)[2 * this.layers.length + l] = v; }

  /** After weights were written wholesale (a checkpoint, .npy files): they are the true weights. */
  resetScales(): void { this.layers.forEach((_, l) => this.setScale(l, 1)); }

  /** Writes layer scales into the stored weights (a no-op when they are 1). */
  fold(): void {
    this.layers.forEach((L, l) => {
      const sc = this.scale(l);
      if (sc === 1) return;
      const w = this.arena.view(L.w);
      for (let i = 0; i < w.length; i++) w[i] = w[i] * sc;
      this.wBound[l] *= sc;
      this.setScale(l, 1);
    });
  }

  /** U[lo, hi] initialisation from the (seed, 'init', layer) stream; pad lanes stay 0. */
  initialise(seed: number): void {
    this.layers.forEach((L, l) => {
      const [lo, hi] = this.cfg.init[l];
      fillUniformRows(this.arena.view(L.w), L.nIn, L.nOut, L.stride, lo, hi, new RandomStream(seed, 'init', l, 0));
      this.refreshSigns(L);
      this.setAlpha(l, this.cfg.binary ? this.cfg.alphaInit[l] : 1); // before theta: setTheta derives the per-neuron thresholds
      this.setTheta(l, this.cfg.theta[l]);
      this.setScale(l, 1);
      this.wBound[l] = Math.max(Math.abs(lo), Math.abs(hi));
    });
    for (const ws of [this.main, ...this.shards]) this.clearWorkspace(ws);
  }

  /** Zeroes the gradient (touched rows only), the scale gradient and the firing counts of ws. */
  clearWorkspace(ws: Workspace): void {
    ws.layers.forEach((W, l) => this.k.ttfs_clear_rows(W.grad.offset, this.layers[l].stride, W.touched.offset, this.layers[l].nIn));
    zeroTensor(this.k, ws.alphaGrad);
    for (const g of ws.neuronGrad) zeroTensor(this.k, g);
    zeroTensor(this.k, ws.fireCount);
    zeroTensor(this.k, ws.firing);
  }

  /** Zeroes the firing counts only (evaluation leaves no gradient behind). */
  clearFireCounts(ws: Workspace): void { zeroTensor(this.k, ws.fireCount); }

  refreshSigns(L: TtfsLayer): void {
    if (L.sgn) this.k.f32_sign_i16(L.w.offset, L.sgn.offset, L.nIn * L.stride);
  }

  private inputTimes(ws: Workspace, l: number): Tensor<'i32'> { return l === 0 ? ws.tIn : ws.layers[l - 1].tOut; }

  /** Forward pass for one image (pixels[offset .. offset + nInput)) in workspace ws. */
  forward(ws: Workspace, pixels: Uint8Array, offset: number): void {
    const cfg = this.cfg, k = this.k;
    this.arena.view(ws.px).set(pixels.subarray(offset, offset + this.nInput));
    const last = this.layers.length - 1;
    for (let l = 0; l <= last; l++) {
      const L = this.layers[l], W = ws.layers[l];
      const tIn = this.inputTimes(ws, l);
      // the input layer's times come from its pixels (coding and sort in one kernel)
      const nEv = l === 0
        ? k.ttfs_encode_events(ws.px.offset, L.nIn, this.latencyTensor.offset, lastInputEvent(cfg.tmax), tIn.offset, ws.counts.offset, ws.order.offset)
        : k.ttfs_sort_events(tIn.offset, L.nIn, lastInputEvent(cfg.tmax), ws.counts.offset, ws.order.offset);
      const rec = l === last ? ws.vRec.offset : 0;
      if (L.sgn) {
        // per-neuron scales: threshold 0 with starting counts -thr_j (the recorded count is then count - thr_j)
        k.ttfs_forward_bin_i16(L.sgn.offset, L.nOut, L.stride, tIn.offset, ws.order.offset, nEv,
          L.neuron ? 0 : this.binaryThreshold(l), cfg.tmax, cfg.tmax - 3, W.v.offset, W.tOut.offset, rec, L.neuron ? L.neuron.c0.offset : 0);
      } else {
        k.ttfs_forward_f32(L.w.offset, L.nOut, L.stride, tIn.offset, ws.order.offset, nEv,
          this.checkedTheta(l) / this.scale(l), cfg.tmax, cfg.tmax - 3, W.v.offset, W.tOut.offset, rec);
      }
    }
  }

  /** alpha * c > theta  <=>  c >= floor(theta / alpha) + 1 for integer c (kernel takes the integer). */
  binaryThreshold(l: number): number {
    const alpha = this.alpha(l);
    if (!(alpha > 0) || !Number.isFinite(alpha)) {
      throw new NumericalError(`layer ${l} scale alpha`, -1, `alpha = ${alpha} (must stay positive and finite)`);
    }
    return Math.min(32767, Math.max(-32767, Math.floor(this.checkedTheta(l) / alpha) + 1));
  }

  /** theta of layer l; a NaN/Inf/non-positive one (bad checkpoint, bad memory, beyond float32) would silently stop all spikes */
  private checkedTheta(l: number): number {
    const th = this.theta(l);
    if (!(th > 0 && Math.fround(th) < Infinity)) throw new NumericalError(`layer ${l} threshold theta`, -1, `theta = ${th} (must stay positive and finite in float32)`);
    return th;
  }

  /** After an update of layer l (|change| <= eta, then a scaling by 1 - eta * lambda): grows the bound; scans past the guard. */
  private boundUpdate(l: number, eta: number, lambda: number): void {
    const e = Math.fround(eta), decay = Math.abs(Math.fround(e * Math.fround(lambda)));
    const b = (this.wBound[l] + Math.abs(e)) * (1 + decay) * (1 + 2 ** -20); // slack for float32 rounding
    this.wBound[l] = b;
    if (!(b <= this.wGuard[l])) this.measureWeights(l, -1, true);
  }

  /** Scans layer l: throws on NaN/Inf or on |w| past the overflow guard, else records max |w| as its bound. */
  private measureWeights(l: number, step: number, afterUpdate = false): void {
    const w = this.layers[l].w;
    const m = this.k.f32_max_abs(w.offset, w.length); // NaN if any weight is NaN
    const eta = this.cfg.eta[l];
    if (!Number.isFinite(m)) {
      throw new NumericalError(`layer ${l} weights`, step, 'NaN or Inf' + (Math.fround(eta) === Infinity ? ` (eta = ${eta} is beyond float32 range: lower --eta)`
        : afterUpdate ? ` after an update with eta = ${eta}, lambda = ${this.cfg.lambda[l]} (float32 overflow: lower --eta)` : ''));
    }
    if (m > this.wGuard[l]) {
      throw new NumericalError(`layer ${l} weights`, step, `max |w| = ${m.toExponential(2)} is so large that potentials or updates can overflow float32` +
        (afterUpdate ? ' (diverging: lower --eta)' : ''));
    }
    this.wBound[l] = m;
  }

  outputTimes(ws: Workspace): Int32Array { return this.arena.view(ws.layers[this.layers.length - 1].tOut); }

  /** Count hidden firings of the current sample (dead-neuron statistic); returns the share that fired. */
  recordFiring(ws: Workspace): number {
    const tmax = this.cfg.tmax;
    let base = ws.fireCount.offset, fired = 0;
    for (let l = 0; l < this.layers.length - 1; l++) {
      const L = this.layers[l];
      fired += this.k.ttfs_count_fired(ws.layers[l].tOut.offset, L.nOut, tmax, base);
      base += 8 * L.nOut;
    }
    return this.nHiddenTotal ? fired / this.nHiddenTotal : 0;
  }

  /** --target-firing: adds each layer's fired share of the current sample to ws.firing (no-op without targets). */
  recordLayerFiring(ws: Workspace): void {
    if (!hasTargets(this.cfg.targetFiring)) return;
    const f = this.arena.view(ws.firing), tmax = this.cfg.tmax;
    this.layers.forEach((L, l) => {
      const t = this.arena.view(ws.layers[l].tOut);
      let fired = 0;
      for (let j = 0; j < L.nOut; j++) if (t[j] < tmax) fired++;
      f[l] += fired / L.nOut;
    });
    f[this.layers.length]++;
  }

  /**
   * Threshold homeostasis (homeostasis.ts): theta_l moves toward the layer's target share from the
   * shares recorded in ws since the last update, then the record is cleared. Called after every
   * update, also an online step whose error was zero, so nothing is pending between steps (a resumed
   * run continues exactly). The shards' records are summed in the gradients' fixed order.
   */
  adaptThresholds(ws: Workspace): void {
    if (!hasTargets(this.cfg.targetFiring)) return;
    adaptThresholds(this.arena.view(ws.firing), this.layers.length, this.cfg.targetFiring, this.cfg.thetaRate,
      (l) => this.theta(l), (l, v) => this.setTheta(l, v));
  }

  /** Writes the normalised output delta for `label`; returns the error norm (0: nothing to learn). */
  private outputDelta(ws: Workspace, label: number): number {
    const cfg = this.cfg;
    const out = ws.layers[this.layers.length - 1];
    const t = this.arena.view(out.tOut);
    relativeTargets(t, this.nClasses, label, cfg.gamma, cfg.tmax, cfg.noSpikeTarget, ws.target);
    return normalisedError(t, ws.target, this.nClasses, cfg.tmax, this.arena.view(out.delta));
  }

  /**
   * One online SGD step (batch size 1) in the reference order: for each layer from the output down,
   * update W, decay, update alpha (binary) with the new W, then propagate delta through the new
   * real-valued W and normalise it. Call after forward(ws).
   */
  trainStep(ws: Workspace, label: number): void {
    const cfg = this.cfg, k = this.k;
    if (!cfg.binary) {
      this.layers.forEach((L, l) => {
        if (k.f32_nonfinite_any(ws.layers[l].v.offset, L.stride)) throw new NumericalError(`layer ${l} potentials`, -1, 'NaN or Inf (weights corrupted)');
      });
    }
    this.outputDelta(ws, label);
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const L = this.layers[l], W = ws.layers[l];
      const tIn = this.inputTimes(ws, l);
      // the update on the stored weights, then the decay on the layer's scale (see scale())
      const eta = this.eta(l) / this.scale(l);
      const s = k.ttfs_update_f32(L.w.offset, L.nIn, L.nOut, L.stride, tIn.offset, W.tOut.offset, W.delta.offset,
        eta, 0, L.sgn ? L.sgn.offset : 0, cfg.binary && !L.neuron ? 1 : 0);
      this.boundUpdate(l, eta, 0);
      if (cfg.lambda[l] !== 0) {
        this.setScale(l, this.scale(l) * (1 - this.eta(l) * cfg.lambda[l]));
        if (!(this.scale(l) >= 0.5)) this.fold();
      }
      if (L.neuron) {
        const g = this.arena.view(ws.neuronGrad[l]);
        g.fill(0);
        this.addNeuronGrad(l, ws, g);
        this.updateNeuronAlpha(l, g, 1);
      } else if (cfg.binary) this.updateAlpha(l, s);
      if (l > 0) {
        const below = ws.layers[l - 1];
        k.ttfs_backprop_f32(L.w.offset, L.nIn, L.stride, tIn.offset, W.tOut.offset, W.delta.offset, below.delta.offset);
        const norm = k.f32_l2_normalise(below.delta.offset, this.layers[l - 1].nOut);
        if (!Number.isFinite(norm)) throw new NumericalError(`layer ${l - 1} error (back-propagated through layer ${l} weights)`, -1, `delta norm ${norm}`);
      }
    }
  }

  /** g_j += delta_j sum_i [t_i < t_j] sign(w_ij) of the sample in ws, with the current signs of layer l. */
  private addNeuronGrad(l: number, ws: Workspace, g: Float64Array): void {
    const L = this.layers[l], W = ws.layers[l], a = this.arena;
    // the counts go to the potential scratch (i16, 2 stride lanes), free after the forward pass
    this.k.ttfs_sign_counts_i16(L.sgn!.offset, L.nIn, L.nOut, L.stride, this.inputTimes(ws, l).offset, W.tOut.offset, W.delta.offset, W.v.offset);
    const c = a.view(W.v as Tensor<'i16'>), d = a.view(W.delta);
    for (let j = 0; j < L.nOut; j++) g[j] += d[j] * c[j];
  }

  /** Per-neuron scale step alpha_j -= alphaLr * (g_j / batch) / nIn. */
  private updateNeuronAlpha(l: number, g: Float64Array, batch: number): void {
    const L = this.layers[l], a = this.arena.view(L.neuron!.alpha);
    const rate = this.cfg.alphaLr[l] * this.etaScale / (batch * L.nIn);
    for (let j = 0; j < L.nOut; j++) a[j] -= rate * g[j];
    this.neuronAlphaChanged(l);
  }

  /** BS4NN's scale step alpha -= alphaLr * S / (nIn nOut) from the update's S (summed over the batch). */
  private updateAlpha(l: number, s: number): void {
    const L = this.layers[l];
    const alpha = this.alpha(l) - this.cfg.alphaLr[l] * this.etaScale * (s / (L.nIn * L.nOut));
    if (!(alpha > 0 && alpha < Infinity)) {
      throw new NumericalError(`layer ${l} scale alpha`, -1, `alpha = ${alpha} after its update (must stay positive and finite; lower --alpha-lr)`);
    }
    this.setAlpha(l, alpha);
  }

  /** Minibatch form: accumulate this sample's gradient (current weights) into ws. Call after forward(ws). */
  accumulateGradient(ws: Workspace, label: number): void {
    const k = this.k;
    // the norm of the error signal entering each layer, as outputDelta / f32_l2_normalise return it
    let norm = this.outputDelta(ws, label);
    const ag = this.arena.view(ws.alphaGrad);
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const L = this.layers[l], W = ws.layers[l];
      const tIn = this.inputTimes(ws, l);
      // flag first: a worker that dies inside the kernel leaves no written row unflagged for the re-run
      // (the rows this sample's update reaches: inputs that spiked before the latest output with a non-zero delta)
      k.ttfs_mark_rows(tIn.offset, L.nIn, W.tOut.offset, W.delta.offset, L.nOut, W.touched.offset);
      // the scale gradient S only where a layer scale learns from it (BS4NN's per-layer alpha); elsewhere 0 times
      // the error norm, so that alphaGrad still turns non-finite when the error signal did (applyGradient's check)
      const wantSum = this.cfg.binary && !L.neuron;
      const s = k.ttfs_grad_accum_f32(W.grad.offset, L.w.offset, L.nIn, L.stride, tIn.offset, W.tOut.offset, W.delta.offset, wantSum ? 1 : 0);
      ag[l] += wantSum ? s : 0 * norm;
      if (L.neuron) this.addNeuronGrad(l, ws, this.arena.view(ws.neuronGrad[l]));
      if (l > 0) {
        const below = ws.layers[l - 1];
        k.ttfs_backprop_f32(L.w.offset, L.nIn, L.stride, tIn.offset, W.tOut.offset, W.delta.offset, below.delta.offset);
        norm = k.f32_l2_normalise(below.delta.offset, this.layers[l - 1].nOut);
      }
    }
  }

  /** Sums the shard workspaces' gradients into the first in the fixed tree of src/pool/reduction-tree.ts. */
  reduceInto(wss: Workspace[]): Workspace {
    reduceShards(wss.length, (d, s) => this.mergeShard(wss[d], wss[s]));
    return wss[0];
  }

  /** One merge of the tree: src's gradient, scale sums, firing sums and per-neuron sums added into dst's. */
  mergeShard(dst: Workspace, src: Workspace): void {
    const k = this.k, a = this.arena;
    dst.layers.forEach((d, l) => {
      // rows src never touched are +0 and would leave dst's bits unchanged: add the touched ones
      const S = src.layers[l], L = this.layers[l];
      k.ttfs_add_rows(d.grad.offset, S.grad.offset, L.stride, S.touched.offset, d.touched.offset, L.nIn);
    });
    const ad = a.view(dst.alphaGrad), as = a.view(src.alphaGrad);
    for (let l = 0; l < ad.length; l++) ad[l] += as[l];
    const fd = a.view(dst.firing), fs = a.view(src.firing);
    for (let j = 0; j < fd.length; j++) fd[j] += fs[j];
    dst.neuronGrad.forEach((g, l) => {
      const gd = a.view(g), gs = a.view(src.neuronGrad[l]);
      for (let j = 0; j < gd.length; j++) gd[j] += gs[j];
    });
  }

  /** Applies the averaged gradient held in ws: W -= (eta / B) G; W -= eta lambda W; alpha likewise. Clears ws's gradient. */
  applyGradient(ws: Workspace, batch: number): void {
    const cfg = this.cfg, k = this.k;
    this.fold(); // the minibatch step decays the stored weights directly
    const ag = this.arena.view(ws.alphaGrad);
    // S = sum of delta [t_i < t_j] sign(w) over the batch is non-finite exactly when a delta that
    // entered the gradient was (a layer without S adds 0 x its error norm: non-finite when the error signal
    // was): one O(1) check per layer instead of a scan of the gradient
    ag.forEach((s, l) => {
      const what = cfg.binary && !this.layers[l].neuron ? 'S' : 'the error norm check';
      if (!Number.isFinite(s)) throw new NumericalError(`layer ${l} gradient`, -1, `NaN or Inf error signal (${what} = ${s})`);
    });
    this.layers.forEach((L, l) => {
      const W = ws.layers[l];
      if (cfg.lambda[l] === 0) {
        // without decay an untouched row (gradient +0) keeps its bits: step and re-sign the touched rows
        const t = this.arena.view(W.touched), rowBytes = L.stride * 4;
        for (let r = 0; r < L.nIn; r++) {
          if (!t[r]) continue;
          k.f32_sgd_step(L.w.offset + r * rowBytes, W.grad.offset + r * rowBytes, L.stride, this.eta(l) / batch, 0);
          if (L.sgn) k.f32_sign_i16(L.w.offset + r * rowBytes, L.sgn.offset + r * L.stride * 2, L.stride);
        }
      } else {
        k.f32_sgd_step(L.w.offset, W.grad.offset, L.nIn * L.stride, this.eta(l) / batch, cfg.lambda[l] * batch);
        this.refreshSigns(L);
      }
      this.boundUpdate(l, this.eta(l), cfg.lambda[l]);
      if (L.neuron) this.updateNeuronAlpha(l, this.arena.view(ws.neuronGrad[l]), batch);
      else if (cfg.binary) this.updateAlpha(l, ag[l] / batch);
      k.ttfs_clear_rows(W.grad.offset, L.stride, W.touched.offset, L.nIn);
    });
    zeroTensor(k, ws.alphaGrad);
    for (const g of ws.neuronGrad) zeroTensor(k, g);
  }

  /** Moves firing counts of ws into the main workspace (the epoch's dead-neuron statistic). */
  absorbFireCounts(ws: Workspace): void {
    if (ws === this.main) return;
    const fd = this.arena.view(this.main.fireCount), fs = this.arena.view(ws.fireCount);
    for (let j = 0; j < fd.length; j++) { fd[j] += fs[j]; fs[j] = 0; }
  }

  /** S4NN's dead-neuron rule: re-initialise the input weights of hidden neurons that fired on fewer
   *  than deadFraction of the epoch's samples ('revive': and zero their outgoing weights). Returns how
   *  many were reset. Clears the counts. */
  endEpoch(seed: number, epoch: number, samples: number): number {
    this.fold();
    const rule = deadNeuronRule(this.cfg);
    let reset = 0, base = 0;
    const fc = this.arena.view(this.main.fireCount);
    for (let l = 0; l < this.layers.length - 1; l++) {
      const L = this.layers[l], next = this.layers[l + 1];
      if (rule !== 'off' && samples > 0) {
        const [lo, hi] = this.cfg.init[l];
        const r = new RandomStream(seed, 'reinit', epoch, l);
        const w = this.arena.view(L.w), wNext = this.arena.view(next.w);
        let resetHere = 0;
        for (let j = 0; j < L.nOut; j++) {
          if (fc[base + j] < this.cfg.deadFraction * samples) {
            for (let i = 0; i < L.nIn; i++) w[i * L.stride + j] = lo + (hi - lo) * r.uniform(j * L.nIn + i);
            // a dead neuron's outgoing weights had no effect while it was silent, and nothing trained them:
            // after a long silence they are often strongly negative (the neuron died pushing wrong outputs
            // later), and waking it with fresh input weights would silence the layer above at once
            if (rule === 'revive') for (let k = 0; k < next.nOut; k++) wNext[j * next.stride + k] = 0;
            resetHere++;
          }
        }
        if (resetHere > 0) {
          this.refreshSigns(L); this.wBound[l] = Math.max(this.wBound[l], Math.abs(lo), Math.abs(hi));
          if (rule === 'revive') this.refreshSigns(next);
        }
        reset += resetHere;
      }
      base += L.nOut;
    }
    fc.fill(0);
    return reset;
  }

  /** Throws NumericalError naming the first layer whose weights (or theta, alpha) hold NaN/Inf; records max |w| per layer. */
  checkFinite(step: number): void {
    this.layers.forEach((L, l) => {
      this.measureWeights(l, step);
      if (!Number.isFinite(this.alpha(l))) throw new NumericalError(`layer ${l} scale alpha`, step, `alpha = ${this.alpha(l)}`);
      if (!Number.isFinite(this.theta(l))) throw new NumericalError(`layer ${l} threshold theta`, step, `theta = ${this.theta(l)}`);
    });
  }

  /** The weights as [nOut][nIn] row-major f32 (the .npy interchange layout), per layer. */
  exportWeights(): Float32Array[] {
    this.fold();
    return this.layers.map((L) => {
      const w = this.arena.view(L.w);
      const out = new Float32Array(L.nOut * L.nIn);
      for (let j = 0; j < L.nOut; j++) for (let i = 0; i < L.nIn; i++) out[j * L.nIn + i] = w[i * L.stride + j];
      return out;
    });
  }

  /** Loads [nOut][nIn] row-major weights for layer l. */
  importWeights(l: number, rowsOutCols: Float32Array): void {
    const L = this.layers[l];
    this.setScale(l, 1);
    if (rowsOutCols.length !== L.nOut * L.nIn) throw new Error(`layer ${l} expects ${L.nOut}x${L.nIn} weights`);
    const w = this.arena.view(L.w);
    w.fill(0);
    for (let j = 0; j < L.nOut; j++) for (let i = 0; i < L.nIn; i++) w[i * L.stride + j] = rowsOutCols[j * L.nIn + i];
    this.refreshSigns(L);
    this.wBound[l] = Infinity;
  }
}
