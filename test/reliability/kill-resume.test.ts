// Exact resume under SIGKILL. For every registered algorithm the real CLI trains a small network
// (4 epochs) into a run directory and is killed with SIGKILL again and again: at seeded random
// moments in training and evaluation, right after an epoch's checkpoint, inside the checkpoint
// write window (the temp file written but not synced; the older checkpoints rotated but the new one
// not yet renamed into place: there the directory holds no checkpoint.ckpt at all), while the
// final weights are written, and during start-up. After every kill the run directory must hold no
// corrupt checkpoint and never less progress than before, and `--resume` must continue from the
// newest good checkpoint. The finished run must end with exactly the weights (SHA-256) of an
// uninterrupted run, with a metrics log of one line per epoch and no stray temp files.
//
// The write window is hit reliably with the trainer's test hook SNN_TEST_CHECKPOINT_PAUSE_MS
// (src/train/trainer.ts): the save announces each stage on stderr and pauses there.
//
//   node --test --test-reporter=spec dist/test/reliability/kill-resume.test.js  (prints "kill points survived N/M")
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALGORITHMS } from '../../src/algorithms/registry.js';
import { findLatestGoodCheckpoint, loadCheckpoint, checkpointBackupPath } from '../../src/io/checkpoint.js';
import { rawMnist, runCli, seeded, type CliRun, type KillAt } from './helpers.js';

const EPOCHS = 4;
const SEED = 20260601;
const BATCH: Record<string, number> = { s4nn: 1, bs4nn: 1, bnn: 20, proxy: 20, stidi: 1 };
/** each algorithm's small network */
const NET: Record<string, string[]> = { proxy: ['--model', 'tiny'], stidi: ['--maps', '2', '--target-firing', '0.1,0'] }; // stidi: with the threshold homeostasis, whose thresholds a resumed run must continue
const PAUSE_MS = '4000'; // the hook's pause: long enough for this process to see the line and kill

/** training samples per epoch: the online time-to-first-spike trainers get more, since at 1500 their epoch
 *  (~0.1 s) is so short against start-up jitter that timed kills missed (the run ended first) */
const LIMIT: Record<string, number> = { s4nn: 5000, bs4nn: 5000 };
const args = (algo: string, out: string, data: string) => ['train', '--algo', algo, '--dataset', 'mnist', ...(NET[algo] ?? ['--hidden', '32']),
  '--limit-train', String(LIMIT[algo] ?? 1500), '--limit-test', '300', '--epochs', String(EPOCHS), '--workers', '1', '--batch-size', String(BATCH[algo]),
  '--seed', '3', '--no-progress', '--data-dir', data, '--out', out];

type Kind = 'time' | 'fsync' | 'rename' | 'epoch' | 'final' | 'startup';
/** The kill points, in order: [kind, epochs this run completes before the kill]. */
const PLAN: [Kind, number][] = [
  ['time', 0], ['fsync', 0], ['epoch', 0], ['startup', 0], ['time', 0], ['rename', 0], ['time', 1], ['rename', 0],
  ['fsync', 0], ['epoch', 0], ['time', 0], ['fsync', 0], ['rename', 0], ['final', 0],
];

const sha = (r: CliRun) => /weights sha256 ([0-9a-f]{64})/.exec(r.stdout)?.[1];

interface Timing { startup: number; epoch: number }

/** Epoch of the newest good checkpoint (0: none); throws if any checkpoint file on disk is corrupt. */
function diskState(dir: string): { epoch: number; names: string[] } {
  if (!existsSync(dir)) return { epoch: 0, names: [] }; // killed before it made the run directory
  const path = join(dir, 'checkpoint.ckpt');
  const names = readdirSync(dir).filter((n) => n.startsWith('checkpoint.ckpt'));
  for (let i = 0; i < 10; i++) {
    const p = checkpointBackupPath(path, i);
    if (existsSync(p)) loadCheckpoint(p); // throws FileFormatError/ChecksumError on a torn file
  }
  const found = findLatestGoodCheckpoint(path);
  return { epoch: (found.checkpoint?.meta.epoch as number | undefined) ?? 0, names };
}

const tempFiles = (dir: string) => [dir, join(dir, 'weights')].flatMap((d) => (existsSync(d) ? readdirSync(d).filter((n) => n.endsWith('.tmp')) : []));

async function killAndResume(algo: string, data: string, root: string, ref: string, timing: Timing, rnd: () => number) {
  const dir = join(root, `${algo}-killed`);
  const log: string[] = [];
  let tried = 0, survived = 0, epoch = 0;
  for (const [planned, planSkip] of PLAN) {
    // a timed kill can miss (the run ended first, on a machine faster than the reference run's timing):
    // it is retried, aiming earlier each time, so that every kill point lands
    let r: CliRun | undefined, kind: Kind = planned, resumed = false;
    for (let attempt = 0; attempt < 4 && !r?.killed; attempt++) {
      // adapt the plan to where the run stands (a timed kill may have landed later than aimed)
      let skip = planSkip;
      kind = planned;
      if (epoch >= EPOCHS) kind = 'startup';
      else if (kind === 'final' && epoch < EPOCHS - 1) skip = EPOCHS - 1 - epoch;
      else if (kind === 'epoch' && epoch >= EPOCHS - 1) kind = 'time';
      if ((kind === 'fsync' || kind === 'rename' || kind === 'time') && epoch + skip >= EPOCHS) skip = 0;
      if (attempt > 0 && kind === 'time') skip = 0;
      resumed = epoch > 0;
      let kill: KillAt;
      // timed kills in the last epoch aim at its first half: a run faster than the reference could finish first;
      // each retry aims at half the previous moment
      const f = (0.1 + (epoch + skip >= EPOCHS - 1 ? 0.4 : 0.8) * rnd()) / 2 ** attempt;
      switch (kind) {
        case 'time': kill = resumed ? { trigger: /^resumed from/, delayMs: (skip + f) * timing.epoch }
          : { trigger: null, delayMs: f * (timing.startup + timing.epoch) }; break;
        case 'startup': kill = { trigger: null, delayMs: 0.8 * f * timing.startup }; break;
        case 'fsync': kill = { trigger: /^test-hook: checkpoint epoch \d+ before-fsync/, nth: skip + 1, delayMs: 0 }; break;
        case 'rename': kill = { trigger: /^test-hook: checkpoint epoch \d+ before-rename/, nth: skip + 1, delayMs: 0 }; break;
        case 'epoch': kill = { trigger: /^epoch \d+\/\d+:/, nth: skip + 1, delayMs: 0 }; break;
        case 'final': kill = { trigger: new RegExp(`^epoch ${EPOCHS}/${EPOCHS}:`), delayMs: 0 }; break;
      }
      const hooked = kind === 'fsync' || kind === 'rename';
      r = await runCli([...args(algo, dir, data), '--resume'], { kill, env: hooked ? { SNN_TEST_CHECKPOINT_PAUSE_MS: PAUSE_MS } : {} });
      // the run resumed from the newest good checkpoint the previous kill left (unless killed before it could say)
      const from = /^resumed from (\S+) at epoch (\d+)/m.exec(r.stderr);
      if (from) assert.equal(Number(from[2]), epoch, `${algo}: should resume at epoch ${epoch}:\n${r.stderr}`);
      else assert.ok(epoch === 0 || r.killed, `${algo}: did not resume at epoch ${epoch}:\n${r.stderr}`);
      assert.doesNotMatch(r.stderr, /error/, `${algo}: ${r.stderr}`);
      if (r.killed) break;
      assert.equal(r.code, 0, r.stderr);
      log.push(`${kind}: missed (the run ended first)`);
      epoch = diskState(dir).epoch; // the run completed: later kills would hit the start-up of a finished run
      if (epoch >= EPOCHS && kind !== 'startup') {
        // it finished with the uninterrupted run's weights; a fresh run lets the kill land in training again
        assert.equal(sha(r), ref, `${algo}: a resumed run that finished has weights different from the uninterrupted run's`);
        rmSync(dir, { recursive: true, force: true });
        epoch = 0;
        log.push('  (the run had finished, with the uninterrupted weights: removed, the kill point is retried on a fresh run)');
      }
    }
    if (!r?.killed) continue;
    tried++;
    assert.equal(r.signal, 'SIGKILL');
    const state = diskState(dir); // throws if the kill tore a checkpoint
    assert.ok(state.epoch >= epoch, `${algo}: a kill lost a saved epoch (${epoch} -> ${state.epoch})`);
    const hook = [...r.beforeKill].reverse().find((l) => l.text.startsWith('test-hook:'))?.text;
    let where: string;
    if (kind === 'rename') {
      const e = Number(/epoch (\d+)/.exec(hook!)![1]);
      assert.equal(existsSync(join(dir, 'checkpoint.ckpt')), false, 'killed before the rename: no checkpoint.ckpt');
      assert.ok(tempFiles(dir).length > 0 && state.epoch === e - 1);
      where = `checkpoint ${e} written and synced, older ones rotated, not yet renamed (no checkpoint.ckpt on disk)`;
    } else if (kind === 'fsync') {
      const e = Number(/epoch (\d+)/.exec(hook!)![1]);
      assert.ok(tempFiles(dir).length > 0 && state.epoch === e - 1);
      where = `checkpoint ${e} written to its temp file, not yet synced`;
    } else {
      const done = r.beforeKill.filter((l) => /^epoch \d+\//.test(l.text)).length;
      const started = resumed ? r.beforeKill.some((l) => l.text.startsWith('resumed from')) : undefined;
      if (kind === 'final' || (done > 0 && epoch + done === EPOCHS)) where = 'after the last checkpoint, writing the weights';
      else if (kind === 'epoch') where = `just after checkpoint ${epoch + done}`;
      else if (started === false || kind === 'startup') where = epoch >= EPOCHS ? 'start-up of a finished run' : 'start-up (loading data)';
      else where = `training or evaluating epoch ${epoch + done + 1}${started === undefined ? ' (or start-up)' : ''}`;
    }
    log.push(`${kind}: ${where}; newest good checkpoint: epoch ${state.epoch} (${state.names.join(', ') || 'none'})`);
    epoch = state.epoch;
    survived++; // counted back out below unless the run ends with the uninterrupted run's weights
  }
  const last = await runCli([...args(algo, dir, data), '--resume']);
  assert.equal(last.code, 0, last.stderr);
  if (epoch > 0) assert.match(last.stderr, new RegExp(`resumed from \\S+ at epoch ${epoch}`));
  const got = sha(last);
  const ok = got === ref;
  for (const l of log) console.log(`  ${algo}  ${l}`);
  console.log(`${algo}: kill points survived ${ok ? survived : 0}/${tried}; final weights sha256 ${got} ${ok ? '=' : '!='} uninterrupted ${ref}`);
  assert.equal(got, ref, `${algo}: resumed run's weights differ from the uninterrupted run's`);
  const metrics = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).epoch);
  assert.deepEqual(metrics, Array.from({ length: EPOCHS }, (_, i) => i + 1), 'metrics.jsonl: one line per epoch');
  assert.deepEqual(tempFiles(dir), [], 'no temp files left behind');
  assert.equal(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).weightsSha256, ref);
  return { tried, survived: ok ? survived : 0 };
}

test('SIGKILL at any point, then --resume, ends with exactly the uninterrupted weights (every algorithm)', { timeout: 600_000 }, async () => {
  const data = rawMnist();
  const root = mkdtempSync(join(tmpdir(), 'snn-kill-'));
  try {
    const algos = Object.keys(ALGORITHMS);
    assert.deepEqual(algos.filter((a) => !(a in BATCH)), [], 'every registered algorithm has a plan here');
    // the algorithms run side by side: each is a chain of short processes
    const settled = await Promise.allSettled(algos.map(async (algo, i) => {
      const ref = await runCli(args(algo, join(root, `${algo}-ref`), data.dir));
      assert.equal(ref.code, 0, ref.stderr);
      const epochLines = ref.lines.filter((l) => /^epoch \d+\//.test(l.text)).map((l) => l.t);
      const per = (epochLines[EPOCHS - 1] - epochLines[0]) / (EPOCHS - 1);
      const timing = { startup: Math.max(100, epochLines[0] - per), epoch: Math.max(20, per) };
      return killAndResume(algo, data.dir, root, sha(ref)!, timing, seeded(SEED + i));
    }));
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const results = settled.map((r) => (r as PromiseFulfilledResult<{ tried: number; survived: number }>).value);
    const tried = results.reduce((n, r) => n + r.tried, 0), survived = results.reduce((n, r) => n + r.survived, 0);
    console.log(`kill points survived ${survived}/${tried}`);
    for (const r of results) assert.ok(r.tried >= 10, `only ${r.tried} kills landed`);
    assert.equal(survived, tried);
  } finally {
    rmSync(root, { recursive: true, force: true });
    data.remove();
  }
});
