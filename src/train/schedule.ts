// Per-epoch learning-rate schedules.

/**
 * value · decay^epochs, multiplied in one decay at a time: IEEE multiplication gives the same bits on
 * every platform, where a library pow need not (the weights' bits depend on this rate).
 */
export function decayed(value: number, decay: number, epochs: number): number {
  let v = value;
  for (let e = 0; e < epochs; e++) v *= decay;
  return v;
}
