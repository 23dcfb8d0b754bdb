// Side-by-side timing of two update-path kernels of this build against the same exports of another
// build, in one process, same inputs (shared memory):
//   f32_gemm_tn_acc: the BNN first-layer weight gradient, G[600][784] += dZ^T X over 16 samples;
//   ttfs_update_f32: S4NN's hidden-layer update (784 x 400, without the scale sum S: wantSum 0, which
//     an older build ignores and computes S anyway), at S4NN-like masks: inputs spike at 0-255 or never,
//     hidden spike times 20-200, a quarter of the deltas zero; and BS4NN's (with S and the sign rows);
//   ttfs_grad_accum_f32: the minibatch form of that update (g += masked delta), S4NN's (no scale sum: wantSum 0,
//     which an older build ignores and computes S anyway) and with the sum S;
//   ttfs_sign_counts_i16: BS4NN's per-neuron scale counts on that layer (random signs);
//   ttfs_backprop_f32: S4NN's output -> hidden delta (400 x 10), 40% of hidden neurons firing.
//   node --no-liftoff scripts/ab-update-kernels.mjs <other build>/snnwasm.wasm [rounds=15]
// Prints median µs per call, the paired ratio, and whether the outputs are bit-identical.
import { openAB, comparePair } from './ab-common.mjs';

const { otherPath, rounds, k, other, a } = openAB('ab-update-kernels.mjs', 256);
let seed = 777;
const rnd = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 2 ** 32; };
const fill = (t, f) => { const v = a.view(t); for (let i = 0; i < v.length; i++) v[i] = f(i); return t; };

// BNN gradient GEMM
const M = 600, N = 784, K = 16;
const A = fill(a.alloc('f32', K * M), () => rnd() - 0.5), B = fill(a.alloc('f32', K * N), () => rnd());
const gemmOut = { mine: a.alloc('f32', M * N), other: a.alloc('f32', M * N) };
// S4NN hidden update
const nIn = 784, nOut = 400, stride = 400;
const w0 = fill(a.alloc('f32', nIn * stride), () => rnd() * 5);
const tIn = fill(a.alloc('i32', nIn), () => (rnd() < 0.2 ? Math.floor(rnd() * 256) : 256));
const tOut = fill(a.alloc('i32', stride), () => 20 + Math.floor(rnd() * 180));
const delta = fill(a.alloc('f32', stride), () => (rnd() < 0.25 ? 0 : (rnd() - 0.5) * 0.1));
const updOut = { mine: a.alloc('f32', nIn * stride), other: a.alloc('f32', nIn * stride) };
const reset = (t) => a.view(t).set(a.view(w0));

// BS4NN hidden update: the same layer with the scale sum S and the i16 sign rows (wantSum 1)
const sgnOut = a.alloc('i16', nIn * stride);
// S4NN output -> hidden back-propagation (400 x 10, stride 16): 40% of hidden neurons fire at 20-200, the
// outputs at 30-250, three of them with a non-zero delta (the label and the runners-up within gamma)
const hIn = 400, oStride = 16;
const w1 = fill(a.alloc('f32', hIn * oStride), (i) => ((i % oStride) < 10 ? rnd() * 48 - 10 : 0));
const tH = fill(a.alloc('i32', hIn), () => (rnd() < 0.4 ? 20 + Math.floor(rnd() * 180) : 256));
const tO = fill(a.alloc('i32', oStride), (j) => (j < 10 ? 30 + Math.floor(rnd() * 220) : 256));
const dO = fill(a.alloc('f32', oStride), (j) => (j < 3 ? (rnd() - 0.5) : 0));
const bpOut = { mine: a.alloc('f32', hIn), other: a.alloc('f32', hIn) };
const w1Out = { mine: a.alloc('f32', hIn * oStride), other: a.alloc('f32', hIn * oStride) };
const resetW1 = (t) => a.view(t).set(a.view(w1));
const sgnOutO = a.alloc('i16', hIn * oStride); // sign rows of the BS4NN-form output update

// BS4NN per-neuron scale counts (--binary-scale filter) on the same layer: random signs; out holds 2 stride i16
// lanes (the counts, then scratch of the newer kernel): only the counts are compared
const sgnRand = fill(a.alloc('i16', nIn * stride), () => (rnd() < 0.45 ? 1 : rnd() < 0.8 ? -1 : 0));
const counts = (t) => ({ dtype: 'i16', offset: t.offset, length: stride });
const scOut = { mine: counts(a.alloc('i16', 2 * stride)), other: counts(a.alloc('i16', 2 * stride)) };

const cases = [
  ['f32_gemm_tn_acc', `BNN first-layer gradient ${M}x${N}, K=${K}`, (kk, c) => kk.f32_gemm_tn_acc(c.offset, M, N, A.offset, M, B.offset, N, K), gemmOut, (t) => a.view(t).fill(0)],
  ['ttfs_update_f32', `S4NN hidden update ${nIn}x${nOut}, no scale sum`, (kk, c) => kk.ttfs_update_f32(c.offset, nIn, nOut, stride, tIn.offset, tOut.offset, delta.offset, 0.05, 0, 0, 0), updOut, reset],
  ['ttfs_update_f32', `BS4NN hidden update ${nIn}x${nOut}, scale sum and sign rows`, (kk, c) => kk.ttfs_update_f32(c.offset, nIn, nOut, stride, tIn.offset, tOut.offset, delta.offset, 0.05, 0, sgnOut.offset, 1), updOut, reset],
  ['ttfs_update_f32', `S4NN output update ${hIn}x10`, (kk, c) => kk.ttfs_update_f32(c.offset, hIn, 10, oStride, tH.offset, tO.offset, dO.offset, 0.05, 0, 0, 0), w1Out, resetW1],
  ['ttfs_update_f32', `BS4NN-form output update ${hIn}x10, scale sum and sign rows`, (kk, c) => kk.ttfs_update_f32(c.offset, hIn, 10, oStride, tH.offset, tO.offset, dO.offset, 0.05, 0, sgnOutO.offset, 1), w1Out, resetW1],
  ['ttfs_grad_accum_f32', `S4NN hidden minibatch gradient ${nIn}x${nOut}, no scale sum`, (kk, c) => kk.ttfs_grad_accum_f32(c.offset, w0.offset, nIn, stride, tIn.offset, tOut.offset, delta.offset, 0), updOut, (t) => a.view(t).fill(0)],
  ['ttfs_grad_accum_f32', `BS4NN-form minibatch gradient ${nIn}x${nOut}, scale sum`, (kk, c) => kk.ttfs_grad_accum_f32(c.offset, w0.offset, nIn, stride, tIn.offset, tOut.offset, delta.offset, 1), updOut, (t) => a.view(t).fill(0)],
  ['ttfs_sign_counts_i16', `BS4NN per-neuron sign counts ${nIn}x${nOut}`, (kk, c) => kk.ttfs_sign_counts_i16(sgnRand.offset, nIn, nOut, stride, tIn.offset, tOut.offset, delta.offset, c.offset), scOut, (t) => a.view(t).fill(0)],
  ['ttfs_backprop_f32', `S4NN output -> hidden delta ${hIn}x10`, (kk, c) => kk.ttfs_backprop_f32(w1.offset, hIn, oStride, tH.offset, tO.offset, dO.offset, c.offset), bpOut, (t) => a.view(t).fill(0)],
];
console.log('| kernel | case | this build µs | other build µs | other / this (paired median) | identical outputs |');
console.log('|---|---|---|---|---|---|');
for (const [name, label, call, res, init] of cases) {
  init(res.mine); init(res.other);
  // repeated calls keep accumulating into / updating the same buffers: the timing does not need fresh inputs
  const r = comparePair(a, k, other, call, res, rounds);
  console.log(`| \`${name}\` | ${label} | ${r.usThis.toFixed(2)} | ${r.usOther.toFixed(2)} | ${r.ratio.toFixed(2)}× | ${r.same} |`);
}
console.log(`\ncommand: node --no-liftoff scripts/ab-update-kernels.mjs ${otherPath} ${rounds}`);
