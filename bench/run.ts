// The benchmark harness.
//   node dist/bench/run.js                 every benchmark, each in its own process, then the report
//   node dist/bench/run.js <name> [...]    the named ones (one name: in this process)
//   --quick        tiny settings (smoke test of the harness; figures are not representative)
//   --install      let a --quick peers run apt-get install missing Python packages (full runs always may)
//   --no-report    do not regenerate docs/benchmarks.md afterwards
//   --tag=NAME     results of another machine: written as bench/results/<name>@NAME.json and
//                  reported in a section of their own (the main tables stay this machine's)
//   --list         list the benchmarks
// Each benchmark records the machine and its load, prints its figures and the command that
// reproduces them, and writes bench/results/<name>.json; bench/report.ts turns those into
// docs/benchmarks.md and docs/bench-*.svg.
import path from 'node:path';
import { spawn } from 'node:child_process';
import { type Benchmark, type BenchContext, type BenchRecord, LoadMonitor, ROOT, RUN_JS, TAG_PATTERN, machineInfo, reproduceCommand, writeResult } from './lib.js';
import { kernels } from './kernels.js';
import { trainer } from './trainer.js';
import { peers } from './peers.js';
import { scaling } from './scaling.js';
import { proxySnn } from './proxy-snn.js';
import { proxyPeer } from './proxy-peer.js';
import { stidi } from './stidi.js';
import { generateReport } from './report.js';
import { describeHostSpeed, measureHostSpeed } from './host-speed.js';

export const BENCHMARKS: Benchmark[] = [kernels, trainer, peers, scaling, proxySnn, proxyPeer, stidi];

async function runOne(b: Benchmark, quick: boolean, flags: Set<string>): Promise<BenchRecord> {
  const warnings: string[] = [];
  const log = (s: string) => process.stdout.write(s + '\n');
  const monitor = new LoadMonitor();
  const tag = tagOf(flags);
  const ctx: BenchContext = {
    quick, flags, monitor, log, tag,
    warn: (s) => { warnings.push(s); process.stdout.write(`WARNING: ${s}\n`); },
  };
  const machine = machineInfo();
  const startedAt = new Date().toISOString();
  log(`== ${b.name}: ${b.title}${quick ? ' (--quick: tiny settings, figures not representative)' : ''}`);
  log(`   ${machine.cpuModel} (family ${machine.cpuFamily} model ${machine.cpuModelNumber}), ${machine.logicalCores} cores, node ${machine.node}; load avg ${monitor.first.load.map((x) => x.toFixed(2)).join(' ')}`);
  const speedBefore = measureHostSpeed(quick);
  const t0 = performance.now();
  const out = await b.run(ctx);
  const durationS = Math.round((performance.now() - t0) / 100) / 10;
  const speedAfter = measureHostSpeed(quick);
  const load = monitor.finish();
  if (load.contended) warnings.push(`machine was busy: ${load.note}`);
  const extra = [...(flags.has('--install') ? ['--install'] : []), ...(tag ? [`--tag=${tag}`] : [])];
  const rec: BenchRecord = {
    schema: 1, name: b.name, title: b.title, quick, command: reproduceCommand(b.name, quick, extra), ...(tag ? { tag } : {}),
    startedAt, finishedAt: new Date().toISOString(), durationS,
    machine, load, nodeFlags: process.execArgv, params: out.params, results: out.results, summary: out.summary, warnings,
    hostSpeed: speedBefore && speedAfter ? { before: speedBefore, after: speedAfter } : undefined,
  };
  const file = writeResult(rec);
  log(`-- ${b.name} figures:`);
  for (const line of out.summary) log(`   ${line}`);
  log(`   load: ${load.note}; load avg before ${load.loadavgBefore.join(' ')}, after ${load.loadavgAfter.join(' ')}`);
  if (rec.hostSpeed) log(`   host speed (probes, median round): ${describeHostSpeed(rec.hostSpeed)}`);
  if (load.contended) log('   WARNING: measured under load from other processes: treat the figures as lower bounds, and parallel figures as meaningless');
  log(`   wrote ${path.relative(ROOT, file)} in ${rec.durationS} s`);
  log(`   reproduce: cd ${ROOT.replace(/\/$/, '')} && npm run build && ${rec.command}`);
  return rec;
}

function runChildBench(b: Benchmark, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...(b.nodeFlags ?? []), path.join(ROOT, RUN_JS), b.name, ...args], { cwd: ROOT, stdio: 'inherit' });
    child.on('close', (code) => resolve(code ?? 1));
    child.on('error', () => resolve(1));
  });
}

class BenchUsageError extends Error {}

function tagOf(flags: Set<string>): string | undefined {
  return [...flags].find((f) => f.startsWith('--tag='))?.slice('--tag='.length);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  const names = argv.filter((a) => !a.startsWith('--'));
  const known = new Set(['--quick', '--install', '--no-report', '--list', '--help']);
  for (const f of flags) {
    if (f.startsWith('--tag=')) {
      if (!TAG_PATTERN.test(f.slice(6))) throw new BenchUsageError(`${f}: a tag is 1-32 lower-case letters, digits and '-' (it becomes part of a file name)`);
      continue;
    }
    if (!known.has(f)) throw new BenchUsageError(`unknown option ${f} (known: ${[...known].join(' ')} --tag=NAME)`);
  }
  if (flags.has('--list') || flags.has('--help')) {
    for (const b of BENCHMARKS) process.stdout.write(`${b.name.padEnd(10)} ${b.title}\n         ${b.about}\n`);
    process.stdout.write(`\nnode ${RUN_JS} [name ...] [--quick] [--install] [--no-report]\n`);
    return;
  }
  for (const n of names) if (!BENCHMARKS.some((b) => b.name === n)) throw new BenchUsageError(`unknown benchmark "${n}" (known: ${BENCHMARKS.map((b) => b.name).join(', ')})`);
  const quick = flags.has('--quick');
  const selected = names.length ? BENCHMARKS.filter((b) => names.includes(b.name)) : BENCHMARKS;
  let failed = 0;
  if (selected.length === 1) {
    const b = selected[0];
    const missing = (b.nodeFlags ?? []).filter((f) => !process.execArgv.includes(f));
    if (missing.length) {
      // re-launch with the node flags this benchmark needs (same arguments)
      const code = await runChildBench(b, argv.filter((a) => a !== b.name));
      process.exitCode = code;
      return;
    }
    await runOne(b, quick, flags);
  } else {
    // one process per benchmark: clean heap, fresh V8 tiering, no pools left over
    const pass = argv.filter((a) => a === '--quick' || a === '--install' || a.startsWith('--tag='));
    for (const b of selected) {
      const code = await runChildBench(b, [...pass, '--no-report']);
      if (code !== 0) { failed++; process.stdout.write(`WARNING: benchmark ${b.name} failed (exit ${code})\n`); }
    }
  }
  if (!flags.has('--no-report')) {
    const r = generateReport();
    process.stdout.write(`report: ${path.relative(ROOT, r.markdown)} (${r.svgs.map((f) => path.relative(ROOT, f)).join(', ')}) from ${r.sources.length} result files\n`);
  }
  if (failed) process.exitCode = 1;
}

// exit explicitly: a benchmark must not hang the harness on a handle it left open (stdout and
// stderr are synchronous for files and pipes on Linux, so nothing printed is lost)
main().then(() => process.exit(process.exitCode ?? 0), (e) => {
  if (e instanceof BenchUsageError) { process.stderr.write(`error: ${e.message}\n`); process.exit(2); }
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
