// Schedules of the training loop: per-epoch learning-rate decay, and periodic work within an epoch.

/**
 * value · decay^epochs, multiplied in one decay at a time: IEEE multiplication gives the same bits on
 * every platform, where a library pow need not (the weights' bits depend on this rate).
 */
export function decayed(value: number, decay: number, epochs: number): number {
  let v = value;
  for (let e = 0; e < epochs; e++) v *= decay;
  return v;
}

/** true when a sample count went past a multiple of `every` on its way from `before` to `after`
 *  (periodic work in the training loop: NaN checks, --ema snapshots) */
export function crossedMultiple(before: number, after: number, every: number): boolean {
  return Math.floor(after / every) !== Math.floor(before / every);
}
