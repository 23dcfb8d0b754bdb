// Shared pieces of the benchmark harness: where results live, what machine this is, how loaded it
// is (load average and measured CPU use of other processes), robust statistics, interleaved timing of
// WASM kernels with V8 warm-up, and child processes that report a JSON line.
import os from 'node:os';
import path from 'node:path';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The package root (dist/bench/lib.js -> ../../). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
export const DOCS_DIR = path.join(ROOT, 'docs');
/** The compiled harness entry every reproduce command names. */
export const RUN_JS = 'dist/bench/run.js';
export const CHILD_JS = path.join(ROOT, 'dist', 'bench', 'child.js');
export const EPOCH = 60000;
/** glibc's malloc threshold (MiB) above which a block is its own mmap, set for every Python peer process
 *  (bench/peers.ts says why; the report quotes it) */
export const PEER_MMAP_THRESHOLD_MIB = 32;

// ---------------------------------------------------------------------------------------------
// machine

export interface MachineInfo {
  cpuModel: string; cpuFamily: string | null; cpuModelNumber: string | null; cpuMHz: number | null; cacheSize: string | null;
  simdFlags: string[]; logicalCores: number; availableParallelism: number; memTotalGiB: number;
  node: string; v8: string; platform: string; arch: string; kernel: string; hypervisor: boolean;
  git: { commit: string | null; dirty: boolean | null };
}

function cpuinfoField(text: string, key: string): string | null {
  const m = text.match(new RegExp(`^${key}\\s*:\\s*(.*)$`, 'm'));
  return m ? m[1].trim() : null;
}

export function machineInfo(): MachineInfo {
  let text = '';
  try { text = readFileSync('/proc/cpuinfo', 'utf8'); } catch { /* not Linux */ }
  const flags = (cpuinfoField(text, 'flags') ?? '').split(/\s+/);
  const mhz = cpuinfoField(text, 'cpu MHz');
  let commit: string | null = null, dirty: boolean | null = null;
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    dirty = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() !== '';
  } catch { /* not a checkout */ }
  return {
    cpuModel: cpuinfoField(text, 'model name') ?? os.cpus()[0]?.model ?? 'unknown',
    cpuFamily: cpuinfoField(text, 'cpu family'), cpuModelNumber: cpuinfoField(text, 'model'),
    cpuMHz: mhz ? Number(mhz) : null, cacheSize: cpuinfoField(text, 'cache size'),
    simdFlags: ['sse4_2', 'avx', 'avx2', 'fma', 'avx512f', 'avx512_vpopcntdq', 'popcnt'].filter((f) => flags.includes(f)),
    logicalCores: os.cpus().length, availableParallelism: os.availableParallelism(),
    memTotalGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version, v8: process.versions.v8, platform: process.platform, arch: process.arch, kernel: os.release(),
    hypervisor: flags.includes('hypervisor'), git: { commit, dirty },
  };
}

// ---------------------------------------------------------------------------------------------
// load: /proc/stat (whole machine) against /proc/self/stat (this process, its threads and its
// waited-for children), in the same clock ticks, so "other processes" is measured, not guessed.

export interface CpuSnap { t: number; total: number; busy: number; steal: number; own: number; ncpu: number; load: number[] }
export interface CpuWindow { wallS: number; busyCores: number; ownCores: number; otherCores: number; stealCores: number }

export function cpuSnap(): CpuSnap {
  const ncpu = os.cpus().length;
  let total = 0, busy = 0, steal = 0, own = 0;
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, idle, iowait, irq, softirq, st] = line;
    total = user + nice + system + idle + iowait + irq + softirq + (st || 0);
    busy = user + nice + system + irq + softirq;
    steal = st || 0;
    const self = readFileSync('/proc/self/stat', 'utf8');
    const rest = self.slice(self.lastIndexOf(')') + 2).split(' ');
    // fields 14-17 of proc(5): utime stime cutime cstime; rest[0] is field 3
    own = Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14]);
  } catch { /* not Linux: zeros */ }
  return { t: performance.now(), total, busy, steal, own, ncpu, load: os.loadavg() };
}

export function cpuWindow(a: CpuSnap, b: CpuSnap): CpuWindow {
  const perCpuTicks = (b.total - a.total) / a.ncpu;
  const wallS = (b.t - a.t) / 1000;
  if (!(perCpuTicks > 0)) return { wallS, busyCores: NaN, ownCores: NaN, otherCores: NaN, stealCores: NaN };
  const busyCores = (b.busy - a.busy) / perCpuTicks;
  const ownCores = (b.own - a.own) / perCpuTicks;
  return { wallS, busyCores: r3(busyCores), ownCores: r3(ownCores), otherCores: r3(Math.max(0, busyCores - ownCores)), stealCores: r3((b.steal - a.steal) / perCpuTicks) };
}

export interface LoadRecord {
  loadavgBefore: number[]; loadavgAfter: number[]; loadavgSamples: [number, number][];
  cpu: CpuWindow;
  /** another process used more than CONTENDED_CORES of a core on average while this benchmark ran */
  contended: boolean;
  note: string;
}

export const CONTENDED_CORES = 0.2;

export class LoadMonitor {
  readonly first = cpuSnap();
  private readonly samples: [number, number][] = [];
  private readonly timer: NodeJS.Timeout;
  constructor() {
    this.timer = setInterval(() => this.sample(), 2000);
    this.timer.unref();
  }
  /** adds a load-average sample (also taken every 2 s while the event loop is free) */
  sample(): void { this.samples.push([Math.round((performance.now() - this.first.t) / 100) / 10, os.loadavg()[0]]); }
  finish(): LoadRecord {
    clearInterval(this.timer);
    const last = cpuSnap();
    const cpu = cpuWindow(this.first, last);
    const contended = cpu.otherCores > CONTENDED_CORES;
    return {
      loadavgBefore: this.first.load.map(r2), loadavgAfter: last.load.map(r2), loadavgSamples: this.samples, cpu, contended,
      note: describeLoad(cpu),
    };
  }
}

export function describeLoad(w: CpuWindow): string {
  if (!Number.isFinite(w.otherCores)) return 'CPU use of other processes unknown (no /proc/stat)';
  const base = `other processes used ${w.otherCores.toFixed(2)} cores on average (this benchmark ${w.ownCores.toFixed(2)}, steal ${w.stealCores.toFixed(2)})`;
  return w.otherCores > CONTENDED_CORES ? `${base}: CONTENDED, figures are lower bounds and parallel figures are meaningless` : `${base}: quiet`;
}

// ---------------------------------------------------------------------------------------------
// statistics

export interface Stat { n: number; median: number; min: number; max: number; q1: number; q3: number; mean: number }

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q, lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function stat(xs: number[]): Stat {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return { n: s.length, median: quantile(s, 0.5), min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN, q1: quantile(s, 0.25), q3: quantile(s, 0.75),
    mean: s.length ? s.reduce((a, b) => a + b, 0) / s.length : NaN };
}

export const median = (xs: number[]): number => stat(xs).median;
export const r2 = (x: number): number => Math.round(x * 100) / 100;
export const r3 = (x: number): number => Math.round(x * 1000) / 1000;
/** n significant digits, for JSON that stays readable */
export const sig = (x: number, n = 4): number => (Number.isFinite(x) && x !== 0 ? Number(x.toPrecision(n)) : x);
/** a / b to 3 significant digits: the side-by-side ratios of the peer benchmarks */
export const ratio = (a: number, b: number): number => sig(a / b, 3);

export function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return 'n/a';
  const a = Math.abs(x);
  if (a >= 1e5) return x.toExponential(2);
  if (a >= 100) return x.toFixed(0);
  return Number(x.toPrecision(digits)).toString();
}

// ---------------------------------------------------------------------------------------------
// timing

export interface TimingOpts {
  /** per function, spread over three rounds so V8 can tier up from Liftoff between calls */
  warmMs: number;
  /** target length of one timed round */
  roundMs: number;
  rounds: number;
}

export interface Timed { perCallMs: Stat; callsPerRound: number; rounds: number[] }

/**
 * Times functions side by side: after warm-up, rounds alternate between the functions (rotating
 * the order) so drift in machine load hits all of them alike. Each call should last well under a
 * few ms (V8 only tiers up on a later call). Returns per-call milliseconds.
 */
export function timeInterleaved(fns: Record<string, () => void>, o: TimingOpts): Record<string, Timed> {
  const names = Object.keys(fns);
  const est: Record<string, number> = {};
  for (let w = 0; w < 3; w++) {
    for (const n of names) {
      let c = 0;
      const t0 = performance.now();
      do { fns[n](); c++; } while (performance.now() - t0 < o.warmMs / 3 || c < 2);
      est[n] = (performance.now() - t0) / c;
    }
  }
  const calls: Record<string, number> = {};
  const per: Record<string, number[]> = {};
  for (const n of names) { calls[n] = Math.max(1, Math.round(o.roundMs / Math.max(est[n], 1e-6))); per[n] = []; }
  for (let r = 0; r < o.rounds; r++) {
    for (let i = 0; i < names.length; i++) {
      const n = names[(i + r) % names.length];
      const f = fns[n], c = calls[n];
      const t0 = performance.now();
      for (let k = 0; k < c; k++) f();
      per[n].push((performance.now() - t0) / c);
    }
  }
  const out: Record<string, Timed> = {};
  for (const n of names) out[n] = { perCallMs: stat(per[n]), callsPerRound: calls[n], rounds: per[n].map((x) => sig(x, 5)) };
  return out;
}

// ---------------------------------------------------------------------------------------------
// child processes

export interface ChildRun { code: number | null; signal: string | null; stdout: string; stderr: string; wallMs: number; result: any; error?: string }

/**
 * Runs a command, collecting its output; the child reports by printing one line
 * `BENCH_RESULT <json>` (the last one wins). Never throws: failures come back in `error`.
 */
export function runChild(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; echo?: boolean; cwd?: string } = {}): Promise<ChildRun> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let stdout = '', stderr = '';
    let child;
    try {
      child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      resolve({ code: null, signal: null, stdout, stderr, wallMs: 0, result: null, error: (e as Error).message });
      return;
    }
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); if (opts.echo) process.stderr.write(d); });
    child.on('error', (e: Error) => {
      if (timer) clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr, wallMs: performance.now() - t0, result: null, error: e.message });
    });
    child.on('close', (code: number | null, signal: string | null) => {
      if (timer) clearTimeout(timer);
      let result: any = null;
      let error: string | undefined;
      const lines = stdout.split('\n').filter((l) => l.startsWith('BENCH_RESULT '));
      if (lines.length) {
        try { result = JSON.parse(lines[lines.length - 1].slice('BENCH_RESULT '.length)); } catch (e) { error = `bad result line: ${(e as Error).message}`; }
      }
      if (code !== 0) error = `${cmd} exited with ${code ?? signal}: ${lastLines(stderr || stdout, 6)}`;
      else if (!result && !error) error = `${cmd} printed no BENCH_RESULT line: ${lastLines(stderr || stdout, 6)}`;
      resolve({ code, signal, stdout, stderr, wallMs: performance.now() - t0, result, error });
    });
  });
}

export function lastLines(s: string, n: number): string { return s.trim().split('\n').slice(-n).join(' | '); }

/** Prints a machine-readable result line from a child process. */
export function reportToParent(result: unknown): void { process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`); }

// ---------------------------------------------------------------------------------------------
// results

export interface BenchRecord {
  name: string; title: string; quick: boolean; command: string; startedAt: string; finishedAt: string; durationS: number;
  machine: MachineInfo; load: LoadRecord; params: unknown; results: any; summary: string[]; warnings: string[];
  /** node/V8 flags of the benchmark's process (process.execArgv) */
  nodeFlags: string[];
  /** the core's and the memory path's speed just before and after the run (host-speed.ts); absent in older results */
  hostSpeed?: { before: HostSpeedProbe; after: HostSpeedProbe };
  /** `--tag=NAME`: measured on another machine than the page's, kept as <name>@<tag>.json */
  tag?: string;
  schema: 1;
}

/** A results tag names a machine other than the one the page is about (`--tag=NAME`): its results
 *  are kept beside the main ones as `<name>@<tag>.json` and reported in a section of their own. */
export const TAG_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;

export function resultPath(name: string, tag?: string): string { return path.join(RESULTS_DIR, tag ? `${name}@${tag}.json` : `${name}.json`); }

/** The tags that have results, each with its benchmarks' names, sorted. */
export function resultTags(): [string, string[]][] {
  if (!existsSync(RESULTS_DIR)) return [];
  const tags = new Map<string, string[]>();
  for (const f of readdirSync(RESULTS_DIR).sort()) {
    const m = f.match(/^([a-z0-9-]+)@([a-z0-9-]+)\.json$/);
    if (m) tags.set(m[2], [...(tags.get(m[2]) ?? []), m[1]]);
  }
  return [...tags].sort((a, b) => a[0].localeCompare(b[0]));
}

export function writeResult(rec: BenchRecord): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const p = resultPath(rec.name, rec.tag);
  writeFileSync(p, JSON.stringify(rec, null, 1) + '\n');
  return p;
}

export function readResult(name: string, tag?: string): BenchRecord | null {
  const p = resultPath(name, tag);
  if (!existsSync(p)) return null;
  try { return JSON.parse(readFileSync(p, 'utf8')) as BenchRecord; } catch { return null; }
}

/** The command that reruns a benchmark: the SNN_* settings it ran under (not the data directory,
 *  which only says where the files are) then the harness with its options. */
export function reproduceCommand(name: string, quick: boolean, extra: string[] = []): string {
  const env = Object.keys(process.env).filter((k) => k.startsWith('SNN_') && k !== 'SNN_DATA_DIR').sort().map((k) => `${k}=${process.env[k]}`);
  return [...env, 'node', RUN_JS, name, ...(quick ? ['--quick'] : []), ...extra].join(' ');
}

// ---------------------------------------------------------------------------------------------
// the benchmark interface

export interface BenchContext {
  quick: boolean;
  /** arguments after the benchmark name (e.g. --install) */
  flags: Set<string>;
  /** --tag=NAME, if given */
  tag?: string;
  log(line: string): void;
  warn(line: string): void;
  monitor: LoadMonitor;
}

export interface BenchOutput { params: unknown; results: unknown; summary: string[] }

export interface Benchmark {
  name: string;
  title: string;
  /** what it measures, one paragraph (printed by --list and in the report) */
  about: string;
  /** V8/Node flags the benchmark's process must run with (the harness re-launches itself with them) */
  nodeFlags?: string[];
  run(ctx: BenchContext): Promise<BenchOutput>;
}

export function pick<T>(quick: boolean, full: T, q: T): T { return quick ? q : full; }

/** One host-speed measurement (bench/host-speed.ts): median and best round of the two ceiling probes. */
export interface HostSpeedProbe { f32Gflops: { median: number; best: number }; readGBs: { median: number; best: number } }
