// Reproduces the Node 20 require(esm) abort that workers/shard-worker-entry.cts avoids: a piscina pool
// whose task file is loaded by require(), a worker that dies, and the pool closed while its replacement
// is still loading. `esm`: the task file is the ES module itself (what the pool used to get); `shim`: a
// CommonJS file exporting import() of it (what it gets now). With another process competing for the
// cores, `esm` usually aborts within the 150 rounds; `shim` finishes.
//   node scripts/pool-teardown-crash.mjs esm|shim & node scripts/pool-teardown-crash.mjs esm|shim
// (after npm run build; prints "no crash", or the process dies with a FATAL ERROR / failed assertion)
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';

const form = process.argv[2] ?? 'esm';
const dir = mkdtempSync(join(tmpdir(), 'snn-pool-crash-'));
// a task module with a real import graph (the project's registry), as the shard worker has
const registry = new URL('../dist/src/algorithms/registry.js', import.meta.url).href;
writeFileSync(join(dir, 'task.mjs'), `import '${registry}';\nexport default function f(x) { if (x === 'die') process.exit(1); return x; }\n`);
writeFileSync(join(dir, 'shim.cjs'), `module.exports = import('./task.mjs').then((m) => m.default);\n`);
const filename = join(dir, form === 'shim' ? 'shim.cjs' : 'task.mjs');
try {
  for (let i = 0; i < 150; i++) {
    const pool = new Piscina({ filename, minThreads: 2, maxThreads: 2 });
    await pool.run('x'); await pool.run('x');
    await pool.run('die').catch(() => {});
    await new Promise((r) => setTimeout(r, i % 15));
    await pool.destroy();
  }
  console.log('no crash');
} finally { rmSync(dir, { recursive: true, force: true }); }
