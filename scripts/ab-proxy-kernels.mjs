// Side-by-side timing of the proxy-learning kernels (f32 GEMMs, im2col / col2im, ReLU, pooling, batch-norm statistics, the spike-driven conv and fc, the weights' transpose) of this build against the same exports of another
// build, in one process, on the same random inputs (the proxy conv shapes of bench/kernels.ts:
// 32 -> 32 channels, 3x3, 28x28). Both module instances share one memory.
//   node --no-liftoff scripts/ab-proxy-kernels.mjs <other build>/snnwasm.wasm [rounds=15] [channels=32]
// (channels 128: the shapes of the fmnist-paper network's 128 -> 128 convs)
// Prints median µs per call and GFLOP/s of each, the paired ratio, and whether the outputs are
// bit-identical.
import { convGatherListLength } from '../dist/src/wasm/kernels.js';
import { openAB, comparePair } from './ab-common.mjs';

// 640 MiB: the fmnist-paper fc 6272 -> 2560 weights are 64 MiB, twice, and their transpose case three times that
const { otherPath, rounds, rest: [cArg], k, other, otherExports, a } = openAB('ab-proxy-kernels.mjs', 10240);
const Cout = Number(cArg ?? 32), Cin = Cout, KK = Cin * 9, P = 28 * 28;
let seed = 12345;
const rnd = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 2 ** 32 - 0.5; };
const fill = (t) => { const v = a.view(t); for (let i = 0; i < v.length; i++) v[i] = rnd(); return t; };
const W = fill(a.alloc('f32', Cout * KK)), col = fill(a.alloc('f32', KK * P)), dy = fill(a.alloc('f32', Cout * P));
const out = { mine: a.alloc('f32', Math.max(Cout * P, KK * P, Cout * KK)), other: a.alloc('f32', Math.max(Cout * P, KK * P, Cout * KK)) };
// spike maps at the rates the trained fmnist-small shows (docs/proxy.md: 10-24% of inputs per step)
const spikes = (rate) => { const t = a.alloc('f32', Cin * P); const v = a.view(t); for (let i = 0; i < v.length; i++) v[i] = rnd() + 0.5 < rate ? 1 : 0; return t; };
const img = fill(a.alloc('f32', Cin * P));
const ifS = a.alloc('f32', Cin * P), ifCnt = a.alloc('f32', Cin * P);
const Wt = a.alloc('f32', KK * Cout); k.f32_transpose(W.offset, Cout, KK, Wt.offset);
const list = a.alloc('i32', convGatherListLength(Cin, 28, 28, 3)), pixCnt = a.alloc('i32', P);
const x10 = spikes(0.10), x24 = spikes(0.24);
const argMine = a.alloc('u8', Cin * 14 * 14), argOther = a.alloc('u8', Cin * 14 * 14);
// the ANN forward of fully connected layers over a chunk of 16 samples (the proxy trainer's default --chunk):
// Y[16][out] = X[16][in] W[out][in]^T; 6272 -> 2560 is fmnist-paper's first fc layer (64 MiB of weights)
const Bc = 16;
const bnX = fill(a.alloc('f32', Bc * Cout * P)), bnDy = fill(a.alloc('f32', Bc * Cout * P));
const fcCase = (nI, nO) => {
  const x = fill(a.alloc('f32', Bc * nI)), w = fill(a.alloc('f32', nI * nO));
  const o = { mine: a.alloc('f32', Bc * nO), other: a.alloc('f32', Bc * nO) };
  return ['f32_gemm_nt_acc', `fc forward ${nI}->${nO}, chunk ${Bc}`, 2 * Bc * nI * nO, (kk, c) => kk.f32_gemm_nt_acc(c.offset, nO, Bc, nO, x.offset, nI, w.offset, nI, nI), o];
};
const fcCases = [fcCase(3136, 256), fcCase(6272, 2560)];
// the SNN's spike-driven fc layers: fmnist-paper's 6272 -> 2560 (64 MiB) and 2560 -> 1152 at 5.5% inputs spiking (the
// rate its pooled maps show, bench/results/proxy-peer.json), and at a 30% input rate fmnist-small's 3136 -> 256 (8 and
// 16 samples: below the input-major threshold), fmnist-medium's 4704 -> 512 and the two fmnist-paper layers again
const gatherCase = (nI, nO, Bg, rate) => {
  const x = a.alloc('f32', Bg * nI); { const v = a.view(x); for (let i = 0; i < v.length; i++) v[i] = rnd() + 0.5 < rate ? 1 : 0; }
  const w = fill(a.alloc('f32', nI * nO)), l = a.alloc('i32', nI);
  const o = { mine: a.alloc('f32', Bg * nO), other: a.alloc('f32', Bg * nO) };
  return ['if_fc_gather', `spike-driven fc ${nI}->${nO}, ${rate * 100}% inputs spiking, batch ${Bg}`, rate * nI * nO * Bg, (kk, c) => kk.if_fc_gather(x.offset, Bg, nI, w.offset, nO, c.offset, l.offset), o];
};
const gatherCases = [gatherCase(6272, 2560, 16, 0.055), gatherCase(2560, 1152, 16, 0.055), gatherCase(3136, 256, 8, 0.3), gatherCase(3136, 256, 16, 0.3), gatherCase(4704, 512, 16, 0.3), gatherCase(2560, 1152, 16, 0.3), gatherCase(6272, 2560, 16, 0.3)];
// the transposed weights the spike-driven layers read, rebuilt after every update: a conv's W[Cout][Cin 9] and the
// fc weights W[out][in] of fmnist-small (256 x 3136) and fmnist-paper (2560 x 6272, 64 MiB)
const transposeCase = (R, C) => {
  const w = fill(a.alloc('f32', R * C));
  const o = { mine: a.alloc('f32', R * C), other: a.alloc('f32', R * C) };
  return ['f32_transpose', `weights ${R} x ${C} transposed`, 0, (kk, c) => kk.f32_transpose(w.offset, R, C, c.offset), o];
};
const transposeCases = [transposeCase(Cout, KK), transposeCase(256, 3136), transposeCase(2560, 6272)];
const cases = [
  ['if_conv_gather', 'spike-driven conv, 10% inputs spiking', 0.10 * Cin * P * 9 * Cout, (kk, c) => kk.if_conv_gather(x10.offset, Cin, 28, 28, 3, 1, 1, Wt.offset, Cout, c.offset, list.offset, pixCnt.offset)],
  ['if_conv_gather', 'spike-driven conv, 24% inputs spiking', 0.24 * Cin * P * 9 * Cout, (kk, c) => kk.if_conv_gather(x24.offset, Cin, 28, 28, 3, 1, 1, Wt.offset, Cout, c.offset, list.offset, pixCnt.offset)],
  // the ANN's conv data movement: one image x[Cin][28][28] to columns, and columns added back onto an image
  // (bytes: what each moves, counted as the kernel bench does: columns written / read once)
  ['f32_im2col', 'conv input to columns', 0, (kk, c) => kk.f32_im2col(img.offset, Cin, 28, 28, 3, 1, 1, c.offset)],
  ['f32_col2im', 'conv columns back onto the input gradient', 0, (kk, c) => kk.f32_col2im(col.offset, Cin, 28, 28, 3, 1, 1, c.offset)],
  // one IF time step over a conv output (32 x 784 neurons: v += x, spike, reset, count); both builds step their own
  // state from the same start, call for call
  ['if_step', 'IF time step over the conv output', 0, (kk, c) => kk.if_step(c.offset, img.offset, ifS.offset, ifCnt.offset, Cin * P, 2)],
  // the SNN's 2x2 OR pooling of a spike map, every time step (no winners recorded)
  ['f32_maxpool2', 'spike-map 2x2 pooling, 24% spiking', 0, (kk, c) => kk.f32_maxpool2(x24.offset, Cin, 28, 28, c.offset, 0)],
  // the ANN's 2x2 max pooling of a real-valued map with the winners recorded (u8 per output, for the backward);
  // the outputs compared are the maxima (the winners have a bit-for-bit as-pect spec against the scalar twin)
  ['f32_maxpool2', 'ANN 2x2 max pooling with winners, reals', 0, (kk, c) => kk.f32_maxpool2(img.offset, Cin, 28, 28, c.offset, c === out.mine ? argMine.offset : argOther.offset)],
  // the ANN's ReLU over a conv output (32 x 784) and its backward (y, dy -> dx)
  ['f32_relu', 'ReLU over the conv output', 0, (kk, c) => kk.f32_relu(img.offset, c.offset, Cin * P)],
  // batch-norm statistics of a conv output over a chunk of 16 samples (mean and m2 per channel, f64), and the backward's sums
  ['f32_plane_stats', `batch-norm statistics, ${Bc} samples`, 0, (kk, c) => kk.f32_plane_stats(bnX.offset, Bc, Cout, P, c.offset, c.offset + Cout * 8)],
  ['f32_plane_sums', `batch-norm backward sums, ${Bc} samples`, 0, (kk, c) => kk.f32_plane_sums(bnDy.offset, bnX.offset, Bc, Cout, P, c.offset, c.offset + Cout * 8)],
  ['f32_relu_bwd', 'ReLU backward over the conv output', 0, (kk, c) => kk.f32_relu_bwd(img.offset, dy.offset, c.offset, Math.min(Cin, Cout) * P)],
  // y[Cout][P] = W[Cout][KK] col[KK][P] (a build before f32_gemm_nn_set: zeroed, then f32_gemm_nn_acc, as its conv did)
  ['f32_gemm_nn_set', 'conv forward, y = W col', 2 * Cout * KK * P, (kk, c) => {
    if (kk.f32_gemm_nn_set) kk.f32_gemm_nn_set(c.offset, P, Cout, P, W.offset, KK, col.offset, P, KK);
    else { a.view(c).fill(0, 0, Cout * P); otherExports.f32_gemm_nn_acc_simd(c.offset, P, Cout, P, W.offset, KK, col.offset, P, KK); }
  }],
  // dcol[KK][P] = W^T dy (before: zeroed, then f32_gemm_tn_any)
  ['f32_gemm_tn_set', 'conv input gradient, dcol = W^T dy', 2 * Cout * KK * P, (kk, c) => {
    if (kk.f32_gemm_tn_set) kk.f32_gemm_tn_set(c.offset, P, KK, P, W.offset, KK, dy.offset, P, Cout);
    else { a.view(c).fill(0, 0, KK * P); otherExports.f32_gemm_tn_any_simd(c.offset, P, KK, P, W.offset, KK, dy.offset, P, Cout); }
  }],
  // gW[Cout][KK] += dy col^T
  ['f32_gemm_nt_acc', 'conv weight gradient, gW += dy col^T', 2 * Cout * KK * P, (kk, c) => kk.f32_gemm_nt_acc(c.offset, KK, Cout, KK, dy.offset, P, col.offset, P, P)],
  ...fcCases,
  ...gatherCases,
  ...transposeCases,
];
console.log('| kernel | case | this build µs | other build µs | this GFLOP/s (gather: one per add, as bench/kernels.ts counts) | other / this (paired median) | identical outputs |');
console.log('|---|---|---|---|---|---|---|');
for (const [name, label, flops, call, own] of cases) {
  const res = own ?? out;  // the fc cases bring output buffers of their own size
  a.view(res.mine).fill(0); a.view(res.other).fill(0);
  const r = comparePair(a, k, other, call, res, rounds);
  console.log(`| \`${name}\` | ${label} | ${r.usThis.toFixed(1)} | ${r.usOther.toFixed(1)} | ${flops ? (flops / r.usThis / 1e3).toFixed(1) : '—'} | ${r.ratio.toFixed(2)}× | ${r.same} |`);
}
console.log(`\ncommand: node --no-liftoff scripts/ab-proxy-kernels.mjs ${otherPath} ${rounds} ${Cout}`);
