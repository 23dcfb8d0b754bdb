// Reproduces the Node 20 require(esm) abort that src/pool/executor.ts avoids (see workerExecArgv there):
// a piscina pool whose ES-module task file is loaded through require(), a worker that dies, and the
// pool closed while its replacement is still loading. Without the flag the process usually aborts
// within 150 rounds when another process competes for the cores; with it, it finishes.
//   node scripts/pool-teardown-crash.mjs [flag] & node scripts/pool-teardown-crash.mjs [flag]
// (after npm run build; prints "no crash" or dies with a FATAL ERROR / failed assertion)
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';

const dir = mkdtempSync(join(tmpdir(), 'snn-pool-crash-'));
writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
// a task file with a real import graph (the project's registry), as the shard worker has
const registry = pathToFileURL(new URL('../dist/src/algorithms/registry.js', import.meta.url).pathname).href;
writeFileSync(join(dir, 'w.js'), `import '${registry}';\nexport default function f(x) { if (x === 'die') process.exit(1); return x; }\n`);
const extra = process.argv[2] === 'flag' ? { execArgv: [...process.execArgv, '--no-experimental-require-module'] } : {};
try {
  for (let i = 0; i < 150; i++) {
    const pool = new Piscina({ filename: join(dir, 'w.js'), minThreads: 2, maxThreads: 2, ...extra });
    await pool.run('x'); await pool.run('x');
    await pool.run('die').catch(() => {});
    await new Promise((r) => setTimeout(r, i % 15));
    await pool.destroy();
  }
  console.log('no crash');
} finally { rmSync(dir, { recursive: true, force: true }); }
