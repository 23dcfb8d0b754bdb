// The command line as a user meets it: bad flags and bad files give one clear line naming the flag
// or file and a non-zero exit; train/eval/export round-trip through .npy weights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });

const BAD: [string[], RegExp][] = [
  [['train', '--algo', 'nope', '--dataset', 'mnist'], /--algo.*nope|Allowed choices/i],
  [['train', '--algo', 'bs4nn', '--dataset', 'imagenet'], /imagenet|Allowed choices/i],
  [['train', '--algo', 'bs4nn', '--dataset', 'mnist', '--epochs', '0'], /--epochs: must be >= 1/],
  [['train', '--algo', 'bs4nn', '--dataset', 'mnist', '--epochs', 'ten'], /--epochs: expected an integer/],
  [['train', '--algo', 'bs4nn', '--dataset', 'mnist', '--eta', 'NaN'], /--eta: expected a number, got "NaN"/],
  [['train', '--algo', 'bs4nn', '--dataset', 'mnist', '--eta', '0.1,,0.2'], /--eta: expected a comma-separated list/],
  [['train', '--algo', 'bs4nn', '--dataset', 'mnist', '--theta', '100,100,100'], /--theta: needs 1 or 2 values \(hidden, output\), got 3/],
  [['train', '--algo', 'bs4nn', '--dataset', 'mnist', '--theta', '-5'], /--theta: must be >= /],
  [['train', '--algo', 'bs4nn', '--dataset', 'mnist', '--hidden', '0'], /--hidden: must be >= 1/],
  [['train', '--algo', 'bnn', '--dataset', 'mnist', '--gamma', '3'], /--gamma: does not apply to --algo bnn/],
  [['train', '--algo', 'bs4nn', '--dataset', 'mnist', '--seed', '-1'], /--seed: must be >= 0/],
  [['train', '--algo', 'bs4nn', '--dataset', 'mnist', '--batch-size', '1.5'], /--batch-size: expected an integer/],
  [['train', '--algo', 'bs4nn', '--dataset', 'mnist', '--class-order', '0,1,2'], /--class-order: must be a permutation/],
  [['train', '--algo', 'bs4nn', '--dataset', 'mnist', '--bogus'], /unknown option '--bogus'/],
  [['train', '--algo', 'bs4nn', '--dataset', 'mnist', '--data-dir', '/nonexistent/dir'], /\/nonexistent\/dir/],
  [['train', '--algo', 's4nn', '--dataset', 'mnist', '--ema', '1'], /--ema: must be <= /],
  [['train', '--algo', 's4nn', '--dataset', 'mnist', '--ema', 'most'], /--ema: expected a number/],
  [['train', '--algo', 's4nn', '--dataset', 'mnist', '--ema', '0.9', '--ema-every', '0'], /--ema-every: must be >= 1/],
  [['train', '--algo', 'bnn', '--dataset', 'mnist', '--hidden', '24', '--ema', '0.9'], /--ema: bnn does not support weight averaging/],
  [['train', '--algo', 'stidi', '--dataset', 'mnist', '--maps', '2', '--target-firing', '0.2,0', '--ema', '0.9'], /--ema: cannot be combined with --target-firing/],
  [['train', '--algo', 'stidi', '--dataset', 'mnist', '--target-firing', '2'], /--target-firing: must be <= 1, got 2/],
  [['train', '--algo', 'stidi', '--dataset', 'mnist', '--target-firing', '0.1,0.2,0.3'], /--target-firing: needs 1 or 2 values/],
  [['train', '--algo', 'stidi', '--dataset', 'mnist', '--theta-rate', '-1'], /--theta-rate: must be >= 0/],
  [['train', '--algo', 'proxy', '--dataset', 'mnist', '--bn-refresh', '-1'], /--bn-refresh: must be >= 0/],
  [['eval', '--algo', 'bs4nn', '--dataset', 'mnist'], /give exactly one of --checkpoint or --weights/],
  [['eval', '--algo', 'bs4nn', '--dataset', 'mnist', '--checkpoint', '/nonexistent.ckpt'], /\/nonexistent\.ckpt/],
  [['data', 'fetch', 'imagenet'], /unknown dataset "imagenet"/],
];

for (const [args, pattern] of BAD) {
  test(`rejects: snnwasm ${args.join(' ')}`, () => {
    const r = run(...args);
    assert.notEqual(r.status, 0, 'non-zero exit');
    assert.match(r.stderr, pattern);
    assert.doesNotMatch(r.stderr, /internal error|at .*\.js:\d+/, 'a clear message, not a stack trace');
  });
}

test('train writes weights that eval reads back as .npy, with the same accuracy; corrupt files are named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snn-cli-'));
  try {
    const out = join(dir, 'run');
    const t = run('train', '--algo', 'bs4nn', '--dataset', 'mnist', '--hidden', '64', '--epochs', '1', '--limit-train', '2000',
      '--limit-test', '500', '--out', out, '--no-progress');
    assert.equal(t.status, 0, t.stderr);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    const acc = summary.final.test.accuracy.reference;
    assert.ok(existsSync(join(out, 'weights', 'W0.npy')) && existsSync(join(out, 'metrics.jsonl')));
    const alpha = summary.history[0].extra;
    const e = run('eval', '--algo', 'bs4nn', '--dataset', 'mnist', '--weights', `${join(out, 'weights', 'W0.npy')},${join(out, 'weights', 'W1.npy')}`,
      '--alpha', `${alpha.alpha0},${alpha.alpha1}`, '--limit-test', '500', '--json');
    assert.equal(e.status, 0, e.stderr);
    assert.equal(JSON.parse(e.stdout).accuracy.reference, acc, 'the .npy round trip evaluates identically');
    const c = run('eval', '--algo', 'bs4nn', '--dataset', 'mnist', '--checkpoint', join(out, 'checkpoint.ckpt'), '--limit-test', '500', '--json');
    assert.equal(c.status, 0, c.stderr);
    assert.equal(JSON.parse(c.stdout).accuracy.reference, acc);
    // a fresh train into a directory that holds a checkpoint refuses to overwrite it
    const again = run('train', '--algo', 'bs4nn', '--dataset', 'mnist', '--hidden', '64', '--epochs', '1', '--limit-train', '100', '--out', out, '--no-progress');
    assert.notEqual(again.status, 0);
    assert.match(again.stderr, /already holds a checkpoint/);
    // a truncated .npy is named in the error
    const bad = join(dir, 'bad.npy');
    writeFileSync(bad, readFileSync(join(out, 'weights', 'W1.npy')).subarray(0, 200));
    const b = run('eval', '--algo', 'bs4nn', '--dataset', 'mnist', '--weights', `${join(out, 'weights', 'W0.npy')},${bad}`);
    assert.notEqual(b.status, 0);
    assert.match(b.stderr, /bad\.npy/);
    // wrong shape for the layer
    const w = run('eval', '--algo', 'bs4nn', '--dataset', 'mnist', '--weights', `${join(out, 'weights', 'W1.npy')},${join(out, 'weights', 'W0.npy')}`);
    assert.notEqual(w.status, 0);
    assert.match(w.stderr, /W1\.npy|W0\.npy/);
    // a corrupted checkpoint is detected and the previous good one offered on resume
    const ck = readFileSync(join(out, 'checkpoint.ckpt'));
    ck[ck.length - 40] ^= 0xff;
    writeFileSync(join(out, 'checkpoint.ckpt'), ck);
    const r = run('train', '--algo', 'bs4nn', '--dataset', 'mnist', '--hidden', '64', '--epochs', '2', '--limit-train', '2000', '--limit-test', '500', '--out', out, '--resume', '--no-progress');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /checkpoint\.ckpt is unusable/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('data verify checks the shared MNIST files against the manifest', () => {
  const r = run('data', 'verify', 'mnist');
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /mnist .*OK/);
});
