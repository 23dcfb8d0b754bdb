// Small facts about this core and the worker pool that the kernel notes rely on (docs/kernel-changes.md,
// README "Workers and batch size"), each the median of 5 rounds:
//  - f32x4.add latency (one dependent chain) and issue rate (8 independent chains), ns per add, and the clock
//    they imply if the latency is 2 cycles (assembly/bench/probes.ts);
//  - two compute-bound loops at once (two processes): ns per add of each, against one alone (shared core or not);
//  - a piscina pool of 2 threads: the round trip of two no-op tasks, and the process CPU its idle threads use.
//   node --no-liftoff scripts/core-probes.mjs
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { createSharedMemory, instantiateKernels } from '../dist/src/wasm/module.js';

const med = (a) => { const b = [...a].sort((x, y) => x - y); return b[b.length >> 1]; };
const e = instantiateKernels(createSharedMemory()).exports;
const N = 2e7;
const nsPerAdd = (f, adds) => { e[f](1e5, 1e-9); const t = performance.now(); e[f](N, 1e-9); return ((performance.now() - t) * 1e6) / (N * adds); };

if (process.argv[2] === '--peak-only') { console.log(nsPerAdd('probe_f32_add_peak', 8)); process.exit(0); }

const lat = med([0, 1, 2, 3, 4].map(() => nsPerAdd('probe_f32_add_latency', 4)));
const peak = med([0, 1, 2, 3, 4].map(() => nsPerAdd('probe_f32_add_peak', 8)));
console.log(`f32x4.add: dependent ${lat.toFixed(3)} ns per add, 8 chains ${peak.toFixed(3)} ns per add (${(lat / peak).toFixed(1)} adds in flight); at 2 cycles latency: ${(2 / lat).toFixed(2)} GHz`);

const self = fileURLToPath(import.meta.url);
const alone = med([0, 1, 2].map(() => Number(spawnSync(process.execPath, ['--no-liftoff', self, '--peak-only']).stdout)));
const both = [];
for (let r = 0; r < 3; r++) {
  const run = () => new Promise((res) => { let out = ''; const p = spawn(process.execPath, ['--no-liftoff', self, '--peak-only']); p.stdout.on('data', (d) => { out += d; }); p.on('close', () => res(Number(out))); });
  both.push(...(await Promise.all([run(), run()])));
}
console.log(`8-chain adds in one process alone ${alone.toFixed(3)} ns, two processes at once ${med(both).toFixed(3)} ns each`);

const pool = new Piscina({ filename: fileURLToPath(new URL('./lib/piscina-noop-worker.cjs', import.meta.url)), minThreads: 2, maxThreads: 2 });
await Promise.all([pool.run(0), pool.run(0)]);
const trips = [];
for (let i = 0; i < 300; i++) { const t = performance.now(); await Promise.all([pool.run(0), pool.run(0)]); trips.push(performance.now() - t); }
const c0 = process.cpuUsage(), t0 = performance.now();
await new Promise((r) => setTimeout(r, 2000));
const c1 = process.cpuUsage(c0);
console.log(`piscina, 2 threads: two no-op tasks round trip ${(med(trips) * 1000).toFixed(0)} µs (median of 300); idle threads use ${(((c1.user + c1.system) / 1000 / (performance.now() - t0)) * 100).toFixed(2)}% of a core`);
await pool.destroy();
console.log('command: node --no-liftoff scripts/core-probes.mjs');
