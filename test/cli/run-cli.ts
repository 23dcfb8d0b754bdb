// The snnwasm command line as the CLI tests run it: a child process with a timeout, and a brief training run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });

/** `snnwasm train` on MNIST into `out` (one worker, no progress bar); asserts it succeeded; returns its checkpoint. */
export function cliTrain(out: string, ...flags: string[]): string {
  const t = cli('train', '--dataset', 'mnist', '--epochs', '1', '--workers', '1', '--out', out, '--no-progress', ...flags);
  assert.equal(t.status, 0, t.stderr);
  return join(out, 'checkpoint.ckpt');
}
