// How a minibatch becomes micro-shards: a fixed number of contiguous slices that depends only on the
// batch size and the shard count, never on how many workers run them. This is the "logical
// partition" of the determinism contract (after NEST's virtual processes).
export function shardSlices(batch: number, shards: number): [number, number][] {
  const n = Math.min(batch, shards);
  const out: [number, number][] = [];
  for (let s = 0; s < n; s++) out.push([Math.floor((s * batch) / n), Math.floor(((s + 1) * batch) / n)]);
  return out;
}
