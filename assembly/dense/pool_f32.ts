// 2x2 max pooling, stride 2, over `planes` planes of H x W (floor: an odd last row/column is dropped,
// as PyTorch's MaxPool2d(2)). arg (u8 per output, optional: 0 = do not record) holds which of the four
// window positions won (0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right); ties go to the first
// in that order (PyTorch's rule). On 0/1 spike maps the maximum is the logical OR of the window.
// Backward: dx = 0 except dx[winner] = dy (windows do not overlap). No arithmetic: one version each.

export function f32_maxpool2(x: usize, planes: i32, H: i32, W: i32, y: usize, arg: usize): void {
  const Ho = H >> 1, Wo = W >> 1;
  for (let p = 0; p < planes; p++) {
    const xp = x + ((<usize>(p * H * W)) << 2), yp = y + ((<usize>(p * Ho * Wo)) << 2);
    for (let oy = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++) {
      const t = xp + ((<usize>((2 * oy) * W + 2 * ox)) << 2);
      let m = load<f32>(t), k: u8 = 0;
      const v1 = load<f32>(t + 4); if (v1 > m) { m = v1; k = 1; }
      const v2 = load<f32>(t + (<usize>W << 2)); if (v2 > m) { m = v2; k = 2; }
      const v3 = load<f32>(t + (<usize>W << 2) + 4); if (v3 > m) { m = v3; k = 3; }
      const o = oy * Wo + ox;
      store<f32>(yp + (<usize>o << 2), m);
      if (arg != 0) store<u8>(arg + <usize>(p * Ho * Wo + o), k);
    }
  }
}

export function f32_maxpool2_bwd(dy: usize, arg: usize, planes: i32, H: i32, W: i32, dx: usize): void {
  const Ho = H >> 1, Wo = W >> 1;
  memory.fill(dx, 0, (<usize>(planes * H * W)) << 2);
  for (let p = 0; p < planes; p++) {
    const dp = dx + ((<usize>(p * H * W)) << 2);
    for (let oy = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++) {
      const o = p * Ho * Wo + oy * Wo + ox;
      const k = <i32>load<u8>(arg + <usize>o);
      const pos = (2 * oy + (k >> 1)) * W + 2 * ox + (k & 1);
      store<f32>(dp + (<usize>pos << 2), load<f32>(dy + (<usize>o << 2)));
    }
  }
}
