// One minibatch step as the trainer runs it (and the benchmarks and A/B scripts time it): the batch cut into its
// fixed shards (src/pool/shards.ts), the shard tasks run on the executor, then the model reduces the shards in
// the fixed tree (src/pool/reduction-tree.ts) and applies the sum.
import type { Model, ShardOutcome, ShardTask } from '../algorithms/types.js';
import type { Executor } from '../pool/executor.js';
import { shardSlices } from '../pool/shards.js';

/** `indices`: the batch's sample indices in the epoch's order. Returns the shards' outcomes in shard order. */
export async function minibatchStep(executor: Executor, model: Model, indices: Uint32Array, shards: number): Promise<ShardOutcome[]> {
  const slices = shardSlices(indices.length, shards);
  const tasks: ShardTask[] = slices.map(([a, b], shard) => ({ kind: 'grad', shard, indices: indices.slice(a, b) }));
  const outs = await executor.run('train', tasks);
  model.applyShards(slices.length, indices.length);
  return outs;
}
