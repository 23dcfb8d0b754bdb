// Intensity-to-latency input coding (algorithms.md 1.1). Integer arithmetic: exact everywhere.
//  s4nn:  t = floor((255 - p) * 256 / 255)  (p = 255 -> 0, p = 0 -> 256 = tmax: no effective spike)
//  bs4nn: t = 255 - p                        (p = 0 -> 255: integrated, but can only cause t = tmax)
export type TtfsEncoding = 's4nn' | 'bs4nn';

export function encodeLatencies(pixels: Uint8Array, offset: number, n: number, mode: TtfsEncoding, out: Int32Array): void {
  if (mode === 's4nn') {
    for (let i = 0; i < n; i++) out[i] = Math.floor(((255 - pixels[offset + i]) * 256) / 255);
  } else {
    for (let i = 0; i < n; i++) out[i] = 255 - pixels[offset + i];
  }
}
