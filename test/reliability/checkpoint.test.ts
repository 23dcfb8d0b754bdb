// What a checkpoint promises, checked through the CLI on a small BNN run (the algorithm with
// optimizer state): a versioned header naming format, algorithm, config, code version, seed, epoch,
// step and RNG position, the optimizer state among the tensors; the last N kept; a corrupt newest
// one named, with the previous good one offered, and resuming from the offered one ends with the
// uninterrupted run's weights; a checkpoint of another configuration refused; temp files of killed
// writers cleaned up (never a live writer's); the metrics log made to match the checkpoint.
//
//   node --test --test-reporter=spec dist/test/reliability/checkpoint.test.js
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint } from '../../src/io/index.js';
import { CHECKPOINT_VERSION } from '../../src/io/checkpoint-format.js';
import { CODE_VERSION } from '../../src/version.js';
import { rawMnist, runCli } from './helpers.js';

const raw = rawMnist();
const root = mkdtempSync(join(tmpdir(), 'snn-ckpt-'));
after(() => { rmSync(root, { recursive: true, force: true }); raw.remove(); });

const args = (out: string, epochs: number, ...more: string[]) => ['train', '--algo', 'bnn', '--dataset', 'mnist', '--hidden', '32',
  '--batch-size', '20', '--limit-train', '600', '--limit-test', '100', '--workers', '1', '--no-progress', '--data-dir', raw.dir,
  '--epochs', String(epochs), '--keep-checkpoints', '2', '--out', out, ...more];
const sha = (stdout: string) => /weights sha256 ([0-9a-f]{64})/.exec(stdout)?.[1];

test('header, optimizer state, keep-N, corrupt newest -> previous offered -> exact resume; wrong config refused', async () => {
  const ref = await runCli(args(join(root, 'ref'), 4));
  assert.equal(ref.code, 0, ref.stderr);
  const out = join(root, 'run');
  const first = await runCli(args(out, 3));
  assert.equal(first.code, 0, first.stderr);

  // the last N (here 2) are kept
  assert.deepEqual(readdirSync(out).filter((n) => n.startsWith('checkpoint')).sort(), ['checkpoint.ckpt', 'checkpoint.ckpt.1']);
  const c = loadCheckpoint(join(out, 'checkpoint.ckpt'));
  const bytes = readFileSync(join(out, 'checkpoint.ckpt'));
  assert.equal(bytes.subarray(0, 8).toString('latin1'), 'SNNCKPT\0');
  assert.equal(bytes.readUInt32LE(8), CHECKPOINT_VERSION);
  const m = c.meta as Record<string, any>;
  assert.equal(m.format, 'snnwasm-checkpoint');
  assert.equal(m.codeVersion, CODE_VERSION);
  assert.equal(m.algorithm, 'bnn');
  assert.deepEqual(m.config.hidden, [32]);
  assert.equal(m.seed, 0);
  assert.equal(m.epoch, 3);
  assert.equal(m.step, 1800);
  assert.deepEqual(m.rng, { generator: 'philox4x32-10', seed: 0, nextEpoch: 3 });
  assert.equal(m.history.length, 3);
  assert.equal(m.scalars.state[0], 90, 'Adam step count: 3 epochs x 30 batches');
  for (const t of ['w0', 'w0.adam_m', 'w0.adam_v', 'b1.adam_m', 's1.adam_v', 'mu0']) assert.ok(t in c.tensors, `tensor ${t}`);
  assert.equal(loadCheckpoint(join(out, 'checkpoint.ckpt.1')).meta.epoch, 2);

  // a corrupt newest checkpoint is named, and the previous good one offered
  bytes[bytes.length - 100] ^= 0x10;
  writeFileSync(join(out, 'checkpoint.ckpt'), bytes);
  const bad = await runCli(args(out, 4, '--resume'));
  assert.equal(bad.code, 1);
  const offer = /checkpoint\.ckpt is unusable \(.*SHA-256 mismatch.*\); the previous good checkpoint is (\S+): resume from it with --resume (\S+)\n/.exec(bad.stderr);
  assert.ok(offer, bad.stderr);
  assert.equal(offer[1], join(out, 'checkpoint.ckpt.1'));
  // a checkpoint made with another configuration is refused
  const other = await runCli([...args(out, 4, '--resume', offer[2]), '--hidden', '16']);
  assert.equal(other.code, 2);
  assert.match(other.stderr, /--resume: checkpoint \S+checkpoint\.ckpt\.1 was made with a different config; start a new --out directory/);
  const missing = await runCli(args(out, 4, '--resume', join(root, 'nonexistent.ckpt')));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--resume: no checkpoint at \S+nonexistent\.ckpt/);

  // leftovers of killed runs: a dead writer's temp file and a torn metrics line
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  const deadTemp = `.checkpoint.ckpt.${dead}-0-0.tmp`, liveTemp = `.checkpoint.ckpt.${process.pid}-0-7.tmp`;
  writeFileSync(join(out, deadTemp), 'partial');
  writeFileSync(join(out, liveTemp), 'a live writer');
  appendFileSync(join(out, 'metrics.jsonl'), '{"type":"epoch","epo');
  // resuming from the offered one ends with exactly the uninterrupted run's weights
  const good = await runCli(args(out, 4, '--resume', offer[2]));
  assert.equal(good.code, 0, good.stderr);
  assert.match(good.stderr, new RegExp(`resumed from ${offer[1].replace(/[.]/g, '\\.')} at epoch 2 \\(step 1200\\)`));
  assert.equal(sha(good.stdout), sha(ref.stdout));
  assert.equal(existsSync(join(out, deadTemp)), false, "a dead writer's temp file is removed");
  assert.equal(existsSync(join(out, liveTemp)), true, "a live writer's temp file is left alone");
  const epochs = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).epoch);
  assert.deepEqual(epochs, [1, 2, 3, 4], 'metrics.jsonl rewritten from the checkpoint, then one line per epoch');
});
