// Shared pieces of the reliability tests: running the real CLI (optionally killing it at a chosen
// moment), and an uncompressed copy of MNIST so that each CLI start loads in a fraction of a second
// (raw IDX files are verified against the manifest's uncompressed SHA-256, no inflate needed).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { resolveDataset } from '../../src/data/resolve.js';

export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** A temp folder holding mnist/ with the four IDX files uncompressed; remove() deletes it. */
export function rawMnist(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'snn-rawmnist-'));
  const dest = join(dir, 'mnist');
  mkdirSync(dest);
  const found = resolveDataset('mnist');
  for (const [base, file] of Object.entries(found.files)) {
    if (file.endsWith('.gz')) writeFileSync(join(dest, base), gunzipSync(readFileSync(file)));
    else symlinkSync(file, join(dest, basename(file)));
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Line { t: number; text: string }

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stderr lines with the milliseconds since spawn at which they arrived */
  lines: Line[];
  /** true when the kill was sent while the process was still running and it is what ended the process */
  killed: boolean;
  /** the stderr lines seen before the kill was sent */
  beforeKill: Line[];
}

export interface KillAt {
  /** stderr line that starts the clock (null: the spawn) */
  trigger: RegExp | null;
  /** which occurrence of the trigger (1-based) */
  nth?: number;
  /** milliseconds after the trigger */
  delayMs: number;
}

/** Runs the CLI; with `kill`, sends SIGKILL at that moment (if the process is still running). */
export function runCli(args: string[], opts: { env?: Record<string, string>; kill?: KillAt; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', partial = '';
    const lines: Line[] = [];
    let killed = false, beforeKill: Line[] = [], seen = 0;
    const timers: NodeJS.Timeout[] = [];
    const kill = () => {
      if (child.exitCode !== null || child.signalCode !== null || killed) return;
      killed = true;
      beforeKill = lines.slice();
      child.kill('SIGKILL');
    };
    const arm = (delay: number) => timers.push(setTimeout(kill, delay));
    if (opts.kill && opts.kill.trigger === null) arm(opts.kill.delayMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      partial += d;
      let nl: number;
      while ((nl = partial.indexOf('\n')) >= 0) {
        const text = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        lines.push({ t: performance.now() - t0, text });
        const k = opts.kill;
        if (k?.trigger && k.trigger.test(text) && ++seen === (k.nth ?? 1)) {
          if (k.delayMs <= 0) kill(); else arm(k.delayMs);
        }
      }
    });
    timers.push(setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`snnwasm ${args.join(' ')} ran past ${opts.timeoutMs ?? 120_000} ms`)); },
      opts.timeoutMs ?? 120_000));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      timers.forEach(clearTimeout);
      // a kill sent while the process was already exiting on its own (not yet reaped, so exitCode was still null)
      // does not count: it ended with its own exit code, and the caller treats it as a missed kill point
      resolve({ code, signal, stdout, stderr, lines, killed: killed && signal === 'SIGKILL', beforeKill });
    });
  });
}

/** xorshift32 in [0, 1): reproducible delays and choices. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
}
