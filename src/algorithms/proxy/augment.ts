// Training-time augmentation, drawn from the Philox stream keyed by (seed, 'augment', epoch) at the
// sample's index, so a sample's crop depends only on (seed, epoch, index), never on the worker.
//   'crop26pad1'   (Fashion-MNIST reference: RandomCrop(26) then Pad(1)): a 26x26 window at offset
//                  (i, j) in 0..2, placed back at (1, 1) of a zero 28x28 image;
//   'pad4crop-flip' (CIFAR-10): RandomCrop(32, padding=4) (offset 0..8 in the zero-padded image) and
//                  a horizontal flip with probability 1/2;
//   'none'.
// Pixels become p / 255 (no mean/std normalisation, as the reference; the first BN rescales anyway).
import { RandomStream } from '../../train/rng.js';
import type { ImageShape } from './plan.js';

export type Augment = 'crop26pad1' | 'pad4crop-flip' | 'none';
export const AUGMENTS: readonly Augment[] = ['crop26pad1', 'pad4crop-flip', 'none'];

/** Writes image `index` of `images` (C H W bytes) into dst as floats, augmented unless aug is 'none'. */
export function loadImage(dst: Float32Array, images: Uint8Array, index: number, shape: ImageShape, aug: Augment, seed: number, epoch: number): void {
  const { channels: C, height: H, width: W } = shape;
  const src = index * C * H * W;
  if (aug === 'none') {
    for (let i = 0; i < C * H * W; i++) dst[i] = images[src + i] / 255;
    return;
  }
  const r = new RandomStream(seed, 'augment', epoch, 0);
  let dy: number, dx: number, lo: number, hiY: number, hiX: number, flip = false;
  if (aug === 'crop26pad1') {
    // out[y][x] = img[y - 1 + i][x - 1 + j] for 1 <= y, x <= H - 2, else 0
    const i = r.below(4 * index, 3), j = r.below(4 * index + 1, 3);
    dy = i - 1; dx = j - 1; lo = 1; hiY = H - 1; hiX = W - 1;
  } else {
    const top = r.below(4 * index, 9), left = r.below(4 * index + 1, 9);
    flip = r.below(4 * index + 2, 2) === 1;
    dy = top - 4; dx = left - 4; lo = 0; hiY = H; hiX = W;
  }
  for (let c = 0; c < C; c++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const sy = y + dy, sxu = x + dx;
    const ok = y >= lo && y < hiY && x >= lo && x < hiX && sy >= 0 && sy < H && sxu >= 0 && sxu < W;
    const v = ok ? images[src + (c * H + sy) * W + sxu] / 255 : 0;
    dst[(c * H + y) * W + (flip ? W - 1 - x : x)] = v;
  }
}
