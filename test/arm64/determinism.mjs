#!/usr/bin/env node
// ARM64 determinism check (slow; not part of `npm test`'s node:test suite).
//
// Runs the same short minibatch training with the native x86-64 node and with an emulated arm64 node
// of the same version (qemu-user; see scripts/arm64-node.sh), then asserts that the CLI's
// `weights sha256 <hex>` lines are equal, per algorithm. Exits 1 on any mismatch or error.
//
//   node test/arm64/determinism.mjs
//
// Environment:
//   SNN_ARM64_NODE       path of an arm64 node launcher (default: the one scripts/arm64-node.sh prints;
//                        that script is run, and is a no-op when its cache is complete)
//   SNN_ARM64_TIMEOUT_S  per-run time limit in seconds (default 600)
// Needs a built tree (dist/, build/) and MNIST where the CLI finds it (./data or ../shared/data).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(ROOT, 'dist/src/cli/main.js');
const TIMEOUT_MS = Number(process.env.SNN_ARM64_TIMEOUT_S ?? 600) * 1000;

const COMMON = ['--dataset', 'mnist', '--epochs', '1', '--batch-size', '40',
  '--limit-train', '2000', '--limit-test', '500', '--workers', '2', '--shards', '4', '--seed', '3', '--no-progress'];
const CASES = [
  { name: 'bnn', args: ['--algo', 'bnn', '--hidden', '64'] },
  { name: 'bs4nn', args: ['--algo', 'bs4nn', '--hidden', '64', '--eta', '8'] },
  // conv, batch norm, IF dynamics and Adam: float-heavy paths where a platform difference would show
  { name: 'proxy', args: ['--algo', 'proxy', '--model', 'tiny', '--lr', '0.003'] },
  { name: 'stidi', args: ['--algo', 'stidi', '--maps', '2'] },
];

const log = (msg) => process.stdout.write(`[arm64-determinism] ${msg}\n`);
const tail = (s, n = 20) => s.trim().split('\n').slice(-n).join('\n');

function fail(msg) {
  log(`FAIL ${msg}`);
  process.exit(1);
}

if (process.arch !== 'x64') log(`note: the "native" side runs on ${process.arch}, not x64`);
if (!existsSync(CLI)) fail(`${CLI} is missing: build first (npm run build)`);

// The arm64 launcher.
let arm64 = process.env.SNN_ARM64_NODE;
if (!arm64) {
  log('setting up the arm64 node: bash scripts/arm64-node.sh');
  const r = spawnSync('bash', [join(ROOT, 'scripts/arm64-node.sh')], {
    cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) fail(`scripts/arm64-node.sh exited with ${r.status ?? r.signal}`);
  arm64 = r.stdout.trim().split('\n').pop();
}
{
  const r = spawnSync(arm64, ['-p', 'process.arch + " " + process.version'], { encoding: 'utf8', timeout: 120_000 });
  const got = (r.stdout ?? '').trim();
  if (r.status !== 0 || got !== `arm64 ${process.version}`) {
    fail(`${arm64} should report "arm64 ${process.version}", got "${got}" (exit ${r.status ?? r.signal})` +
      `${r.error ? `: ${r.error.message}` : ''}\n${tail(r.stderr ?? '')}`);
  }
}
log(`native: ${process.execPath} (${process.arch} ${process.version})`);
log(`arm64:  ${arm64} (arm64 ${process.version}, emulated)`);

function train(label, exe, args) {
  const out = mkdtempSync(join(tmpdir(), `snn-arm64-${label}-`));
  const argv = [CLI, 'train', ...args, ...COMMON, '--out', out];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(exe, argv, { cwd: ROOT, encoding: 'utf8', timeout: TIMEOUT_MS, maxBuffer: 64 << 20 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  rmSync(out, { recursive: true, force: true });
  const hash = /^weights sha256 ([0-9a-f]{64})$/m.exec(r.stdout ?? '')?.[1];
  let error;
  if (r.error) error = `${r.error.code === 'ETIMEDOUT' ? `timed out after ${TIMEOUT_MS / 1000} s` : r.error.message}`;
  else if (r.status !== 0) error = `exited with ${r.status ?? r.signal}`;
  else if (!hash) error = 'no "weights sha256 <hex>" line on stdout';
  if (error) {
    error += `\n  command: ${exe} ${argv.join(' ')}\n  stdout: ${tail(r.stdout ?? '')}\n  stderr: ${tail(r.stderr ?? '')}`;
  }
  return { hash, seconds, error };
}

let failed = 0;
for (const c of CASES) {
  log(`${c.name}: training on x86-64 ...`);
  const x = train(`${c.name}-x64`, process.execPath, c.args);
  log(`${c.name}: x86-64 ${x.hash ?? 'ERROR'} in ${x.seconds.toFixed(1)} s; training on emulated arm64 ...`);
  const a = train(`${c.name}-arm64`, arm64, c.args);
  const times = `x86-64 ${x.seconds.toFixed(1)} s, arm64 ${a.seconds.toFixed(1)} s`;
  if (x.error || a.error) {
    failed++;
    log(`FAIL ${c.name}: error (${times})`);
    if (x.error) log(`  x86-64 run: ${x.error}`);
    if (a.error) log(`  arm64 run: ${a.error}`);
  } else if (x.hash !== a.hash) {
    failed++;
    log(`FAIL ${c.name}: weights differ: x86-64 ${x.hash} != arm64 ${a.hash} (${times})`);
  } else {
    log(`PASS ${c.name}: x86-64 ${x.hash} == arm64 ${a.hash} (${times})`);
  }
}
log(failed ? `${failed} of ${CASES.length} algorithms FAILED` : `all ${CASES.length} algorithms bit-identical on x86-64 and arm64`);
process.exit(failed ? 1 : 0);
