// STiDi-BP (src/algorithms/stidi, assembly/stidi): each piece against a direct reference computation
// written here from the definitions in docs/stidi-bp.md, then the network: the binary forward against
// the real forward with alpha sign(w), event-driven against time-stepped, and minibatch training
// bit-identical for 1 and 2 workers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kernelEnv, xorshift, mnistTrainerData } from '../helpers.js';
import { ALGORITHMS } from '../../src/algorithms/registry.js';
import { createSession, createExecutor } from '../../src/session.js';
import { loadDataset } from '../../src/data/index.js';
import { train } from '../../src/train/trainer.js';
import type { StidiModel } from '../../src/algorithms/stidi/model.js';
import { layerTau } from '../../src/algorithms/stidi/config.js';
import { sampleShift, shiftImage } from '../../src/algorithms/stidi/shift.js';
import type { KernelSet } from '../../src/wasm/kernels.js';
import type { Arena } from '../../src/wasm/arena.js';

const TMAX = 256;

interface Layer { cin: number; hin: number; win: number; k: number; cout: number; cs: number; hout: number; wout: number }
function layer(cin: number, hin: number, win: number, k: number, cout: number): Layer {
  return { cin, hin, win, k, cout, cs: (cout + 3) & ~3, hout: hin - k + 1, wout: win - k + 1 };
}

/** Direct definition: U_j(k) = sum over the receptive field of w clamp(k - t_i, 0, tau) (float64,
 *  naive convolution loops), t_j = first k in 1..tmax-1 with U_j(k) > thr, else tmax. */
function directForward(L: Layer, w: Float32Array, tIn: Int32Array, thr: number, tau: number): Int32Array {
  const out = new Int32Array(L.hout * L.wout * L.cs).fill(TMAX);
  for (let oy = 0; oy < L.hout; oy++) for (let ox = 0; ox < L.wout; ox++) for (let j = 0; j < L.cout; j++) {
    for (let k = 1; k < TMAX; k++) {
      let u = 0;
      for (let ky = 0; ky < L.k; ky++) for (let kx = 0; kx < L.k; kx++) for (let c = 0; c < L.cin; c++) {
        const ti = tIn[((oy + ky) * L.win + ox + kx) * L.cin + c];
        u += w[((ky * L.k + kx) * L.cin + c) * L.cs + j] * Math.min(Math.max(k - ti, 0), tau);
      }
      if (u > thr) { out[(oy * L.wout + ox) * L.cs + j] = k; break; }
    }
  }
  return out;
}

function randomLayer(L: Layer, rnd: () => number, dyadic: boolean): { w: Float32Array; t: Int32Array } {
  const w = new Float32Array(L.k * L.k * L.cin * L.cs);
  for (let r = 0; r < L.k * L.k * L.cin; r++) for (let j = 0; j < L.cout; j++) {
    w[r * L.cs + j] = dyadic ? Math.floor(rnd() * 32 - 8) / 16 : rnd() * 2 - 0.5;
  }
  const t = new Int32Array(L.cin * L.hin * L.win);
  for (let i = 0; i < t.length; i++) t[i] = rnd() < 0.3 ? TMAX : Math.floor(rnd() * 60);
  return { w, t };
}

function runForward(k: KernelSet, arena: Arena, L: Layer, w: Float32Array, t: Int32Array, thr: number, tau: number, stepped = false): Int32Array {
  const W = arena.alloc('f32', w.length), T = arena.alloc('i32', t.length);
  arena.view(W).set(w); arena.view(T).set(t);
  const counts = arena.alloc('i32', TMAX + 2), order = arena.alloc('i32', t.length);
  const n = L.hout * L.wout * L.cs;
  const u = arena.alloc('f32', n), s = arena.alloc('f32', n), o = arena.alloc('i32', n), lt = arena.alloc('i32', L.hout * L.wout);
  const nEv = k.ttfs_sort_events(T.offset, t.length, TMAX - 2, counts.offset, order.offset);
  (stepped ? k.stidi_forward_stepped_f32 : k.stidi_forward_f32)(W.offset, L.cin, L.hin, L.win, L.k, L.hout, L.wout, L.cs,
    T.offset, order.offset, nEv, thr, tau, TMAX, u.offset, s.offset, o.offset, lt.offset);
  return arena.view(o).slice();
}

test('stidi forward: closed-form event-driven crossings equal the direct time-stepped definition (conv and FC)', () => {
  const { k, arena } = kernelEnv();
  const rnd = xorshift(5);
  const cases: [Layer, number, number][] = [[layer(1, 10, 9, 5, 6), 16, 20], [layer(3, 7, 7, 3, 5), 64, 30], [layer(40, 1, 1, 1, 10), 64, 200], [layer(2, 6, 6, 2, 4), 1, 2]];
  let fired = 0, total = 0;
  for (const [L, tau, thrV] of cases) {
    // dyadic weights: every partial sum is exact in f32, so the times must agree exactly
    const { w, t } = randomLayer(L, rnd, true);
    const want = directForward(L, w, t, thrV, tau);
    assert.deepEqual(runForward(k, arena, L, w, t, thrV, tau), want, `event-driven, cin ${L.cin} k ${L.k} tau ${tau}`);
    assert.deepEqual(runForward(k, arena, L, w, t, thrV, tau, true), want, `time-stepped, cin ${L.cin} k ${L.k} tau ${tau}`);
    for (let p = 0; p < L.hout * L.wout; p++) for (let j = 0; j < L.cout; j++) { total++; if (want[p * L.cs + j] < TMAX) fired++; }
  }
  assert.ok(fired > total / 5 && fired < total, `a mix of firing and silent neurons (${fired}/${total})`);
  // arbitrary float weights: f32 rounding may move a crossing that lies within rounding of thr, nothing else
  const L = layer(2, 12, 12, 5, 8);
  const { w, t } = randomLayer(L, rnd, false);
  const got = runForward(k, arena, L, w, t, 25, 32), want = directForward(L, w, t, 25, 32);
  let off = 0;
  for (let i = 0; i < got.length; i++) if (got[i] !== want[i]) off++;
  assert.ok(off <= got.length / 100, `${off} of ${got.length} times differ from the float64 definition`);
});

test('stidi grad and backprop kernels equal their definitions (sum over positions; PSP value and slope)', () => {
  const { k, arena } = kernelEnv();
  const rnd = xorshift(9);
  const L = layer(3, 9, 8, 4, 6), tau = 16;
  const { w, t } = randomLayer(L, rnd, false);
  const tOut = runForward(k, arena, L, w, t, 10, tau);
  const n = L.hout * L.wout * L.cs;
  const delta = new Float32Array(n);
  for (let p = 0; p < L.hout * L.wout; p++) for (let j = 0; j < L.cout; j++) if (rnd() < 0.6) delta[p * L.cs + j] = rnd() * 2 - 1;
  const G = arena.alloc('f32', w.length), W = arena.alloc('f32', w.length), T = arena.alloc('i32', t.length);
  const O = arena.alloc('i32', n), D = arena.alloc('f32', n), E = arena.alloc('f32', t.length);
  arena.view(W).set(w); arena.view(T).set(t); arena.view(O).set(tOut); arena.view(D).set(delta);
  k.stidi_grad_f32(G.offset, T.offset, L.cin, L.hin, L.win, L.k, L.hout, L.wout, L.cs, O.offset, D.offset, tau, TMAX);
  k.stidi_backprop_f32(W.offset, T.offset, L.cin, L.hin, L.win, L.k, L.hout, L.wout, L.cs, O.offset, D.offset, tau, TMAX, E.offset, 0);
  const e0 = arena.view(E).slice();
  // with `silent`, a silent input gets the unmasked sum of delta * w; a spiking one is unchanged
  k.stidi_backprop_f32(W.offset, T.offset, L.cin, L.hin, L.win, L.k, L.hout, L.wout, L.cs, O.offset, D.offset, tau, TMAX, E.offset, 1);
  const eS = arena.view(E).slice();
  arena.view(E).set(e0);
  const g = new Float64Array(w.length), e = new Float64Array(t.length), es = new Float64Array(t.length);
  for (let oy = 0; oy < L.hout; oy++) for (let ox = 0; ox < L.wout; ox++) for (let j = 0; j < L.cout; j++) {
    const pj = (oy * L.wout + ox) * L.cs + j;
    for (let ky = 0; ky < L.k; ky++) for (let kx = 0; kx < L.k; kx++) for (let c = 0; c < L.cin; c++) {
      const ii = ((oy + ky) * L.win + ox + kx) * L.cin + c, r = ((ky * L.k + kx) * L.cin + c) * L.cs + j;
      const s = tOut[pj] - t[ii];
      if (t[ii] < TMAX) g[r] += delta[pj] * Math.min(Math.max(s, 0), tau);
      if (t[ii] < TMAX && s > 0 && s <= tau) e[ii] += delta[pj] * w[r];
      if (t[ii] >= TMAX) es[ii] += delta[pj] * w[r];
    }
  }
  let silentInputs = 0;
  for (let i = 0; i < e.length; i++) {
    const want = t[i] >= TMAX ? es[i] : e[i];
    assert.ok(Math.abs(eS[i] - want) <= 1e-4 * (1 + Math.abs(want)), `displacement with silent ${i}: ${eS[i]} vs ${want}`);
    if (t[i] >= TMAX && es[i] !== 0) silentInputs++;
  }
  assert.ok(silentInputs > 0, 'the case has silent inputs with a signal');
  const gg = arena.view(G), ee = arena.view(E);
  let nz = 0;
  for (let i = 0; i < g.length; i++) { assert.ok(Math.abs(gg[i] - g[i]) <= 1e-4 * (1 + Math.abs(g[i])), `grad ${i}: ${gg[i]} vs ${g[i]}`); if (g[i] !== 0) nz++; }
  for (let i = 0; i < e.length; i++) assert.ok(Math.abs(ee[i] - e[i]) <= 1e-4 * (1 + Math.abs(e[i])), `displacement ${i}: ${ee[i]} vs ${e[i]}`);
  assert.ok(nz > g.length / 4, 'the case exercises the gradient');
});

function session(flags: Record<string, unknown>, shards = 4) {
  const s = createSession(ALGORITHMS.stidi, 'mnist', flags, { shards });
  return { s, m: s.model as StidiModel };
}

const trainSet = loadDataset('mnist', 'train');
const testSet = loadDataset('mnist', 'test');

for (const tauFlag of [undefined, [64, 16]]) test(`stidi weight rule: one online step equals the hand-derived update of the output layer (tau ${tauFlag ?? 'default'})`, () => {
  // theta 0.5 (the default before 2026-12-01): with it this 2-map network still errs on the sample checked
  const { s, m } = session({ maps: [2], theta: [0.5, 1], ...(tauFlag ? { tau: tauFlag } : {}) });
  m.initialise(3);
  // a few hundred steps first: at initialisation the outputs tie, which would hide the t_j / theta factor
  for (let i = 0; i < 300; i++) m.trainSample(trainSet.images, i * 784, trainSet.labels[i]);
  const net = m.net, ws = net.main, cfg = m.cfg;
  const out = net.layers[1], a = s.arena;
  const before = a.view(out.w).slice();
  const tauOut = layerTau(cfg, 1);
  assert.equal(tauOut, tauFlag ? 16 : 64);
  const fc = layer(out.cin, 1, 1, 1, 10);
  // the first sample from 400 on that the network gets wrong or within the margin (it has an output error)
  let at = 400, tIn = new Int32Array(0), tOut = new Int32Array(0), d: number[] = [], norm = 0, label = 0;
  for (; at < 500 && norm === 0; at++) {
    net.forward(ws, trainSet.images, at * 784);
    tIn = a.view(ws.layers[0].tPool).slice(); tOut = a.view(ws.layers[1].tOut).slice(0, 10);
    label = trainSet.labels[at];
    // S4NN relative targets, e_k = (T_k - t_k)/tmax, delta_k = e_k t_k / theta, normalised
    let tau0 = TMAX; for (const v of tOut) tau0 = Math.min(tau0, v);
    const T = Array.from(tOut, (v) => (tau0 === TMAX ? TMAX : v - tau0 < cfg.gamma ? Math.min(tau0 + cfg.gamma, TMAX) : v));
    T[label] = tau0 === TMAX ? TMAX - cfg.gamma : tau0;
    d = Array.from(tOut, (v, j) => ((T[j] - v) / TMAX) * (v / cfg.theta[1]));
    norm = Math.hypot(...d);
  }
  at--;
  // the output layer's spike times follow its own PSP rise time (a 1x1 "convolution" over the pooled map)
  assert.deepEqual(Array.from(directForward(fc, before, tIn, tauOut * net.theta(1), tauOut).slice(0, 10)), Array.from(tOut), 'output times by the definition');
  assert.ok(new Set(tOut).size >= 3, `outputs fire at several times (${Array.from(tOut).join(',')})`);
  assert.ok(norm > 0, 'the sample has an output error');
  m.trainSample(trainSet.images, at * 784, label);
  const after = a.view(out.w);
  // dW_ji = -eta delta_j K(t_j - t_i), K(s) = clamp(s, 0, tau) / tau
  let checked = 0;
  for (let i = 0; i < out.cin; i++) for (let j = 0; j < 10; j++) {
    const K = tIn[i] >= TMAX ? 0 : Math.min(Math.max(tOut[j] - tIn[i], 0), tauOut) / tauOut;
    const want = before[i * out.cs + j] - cfg.eta[1] * (d[j] / norm) * K;
    const got = after[i * out.cs + j];
    assert.ok(Math.abs(got - want) <= 1e-6, `w[${i}][${j}]: ${got} vs ${want}`);
    if (K > 0 && d[j] !== 0) checked++;
  }
  assert.ok(checked > 50, `enough weights moved (${checked})`);
  // hidden layer: the displacement at the pooled map (eIn, checked against its definition in the kernel
  // test) goes to each window's winner, less the layer mean (center), times t_j / theta, normalised
  const e = a.view(ws.layers[1].eIn), tp = a.view(ws.layers[0].tPool), arg = a.view(ws.layers[0].arg);
  const t0 = a.view(ws.layers[0].tOut), d0 = a.view(ws.layers[0].delta);
  const want = new Float64Array(d0.length);
  let mean = 0, cnt = 0;
  for (let p = 0; p < e.length; p++) if (e[p] !== 0 && tp[p] < TMAX) { mean += e[p]; cnt++; }
  mean /= cnt;
  for (let p = 0; p < e.length; p++) if (e[p] !== 0 && tp[p] < TMAX) want[arg[p]] = (e[p] - mean) * t0[arg[p]] / cfg.theta[0];
  const wn = Math.hypot(...want);
  assert.ok(cnt > 10 && wn > 0, `the hidden layer receives a displacement (${cnt} windows)`);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(d0[i] - want[i] / wn) <= 1e-6, `hidden delta ${i}: ${d0[i]} vs ${want[i] / wn}`);
});

test('stidi --revive: a silent window asking for an earlier spike gives revive * e * tmax / theta to its neuron nearest the threshold', () => {
  const { s, m } = session({ maps: [4], revive: 0.5 });
  m.initialise(5);
  for (let i = 0; i < 200; i++) m.trainSample(trainSet.images, i * 784, trainSet.labels[i]);
  const net = m.net, ws = net.main, a = s.arena, L0 = net.layers[0];
  let revived = 0, samples = 0;
  for (let at = 200; at < 260; at++) {
    net.forward(ws, trainSet.images, at * 784);
    if (!net.accumulateGradient(ws, trainSet.labels[at])) continue;
    samples++;
    const e = a.view(ws.layers[1].eIn), tp = a.view(ws.layers[0].tPool), arg = a.view(ws.layers[0].arg);
    const t0 = a.view(ws.layers[0].tOut), u0 = a.view(ws.layers[0].u), d0 = a.view(ws.layers[0].delta);
    const want = new Float64Array(d0.length);
    let mean = 0, cnt = 0;
    for (let p = 0; p < e.length; p++) if (e[p] !== 0 && tp[p] < TMAX) { mean += e[p]; cnt++; }
    if (cnt) mean /= cnt;
    for (let p = 0; p < e.length; p++) {
      if (e[p] !== 0 && tp[p] < TMAX) want[arg[p]] = (e[p] - mean) * t0[arg[p]] / net.theta(0);
      else if (tp[p] >= TMAX && e[p] < 0) {
        // the window's four neurons, in raster order; the highest end potential wins, the first on ties
        const ch = p % L0.cout, q = (p - ch) / L0.cout, ox = q % L0.pw, oy = (q - ox) / L0.pw;
        let best = -Infinity, bi = -1;
        for (const [dy, dx] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
          const i = ((2 * oy + dy) * L0.wout + 2 * ox + dx) * L0.cs + ch;
          assert.equal(t0[i], TMAX, 'a silent window has only silent neurons');
          if (u0[i] > best) { best = u0[i]; bi = i; }
        }
        want[bi] = 0.5 * e[p] * TMAX / net.theta(0);
        revived++;
      }
    }
    const wn = Math.hypot(...want);
    for (let i = 0; i < want.length; i++) assert.ok(Math.abs(d0[i] - want[i] / wn) <= 1e-6, `sample ${at}, hidden delta ${i}: ${d0[i]} vs ${want[i] / wn}`);
    net.clearGradient(ws);
  }
  assert.ok(samples > 5 && revived > samples, `silent windows were revived (${revived} over ${samples} samples)`);
  // the 200 training steps above ran with the option: its updates keep the weights finite
  m.checkFinite(260);
});

test('stidi binary forward equals the real forward with weights alpha sign(w); event-driven equals time-stepped', () => {
  const bin = session({ binary: true, maps: [4] }), real = session({ maps: [4] });
  const rnd = xorshift(21);
  for (let l = 0; l < 2; l++) {
    // |w| = 1/4 everywhere: alpha = 1/4 exactly, and alpha sign(w) = w, so both forwards sum the same exact values
    const L = bin.m.net.layers[l];
    const m = new Float32Array(L.cout * L.k * L.k * L.cin).map(() => (rnd() < (l === 0 ? 0.7 : 0.55) ? 0.25 : -0.25));
    bin.m.setWeights(l, m); real.m.setWeights(l, m);
    assert.equal(bin.m.net.alpha(l), 0.25);
  }
  let fired = 0;
  for (let i = 0; i < 30; i++) {
    bin.m.net.forward(bin.m.net.main, testSet.images, i * 784);
    real.m.net.forward(real.m.net.main, testSet.images, i * 784);
    const a = bin.s.arena.view(bin.m.net.main.layers[0].tOut).slice(), b = real.s.arena.view(real.m.net.main.layers[0].tOut);
    assert.deepEqual(a, b.slice(), `image ${i}: conv layer times`);
    assert.deepEqual(Array.from(bin.m.net.outputTimes(bin.m.net.main)), Array.from(real.m.net.outputTimes(real.m.net.main)), `image ${i}: output times`);
    const ev = Array.from(real.m.net.outputTimes(real.m.net.main));
    real.m.net.forward(real.m.net.main, testSet.images, i * 784, true);
    assert.deepEqual(Array.from(real.m.net.outputTimes(real.m.net.main)), ev, `image ${i}: time-stepped output times`);
    fired += bin.m.net.main.fired[0];
  }
  assert.ok(fired > 0, 'the conv layer fires');
});

test('stidi: minibatch training gives the same weights with 1 and 2 workers, and learns (with the threshold adaptation and --shift on)', async () => {
  const { data } = mnistTrainerData();
  const dir = mkdtempSync(join(tmpdir(), 'snn-stidi-'));
  const sha: string[] = [];
  try {
    for (const workers of [1, 2]) {
      // --target-firing: the conv threshold adapts from fired shares summed over the shards in shared memory
      // --shift: every training image moved by its own (seed, epoch, index) shift, whichever shard ran it
      const { s } = session({ maps: [4], eta: [0.01, 0.02], targetFiring: [0.05, 0], shift: 1 });
      const ex = createExecutor(s, data, workers);
      try {
        const r = await train({ algorithm: ALGORITHMS.stidi, config: s.config, epochs: 1, batchSize: 8, shards: 4, seed: 5, outDir: join(dir, `w${workers}`),
          resume: false, keepCheckpoints: 1, progress: false, limitTrain: 1600, limitTest: 300, finiteCheckEvery: 500, log: () => {} }, data, s.model, ex);
        sha.push(r.weightsSha256);
        assert.ok(r.final!.test.accuracy.strict > 0.3, `strict accuracy ${r.final!.test.accuracy.strict} after 1600 samples (chance 0.1)`);
        assert.equal(r.final!.test.stats.layerFiringShare?.length, 2, 'firing share per layer');
        const theta = (s.model as StidiModel).net.layers.map((_, l) => (s.model as StidiModel).net.theta(l));
        assert.notEqual(theta[0], 3, 'the conv threshold adapted');
        assert.equal(theta[1], 1, 'the output threshold (target 0) did not');
      } finally { await ex.close(); }
    }
    assert.equal(sha[0], sha[1], 'workers 1 and 2: same weights');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('stidi --eta-decay: the learning rate shrinks per epoch and survives a checkpoint', () => {
  const { s, m } = session({ maps: [2], etaDecay: 0.5 });
  m.initialise(1);
  m.endEpoch(0, 0, 100);
  m.endEpoch(0, 1, 100);
  assert.equal(m.net.etaScale, 0.25);
  const w0 = s.arena.view(m.net.layers[1].w).slice();
  m.trainSample(trainSet.images, 0, trainSet.labels[0]);
  const moved = s.arena.view(m.net.layers[1].w).map((v, i) => v - w0[i]);
  const st = m.state();
  const other = session({ maps: [2], etaDecay: 0.5 });
  other.m.loadState(st);
  assert.equal(other.m.net.etaScale, 0.25);
  // the same step at full rate moves the weights 4x as far
  const full = session({ maps: [2] });
  full.m.initialise(1);
  full.m.trainSample(trainSet.images, 0, trainSet.labels[0]);
  const movedFull = full.s.arena.view(full.m.net.layers[1].w).map((v, i) => v - w0[i]);
  let n = 0;
  for (let i = 0; i < moved.length; i++) if (movedFull[i] !== 0) { assert.ok(Math.abs(moved[i] * 4 - movedFull[i]) <= 1e-6, `w ${i}`); n++; }
  assert.ok(n > 10);
});

test('stidi --fc: hidden fully connected layers between pooling and output train end to end', () => {
  const { m } = session({ maps: [2], fc: [12], theta: [0.5, 0.2, 1] });
  m.initialise(2);
  assert.deepEqual(m.weights().map((w) => [w.rows, w.cols]), [[2, 25], [12, 288], [10, 12]]);
  for (let i = 0; i < 50; i++) m.trainSample(trainSet.images, i * 784, trainSet.labels[i]);
  m.checkFinite(50);
  const fired = m.net.main.fired;
  assert.equal(fired.length, 3);
  assert.ok(fired[1] > 0 && fired[1] <= 12, `the hidden FC layer fires (${fired[1]} of 12)`);
});

test('stidi --target-firing: after every step theta_l *= 1 + rate (fired share - target), only where a target is set', () => {
  const { s, m } = session({ maps: [2], targetFiring: [0.05, 0], thetaRate: 0.1 });
  m.initialise(3);
  const net = m.net;
  let checked = 0;
  for (let i = 0; i < 20; i++) {
    const th0 = net.theta(0), th1 = net.theta(1);
    // the output layer's weights move on every update (its error is normalised to unit length)
    const w0 = s.arena.view(net.layers[1].w).slice();
    m.trainSample(trainSet.images, i * 784, trainSet.labels[i]);
    const moved = s.arena.view(net.layers[1].w).some((v, j) => v !== w0[j]);
    const r = net.main.fired[0] / net.layers[0].nOut;
    // with or without a weight update (zero output error), the step adapts the threshold
    assert.equal(net.theta(0), th0 * (1 + 0.1 * (r - 0.05)), `sample ${i}: conv threshold`);
    assert.equal(net.theta(1), th1, `sample ${i}: the output layer has no target`);
    assert.ok(s.arena.view(net.main.firing).every((v) => v === 0), 'the fired-share sums are cleared by the step');
    if (moved) checked++;
  }
  assert.ok(checked >= 3, `steps with a weight update: ${checked}`);
  // a layer firing above its target gets a higher threshold, below it a lower one
  const { m: hi } = session({ maps: [2], targetFiring: [1e-6, 0] });
  hi.initialise(3);
  for (let i = 0; i < 10; i++) hi.trainSample(trainSet.images, i * 784, trainSet.labels[i]);
  assert.ok(hi.net.theta(0) > 3, `target ~0: theta rose (${hi.net.theta(0)})`);
  const { m: lo } = session({ maps: [2], targetFiring: [1, 0] });
  lo.initialise(3);
  for (let i = 0; i < 10; i++) lo.trainSample(trainSet.images, i * 784, trainSet.labels[i]);
  assert.ok(lo.net.theta(0) < 3, `target 1: theta fell (${lo.net.theta(0)})`);
});

test('stidi --binary-scale filter: the forward weights are sign(w) times the mean |w| of their output channel', () => {
  const { s, m } = session({ maps: [3], binary: true, binaryScale: 'filter' });
  m.initialise(5);
  for (let i = 0; i < 5; i++) m.trainSample(trainSet.images, i * 784, trainSet.labels[i]);
  m.net.layers.forEach((L, l) => {
    const w = s.arena.view(L.w), sg = s.arena.view(L.sgn!), rows = L.k * L.k * L.cin;
    for (let j = 0; j < L.cout; j++) {
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += Math.abs(w[r * L.cs + j]);
      const a = Math.fround(sum / rows);
      for (let r = 0; r < rows; r++) assert.equal(sg[r * L.cs + j], Math.sign(w[r * L.cs + j]) * a, `layer ${l} channel ${j} row ${r}`);
    }
  });
  assert.throws(() => session({ maps: [2], binaryScale: 'filter' }), /--binary-scale: applies to binary networks only/);
});

test('stidi --real-layers 0: a binary network that keeps its conv layer real forwards exactly as a real one with the output layer\'s alpha_j sign(w)', () => {
  const mixed = session({ maps: [3], binary: true, binaryScale: 'filter', realLayers: [0] }), real = session({ maps: [3] });
  mixed.m.initialise(7);
  for (let i = 0; i < 5; i++) mixed.m.trainSample(trainSet.images, i * 784, trainSet.labels[i]);
  const [L0, L1] = mixed.m.net.layers;
  assert.equal(L0.sgn, null, 'the conv layer has no sign copy');
  assert.ok(L1.sgn !== null, 'the output layer is binary');
  // the real network gets the mixed one's forward weights: the conv weights as they are, the output layer's alpha_j sign(w)
  const w0 = mixed.s.arena.view(L0.w), s1 = mixed.s.arena.view(L1.sgn!);
  real.m.setWeights(0, mixed.m.net.exportWeights(0, true)); real.m.setWeights(1, mixed.m.net.exportWeights(1, true));
  let fired = 0, binaryValues = 0;
  for (let r = 0; r < s1.length; r++) if (s1[r] !== 0) binaryValues++;
  assert.ok(binaryValues > 0);
  for (let i = 0; i < 30; i++) {
    mixed.m.net.forward(mixed.m.net.main, testSet.images, i * 784);
    real.m.net.forward(real.m.net.main, testSet.images, i * 784);
    assert.deepEqual(mixed.s.arena.view(mixed.m.net.main.layers[0].tOut).slice(), real.s.arena.view(real.m.net.main.layers[0].tOut).slice(), `image ${i}: conv layer times`);
    assert.deepEqual(Array.from(mixed.m.net.outputTimes(mixed.m.net.main)), Array.from(real.m.net.outputTimes(real.m.net.main)), `image ${i}: output times`);
    fired += mixed.m.net.main.fired[0];
  }
  assert.ok(fired > 0, 'the conv layer fires');
  // the conv weights stay real-valued: more than three distinct magnitudes after training
  assert.ok(new Set(Array.from(w0, (v) => Math.abs(v))).size > 3);
  assert.throws(() => session({ maps: [2], realLayers: [0] }), /--real-layers: applies to binary networks only/);
  assert.throws(() => session({ maps: [2], binary: true, realLayers: [2] }), /--real-layers: layer 2 does not exist/);
  assert.throws(() => session({ maps: [2], binary: true, realLayers: [0, 1] }), /--real-layers: would keep every layer real/);
});

test('stidi --shift: shiftImage moves the image with zero fill; the shift depends only on (seed, epoch, index) and survives a checkpoint', () => {
  const img = new Uint8Array(2 * 3 * 4).map((_, i) => i + 1), out = new Uint8Array(24);
  shiftImage(img, 0, 2, 3, 4, 1, -1, out);
  for (let c = 0; c < 2; c++) for (let y = 0; y < 3; y++) for (let x = 0; x < 4; x++) {
    const sy = y - 1, sx = x + 1;
    const want = sy >= 0 && sx < 4 ? img[c * 12 + sy * 4 + sx] : 0;
    assert.equal(out[c * 12 + y * 4 + x], want, `c ${c} y ${y} x ${x}`);
  }
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const [dy, dx] = sampleShift(7, 3, i, 2);
    assert.ok(Math.abs(dy) <= 2 && Math.abs(dx) <= 2);
    assert.deepEqual(sampleShift(7, 3, i, 2), [dy, dx], 'a pure function of (seed, epoch, index)');
    seen.add(`${dy},${dx}`);
  }
  assert.equal(seen.size, 25, 'every shift in -2..2 x -2..2 occurs');
  assert.notDeepEqual(Array.from({ length: 20 }, (_, i) => sampleShift(7, 4, i, 2)), Array.from({ length: 20 }, (_, i) => sampleShift(7, 3, i, 2)), 'a new epoch draws new shifts');
  // online training reads the moved image; the epoch that keys the shifts is checkpointed
  const a = session({ maps: [2], shift: 2 }), b = session({ maps: [2] });
  a.m.initialise(5); b.m.initialise(5);
  a.m.endEpoch(5, 0, 10); b.m.endEpoch(5, 0, 10);
  assert.equal(a.m.net.epoch, 1);
  for (let i = 0; i < 20; i++) { a.m.trainSample(trainSet.images, i * 784, trainSet.labels[i]); b.m.trainSample(trainSet.images, i * 784, trainSet.labels[i]); }
  const wa = a.s.arena.view(a.m.net.layers[0].w), wb = b.s.arena.view(b.m.net.layers[0].w);
  assert.ok(wa.some((v, i) => v !== wb[i]), 'the shifted images train other weights');
  const c = session({ maps: [2], shift: 2 });
  c.m.loadState(a.m.state());
  assert.deepEqual([c.m.net.seed, c.m.net.epoch], [5, 1], 'seed and epoch restored');
});
