// STiDi-BP's input coding: how an image becomes the first layer's spike times (docs/stidi-bp.md §8).
//  'intensity' (the default): one channel per image channel, S4NN's latency code (ttfs/encode.ts:
//             t = floor((255 - p) tmax / 255), looked up in a table); black pixels (t = tmax) never spike.
//  'dog':     on- and off-centre difference-of-Gaussians contrast channels, as in the group's earlier
//             convolutional SNNs (Kheradpisheh et al. 2018: 7x7, sigma 1 and 2): r = (G1 - G2) * image, ON =
//             max(r, 0), OFF = max(-r, 0), per image channel; the strongest response of the image fires at
//             0 and a response x at floor((M - x) tmax / M); no response, no spike. A bright, uniform region
//             (a garment's body) gives no response, its edges do: the code carries contrast, not brightness.
// Integer arithmetic throughout (the kernel is quantised once to integers), so the code is the same on
// every platform. Network layout: [y][x][c'], with c' = c (intensity) or 2c (ON), 2c + 1 (OFF).
import type { ImageShape } from './config.js';
import { latencyTable } from '../ttfs/encode.js';

export const INPUT_CODES = ['intensity', 'dog'] as const;
export type InputCode = typeof INPUT_CODES[number];

/** channels of the coded input for an image of `channels` channels */
export function codedChannels(code: InputCode | undefined, channels: number): number {
  return code === 'dog' ? 2 * channels : channels;
}

export const DOG_SIZE = 7;
const DOG_SIGMA = [1, 2];
const DOG_SCALE = 65536;

/** the DoG kernel, row-major DOG_SIZE², each Gaussian normalised to sum 1, then times 2^16 and rounded */
export const DOG_KERNEL: Int32Array = (() => {
  const h = (DOG_SIZE - 1) / 2, g = DOG_SIGMA.map((s) => {
    const v: number[] = [];
    for (let y = -h; y <= h; y++) for (let x = -h; x <= h; x++) v.push(Math.exp(-(x * x + y * y) / (2 * s * s)));
    const sum = v.reduce((a, b) => a + b, 0);
    return v.map((e) => e / sum);
  });
  // rounded to 2^-16: the last bits of exp cannot change it except at an exact half, which these values avoid
  return Int32Array.from(g[0], (a, i) => Math.round((a - g[1][i]) * DOG_SCALE));
})();

/** An image coder for one configuration: writes the coded spike times of the image at pixels[offset ..]
 *  (channel planes) into t ([y][x][c']). */
export function imageEncoder(code: InputCode | undefined, shape: ImageShape, tmax: number): (pixels: Uint8Array, offset: number, t: Int32Array) => void {
  if (code === 'dog') return (pixels, offset, t) => encodeDog(shape, tmax, pixels, offset, t);
  const { channels: C, height: H, width: W } = shape, latency = latencyTable('s4nn', tmax);
  return (pixels, offset, t) => {
    for (let c = 0; c < C; c++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      t[(y * W + x) * C + c] = latency[pixels[offset + (c * H + y) * W + x]];
    }
  };
}

function encodeDog(shape: ImageShape, tmax: number, pixels: Uint8Array, offset: number, t: Int32Array): void {
  const { channels: C, height: H, width: W } = shape;
  const C2 = 2 * C, h = (DOG_SIZE - 1) / 2;
  let M = 0;
  // first pass: the responses (stored in t as signed integers), and their largest magnitude
  for (let c = 0; c < C; c++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    let r = 0;
    for (let dy = -h; dy <= h; dy++) {
      const yy = y + dy;
      if (yy < 0 || yy >= H) continue;
      for (let dx = -h; dx <= h; dx++) {
        const xx = x + dx;
        if (xx < 0 || xx >= W) continue;
        r += DOG_KERNEL[(dy + h) * DOG_SIZE + dx + h] * pixels[offset + (c * H + yy) * W + xx];
      }
    }
    t[(y * W + x) * C2 + 2 * c] = r;
    if (Math.abs(r) > M) M = Math.abs(r);
  }
  for (let c = 0; c < C; c++) for (let p = 0; p < H * W; p++) {
    const r = t[p * C2 + 2 * c];
    t[p * C2 + 2 * c] = r > 0 ? Math.floor(((M - r) * tmax) / M) : tmax;
    t[p * C2 + 2 * c + 1] = r < 0 ? Math.floor(((M + r) * tmax) / M) : tmax;
  }
}
