// Intensity-to-latency input coding (algorithms.md 1.1), generalised to any tmax (the reference
// codes use tmax = 256). Integer arithmetic only: exact everywhere.
//  s4nn:  t = floor((255 - p) * tmax / 255)        (p = 255 -> 0, p = 0 -> tmax: no effective spike)
//  bs4nn: t = floor((255 - p) * (tmax - 1) / 255)  (tmax 256: t = 255 - p; p = 0 -> tmax - 1, which can
//                                                   only cause a crossing that reads as t = tmax)
export type TtfsEncoding = 's4nn' | 'bs4nn';

export function encodeLatencies(pixels: Uint8Array, offset: number, n: number, mode: TtfsEncoding, tmax: number, out: Int32Array): void {
  const span = mode === 's4nn' ? tmax : tmax - 1;
  for (let i = 0; i < n; i++) out[i] = Math.floor(((255 - pixels[offset + i]) * span) / 255);
}
