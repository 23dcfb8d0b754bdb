// The determinism contract: two runs with the same seed and config must end with bit-identical
// weights. We compare them by hashing the raw little-endian bytes of every tensor, in order.
// Only the bytes are hashed (no shapes or separators), so the same digest can be reproduced in
// Python with sha256(b''.join(a.astype('<f4').tobytes() for a in arrays)).

import { createHash } from 'node:crypto';
import { toLittleEndianBytes } from './bytes.js';
import type { TypedArray } from './bytes.js';

/** Lowercase hex SHA-256 of the concatenated little-endian bytes of `tensors`. */
export function weightsSha256(tensors: readonly TypedArray[]): string {
  const h = createHash('sha256');
  for (const t of tensors) h.update(toLittleEndianBytes(t));
  return h.digest('hex');
}
