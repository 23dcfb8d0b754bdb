// The SNN's fully connected layers, spike-driven against dense, in this build and one process: per
// shape and input spike rate, if_fc_gather (the sum of the active inputs' rows of wt[in][out]) against
// f32_gemm_nt_acc on the same 0/1 inputs (Y[B][out] = X[B][in] W[out][in]^T, what --snn-path dense runs),
// a chunk of 16 samples (the proxy trainer's default --chunk), interleaved rounds, medians.
//   node --no-liftoff scripts/fc-gather-vs-gemm.mjs [rounds=9]
// Shapes: fmnist-small's fc 3136->256, fmnist-medium's 4704->512, fmnist-paper's 6272->2560, 2560->1152,
// 1152->256. Prints µs per call and the dense / gather ratio (above 1: the gather is faster), and the
// largest difference between the two outputs (they add in different orders).
import { createSharedMemory, instantiateKernels } from '../dist/src/wasm/module.js';
import { Arena } from '../dist/src/wasm/arena.js';
import { timeInterleaved, stat } from '../dist/bench/lib.js';

const rounds = Number(process.argv[2] ?? 9);
const memory = createSharedMemory(5120); // 320 MiB: all shapes in both layouts are 180 MiB
const { kernels: k, heapBase } = instantiateKernels(memory);
const a = new Arena(memory, heapBase);
let seed = 4242;
const rnd = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 2 ** 32; };
const B = 16;
console.log('| shape | input rate | gather µs | dense GEMM µs | dense / gather (paired median) | max abs difference |');
console.log('|---|---|---|---|---|---|');
for (const [nin, nout] of [[3136, 256], [4704, 512], [6272, 2560], [2560, 1152], [1152, 256]]) {
  const w = a.alloc('f32', nout * nin), wt = a.alloc('f32', nin * nout);
  { const v = a.view(w); for (let i = 0; i < v.length; i++) v[i] = rnd() - 0.5; }
  k.f32_transpose(w.offset, nout, nin, wt.offset);
  const x = a.alloc('f32', B * nin), list = a.alloc('i32', nin);
  const yg = a.alloc('f32', B * nout), yd = a.alloc('f32', B * nout);
  for (const rate of [0.05, 0.15, 0.3]) {
    { const v = a.view(x); for (let i = 0; i < v.length; i++) v[i] = rnd() < rate ? 1 : 0; }
    const gather = () => k.if_fc_gather(x.offset, B, nin, wt.offset, nout, yg.offset, list.offset);
    const dense = () => { a.view(yd).fill(0); k.f32_gemm_nt_acc(yd.offset, nout, B, nout, x.offset, nin, w.offset, nin, nin); };
    gather(); dense();
    const g = a.view(yg), d = a.view(yd);
    let diff = 0; for (let i = 0; i < g.length; i++) diff = Math.max(diff, Math.abs(g[i] - d[i]));
    const r = timeInterleaved({ gather, dense }, { warmMs: 200, roundMs: 80, rounds });
    const ratio = stat(r.gather.rounds.map((t, i) => r.dense.rounds[i] / t)).median;
    const us = (t) => (t.perCallMs.median * 1000).toFixed(1);
    console.log(`| ${nin}->${nout} | ${rate * 100}% | ${us(r.gather)} | ${us(r.dense)} | ${ratio.toFixed(2)}× | ${diff.toExponential(1)} |`);
  }
}
console.log(`\ncommand: node --no-liftoff scripts/fc-gather-vs-gemm.mjs ${rounds}`);
