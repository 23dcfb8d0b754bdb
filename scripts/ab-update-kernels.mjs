// Side-by-side timing of two update-path kernels of this build against the same exports of another
// build, in one process, same inputs (shared memory):
//   f32_gemm_tn_acc: the BNN first-layer weight gradient, G[600][784] += dZ^T X over 16 samples;
//   ttfs_update_f32: S4NN's hidden-layer update (784 x 400, without the scale sum S: wantSum 0, which
//     an older build ignores and computes S anyway), at S4NN-like masks: inputs spike at 0-255 or never,
//     hidden spike times 20-200, a quarter of the deltas zero.
//   node --no-liftoff scripts/ab-update-kernels.mjs <other build>/snnwasm.wasm [rounds=15]
// Prints median µs per call, the paired ratio, and whether the outputs are bit-identical.
import { readFileSync } from 'node:fs';
import { createSharedMemory, instantiateKernels } from '../dist/src/wasm/module.js';
import { Arena } from '../dist/src/wasm/arena.js';
import { timeInterleaved, stat } from '../dist/bench/lib.js';

const [otherPath, rArg] = process.argv.slice(2);
if (!otherPath) { console.error('usage: node --no-liftoff scripts/ab-update-kernels.mjs <other snnwasm.wasm> [rounds]'); process.exit(2); }
const rounds = Number(rArg ?? 15);
const memory = createSharedMemory(256);
const mine = instantiateKernels(memory);
const other = instantiateKernels(memory, 'fast', new WebAssembly.Module(readFileSync(otherPath))).kernels;
const a = new Arena(memory, mine.heapBase);
const k = mine.kernels;
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

const cases = [
  ['f32_gemm_tn_acc', `BNN first-layer gradient ${M}x${N}, K=${K}`, (kk, c) => kk.f32_gemm_tn_acc(c.offset, M, N, A.offset, M, B.offset, N, K), gemmOut, (t) => a.view(t).fill(0)],
  ['ttfs_update_f32', `S4NN hidden update ${nIn}x${nOut}, no scale sum`, (kk, c) => kk.ttfs_update_f32(c.offset, nIn, nOut, stride, tIn.offset, tOut.offset, delta.offset, 0.05, 0, 0, 0), updOut, reset],
];
console.log('| kernel | case | this build µs | other build µs | other / this (paired median) | identical outputs |');
console.log('|---|---|---|---|---|---|');
for (const [name, label, call, res, init] of cases) {
  init(res.mine); init(res.other);
  call(k, res.mine); call(other, res.other);
  const x = a.view(res.mine), y = a.view(res.other);
  let same = true; for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) { same = false; break; }
  // repeated calls keep accumulating into / updating the same buffers: the timing does not need fresh inputs
  const r = timeInterleaved({ this: () => call(k, res.mine), other: () => call(other, res.other) }, { warmMs: 300, roundMs: 60, rounds });
  const ratios = r.this.rounds.map((t, i) => r.other.rounds[i] / t);
  const us = (t) => t.perCallMs.median * 1000;
  console.log(`| \`${name}\` | ${label} | ${us(r.this).toFixed(2)} | ${us(r.other).toFixed(2)} | ${stat(ratios).median.toFixed(2)}× | ${same} |`);
}
console.log(`\ncommand: node --no-liftoff scripts/ab-update-kernels.mjs ${otherPath} ${rounds}`);
