// The one fixed tree in which a minibatch's shard workspaces are summed: 0+1, 2+3, ..., then (0+1)+(2+3), ...,
// every merge adding the right half's sums into the left half's workspace. The floats that come out depend only
// on the number of shards, never on which thread ran a shard or which finished first. Every model's reduceInto
// walks it with its own merge of two workspaces.
//
// (Tried and dropped, 2026-12-06: running each merge as soon as both halves were complete, on whichever thread
// completed the second, so that the reduction overlapped the other shards' compute: the same bits, but no faster,
// docs/kernel-changes.md.)

/** Adds shard src's sums into shard dst's (a model's merge of two workspaces). */
export type MergeShards = (dst: number, src: number) => void;

/** The whole tree over shards 0..n-1, level by level: shard 0 then holds the sum. */
export function reduceShards(n: number, merge: MergeShards): void {
  for (let step = 1; step < n; step *= 2) {
    for (let i = 0; i + step < n; i += 2 * step) merge(i, i + step);
  }
}
