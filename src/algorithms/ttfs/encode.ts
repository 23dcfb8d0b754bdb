// Intensity-to-latency input coding (algorithms.md 1.1), generalised to any tmax (the reference
// codes use tmax = 256) and to a power-law latency (ours, off by default). Integer arithmetic only:
// exact everywhere, so a table built here is the same on every platform.
//  s4nn:  t = floor((255 - p) * tmax / 255)        (p = 255 -> 0, p = 0 -> tmax: no effective spike)
//  bs4nn: t = floor((255 - p) * (tmax - 1) / 255)  (tmax 256: t = 255 - p; p = 0 -> tmax - 1, which can
//                                                   only cause a crossing that reads as t = tmax)
//  power k (`--latency-power k`, docs/ttfs.md): t = floor((255 - p)^k * span / 255^k), the same span and
//  end points; k = 1 is the reference code. A larger k moves dim pixels earlier (p = 128: t = 127 at k = 1,
//  63 at k = 2, 31 at k = 3), so a garment's mid-grey texture arrives before the network decides.
export type TtfsEncoding = 's4nn' | 'bs4nn';

export const MAX_LATENCY_POWER = 3; // 255^3 * 4096 < 2^53: the products below stay exact in doubles

/** latency of every pixel value 0..255 */
export function latencyTable(mode: TtfsEncoding, tmax: number, power = 1): Int32Array {
  if (!Number.isInteger(power) || power < 1 || power > MAX_LATENCY_POWER) throw new Error(`latency power must be an integer 1..${MAX_LATENCY_POWER}, got ${power}`);
  const span = mode === 's4nn' ? tmax : tmax - 1;
  const den = 255 ** power;
  const table = new Int32Array(256);
  for (let p = 0; p < 256; p++) table[p] = Math.floor(((255 - p) ** power * span) / den);
  return table;
}

/** The last step at which an input spike is an event (ttfs_sort_events' tLast): a spike at tmax - 1 could only
 *  make a neuron cross at tmax, which reads as silent. BS4NN's code puts black pixels there. */
export function lastInputEvent(tmax: number): number { return tmax - 2; }

/** The coding's definition: the input layer's kernel (ttfs_encode_events) is tested against it. */
export function encodeLatencies(pixels: Uint8Array, offset: number, n: number, table: Int32Array, out: Int32Array): void {
  for (let i = 0; i < n; i++) out[i] = table[pixels[offset + i]];
}
