// `snnwasm export`: a trained checkpoint out as NIR (read back: the graph the model builds, its metadata) and as
// .npy matrices (the checkpoint's weights, shapes [n_out, n_in]); models NIR cannot express and bad destinations
// refused by name, non-zero, with an existing file left as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNirFile } from '../../src/interop/nir-hdf5.js';
import { readNpyMatrix } from '../../src/io/index.js';

import { cli, cliTrain } from './run-cli.js';

test('snnwasm export: NIR, .npy and packed from a checkpoint; what a format cannot hold and bad destinations refused, nothing overwritten', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'snn-export-cli-'));
  try {
    const run = join(dir, 'run');
    const ck = cliTrain(run, '--algo', 'bs4nn', '--hidden', '30', '--limit-train', '300', '--limit-test', '50'), nir = join(dir, 'm.nir');
    const e = cli('export', '--algo', 'bs4nn', '--dataset', 'mnist', '--checkpoint', ck, '--out', nir, '--class-order', '1,0,2,3,4,5,6,7,8,9');
    assert.equal(e.status, 0, e.stderr);
    assert.match(e.stdout, /NIR graph of 8 nodes \(1 Input, 2 Linear, 2 IF, 2 Delay, 1 Output\)/);
    const { version, graph } = await readNirFile(nir);
    assert.match(version, /^\d+\.\d+\.\d+$/);
    assert.deepEqual(graph.edges, [['input', 'linear0'], ['linear0', 'if0'], ['if0', 'delay0'], ['delay0', 'linear1'], ['linear1', 'if1'], ['if1', 'delay1'], ['delay1', 'output']]);
    assert.equal(graph.metadata.algorithm, 'bs4nn');
    assert.equal(graph.metadata.time_steps, 256);
    assert.deepEqual(graph.metadata.class_of_output_unit, [1, 0, 2, 3, 4, 5, 6, 7, 8, 9]);
    const lin0 = graph.nodes.find(([n]) => n === 'linear0')![1];
    assert.ok(lin0.type === 'Linear' && lin0.weight.shape.join() === '30,784' && lin0.weight.data.every((w) => w === 1 || w === -1 || w === 0), 'binary forward weights');
    // npy: the checkpoint's latent weights, as training wrote them
    const npy = join(dir, 'npy');
    const n = cli('export', '--algo', 'bs4nn', '--dataset', 'mnist', '--checkpoint', ck, '--format', 'npy', '--out', npy);
    assert.equal(n.status, 0, n.stderr);
    for (const [f, rows, cols] of [['W0.npy', 30, 784], ['W1.npy', 10, 30]] as const) {
      const m = readNpyMatrix(join(npy, f));
      assert.deepEqual([m.rows, m.cols], [rows, cols]);
      assert.deepEqual(m.data, readNpyMatrix(join(run, 'weights', f)).data, `${f} = the trained weights`);
    }
    // packed: one bit per weight, and `eval` of it reports what `eval` of the checkpoint reports
    const packed = join(dir, 'm.snnb');
    const pk = cli('export', '--algo', 'bs4nn', '--dataset', 'mnist', '--checkpoint', ck, '--format', 'packed', '--out', packed);
    assert.equal(pk.status, 0, pk.stderr);
    assert.match(pk.stdout, /30x784, 10x30 signs at 1 bit, \d+ bytes \(the same weights as float32: 95280 bytes, [\d.]+x\)/);
    const ev = (c: string) => { const r = cli('eval', '--algo', 'bs4nn', '--dataset', 'mnist', '--checkpoint', c, '--limit-test', '300', '--workers', '1', '--json'); assert.equal(r.status, 0, r.stderr); const j = JSON.parse(r.stdout); delete j.seconds; delete j.weights; return j; };
    assert.deepEqual(ev(packed), ev(ck));
    // refusals: named, non-zero, the earlier file untouched
    const before = readFileSync(nir);
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    const notNpy = join(dir, 'file.txt');
    writeFileSync(notNpy, 'x');
    const bad: [string[], RegExp][] = [
      [['--algo', 'bs4nn', '--out', join(dir, 'missing', 'x.nir')], /--out: folder .*missing does not exist/],
      [['--algo', 'bs4nn', '--out', folder], /--out: .*a-folder is a folder/],
      [['--algo', 'bs4nn', '--format', 'onnx', '--out', nir], /--format: must be one of nir, npy, packed, got "onnx"/],
      [['--algo', 'bs4nn', '--format', 'npy', '--out', notNpy], /--out: .*file\.txt is a file/],
      [['--algo', 'bs4nn', '--format', 'packed', '--out', folder], /--out: .*a-folder is a folder \(packed writes one file\)/],
      [['--algo', 'bnn', '--out', nir, '--weights', join(run, 'weights', 'W0.npy') + ',' + join(run, 'weights', 'W1.npy')], /--algo: bnn cannot be exported to NIR: its units are ±1 activations/],
    ];
    for (const [args, pattern] of bad) {
      const b = cli('export', '--dataset', 'mnist', ...(args.includes('--weights') ? [] : ['--checkpoint', ck]), ...args);
      assert.notEqual(b.status, 0, args.join(' '));
      assert.match(b.stderr, pattern);
      assert.deepEqual(readFileSync(nir), before, 'nothing overwritten');
    }
    assert.ok(!existsSync(join(dir, 'missing')));
    // s4nn has real weights: no packed form
    const s4 = cliTrain(join(dir, 's4run'), '--algo', 's4nn', '--hidden', '20', '--limit-train', '100', '--limit-test', '20');
    const p4 = cli('export', '--algo', 's4nn', '--dataset', 'mnist', '--checkpoint', s4, '--format', 'packed', '--out', nir);
    assert.notEqual(p4.status, 0);
    assert.match(p4.stderr, /--format: packed saves binary weights at one bit each: s4nn has real weights/);
    assert.deepEqual(readFileSync(nir), before, 'nothing overwritten');
    // stidi: a trained checkpoint, refused with the reason
    const sck = cliTrain(join(dir, 'srun'), '--algo', 'stidi', '--maps', '2', '--limit-train', '100', '--limit-test', '20');
    const s = cli('export', '--algo', 'stidi', '--dataset', 'mnist', '--checkpoint', sck, '--out', nir);
    assert.notEqual(s.status, 0);
    assert.match(s.stderr, /--algo: stidi cannot be exported to NIR: its synapses have a piecewise-linear PSP/);
    assert.deepEqual(readFileSync(nir), before, 'nothing overwritten');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('a trained model is loaded with its checkpoint\'s shard count (the default 8 need not fit: fmnist-paper needs --shards 2)', async () => {
  const { loadTrainedModel } = await import('../../src/cli/trained-model.js');
  const { ALGORITHMS } = await import('../../src/algorithms/registry.js');
  const dir = mkdtempSync(join(tmpdir(), 'snn-shards-'));
  try {
    const ck = cliTrain(join(dir, 'run'), '--algo', 'bs4nn', '--hidden', '10', '--limit-train', '50', '--limit-test', '10', '--shards', '3');
    assert.equal(loadTrainedModel(ALGORITHMS.bs4nn, 'mnist', { checkpoint: ck }).session.shards, 3);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
