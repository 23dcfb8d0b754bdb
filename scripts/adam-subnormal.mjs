// f32_adam_step on normal moments against a first moment m in the subnormal range (g = 0, |m| < 1.2e-38: what a
// weight whose gradient stays zero reaches after ~750 steps, m decaying by beta1 = 0.9 per step). WASM keeps
// IEEE subnormals (no flush-to-zero), and x86 cores take a slow microcode path on them; since 2026-12-03 the
// kernel stores such moments as +0. With another build's snnwasm.wasm, both builds are timed side by side
// (interleaved rounds, same inputs).
//   node --no-liftoff scripts/adam-subnormal.mjs [<other build>/snnwasm.wasm]
import { createSharedMemory, instantiateKernels } from '../dist/src/wasm/module.js';
import { Arena } from '../dist/src/wasm/arena.js';
import { timeInterleaved } from '../dist/bench/lib.js';
import { otherBuildKernels } from './ab-common.mjs';

const otherPath = process.argv[2];
const memory = createSharedMemory(512);
const m = instantiateKernels(memory); const k = m.kernels; const a = new Arena(memory, m.heapBase);
const other = otherPath ? otherBuildKernels(memory, otherPath) : null;
const n = 600 * 784;
const mk = (kk, mScale, vScale, gZero) => {
  const w = a.alloc('f32', n), g = a.alloc('f32', n), mm = a.alloc('f32', n), v = a.alloc('f32', n);
  const W = a.view(w), G = a.view(g), M = a.view(mm), V = a.view(v);
  for (let i = 0; i < n; i++) { W[i] = Math.sin(i) * 0.05; G[i] = gZero ? 0 : Math.cos(i) * 1e-3; M[i] = Math.sin(i * 3) * mScale; V[i] = (1 + Math.cos(i * 7)) * vScale; }
  return () => kk.f32_adam_step(w.offset, g.offset, mm.offset, v.offset, n, 3e-3, 0.9, 0.999, 1e-8, 0.5, 0.5, 0, 1);
};
// normal moments; m subnormal (as 5.3% of the first layer's m after the 30-epoch MNIST BNN run), v normal
const fns = { 'this build, normal': mk(k, 1e-4, 1e-8, false), 'this build, m subnormal and g = 0': mk(k, 1e-40, 1e-10, true) };
if (other) { fns['other build, normal'] = mk(other, 1e-4, 1e-8, false); fns['other build, m subnormal and g = 0'] = mk(other, 1e-40, 1e-10, true); }
const r = timeInterleaved(fns, { warmMs: 300, roundMs: 80, rounds: 11 });
for (const [name, t] of Object.entries(r)) console.log(`${name}: ${(t.perCallMs.median * 1000).toFixed(0)} µs per step (600 x 784)`);
