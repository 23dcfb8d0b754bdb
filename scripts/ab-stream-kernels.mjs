// Side-by-side timing of the streaming update kernels (the fixed-order gradient reduction's f32_add, the
// SGD step, the Adam step) of this build against the same exports of another build, in one process, on
// the same inputs, at the BNN first layer's size (784 x 600 floats, 1.8 MiB per tensor, as bench/kernels.ts).
//   node --no-liftoff scripts/ab-stream-kernels.mjs <other build>/snnwasm.wasm [rounds=15]
// Prints median µs per call, GB/s moved (tensors read + written), the paired ratio, and whether the
// outputs are bit-identical.
import { openAB, comparePair } from './ab-common.mjs';

const { otherPath, rounds, k, other, a } = openAB('ab-stream-kernels.mjs', 1024);
const n = 784 * 600;
let seed = 4242;
const rnd = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 2 ** 32 - 0.5; };
const fill = (t, f = rnd) => { const v = a.view(t); for (let i = 0; i < v.length; i++) v[i] = f(); return t; };
const src = fill(a.alloc('f32', n)), g = fill(a.alloc('f32', n), () => rnd() * 1e-2);
const pair = () => ({ mine: fill(a.alloc('f32', n)), other: a.alloc('f32', n) });
const sync = (p) => a.view(p.other).set(a.view(p.mine));
const addOut = pair(); sync(addOut);
const sgdOut = pair(); sync(sgdOut);
// Adam: m, v live beside w (one moment pair per build, so both see the same state every call)
const adamOut = pair(); sync(adamOut);
const mom = { mine: [fill(a.alloc('f32', n), () => rnd() * 1e-3), fill(a.alloc('f32', n), () => Math.abs(rnd()) * 1e-5)], other: [a.alloc('f32', n), a.alloc('f32', n)] };
a.view(mom.other[0]).set(a.view(mom.mine[0])); a.view(mom.other[1]).set(a.view(mom.mine[1]));
const momOf = (c) => (c === adamOut.mine ? mom.mine : mom.other);

// sign refresh: both builds read the same weights (src) into their own i16 rows
const signOut = { mine: a.alloc('i16', n), other: a.alloc('i16', n) };
const MB = (tensors) => tensors * n * 4;
const cases = [
  ['f32_add', 'gradient reduction dst += src', MB(3), (kk, c) => kk.f32_add(c.offset, src.offset, n), addOut],
  ['f32_sgd_step', 'SGD step w -= lr g; w -= lr d w', MB(3), (kk, c) => kk.f32_sgd_step(c.offset, g.offset, n, 1e-3, 1e-4), sgdOut],
  ['f32_sign_i16', 'sign refresh sign(w) as i16 (w read, signs written)', 6 * n, (kk, c) => kk.f32_sign_i16(src.offset, c.offset, n), signOut],
  ['f32_adam_step', 'Adam step (w, m, v updated, g read)', MB(7), (kk, c) => { const [m, v] = momOf(c); kk.f32_adam_step(c.offset, g.offset, m.offset, v.offset, n, 1e-3, 0.9, 0.999, 1e-8, 0.5, 0.3, 0, 0); }, adamOut],
];
console.log('| kernel | case | this build µs | other build µs | this GB/s | other / this (paired median) | identical outputs |');
console.log('|---|---|---|---|---|---|---|');
for (const [name, label, bytes, call, res] of cases) {
  // both builds update their own copy of the same starting tensors, call for call
  const r = comparePair(a, k, other, call, res, rounds);
  console.log(`| \`${name}\` | ${label}, ${n} floats | ${r.usThis.toFixed(1)} | ${r.usOther.toFixed(1)} | ${(bytes / r.usThis / 1e3).toFixed(1)} | ${r.ratio.toFixed(2)}× | ${r.same} |`);
}
console.log(`\ncommand: node --no-liftoff scripts/ab-stream-kernels.mjs ${otherPath} ${rounds}`);
