// Resource limits: a model too large for the 1 GiB wasm memory (src/wasm/module.ts MAX_PAGES) is
// refused at once, before any data is read and before any weight is written (at most the weights and
// one workspace are reserved, untouched, when only the micro-shard workspaces do not fit), with a message
// naming --hidden (and --shards when the micro-shard workspaces are what does not fit) and the
// memory it would need. The data folder passed does not exist: had the data been read first, the
// error would name it instead.
//
//   node --test --test-reporter=spec dist/test/reliability/resources.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALGORITHMS } from '../../src/algorithms/registry.js';
import { createSession } from '../../src/session.js';
import { UsageError } from '../../src/errors.js';
import { runCli } from './helpers.js';

const NO_DATA = '/nonexistent-snnwasm-data';

const TOO_BIG: [string[], RegExp][] = [
  [['--algo', 'bnn', '--dataset', 'mnist', '--hidden', '30000,30000'],
    /^snnwasm: error: --hidden: a 784-30000-30000-10 network needs more than (\d+\.\d\d) GiB of wasm memory \(weights, Adam state and one gradient workspace\), over the 1\.00 GiB limit/],
  [['--algo', 'bs4nn', '--dataset', 'mnist', '--hidden', '20000,20000', '--theta', '100', '--eta', '0.1', '--lambda', '0', '--alpha-init', '5', '--alpha-lr', '0.01'],
    /^snnwasm: error: --hidden: a 784-20000-20000-10 network needs more than (\d+\.\d\d) GiB of wasm memory \(weights and one gradient workspace\), over the 1\.00 GiB limit/],
  [['--algo', 'bs4nn', '--dataset', 'cifar-10', '--hidden', '32766'],
    /^snnwasm: error: --hidden: a 3072-32766-10 network with 8 micro-shards \(--shards\) needs (\d+\.\d\d) GiB of wasm memory \(0\.94 GiB of weights and the main workspace \+ 8 x 0\.38 GiB\)/],
  [['--algo', 's4nn', '--dataset', 'cifar-10', '--hidden', '32766'],
    /^snnwasm: error: --hidden: a 3072-32766-10 network with 8 micro-shards \(--shards\) needs (\d+\.\d\d) GiB of wasm memory .*fewer --shards/],
  [['--algo', 'bs4nn', '--dataset', 'mnist', '--hidden', '4000', '--shards', '1024'],
    /^snnwasm: error: --hidden: a 784-4000-10 network with 1024 micro-shards \(--shards\) needs (\d+\.\d\d) GiB of wasm memory/],
  [['--algo', 'bnn', '--dataset', 'fashion-mnist', '--hidden', '12000,12000,12000'],
    /^snnwasm: error: --hidden: a 784-12000-12000-12000-10 network needs more than (\d+\.\d\d) GiB/],
];

for (const [flags, pattern] of TOO_BIG) {
  test(`refused at once: train ${flags.join(' ')}`, async () => {
    const t0 = performance.now();
    const r = await runCli(['train', ...flags, '--data-dir', NO_DATA]);
    const seconds = (performance.now() - t0) / 1000;
    assert.equal(r.code, 2, r.stderr);
    const m = pattern.exec(r.stderr);
    assert.ok(m, r.stderr);
    assert.ok(Number(m[1]) > 1, `the memory it would need (${m[1]} GiB) is over the limit`);
    assert.doesNotMatch(r.stderr, new RegExp(NO_DATA), 'refused before the data was looked at');
    assert.ok(seconds < 20, `took ${seconds.toFixed(1)} s`);
    console.log(`  ${r.stderr.trim().slice(0, 150)}... (${seconds.toFixed(1)} s)`);
  });
}

test('--hidden 2000000 is refused by the option range before any sizing', async () => {
  const r = await runCli(['train', '--algo', 's4nn', '--dataset', 'mnist', '--hidden', '2000000', '--data-dir', NO_DATA]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^snnwasm: error: --hidden: must be <= 32766, got 2000000\n$/);
});

test('the library refuses the same before allocating: the error is a UsageError, no memory is grown', () => {
  const before = process.memoryUsage().rss;
  assert.throws(() => createSession(ALGORITHMS.bnn, 'mnist', { hidden: [30000, 30000] }), (e: unknown) => e instanceof UsageError && e.flag === '--hidden');
  assert.throws(() => createSession(ALGORITHMS.s4nn, 'cifar-10', { hidden: [32766] }, { shards: 8 }), (e: unknown) => e instanceof UsageError && /--shards/.test(e.message));
  assert.ok(process.memoryUsage().rss - before < 900 * 2 ** 20, 'no gigabyte was touched');
  // and a model that fits is accepted (hidden 2000 with 8 shards: ~60 MiB)
  const s = createSession(ALGORITHMS.s4nn, 'mnist', { hidden: [2000] }, { shards: 8 });
  assert.ok(s.arenaUsed < 2 ** 30);
});
