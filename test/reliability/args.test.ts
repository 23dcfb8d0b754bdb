// Command-line validation beyond test/cli/cli.test.ts: every bad value of every train option (type,
// range, NaN/Infinity/overflow, list shape, option of another algorithm), every command's missing
// or extra arguments, and values that pass the parser but cannot be computed in float32 (they stop
// at once with a numerical-fault message naming the layer). Each case must exit non-zero with one
// line naming the flag, never a stack trace. The cases run in-process through main() (fast); a few
// are repeated in a real process to check the exit status. A data folder that does not exist is
// passed everywhere, so a case that wrongly passed validation would fail on the data instead.
//
//   node --test --test-reporter=spec dist/test/reliability/args.test.js  (prints "invalid-argument cases: N")
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../src/cli/main.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawMnist, runCli } from './helpers.js';

const NO_DATA = '/nonexistent-snnwasm-data';
const T = (algo: string, ...rest: string[]) => ['train', '--algo', algo, '--dataset', 'mnist', '--data-dir', NO_DATA, ...rest];

/** [argv, stderr pattern, exit status] */
const BAD: [string[], RegExp, number][] = [
  // integers: type, range, overflow
  [T('bs4nn', '--workers', '0'), /--workers: must be >= 1, got 0/, 2],
  [T('bs4nn', '--workers', '257'), /--workers: must be <= 256/, 2],
  [T('bs4nn', '--workers', '0x2'), /--workers: expected an integer, got "0x2"/, 2],
  [T('bs4nn', '--shards', '0'), /--shards: must be >= 1/, 2],
  [T('bs4nn', '--shards', '1025'), /--shards: must be <= 1024/, 2],
  [T('bs4nn', '--keep-checkpoints', '0'), /--keep-checkpoints: must be >= 1/, 2],
  [T('bs4nn', '--keep-checkpoints', 'all'), /--keep-checkpoints: expected an integer/, 2],
  [T('bs4nn', '--limit-train', '0'), /--limit-train: must be >= 1/, 2],
  [T('bs4nn', '--limit-train', '-5'), /--limit-train: must be >= 1, got -5/, 2],
  [T('bs4nn', '--limit-test', '1.5'), /--limit-test: expected an integer/, 2],
  [T('bs4nn', '--limit-test', '0'), /--limit-test: must be >= 1/, 2],
  [T('bs4nn', '--seed', '4294967296'), /--seed: must be <= 4294967295/, 2],
  [T('bs4nn', '--seed', '0x10'), /--seed: expected an integer, got "0x10"/, 2],
  [T('bs4nn', '--seed', ''), /--seed: expected an integer, got ""/, 2],
  [T('bs4nn', '--seed', 'NaN'), /--seed: expected an integer, got "NaN"/, 2],
  [T('bs4nn', '--epochs', '100001'), /--epochs: must be <= 100000/, 2],
  [T('bs4nn', '--epochs', '1e400'), /--epochs: expected a finite number, got "1e400"/, 2],
  [T('bs4nn', '--epochs', 'Infinity'), /--epochs: expected an integer, got "Infinity"/, 2],
  [T('bs4nn', '--epochs', '2.5'), /--epochs: expected an integer/, 2],
  [T('bs4nn', '--batch-size', '0'), /--batch-size: must be >= 1/, 2],
  [T('bs4nn', '--batch-size', '65537'), /--batch-size: must be <= 65536/, 2],
  // floats and per-layer lists
  [T('bs4nn', '--eta', '-0.1'), /--eta: must be >= 0, got -0.1/, 2],
  [T('bs4nn', '--eta', 'Infinity'), /--eta: expected a number, got "Infinity"/, 2],
  [T('bs4nn', '--eta', '1e400'), /--eta: expected a finite number/, 2],
  [T('bs4nn', '--eta', 'nan'), /--eta: expected a number, got "nan"/, 2],
  [T('bs4nn', '--eta', '.5e'), /--eta: expected a number/, 2],
  [T('bs4nn', '--eta', ' '), /--eta: expected a comma-separated list/, 2],
  [T('bs4nn', '--eta', '0.1,0.1,0.1'), /--eta: needs 1 or 2 values/, 2],
  [T('bs4nn', '--eta', '0.1;0.2'), /--eta: expected a number, got "0.1;0.2"/, 2],
  [T('bs4nn', '--lambda', '-1e-6'), /--lambda: must be >= 0/, 2],
  [T('bs4nn', '--theta', '0'), /--theta: must be >= 1e-9/, 2],
  [T('bs4nn', '--theta', '100,'), /--theta: expected a comma-separated list/, 2],
  [T('bs4nn', '--gamma', '256'), /--gamma: must be <= 255/, 2],
  [T('bs4nn', '--gamma', '1.5'), /--gamma: expected an integer/, 2],
  [T('bs4nn', '--tmax', '3'), /--tmax: must be >= 4/, 2],
  [T('bs4nn', '--tmax', '5000'), /--tmax: must be <= 4096/, 2],
  [T('bs4nn', '--init-hidden', '5,0'), /--init-hidden: needs lo,hi with lo <= hi, got 5,0/, 2],
  [T('bs4nn', '--init-hidden', '1'), /--init-hidden: needs lo,hi/, 2],
  [T('bs4nn', '--init-output', '0,48,96'), /--init-output: needs lo,hi/, 2],
  [T('bs4nn', '--init-output', 'NaN,1'), /--init-output: expected a number, got "NaN"/, 2],
  [T('bs4nn', '--alpha-init', '0'), /--alpha-init: must be >= 1e-9/, 2],
  [T('bs4nn', '--alpha-init', '1,2,3'), /--alpha-init: needs 1 or 2 values/, 2],
  [T('bs4nn', '--alpha-lr', '-1'), /--alpha-lr: must be >= 0/, 2],
  [T('bs4nn', '--hidden', ''), /--hidden: expected a comma-separated list/, 2],
  [T('bs4nn', '--hidden', '600,'), /--hidden: expected a comma-separated list/, 2],
  [T('bs4nn', '--hidden', '1.5'), /--hidden: expected an integer/, 2],
  [T('bs4nn', '--hidden', '40000'), /--hidden: must be <= 32766/, 2],
  [T('bs4nn', '--hidden', '-3'), /--hidden: must be >= 1/, 2],
  [T('bnn', '--lr', '0'), /--lr: must be > 0/, 2],
  [T('bnn', '--lr', '-1'), /--lr: must be >= 0/, 2],
  [T('bnn', '--lr-decay', '2'), /--lr-decay: must be <= 1/, 2],
  [T('bnn', '--init-scale', '2'), /--init-scale: must be <= 1/, 2],
  [T('bnn', '--hidden', '0'), /--hidden: must be >= 1/, 2],
  // options of another algorithm
  [T('bnn', '--theta', '100'), /--theta: does not apply to --algo bnn/, 2],
  [T('bnn', '--alpha-lr', '0.1'), /--alpha-lr: does not apply to --algo bnn/, 2],
  [T('s4nn', '--lr', '0.1'), /--lr: does not apply to --algo s4nn/, 2],
  [T('bs4nn', '--init-scale', '0.5'), /--init-scale: does not apply to --algo bs4nn/, 2],
  // class order, output folder
  [T('bs4nn', '--class-order', '0,1,2,3,4,5,6,7,8,8'), /--class-order: must be a permutation of 0..9/, 2],
  [T('bs4nn', '--class-order', '0,1,2,3,4,5,6,7,8,10'), /--class-order: must be <= 9/, 2],
  [T('bs4nn', '--class-order', '9,8,7,6,5,4,3,2,1,0,0'), /--class-order: must be a permutation/, 2],
  [T('bs4nn', '--out', ''), /--out: must not be empty/, 2],
  [T('bs4nn', '--out', '   '), /--out: must not be empty/, 2],
  // commands and arguments
  [['trian'], /unknown command 'trian'/, 2],
  [['train', '--dataset', 'mnist'], /required option '--algo <name>' not specified/, 2],
  [['train', '--algo', 'bs4nn'], /required option '--dataset <name>' not specified/, 2],
  [['train', '--algo', 'bs4nn', '--dataset', 'mnist', 'extra'], /too many arguments for 'train'/, 2],
  [['train', '--algo', 'bs4nn', '--dataset', 'mnist', '--epochs'], /option '--epochs <n>' argument missing/, 2],
  [['train', '--algo', 'BS4NN', '--dataset', 'mnist'], /Allowed choices are s4nn, bs4nn, bnn/, 2],
  [['eval', '--algo', 's4nn', '--dataset', 'mnist', '--checkpoint', 'a', '--weights', 'b'], /give exactly one of --checkpoint or --weights/, 2],
  [['eval', '--algo', 's4nn', '--dataset', 'mnist', '--checkpoint', 'x', '--split', 'validation'], /--split: must be train or test, got "validation"/, 2],
  [['eval', '--algo', 'bs4nn', '--dataset', 'mnist', '--weights', '/nonexistent/W0.npy'], /\/nonexistent\/W0\.npy: no such file/, 1],
  [['data', 'fetch'], /missing required argument 'dataset'/, 2],
  [['data', 'verify', 'imagenet'], /imagenet/, 2],
];

/** Values the parser accepts but float32 cannot hold: stopped before or at the first step, naming the layer (needs data). */
const FLOAT32: [string[], RegExp][] = [
  [['--algo', 'bs4nn', '--init-hidden', '-1e39,1e39'], /^snnwasm: error: numerical fault in layer 0 weights at step 0: NaN or Inf in the initial weights; nothing was trained\n$/],
  [['--algo', 's4nn', '--init-output', '1e37,1e37'], /^snnwasm: error: numerical fault in layer 1 weights at step 0: max \|w\| = 1\.00e\+37 is so large that potentials or updates can overflow float32 in the initial weights/],
  [['--algo', 's4nn', '--theta', '1e39'], /^snnwasm: error: numerical fault in layer 0 threshold theta at step 1: theta = 1e\+39 \(must stay positive and finite in float32\)/],
  [['--algo', 's4nn', '--eta', '1e39'], /^snnwasm: error: numerical fault in layer 1 weights at step 1: NaN or Inf \(eta = 1e\+39 is beyond float32 range: lower --eta\)/],
  [['--algo', 'bnn', '--lr', '1e39', '--batch-size', '10'], /^snnwasm: error: numerical fault in bnn layer \d [a-z-]+ at step 20: NaN or Inf/],
];

/** Runs main() in this process, capturing what it writes to stderr. */
async function inProcess(argv: string[]): Promise<{ code: number; stderr: string }> {
  const write = process.stderr.write;
  let stderr = '';
  process.stderr.write = ((chunk: string | Uint8Array) => { stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(); return true; }) as typeof write;
  try {
    const code = await main(argv);
    return { code, stderr };
  } finally {
    process.stderr.write = write;
  }
}

test('invalid arguments: each exits non-zero with one line naming the flag, never a stack trace', async () => {
  const failures: string[] = [];
  for (const [argv, pattern, status] of BAD) {
    const r = await inProcess(argv);
    const first = r.stderr.split('\n')[0];
    if (r.code !== status || !pattern.test(r.stderr) || /internal error|\n\s+at .*:\d+:\d+/.test(r.stderr) || r.stderr.includes(NO_DATA)) {
      failures.push(`snnwasm ${argv.join(' ')}\n    exit ${r.code} (want ${status}): ${first}`);
    }
  }
  console.log(`invalid-argument cases: ${BAD.length + FLOAT32.length} here (+ 18 in test/cli/cli.test.ts), ${BAD.length - failures.length} + ${FLOAT32.length} (next test) rejected as expected`);
  assert.deepEqual(failures, []);
});

test('values beyond float32 range stop the run before or at step 1, naming the layer', async () => {
  const raw = rawMnist();
  const dir = mkdtempSync(join(tmpdir(), 'snn-args-'));
  try {
    for (const [i, [flags, pattern]] of FLOAT32.entries()) {
      const r = await inProcess(['train', '--dataset', 'mnist', '--data-dir', raw.dir, '--hidden', '16', '--limit-train', '50', '--limit-test', '10',
        '--epochs', '1', '--workers', '1', '--no-progress', '--out', join(dir, String(i)), ...flags]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, pattern);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    raw.remove();
  }
});

test('a real process exits with the status main() returns (2: usage, 1: file)', async () => {
  const pick = (re: RegExp) => BAD.find(([argv]) => re.test(argv.join(' ')))!;
  for (const [argv, pattern, status] of [pick(/--workers 0$/), pick(/too|extra/), pick(/W0\.npy/)]) {
    const r = await runCli(argv);
    assert.equal(r.code, status, r.stderr);
    assert.match(r.stderr, pattern);
  }
});
