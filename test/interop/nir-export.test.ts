// NIR export: the graph written to disk, read back and run by a plain float64 NIR interpreter (nir-sim.ts: NIR's
// node definitions, none of our kernels), must spike as our evaluator's network does, image by image. For
// S4NN / BS4NN (one layer scale, and one per neuron) every hidden and output spike time of every image; for
// proxy learning every output spike count over T steps. Then `snnwasm export` end to end and its refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALGORITHMS } from '../../src/algorithms/registry.js';
import { createSession, createExecutor } from '../../src/session.js';
import { train } from '../../src/train/trainer.js';
import type { Model } from '../../src/algorithms/types.js';
import { readNirFile, writeNirFile } from '../../src/interop/nir-hdf5.js';
import { mnistTrainerData } from '../helpers.js';
import { NirSim } from './nir-sim.js';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { writeNpy } from '../../src/io/index.js';

// The second, independent reader: scripts/nir-run.py (h5py + NumPy, reads the file as the `nir` package does).
// CI installs python3-h5py (.ci/run); elsewhere the check is skipped, saying so, when no Python has h5py.
const NIR_RUN = fileURLToPath(new URL('../../../scripts/nir-run.py', import.meta.url));
const PYTHON = [process.env.SNN_PYTHON, '/usr/bin/python3', 'python3'].find((p) => p && spawnSync(p, ['-c', 'import h5py, numpy'], { stdio: 'ignore' }).status === 0);
const N_PY = 8;

/** nir-run.py's output lines for the first N_PY test images (null when no Python with h5py is here). */
function pythonRun(file: string, dir: string): Record<string, number[]>[] | null {
  if (!PYTHON) {
    if (process.env.CI) assert.fail('CI needs a python3 with h5py and numpy for the NIR check (.ci/run installs python3-h5py)');
    console.log('# skipped the h5py reader: no python3 with h5py here (set SNN_PYTHON)');
    return null;
  }
  const px = join(dir, 'pixels.npy');
  writeNpy(px, [N_PY, 784], Float32Array.from(testSet.images.subarray(0, N_PY * 784)));
  const r = spawnSync(PYTHON, [NIR_RUN, file, px], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `nir-run.py failed: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.at(-1).images, N_PY);
  return lines.slice(0, N_PY);
}

const { testSet, data } = mnistTrainerData();
const N_TEST = 40;

const PLAN: Record<string, { algo: string; flags: Record<string, unknown>; batch: number; n: number }> = {
  s4nn: { algo: 's4nn', flags: { hidden: [40] }, batch: 1, n: 1000 },
  bs4nn: { algo: 'bs4nn', flags: { hidden: [40] }, batch: 1, n: 1000 },
  'bs4nn filter': { algo: 'bs4nn', flags: { hidden: [40], binaryScale: 'filter' }, batch: 1, n: 1000 },
  proxy: { algo: 'proxy', flags: { model: 'tiny', lr: 0.003, targetCount: 5 }, batch: 20, n: 600 }, // target 5: outputs that spike
};

async function trained(name: string, outDir: string): Promise<Model> {
  const p = PLAN[name];
  const s = createSession(ALGORITHMS[p.algo], 'mnist', p.flags, { shards: 2 });
  const ex = createExecutor(s, data, 1);
  try {
    await train({ algorithm: ALGORITHMS[p.algo], config: s.config, epochs: 1, batchSize: p.batch, shards: 2, seed: 5, outDir, resume: false,
      keepCheckpoints: 1, progress: false, limitTrain: p.n, limitTest: 50, finiteCheckEvery: 500, log: () => {} }, data, s.model, ex);
  } finally { await ex.close(); }
  return s.model;
}

async function roundTrip(model: Model, dir: string) {
  const file = join(dir, 'model.nir');
  await writeNirFile(file, model.toNir());
  return { file, graph: (await readNirFile(file)).graph };
}

for (const name of ['s4nn', 'bs4nn', 'bs4nn filter']) {
  test(`NIR export of ${name}: the file, run by a plain NIR interpreter, gives every spike time of our network`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snn-nir-'));
    try {
      const model = await trained(name, dir);
      const { file, graph } = await roundTrip(model, dir);
      const md = graph.metadata, tmax = md.time_steps as number, lat = md.input_latency_by_pixel as number[];
      const lastInput = md.input_last_step as number;
      let neurons = 0, equal = 0, decisions = 0, fired = 0;
      for (let i = 0; i < N_TEST; i++) {
        const rec = model.spikeRecord!(testSet.images, i * 784);
        const sim = new NirSim(graph);
        const delays = graph.nodes.filter(([, n]) => n.type === 'Delay').map(([k]) => k);
        // first spike step of each layer's neurons, read after its Delay (our spike times include the one-step delay)
        const first = delays.map((_, l) => new Int32Array(rec.layers[l + 1].times!.length).fill(tmax));
        for (let t = 0; t < tmax; t++) {
          const x = new Float64Array(784);
          for (let j = 0; j < 784; j++) { const tj = lat[testSet.images[i * 784 + j]]; if (tj === t && tj <= lastInput) x[j] = 1; }
          sim.step(x);
          delays.forEach((k, l) => { const z = sim.value(k); for (let j = 0; j < z.length; j++) if (z[j] && first[l][j] === tmax) first[l][j] = t; });
        }
        first.forEach((f, l) => { const ours = rec.layers[l + 1].times!; for (let j = 0; j < f.length; j++) { neurons++; if (ours[j] < tmax) fired++; if (f[j] === ours[j]) equal++; } });
        const out = first[first.length - 1], ours = rec.layers[rec.layers.length - 1].times!;
        const win = (a: ArrayLike<number>) => { const m = Math.min(...Array.from(a)); const w = Array.from(a).flatMap((v, u) => (v === m && m < tmax ? [u] : [])); return w.length === 1 ? w[0] : -1; };
        if (win(out) === win(ours)) decisions++;
      }
      console.log(`# ${name}: ${equal}/${neurons} spike times equal, ${decisions}/${N_TEST} decisions equal, ${fired} spikes`);
      assert.ok(fired > neurons / 4, `the network spikes (${fired} of ${neurons} neurons): equal all-silent times would prove nothing`);
      assert.equal(equal, neurons);
      pythonRun(file, dir)?.forEach((line, i) => {
        assert.deepEqual(line.times, Array.from(model.spikeRecord!(testSet.images, i * 784).layers.at(-1)!.times!), `h5py reader, image ${i}: output spike times`);
      });
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
}

test('NIR export of proxy learning: the file, run by a plain NIR interpreter, gives every IF layer\'s spike counts of our SNN', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'snn-nir-'));
  try {
    const model = await trained('proxy', dir);
    const { file, graph } = await roundTrip(model, dir);
    const T = graph.metadata.time_steps as number;
    // the IF nodes in graph order are our IF layers in order (the record lists exactly those)
    const ifNodes = graph.nodes.filter(([, n]) => n.type === 'IF').map(([k]) => k);
    let neurons = 0, equal = 0, decisions = 0, spikes = 0, outSpikes = 0;
    for (let i = 0; i < N_TEST; i++) {
      const rec = model.spikeRecord!(testSet.images, i * 784);
      assert.equal(ifNodes.length, rec.layers.length);
      const sim = new NirSim(graph);
      const x = Float64Array.from(testSet.images.subarray(i * 784, (i + 1) * 784), (p) => Math.fround(p / 255));
      const counts = rec.layers.map((l) => new Float64Array(l.counts!.length));
      for (let t = 0; t < T; t++) {
        sim.step(x);
        ifNodes.forEach((k, f) => { const z = sim.value(k); for (let j = 0; j < z.length; j++) counts[f][j] += z[j]; });
      }
      rec.layers.forEach((l, f) => { for (let j = 0; j < l.counts!.length; j++) { neurons++; spikes += l.counts![j]; if (counts[f][j] === l.counts![j]) equal++; } });
      const ours = rec.layers[rec.layers.length - 1].counts!, theirs = counts[counts.length - 1];
      outSpikes += ours.reduce((a, b) => a + b, 0);
      const win = (a: ArrayLike<number>) => { const m = Math.max(...Array.from(a)); const w = Array.from(a).flatMap((v, u) => (v === m ? [u] : [])); return w.length === 1 ? w[0] : -1; };
      if (win(theirs) === win(ours)) decisions++;
    }
    console.log(`# proxy: ${equal}/${neurons} spike counts equal, ${decisions}/${N_TEST} decisions equal, ${spikes} spikes (${outSpikes} output)`);
    assert.ok(spikes > neurons && outSpikes > N_TEST, `the network spikes (${spikes} spikes, ${outSpikes} output): equal all-zero counts would prove nothing`);
    assert.equal(equal, neurons);
    pythonRun(file, dir)?.forEach((line, i) => {
      assert.deepEqual(line.counts, Array.from(model.spikeRecord!(testSet.images, i * 784).layers.at(-1)!.counts!), `h5py reader, image ${i}: output spike counts`);
    });
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
