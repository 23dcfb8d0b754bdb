// What zeroing a buffer of the shared wasm memory costs: a typed-array fill on a view of it (V8 stores element by
// element on a SharedArrayBuffer), the kernel mem_zero (memory.fill), and a fill of a non-shared Float32Array.
//   node --no-liftoff scripts/zero-cost.mjs
import { createSharedMemory, instantiateKernels } from '../dist/src/wasm/module.js';

const mem = createSharedMemory(64);
const { kernels: k, heapBase } = instantiateKernels(mem);
const at = heapBase + 64;
for (const [label, floats, N] of [['1.6 MB (a proxy conv layer\'s potentials)', 401408, 300], ['36 KB (STiDi\'s conv-layer error)', 9216, 100000]]) {
  const view = new Float32Array(mem.buffer, at, floats), local = new Float32Array(floats);
  const time = (f) => { const t0 = performance.now(); for (let i = 0; i < N; i++) f(); return ((performance.now() - t0) * 1000 / N).toFixed(3); };
  time(() => k.mem_zero(at, floats * 4)); time(() => view.fill(0));
  console.log(`${label}: shared-view fill ${time(() => view.fill(0))} µs, mem_zero ${time(() => k.mem_zero(at, floats * 4))} µs, non-shared fill ${time(() => local.fill(0))} µs`);
}
