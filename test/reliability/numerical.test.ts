// Numerical faults: NaN or Inf in weights, thresholds, scales, potentials, back-propagated errors,
// pre-activations or losses stop the run at the step where they appear, with a message naming the
// layer and the step, and the last good checkpoint stays byte-identical.
//  * library runs (train()) with a fault injected mid-run, in epoch 2, after the epoch-1 checkpoint:
//    NaN written into shared wasm memory (a weight matrix, a bias vector) or a NaN threshold/scale;
//  * the CLI with --eta beyond float32 range (fault at step 1), and resuming from a checkpoint that
//    holds a NaN weight (refused before any step; the checkpoint files are left as they were).
//
//   node --test --test-reporter=spec dist/test/reliability/numerical.test.js
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALGORITHMS } from '../../src/algorithms/registry.js';
import { createSession, createExecutor, sharedImages, type Session } from '../../src/session.js';
import { loadDataset } from '../../src/data/index.js';
import { train } from '../../src/train/trainer.js';
import { NumericalError } from '../../src/errors.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/io/index.js';
import type { Executor } from '../../src/pool/executor.js';
import type { TtfsModel } from '../../src/algorithms/ttfs/model.js';
import type { BnnModel } from '../../src/algorithms/bnn/model.js';
import { rawMnist, runCli } from './helpers.js';

const raw = rawMnist();
const root = mkdtempSync(join(tmpdir(), 'snn-numerical-'));
after(() => { rmSync(root, { recursive: true, force: true }); raw.remove(); });

const tr = loadDataset('mnist', 'train', { dataDir: raw.dir });
const te = loadDataset('mnist', 'test', { dataDir: raw.dir });
const data = {
  dataset: 'mnist',
  train: { ...sharedImages(tr.images, tr.labels, 784), count: tr.count },
  test: { ...sharedImages(te.images, te.labels, 784), count: te.count },
};
const N = 600; // training samples per epoch

/** The bytes of every checkpoint file in dir, by name. */
function snapshot(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  return Object.fromEntries(readdirSync(dir).filter((n) => n.startsWith('checkpoint.ckpt')).sort()
    .map((n) => [n, readFileSync(join(dir, n)).toString('base64')]));
}

interface Fault {
  name: string;
  algo: string;
  batch: number;
  flags?: Record<string, unknown>;
  /** the training step (samples, counting the failing batch) before which the fault is injected */
  at: number;
  inject: (s: Session) => void;
  where: RegExp;
}

const ttfs = (s: Session) => (s.model as TtfsModel).net;
const nanFill = (s: Session, t: Parameters<Session['arena']['view']>[0]) => (s.arena.view(t) as Float32Array).fill(NaN);

const FAULTS: Fault[] = [
  { name: 'NaN in the output weights (shared memory)', algo: 's4nn', batch: 1, at: N + 50,
    inject: (s) => nanFill(s, ttfs(s).layers[1].w), where: /^layer 1 potentials$/ },
  { name: 'Inf in the hidden weights (shared memory)', algo: 's4nn', batch: 1, at: N + 77,
    inject: (s) => (s.arena.view(ttfs(s).layers[0].w) as Float32Array).fill(Infinity), where: /^layer 0 potentials$/ },
  { name: 'NaN threshold', algo: 's4nn', batch: 1, at: N + 3,
    inject: (s) => s.model.setLayerScalars({ theta: [NaN, 100] }), where: /^layer 0 threshold theta$/ },
  { name: 'NaN scale alpha', algo: 'bs4nn', batch: 1, at: N + 9,
    inject: (s) => s.model.setLayerScalars({ alpha: [ttfs(s).alpha(0), NaN] }), where: /^layer 1 scale alpha$/ },
  { name: 'NaN in the real-valued output weights (binary forward, real backprop)', algo: 'bs4nn', batch: 1, at: N + 120,
    inject: (s) => nanFill(s, ttfs(s).layers[1].w), where: /^layer 0 error \(back-propagated through layer 1 weights\)$/ },
  { name: 'NaN in the output weights, minibatch gradient', algo: 's4nn', batch: 20, at: N + 200,
    inject: (s) => nanFill(s, ttfs(s).layers[1].w), where: /^layer 0 gradient$/ },
  { name: 'NaN in the hidden biases (shared memory)', algo: 'bnn', batch: 20, at: N + 100,
    inject: (s) => nanFill(s, (s.model as BnnModel).net.layers[0].b.t), where: /^bnn layer 0 pre-activations$/ },
  { name: 'Inf in the output scales', algo: 'bnn', batch: 20, at: N + 60,
    inject: (s) => (s.arena.view((s.model as BnnModel).net.layers[1].s.t) as Float32Array).fill(Infinity), where: /^bnn layer 1 (pre-activations|loss)/ },
  { name: 'NaN in the output biases, online Adam', algo: 'bnn', batch: 1, at: N + 31,
    inject: (s) => nanFill(s, (s.model as BnnModel).net.layers[1].b.t), where: /^bnn layer 1 pre-activations$/ },
];

for (const f of FAULTS) {
  test(`${f.algo}: ${f.name} stops the run at step ${f.at}, naming the layer; the epoch-1 checkpoint is untouched`, async () => {
    const out = join(root, f.name.replace(/\W+/g, '-'));
    const s = createSession(ALGORITHMS[f.algo], 'mnist', { hidden: [32], ...f.flags }, { shards: 4 });
    const ex = createExecutor(s, data, 1);
    let steps = 0, before: Record<string, string> | undefined;
    const fire = () => { before = snapshot(out); f.inject(s); };
    // inject just before the step that reaches f.at: online, around trainSample; minibatch, around the shards' run
    const model = new Proxy(s.model, {
      get(t, p) {
        const v = Reflect.get(t, p);
        if (p === 'trainSample' && f.batch === 1) {
          return (...a: Parameters<typeof t.trainSample>) => { if (++steps === f.at) fire(); return t.trainSample(...a); };
        }
        return typeof v === 'function' ? v.bind(t) : v;
      },
    });
    const executor: Executor = {
      workers: ex.workers, recovered: 0, close: () => ex.close(),
      run: (set, tasks) => {
        if (set === 'train' && f.batch > 1 && (steps += f.batch) === f.at) fire();
        return ex.run(set, tasks);
      },
    };
    try {
      const err = await train({ algorithm: ALGORITHMS[f.algo], config: s.config, epochs: 3, batchSize: f.batch, shards: 4, seed: 5, outDir: out,
        resume: false, keepCheckpoints: 3, progress: false, limitTrain: N, limitTest: 100, finiteCheckEvery: 1000, log: () => {} }, data, model, executor)
        .then(() => undefined, (e: unknown) => e);
      assert.ok(before, 'the fault was injected');
      assert.ok(err instanceof NumericalError, `a NumericalError, got ${String(err)}`);
      assert.match(err.where, f.where);
      assert.equal(err.step, f.at, `detected at the step the fault appeared in: ${err.message}`);
      assert.match(err.message, new RegExp(`^numerical fault in .*layer \\d.* at step ${f.at}: .*the last good checkpoint \\(epoch 1\\) is intact`));
      assert.deepEqual(snapshot(out), before, 'checkpoint files byte-identical');
      assert.equal(loadCheckpoint(join(out, 'checkpoint.ckpt')).meta.epoch, 1);
      console.log(`  ${f.algo}: ${err.message.slice(0, 160)}`);
    } finally {
      await ex.close();
    }
  });
}

const cliArgs = (algo: string, out: string, ...more: string[]) => ['train', '--algo', algo, '--dataset', 'mnist', '--hidden', '32',
  '--limit-train', String(N), '--limit-test', '100', '--workers', '1', '--no-progress', '--data-dir', raw.dir, '--out', out, ...more];

test('CLI: --eta beyond float32 range stops at step 1 naming layer and step; no checkpoint is written', async () => {
  const out = join(root, 'cli-eta');
  const r = await runCli(cliArgs('s4nn', out, '--eta', '1e39', '--epochs', '2'));
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^snnwasm: error: numerical fault in layer 1 weights at step 1: NaN or Inf \(eta = 1e\+39 is beyond float32 range: lower --eta\); the run stopped, no checkpoint was written\n$/);
  assert.equal(existsSync(join(out, 'checkpoint.ckpt')), false);
});

test('CLI: a checkpoint holding a NaN weight is refused before any step, naming layer and step; the checkpoints stay byte-identical', async () => {
  const out = join(root, 'cli-poisoned');
  const good = await runCli(cliArgs('s4nn', out, '--epochs', '1'));
  assert.equal(good.code, 0, good.stderr);
  // a well-formed checkpoint (valid footer) whose weights hold a NaN, saved as the newest (the good one becomes .1)
  const c = loadCheckpoint(join(out, 'checkpoint.ckpt'));
  (c.tensors.w0 as Float32Array)[12345] = NaN;
  saveCheckpoint(join(out, 'checkpoint.ckpt'), c.meta, c.tensors as Record<string, Float32Array>, { keep: 3 });
  const before = snapshot(out);
  const r = await runCli(cliArgs('s4nn', out, '--epochs', '3', '--resume'));
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`numerical fault in layer 0 weights at step ${N}: NaN or Inf in checkpoint \\S+checkpoint\\.ckpt; nothing was trained, the checkpoint is left as it is`));
  assert.deepEqual(snapshot(out), before);
});
