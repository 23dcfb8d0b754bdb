// The wasm memory budget, checked before allocating: a model or a shard count that cannot fit fails at
// once with a message naming the flag and the memory it would need, instead of failing mid-allocation.
import { UsageError } from '../errors.js';
import { MAX_PAGES } from '../wasm/module.js';

export const WASM_LIMIT = MAX_PAGES * 65536;
export const gib = (bytes: number) => (bytes / 2 ** 30).toFixed(2);

/** Throws unless `used + n * workspaceBytes` fits; `what` names the part already allocated. */
export function assertShardsFit(layerSizes: number[], used: number, n: number, workspaceBytes: number, what: string): void {
  const need = used + n * workspaceBytes;
  if (need <= WASM_LIMIT) return;
  throw new UsageError('--hidden', `a ${layerSizes.join('-')} network with ${n} micro-shards (--shards) needs ${gib(need)} GiB of wasm memory ` +
    `(${gib(used)} GiB of ${what} + ${n} x ${gib(workspaceBytes)} GiB), ` +
    `over the ${gib(WASM_LIMIT)} GiB limit: use smaller hidden layers or fewer --shards`);
}
