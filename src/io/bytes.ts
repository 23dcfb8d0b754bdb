// Typed arrays <-> little-endian bytes. Every on-disk format in this project is little-endian so
// files move between machines unchanged; on the (rare) big-endian host we swap through a DataView
// instead of silently writing host order.

/** The tensor element types the I/O layer understands. */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Short dtype names used in checkpoint headers. */
export type DType = 'f32' | 'f64' | 'i32' | 'u8';

export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export const ITEM_SIZE: Readonly<Record<DType, number>> = { f32: 4, f64: 8, i32: 4, u8: 1 };

/** The dtype of a typed array, or undefined for types we do not store (Int16Array, ...). */
export function dtypeOf(a: unknown): DType | undefined {
  // Order matters only for subclasses: Buffer is a Uint8Array and is stored as u8.
  if (a instanceof Float32Array) return 'f32';
  if (a instanceof Float64Array) return 'f64';
  if (a instanceof Int32Array) return 'i32';
  if (a instanceof Uint8Array) return 'u8';
  return undefined;
}

/**
 * The little-endian bytes of `a`. On little-endian hosts this is a zero-copy view, so callers must
 * not mutate `a` until they are done with the result.
 */
export function toLittleEndianBytes(a: TypedArray): Uint8Array {
  const view = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  if (HOST_IS_LITTLE_ENDIAN || a instanceof Uint8Array) return view;
  const out = new Uint8Array(a.byteLength);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) {
    if (a instanceof Float32Array) dv.setFloat32(i * 4, a[i]!, true);
    else if (a instanceof Float64Array) dv.setFloat64(i * 8, a[i]!, true);
    else dv.setInt32(i * 4, a[i]!, true);
  }
  return out;
}

/**
 * Decode `count` little-endian elements starting at `bytes[offset]` into a fresh, aligned typed
 * array. Always copies: the source (often a pooled Buffer) may be unaligned for the element size,
 * and callers should own their tensors outright.
 */
export function fromLittleEndianBytes(bytes: Uint8Array, offset: number, count: number, dtype: DType): TypedArray {
  const out = allocate(dtype, count);
  const src = bytes.subarray(offset, offset + count * ITEM_SIZE[dtype]);
  if (HOST_IS_LITTLE_ENDIAN || dtype === 'u8') {
    new Uint8Array(out.buffer).set(src);
    return out;
  }
  const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  for (let i = 0; i < count; i++) {
    if (dtype === 'f32') out[i] = dv.getFloat32(i * 4, true);
    else if (dtype === 'f64') out[i] = dv.getFloat64(i * 8, true);
    else out[i] = dv.getInt32(i * 4, true);
  }
  return out;
}

function allocate(dtype: DType, count: number): TypedArray {
  switch (dtype) {
    case 'f32': return new Float32Array(count);
    case 'f64': return new Float64Array(count);
    case 'i32': return new Int32Array(count);
    case 'u8': return new Uint8Array(count);
  }
}

/**
 * Product of `shape` as an exact BigInt, so a forged header such as (10**12, 10**12) can be compared
 * against the real byte count without overflowing a double or allocating anything.
 */
export function shapeProduct(shape: readonly number[]): bigint {
  let n = 1n;
  for (const d of shape) n *= BigInt(d);
  return n;
}

/** True when every entry is a non-negative safe integer. */
export function isValidShape(shape: unknown): shape is number[] {
  return Array.isArray(shape) && shape.every((d) => Number.isSafeInteger(d) && d >= 0);
}
