// The algorithm registry's option table is shared by every algorithm through one commander command:
// commander stores a flag's value under the camel-cased flag name, and the CLI reads it by the
// option's key, so a key must be that name, and a flag shared by several algorithms must mean the
// same key and kind everywhere (a clash once made bs4nn's --theta read as proxy's threshold).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALGORITHMS } from '../../src/algorithms/registry.js';

const camel = (flag: string) => flag.replace(/^--/, '').replace(/-([a-zA-Z])/g, (_, c: string) => c.toUpperCase());

test('every algorithm option key is its camel-cased flag, and a shared flag means one key and kind', () => {
  const seen = new Map<string, { key: string; kind: string; algo: string }>();
  for (const a of Object.values(ALGORITHMS)) {
    for (const o of a.options) {
      assert.equal(o.key, camel(o.flag), `${a.name} ${o.flag}: key ${o.key}`);
      const prev = seen.get(o.flag);
      if (prev) assert.deepEqual([o.key, o.kind], [prev.key, prev.kind], `${o.flag} in ${a.name} vs ${prev.algo}`);
      else seen.set(o.flag, { key: o.key, kind: o.kind, algo: a.name });
    }
  }
});

test('--silent-target reaches the time-to-first-spike config (the flag is not named after the config field)', () => {
  const bs = ALGORITHMS.bs4nn, s4 = ALGORITHMS.s4nn;
  const cfg = (a: typeof bs, flags: Record<string, unknown>) => a.resolve(flags, 'mnist') as { noSpikeTarget: string };
  assert.equal(cfg(bs, {}).noSpikeTarget, 'none');             // BS4NN's code: no error when no output fires
  assert.equal(cfg(s4, {}).noSpikeTarget, 'pull-label');       // S4NN's code: pull the label
  assert.equal(cfg(bs, { silentTarget: 'pull-label' }).noSpikeTarget, 'pull-label');
  assert.equal(cfg(s4, { silentTarget: 'none' }).noSpikeTarget, 'none');
  assert.equal('silentTarget' in cfg(bs, { silentTarget: 'pull-label' }), false);
});
