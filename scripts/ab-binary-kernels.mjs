// Side-by-side timing of the BNN kernels (bin_xnor_gemv, bin_andpopc_planes_gemv, bin_ste_backprop) of this build
// against the same exports of another build, in one process, on the same random inputs (the BNN shapes
// of bench/kernels.ts). Both module instances share one memory.
//   node --no-liftoff scripts/ab-binary-kernels.mjs <other build>/snnwasm.wasm [rounds=15]
// Prints median µs per call, Gbit/s (bit-products per second, as bench/kernels.ts counts them), the
// paired ratio, and whether the outputs are identical.
import { openAB, comparePair } from './ab-common.mjs';

const { otherPath, rounds, k, other, a, memory } = openAB('ab-binary-kernels.mjs', 256);
let seed = 12345;
const rnd = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed; };
const words = (n) => Math.ceil(n / 64);
// random packed bits; the padding bits past n stay 0, as bin_pack_signs leaves them
const bits = (rows, n) => {
  const w = words(n), t = a.alloc('i32', rows * w * 2), v = a.view(t);
  for (let r = 0; r < rows; r++) for (let c = 0; c < n; c++) if (rnd() & 0x10000) v[r * w * 2 + (c >> 5)] |= 1 << (c & 31);
  return t;
};
const xnorCase = (nIn, nOut) => {
  const w = bits(nOut, nIn), x = bits(1, nIn);
  const o = { mine: a.alloc('i32', nOut), other: a.alloc('i32', nOut) };
  return ['bin_xnor_gemv', `${nIn}->${nOut}`, { bits: nIn * nOut }, (kk, c) => kk.bin_xnor_gemv(w.offset, x.offset, nOut, words(nIn), nIn, c.offset), o];
};
const planesCase = (nIn, nOut) => {
  const w = bits(nOut, nIn), px = a.alloc('i32', Math.ceil(nIn / 4));
  const pv = new Uint8Array(memory.buffer, px.offset, nIn);
  for (let c = 0; c < nIn; c++) { const q = rnd() >>> 16; pv[c] = (q & 3) === 0 ? 0 : (q & 3) === 1 ? 255 : q >>> 8; }
  // each build packs the planes in its own layout (word-interleaved since 2026-12-02, plane-major before)
  const planes = new Map([k, other].map((kk) => {
    const t = a.alloc('i32', 8 * words(nIn) * 2);
    kk.bin_pack_u8_planes(px.offset, nIn, words(nIn), t.offset);
    return [kk, t];
  }));
  const o = { mine: a.alloc('i32', nOut), other: a.alloc('i32', nOut) };
  return ['bin_andpopc_planes_gemv', `${nIn}->${nOut}, 8 bit planes`, { bits: 8 * nIn * nOut }, (kk, c) => kk.bin_andpopc_planes_gemv(w.offset, planes.get(kk).offset, nOut, words(nIn), c.offset), o];
};
// the straight-through backprop (f32 latent weights, f64 sums): random signs with -0 and NaN weights among them,
// and pre-activations inside and outside hardtanh's window
const steCase = (nIn, nOut) => {
  const cols = Math.ceil(nIn / 4) * 4 + 4;
  const w = a.alloc('f32', nOut * cols), dz = a.alloc('f32', nOut), zb = a.alloc('f32', nIn);
  const wv = a.view(w), dv = a.view(dz), zv = a.view(zb);
  const u = () => (rnd() >>> 8) / 2 ** 24;
  for (let i = 0; i < wv.length; i++) { const q = u(); wv[i] = q < 0.01 ? -0 : q < 0.015 ? NaN : q - 0.5; }
  for (let j = 0; j < nOut; j++) dv[j] = (u() - 0.5) * 1e-2;
  for (let i = 0; i < nIn; i++) zv[i] = (u() - 0.5) * 3;
  const o = { mine: a.alloc('f32', nIn), other: a.alloc('f32', nIn) };
  return ['bin_ste_backprop', `${nOut}x${nIn}`, { bytes: nOut * cols * 4 + nIn * 8 }, (kk, c) => kk.bin_ste_backprop(w.offset, nOut, nIn, cols, dz.offset, zb.offset, c.offset), o];
};
const cases = [planesCase(784, 600), planesCase(784, 1000), xnorCase(600, 10), xnorCase(1000, 10), xnorCase(1024, 1024), steCase(600, 10), steCase(1000, 10), steCase(603, 10)];
console.log('| kernel | case | this build µs | other build µs | this Gbit/s (popcount) or GB/s (read) | other / this (paired median) | identical outputs |');
console.log('|---|---|---|---|---|---|---|');
for (const [name, label, work, call, res] of cases) {
  const r = comparePair(a, k, other, call, res, rounds);
  const rate = work.bits ? `${(work.bits / r.usThis / 1e3).toFixed(1)} Gbit/s` : `${(work.bytes / r.usThis / 1e3).toFixed(1)} GB/s`;
  console.log(`| \`${name}\` | ${label} | ${r.usThis.toFixed(3)} | ${r.usOther.toFixed(3)} | ${rate} | ${r.ratio.toFixed(2)}× | ${r.same} |`);
}
console.log(`\ncommand: node --no-liftoff scripts/ab-binary-kernels.mjs ${otherPath} ${rounds}`);
