// f32_adam_step on normal moments against a first moment m in the subnormal range (g = 0, |m| < 1.2e-38: what a
// weight whose gradient stays zero reaches after ~750 steps, m decaying by beta1 = 0.9 per step). WASM keeps
// IEEE subnormals (no flush-to-zero), and x86 cores take a slow microcode path on them.
//   node --no-liftoff scripts/adam-subnormal.mjs
import { createSharedMemory, instantiateKernels } from '../dist/src/wasm/module.js';
import { Arena } from '../dist/src/wasm/arena.js';
import { timeInterleaved } from '../dist/bench/lib.js';
const memory = createSharedMemory(256);
const m = instantiateKernels(memory); const k = m.kernels; const a = new Arena(memory, m.heapBase);
const n = 600 * 784;
const mk = (mScale, vScale, gZero) => {
  const w = a.alloc('f32', n), g = a.alloc('f32', n), mm = a.alloc('f32', n), v = a.alloc('f32', n);
  const W = a.view(w), G = a.view(g), M = a.view(mm), V = a.view(v);
  for (let i = 0; i < n; i++) { W[i] = Math.sin(i) * 0.05; G[i] = gZero ? 0 : Math.cos(i) * 1e-3; M[i] = Math.sin(i * 3) * mScale; V[i] = (1 + Math.cos(i * 7)) * vScale; }
  return () => k.f32_adam_step(w.offset, g.offset, mm.offset, v.offset, n, 3e-3, 0.9, 0.999, 1e-8, 0.5, 0.5, 0, 1);
};
// normal moments; m subnormal (as 5.3% of the first layer's m after the 30-epoch MNIST BNN run), v normal
const normal = mk(1e-4, 1e-8, false), subM = mk(1e-40, 1e-10, true);
const r = timeInterleaved({ normal, denormal: subM }, { warmMs: 200, roundMs: 60, rounds: 9 });
console.log('normal µs', (r.normal.perCallMs.median * 1000).toFixed(0), 'm subnormal, g = 0 µs', (r.denormal.perCallMs.median * 1000).toFixed(0));
