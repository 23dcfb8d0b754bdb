// The fixed reduction tree every model's reduceInto walks: the pairs and their order for the shard counts in use
// (operands tracked symbolically, so a merge missing, repeated or on the wrong operands shows in shard 0's sum).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reduceShards } from '../../src/pool/reduction-tree.js';

function tree(n: number): { root: string; merges: string[] } {
  const v = Array.from({ length: n }, (_, i) => `${i}`), merges: string[] = [];
  reduceShards(n, (d, s) => { merges.push(`${d}<${s}`); v[d] = `(${v[d]}+${v[s]})`; });
  return { root: v[0], merges };
}

test('the reduction tree is the fixed pairwise one (0+1, 2+3, then (0+1)+(2+3), ...)', () => {
  assert.deepEqual(tree(1), { root: '0', merges: [] });
  assert.deepEqual(tree(2), { root: '(0+1)', merges: ['0<1'] });
  assert.deepEqual(tree(5), { root: '(((0+1)+(2+3))+4)', merges: ['0<1', '2<3', '0<2', '0<4'] });
  assert.equal(tree(6).root, '(((0+1)+(2+3))+(4+5))');
  assert.equal(tree(8).root, '(((0+1)+(2+3))+((4+5)+(6+7)))');
  for (let n = 1; n <= 33; n++) assert.equal(tree(n).merges.length, n - 1, `n - 1 merges for ${n} shards`);
});
