// Side-by-side timing of the proxy-learning kernels (f32 GEMMs, the spike-driven conv and fc) of this build against the same exports of another
// build, in one process, on the same random inputs (the proxy conv shapes of bench/kernels.ts:
// 32 -> 32 channels, 3x3, 28x28). Both module instances share one memory.
//   node --no-liftoff scripts/ab-proxy-kernels.mjs <other build>/snnwasm.wasm [rounds=15] [channels=32]
// (channels 128: the shapes of the fmnist-paper network's 128 -> 128 convs)
// Prints median µs per call and GFLOP/s of each, the paired ratio, and whether the outputs are
// bit-identical.
import { readFileSync } from 'node:fs';
import { createSharedMemory, instantiateKernels } from '../dist/src/wasm/module.js';
import { Arena } from '../dist/src/wasm/arena.js';
import { convGatherListLength } from '../dist/src/wasm/kernels.js';
import { timeInterleaved, stat } from '../dist/bench/lib.js';

const [otherPath, rArg, cArg] = process.argv.slice(2);
if (!otherPath) { console.error('usage: node --no-liftoff scripts/ab-proxy-kernels.mjs <other snnwasm.wasm> [rounds] [channels]'); process.exit(2); }
const rounds = Number(rArg ?? 15);
const memory = createSharedMemory(6144);  // 384 MiB: the fmnist-paper fc 6272 -> 2560 weights are 64 MiB, twice
const mine = instantiateKernels(memory);
const other = instantiateKernels(memory, 'fast', new WebAssembly.Module(readFileSync(otherPath))).kernels;
const a = new Arena(memory, mine.heapBase);
const k = mine.kernels;
const Cout = Number(cArg ?? 32), Cin = Cout, KK = Cin * 9, P = 28 * 28;
let seed = 12345;
const rnd = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 2 ** 32 - 0.5; };
const fill = (t) => { const v = a.view(t); for (let i = 0; i < v.length; i++) v[i] = rnd(); return t; };
const W = fill(a.alloc('f32', Cout * KK)), col = fill(a.alloc('f32', KK * P)), dy = fill(a.alloc('f32', Cout * P));
const out = { mine: a.alloc('f32', Math.max(Cout * P, KK * P, Cout * KK)), other: a.alloc('f32', Math.max(Cout * P, KK * P, Cout * KK)) };
// spike maps at the rates the trained fmnist-small shows (docs/proxy.md: 10-24% of inputs per step)
const spikes = (rate) => { const t = a.alloc('f32', Cin * P); const v = a.view(t); for (let i = 0; i < v.length; i++) v[i] = rnd() + 0.5 < rate ? 1 : 0; return t; };
const Wt = a.alloc('f32', KK * Cout); k.f32_transpose(W.offset, Cout, KK, Wt.offset);
const list = a.alloc('i32', convGatherListLength(Cin, 28, 28, 3)), pixCnt = a.alloc('i32', P);
const x10 = spikes(0.10), x24 = spikes(0.24);
// the ANN forward of fully connected layers over a chunk of 16 samples (the proxy trainer's default --chunk):
// Y[16][out] = X[16][in] W[out][in]^T; 6272 -> 2560 is fmnist-paper's first fc layer (64 MiB of weights)
const Bc = 16;
const fcCase = (nI, nO) => {
  const x = fill(a.alloc('f32', Bc * nI)), w = fill(a.alloc('f32', nI * nO));
  const o = { mine: a.alloc('f32', Bc * nO), other: a.alloc('f32', Bc * nO) };
  return ['f32_gemm_nt_acc', `fc forward ${nI}->${nO}, chunk ${Bc}`, 2 * Bc * nI * nO, (kk, c) => kk.f32_gemm_nt_acc(c.offset, nO, Bc, nO, x.offset, nI, w.offset, nI, nI), o];
};
const fcCases = [fcCase(3136, 256), fcCase(6272, 2560)];
// the SNN's spike-driven fc layers at a 30% input rate: fmnist-small's 3136 -> 256 (8 and 16 samples: below the
// input-major threshold), fmnist-medium's 4704 -> 512, fmnist-paper's 2560 -> 1152 and 6272 -> 2560 (64 MiB)
const gatherCase = (nI, nO, Bg, rate) => {
  const x = a.alloc('f32', Bg * nI); { const v = a.view(x); for (let i = 0; i < v.length; i++) v[i] = rnd() + 0.5 < rate ? 1 : 0; }
  const w = fill(a.alloc('f32', nI * nO)), l = a.alloc('i32', nI);
  const o = { mine: a.alloc('f32', Bg * nO), other: a.alloc('f32', Bg * nO) };
  return ['if_fc_gather', `spike-driven fc ${nI}->${nO}, ${rate * 100}% inputs spiking, batch ${Bg}`, rate * nI * nO * Bg, (kk, c) => kk.if_fc_gather(x.offset, Bg, nI, w.offset, nO, c.offset, l.offset), o];
};
const gatherCases = [gatherCase(3136, 256, 8, 0.3), gatherCase(3136, 256, 16, 0.3), gatherCase(4704, 512, 16, 0.3), gatherCase(2560, 1152, 16, 0.3), gatherCase(6272, 2560, 16, 0.3)];
const cases = [
  ['if_conv_gather', 'spike-driven conv, 10% inputs spiking', 0.10 * Cin * P * 9 * Cout, (kk, c) => kk.if_conv_gather(x10.offset, Cin, 28, 28, 3, 1, 1, Wt.offset, Cout, c.offset, list.offset, pixCnt.offset)],
  ['if_conv_gather', 'spike-driven conv, 24% inputs spiking', 0.24 * Cin * P * 9 * Cout, (kk, c) => kk.if_conv_gather(x24.offset, Cin, 28, 28, 3, 1, 1, Wt.offset, Cout, c.offset, list.offset, pixCnt.offset)],
  // y[Cout][P] += W[Cout][KK] col[KK][P]
  ['f32_gemm_nn_acc', 'conv forward, y = W col', 2 * Cout * KK * P, (kk, c) => kk.f32_gemm_nn_acc(c.offset, P, Cout, P, W.offset, KK, col.offset, P, KK)],
  // dcol[KK][P] = W^T dy
  ['f32_gemm_tn_any', 'conv input gradient, dcol = W^T dy', 2 * Cout * KK * P, (kk, c) => kk.f32_gemm_tn_any(c.offset, P, KK, P, W.offset, KK, dy.offset, P, Cout)],
  // gW[Cout][KK] += dy col^T
  ['f32_gemm_nt_acc', 'conv weight gradient, gW += dy col^T', 2 * Cout * KK * P, (kk, c) => kk.f32_gemm_nt_acc(c.offset, KK, Cout, KK, dy.offset, P, col.offset, P, P)],
  ...fcCases,
  ...gatherCases,
];
console.log('| kernel | case | this build µs | other build µs | this GFLOP/s (gather: one per add, as bench/kernels.ts counts) | other / this (paired median) | identical outputs |');
console.log('|---|---|---|---|---|---|---|');
for (const [name, label, flops, call, own] of cases) {
  const res = own ?? out;  // the fc cases bring output buffers of their own size
  a.view(res.mine).fill(0); a.view(res.other).fill(0);
  call(k, res.mine); call(other, res.other);
  const x = a.view(res.mine), y = a.view(res.other);
  let same = true; for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) { same = false; break; }
  const r = timeInterleaved({ this: () => call(k, res.mine), other: () => call(other, res.other) }, { warmMs: 300, roundMs: 60, rounds });
  const ratios = r.this.rounds.map((t, i) => r.other.rounds[i] / t);
  const us = (t) => t.perCallMs.median * 1000;
  console.log(`| \`${name}\` | ${label} | ${us(r.this).toFixed(1)} | ${us(r.other).toFixed(1)} | ${(flops / us(r.this) / 1e3).toFixed(1)} | ${stat(ratios).median.toFixed(2)}× | ${same} |`);
}
console.log(`\ncommand: node --no-liftoff scripts/ab-proxy-kernels.mjs ${otherPath} ${rounds} ${Cout}`);
