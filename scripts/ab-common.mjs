// Shared scaffolding of the scripts/ab-*-kernels.mjs comparisons: this build and another build's
// snnwasm.wasm instantiated over one shared memory (so both read the same inputs), and a paired,
// interleaved timing of one call in each build with a bit-for-bit comparison of their outputs.
import { readFileSync } from 'node:fs';
import { createSharedMemory, instantiateKernels } from '../dist/src/wasm/module.js';
import { Arena } from '../dist/src/wasm/arena.js';
import { KERNELS } from '../dist/src/wasm/kernels.js';
import { timeInterleaved, stat } from '../dist/bench/lib.js';

/** Parses `<other snnwasm.wasm> [rounds]` (exits with the usage line when absent); `pages` of 64 KiB. */
export function openAB(script, pages) {
  const [otherPath, rArg, ...rest] = process.argv.slice(2);
  if (!otherPath) { console.error(`usage: node --no-liftoff scripts/${script} <other snnwasm.wasm> [rounds] ...`); process.exit(2); }
  const memory = createSharedMemory(pages);
  const mine = instantiateKernels(memory);
  const otherExports = buildExports(memory, otherPath);
  const other = kernelsOf(otherExports);
  return { otherPath, rounds: Number(rArg ?? 15), rest, memory, k: mine.kernels, other, otherExports, a: new Arena(memory, mine.heapBase) };
}

/** The other build's fast kernels over `memory`, by registered name: only those it exports (an older
 *  build lacks the kernels added since, which the comparisons do not call). A kernel that had one version
 *  then (exported under its registered name) and has a SIMD/twin pair now is found under that name. */
export function otherBuildKernels(memory, path) { return kernelsOf(buildExports(memory, path)); }

/** All exports of a build's snnwasm.wasm over `memory` (an older build's kernels the registry has since dropped
 *  are reached here, by export name). */
function buildExports(memory, path) {
  return new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path)), { env: { memory } }).exports;
}

function kernelsOf(exports) {
  const fn = (name, e) => (typeof exports[e.fast] === 'function' ? exports[e.fast] : exports[name]);
  return Object.fromEntries(Object.entries(KERNELS).filter(([name, e]) => typeof fn(name, e) === 'function').map(([name, e]) => [name, fn(name, e)]));
}

/** Times each layer case ({ name, meanEvents, same, fns: { this, other } }, each fn running S images) of the
 *  forward comparisons in interleaved rounds and prints the markdown table: µs per image of both builds and the
 *  paired median ratio. */
export function printPerImageTable(cases, S, rounds, { title = 'layer', roundMs = 60, digits = 2 } = {}) {
  console.log(`| ${title} | input events / image | this build µs/image | other build µs/image | other / this (paired median) | identical outputs |`);
  console.log(`|---|---|---|---|---|---|`);
  for (const c of cases) {
    const r = timeInterleaved(c.fns, { warmMs: 300, roundMs, rounds });
    const ratios = r.this.rounds.map((x, i) => r.other.rounds[i] / x);
    const us = (t) => (t.perCallMs.median * 1000 / S).toFixed(digits);
    console.log(`| ${c.name} | ${c.meanEvents.toFixed(1)} | ${us(r.this)} | ${us(r.other)} | ${stat(ratios).median.toFixed(2)}× | ${c.same} |`);
  }
}

/** Runs call(kernels, output) once per build, compares the two outputs (Object.is per element), then
 *  times both interleaved: { usThis, usOther, ratio (paired median of other / this), same }. */
export function comparePair(a, k, other, call, out, rounds) {
  call(k, out.mine); call(other, out.other);
  const x = a.view(out.mine), y = a.view(out.other);
  let same = x.length === y.length;
  for (let i = 0; same && i < x.length; i++) if (!Object.is(x[i], y[i])) same = false;
  const r = timeInterleaved({ this: () => call(k, out.mine), other: () => call(other, out.other) }, { warmMs: 300, roundMs: 60, rounds });
  const ratios = r.this.rounds.map((t, i) => r.other.rounds[i] / t);
  return { usThis: r.this.perCallMs.median * 1000, usOther: r.other.perCallMs.median * 1000, ratio: stat(ratios).median, same };
}
