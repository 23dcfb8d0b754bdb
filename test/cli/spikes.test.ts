// `snnwasm spikes`: the per-layer spike record of one image must be what the evaluated network does. For every
// algorithm with spikes, over the first test images of a briefly trained model: the strict decisions read off the
// records give the evaluator's strict accuracy, and the records' firing shares / spike rates give the evaluator's
// statistics (a wrong layer, offset, layout or step would break these). Then the command end to end: table,
// raster (one mark per spike shown), JSON, and bad input refused by name with nothing written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALGORITHMS } from '../../src/algorithms/registry.js';
import { createSession, createExecutor } from '../../src/session.js';
import { train } from '../../src/train/trainer.js';
import { evaluateModel } from '../../src/train/evaluate.js';
import { decide, summariseLayer } from '../../src/spikes/summary.js';
import { shownRows, spikePairs } from '../../src/spikes/raster-svg.js';
import type { Model } from '../../src/algorithms/types.js';
import { mnistTrainerData } from '../helpers.js';

import { cli, cliTrain } from './run-cli.js';

const { testSet, data } = mnistTrainerData();
const N_TEST = 60;

const PLAN: Record<string, { flags: Record<string, unknown>; batch: number; n: number }> = {
  s4nn: { flags: { hidden: [40] }, batch: 1, n: 1000 },
  bs4nn: { flags: { hidden: [40] }, batch: 1, n: 1000 },
  stidi: { flags: { maps: [4] }, batch: 1, n: 500 },
  proxy: { flags: { model: 'tiny', lr: 0.003, evalT: [15] }, batch: 20, n: 600 }, // eval's rates then cover T steps, as the record
};

async function trained(algo: string, outDir: string): Promise<Model> {
  const p = PLAN[algo];
  const s = createSession(ALGORITHMS[algo], 'mnist', p.flags, { shards: 2 });
  const ex = createExecutor(s, data, 1);
  try {
    await train({ algorithm: ALGORITHMS[algo], config: s.config, epochs: 1, batchSize: p.batch, shards: 2, seed: 3, outDir, resume: false,
      keepCheckpoints: 1, progress: false, limitTrain: p.n, limitTest: 100, finiteCheckEvery: 500, log: () => {} }, data, s.model, ex);
    const r = await evaluateModel(s.model, ex, 2, N_TEST);
    // the records of the same images, one by one on the main workspace
    let strict = 0;
    const shares: number[][] = [];
    for (let i = 0; i < N_TEST; i++) {
      const rec = s.model.spikeRecord!(testSet.images, i * 784);
      const d = decide(rec);
      if (d.kind === 'winner' && d.unit === testSet.labels[i]) strict++;
      const sums = rec.layers.map((l) => summariseLayer(l, rec.steps));
      if (rec.coding === 'rate') {
        // every spike listed once in the raster, and the counts are the raster's
        rec.layers.forEach((l) => {
          const fromRaster = new Uint16Array(l.counts!.length);
          for (const [j, t] of spikePairs(l, rec.steps)) { assert.ok(t < rec.steps); fromRaster[j]++; }
          assert.deepEqual(fromRaster, l.counts, `${algo} ${l.name}: counts = spikes in the raster`);
        });
        shares.push(sums.map((x) => x.rate!));
      } else {
        // input spike times are the latency code of the pixels (t = tmax: silent)
        const input = rec.layers[0].times!;
        for (let j = 0; j < input.length; j++) if (testSet.images[i * 784 + j] === 0) assert.equal(input[j], rec.steps, 'black pixels never spike');
        shares.push(sums.map((x) => x.fired / x.neurons));
        // stidi: each pooled time is the earliest of its window in the conv map ([c][y][x] in both)
        const conv = rec.layers.find((l) => l.name === 'conv 1'), pooled = rec.layers.find((l) => l.name === 'conv 1 pooled');
        if (algo === 'stidi') {
          assert.ok(conv && pooled);
          const [C, H, W] = conv.shape, [, PH, PW] = pooled.shape, p = H / PH;
          for (let c = 0; c < C; c++) for (let y = 0; y < PH; y++) for (let x = 0; x < PW; x++) {
            let m = Infinity;
            for (let dy = 0; dy < p; dy++) for (let dx = 0; dx < p; dx++) m = Math.min(m, conv.times![(c * H + y * p + dy) * W + x * p + dx]);
            assert.equal(pooled.times![(c * PH + y) * PW + x], m, `pooled map at (${c}, ${y}, ${x})`);
          }
        }
      }
    }
    assert.equal(strict / N_TEST, r.accuracy.strict, `${algo}: strict accuracy from the records = the evaluator's`);
    const mean = (k: number) => shares.reduce((a, s) => a + s[k], 0) / N_TEST;
    const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-9, `${algo} ${what}: records ${a}, evaluator ${b}`);
    if (algo === 'proxy') r.stats.layerSpikeRates!.forEach((x, k) => close(mean(k), x, `layer ${k} spike rate`));
    else if (algo === 'stidi') {
      // the evaluator's per-layer shares cover the conv map and the output (the record adds input and pooled maps)
      const rec = s.model.spikeRecord!(testSet.images, 0);
      const names = rec.layers.map((l) => l.name);
      close(mean(names.indexOf('conv 1')), r.stats.layerFiringShare![0], 'conv share');
      close(mean(names.indexOf('output')), r.stats.layerFiringShare![1], 'output share');
    } else close(mean(1), r.stats.hiddenFiringShare!, 'hidden share');
    return s.model;
  } finally { await ex.close(); }
}

for (const algo of Object.keys(PLAN)) {
  test(`${algo}: the spike record of each image is what the evaluator saw`, async () => {
    const dir = mkdtempSync(join(tmpdir(), `snn-spikes-${algo}-`));
    try { await trained(algo, join(dir, 'run')); } finally { rmSync(dir, { recursive: true, force: true }); }
  });
}

test('every algorithm with spikes is covered here; bnn has none', () => {
  const withSpikes = Object.keys(ALGORITHMS).filter((a) => {
    const s = createSession(ALGORITHMS[a], 'mnist', a === 'proxy' ? { model: 'tiny' } : {}, { shards: 1 });
    return typeof s.model.spikeRecord === 'function';
  });
  assert.deepEqual(withSpikes.sort(), Object.keys(PLAN).sort());
});

test('snnwasm spikes: table, raster and JSON; bad input named, nothing written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snn-spikes-cli-'));
  try {
    const out = join(dir, 'run');
    const ck = cliTrain(out, '--algo', 's4nn', '--hidden', '30', '--limit-train', '500', '--limit-test', '100');
    const svg = join(dir, 'r.svg'), json = join(dir, 'r.json');
    const r = cli('spikes', '--algo', 's4nn', '--dataset', 'mnist', '--checkpoint', ck, '--index', '7', '--svg', svg, '--json', json, '--max-rows', '100');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /s4nn on mnist test image 7, label 9/);
    assert.match(r.stdout, /hidden 1\s+30\s/);
    assert.match(r.stdout, /decision \(strict rule\): /);
    const rec = JSON.parse(readFileSync(json, 'utf8'));
    assert.equal(rec.index, 7);
    assert.deepEqual(rec.layers.map((l: { name: string }) => l.name), ['input', 'hidden 1', 'output']);
    // one mark per spike of the rows shown (784 inputs, 100 rows: every 8th input)
    const marks = (readFileSync(svg, 'utf8').match(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="\d+" fill="#(2563eb|dc2626)"\/>/g) ?? []).length;
    let want = 0;
    for (const l of rec.layers) {
      const { every } = shownRows(l.times.length, 100);
      want += l.times.filter((x: number, j: number) => x < rec.steps && j % every === 0).length;
    }
    assert.equal(marks, want, 'raster marks');
    // bad input: named, non-zero exit, the earlier files untouched
    const before = readFileSync(json, 'utf8');
    const bad: [string[], RegExp][] = [
      [['--index', '10000'], /--index: the mnist test split has 10000 images \(0\.\.9999\), got 10000/],
      [['--index', '-1'], /--index: must be >= 0/],
      [['--svg', join(dir, 'missing', 'x.svg')], /--svg: folder .*missing does not exist/],
      [['--max-rows', '0'], /--max-rows: must be >= 1/],
      [['--split', 'val'], /--split: must be train or test/],
    ];
    for (const [extra, pattern] of bad) {
      const b = cli('spikes', '--algo', 's4nn', '--dataset', 'mnist', '--checkpoint', ck, '--json', json, ...extra);
      assert.notEqual(b.status, 0, extra.join(' '));
      assert.match(b.stderr, pattern);
      assert.equal(readFileSync(json, 'utf8'), before, 'nothing overwritten');
    }
    const bnn = cli('spikes', '--algo', 'bnn', '--dataset', 'mnist', '--weights', join(out, 'weights', 'W0.npy') + ',' + join(out, 'weights', 'W1.npy'));
    assert.notEqual(bnn.status, 0);
    assert.match(bnn.stderr, /--algo: bnn has no spikes/);
    assert.ok(!existsSync(join(dir, 'missing')));
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
