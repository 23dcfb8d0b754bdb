// Proxy augmentation: Fashion-MNIST's RandomCrop(26) + Pad(1) and CIFAR's crop-with-padding-4 + flip are
// pure functions of (seed, epoch, index), place the image where the definition says, and vary with each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadImage } from '../../src/algorithms/proxy/augment.js';

const H = 28, W = 28;
// image 0: pixel value = 1 + (y * 28 + x) % 250, all distinct enough to locate a shift
const img = new Uint8Array(2 * H * W).map((_, i) => 1 + (i % (H * W)) % 250);

function shiftOf(dst: Float32Array): [number, number] {
  // out[y][x] = img[y + dy][x + dx] inside the 26x26 window at (1, 1)
  const v = Math.round(dst[1 * W + 1] * 255) - 1;
  return [Math.floor(v / W) - 1, (v % W) - 1];
}

test('crop26pad1: zero 1-px border, a 26x26 window shifted by -1..1, fixed by (seed, epoch, index)', () => {
  const seen = new Set<string>();
  for (let epoch = 0; epoch < 12; epoch++) {
    const a = new Float32Array(H * W), b = new Float32Array(H * W);
    loadImage(a, img, 0, { channels: 1, height: H, width: W }, 'crop26pad1', 7, epoch);
    loadImage(b, img, 0, { channels: 1, height: H, width: W }, 'crop26pad1', 7, epoch);
    assert.deepEqual(a, b);
    for (let i = 0; i < W; i++) {
      for (const p of [i, (H - 1) * W + i, i * W, i * W + W - 1]) assert.equal(a[p], 0);
    }
    const [dy, dx] = shiftOf(a);
    assert.ok(Math.abs(dy) <= 1 && Math.abs(dx) <= 1);
    for (let y = 1; y < H - 1; y++) for (let x = 1; x < W - 1; x++) assert.equal(a[y * W + x], Math.fround(img[(y + dy) * W + x + dx] / 255));
    seen.add(`${dy},${dx}`);
  }
  assert.ok(seen.size >= 4, `only ${seen.size} distinct crops in 12 epochs`);
});

test('pad4crop-flip: shifts of up to 4 px with zero fill, horizontal flips, all channels alike', () => {
  const C = 3, S = 8, im = new Uint8Array(C * S * S).map((_, i) => 1 + i);
  let flips = 0;
  for (let index = 0; index < 40; index++) {
    const a = new Float32Array(C * S * S);
    loadImage(a, im, 0, { channels: C, height: S, width: S }, 'pad4crop-flip', 3, index);
    // find the (dy, dx, flip) that explains channel 0, then check every pixel of every channel
    let found = false;
    for (let dy = -4; dy <= 4 && !found; dy++) for (let dx = -4; dx <= 4 && !found; dx++) for (const flip of [false, true]) {
      let ok = true;
      for (let c = 0; c < C && ok; c++) for (let y = 0; y < S && ok; y++) for (let x = 0; x < S && ok; x++) {
        const sx = (flip ? S - 1 - x : x) + dx, sy = y + dy;
        const want = sy >= 0 && sy < S && sx >= 0 && sx < S ? im[(c * S + sy) * S + sx] / 255 : 0;
        ok = a[(c * S + y) * S + x] === Math.fround(want);
      }
      if (ok) { found = true; if (flip) flips++; break; }
    }
    assert.ok(found, `sample epoch ${index}: not a padded crop (+ flip) of the image`);
  }
  assert.ok(flips > 5 && flips < 35, `${flips} flips in 40`);
});
