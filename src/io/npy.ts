// Reading and writing NumPy .npy files, the interchange format for weights and datasets shared
// with the Python reference implementations. We support what those use: float32/float64,
// little-endian, C order. Anything else is rejected with a message saying how to convert it.

import { FileFormatError } from '../errors.js';
import { writeFileAtomic } from './atomic.js';
import { fromLittleEndianBytes, shapeProduct, isValidShape, toLittleEndianBytes } from './bytes.js';
import { decodeNpyHeader, encodeNpyHeader } from './npy-header.js';
import { readFileOrThrow } from './read-file.js';

export type NpyDType = 'f4' | 'f8';

export interface NpyArray {
  shape: number[];
  dtype: NpyDType;
  data: Float32Array | Float64Array;
}

export interface NpyMatrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

/**
 * Parse a .npy file (format versions 1.0, 2.0, 3.0). Pass `bytes` to parse an in-memory copy
 * (then `file` only labels errors). Accepts descr '<f4' / '<f8', and '|f4' / '|f8' which NumPy
 * reads as native order and which in practice come from little-endian writers.
 * The data length must match the shape exactly: a forged shape is rejected before any allocation.
 */
export function readNpy(file: string, bytes?: Uint8Array): NpyArray {
  const buf = bytes ?? readFileOrThrow(file);
  const h = decodeNpyHeader(file, buf);
  const dtype = parseDescr(file, h.descr);
  if (h.fortranOrder) {
    throw new FileFormatError(file, 'Fortran-order (column-major) arrays are not supported; save np.ascontiguousarray(a) instead');
  }
  const itemSize = dtype === 'f4' ? 4 : 8;
  const expected = shapeProduct(h.shape) * BigInt(itemSize);
  const actual = BigInt(buf.length - h.dataOffset);
  if (expected !== actual) {
    const what = expected > actual ? 'truncated' : 'has trailing bytes';
    throw new FileFormatError(file, `data ${what}: shape (${h.shape.join(', ')}) of ${dtype} needs ${expected} bytes, file has ${actual}`);
  }
  const count = Number(expected) / itemSize;
  const data = fromLittleEndianBytes(buf, h.dataOffset, count, dtype === 'f4' ? 'f32' : 'f64') as Float32Array | Float64Array;
  return { shape: h.shape, dtype, data };
}

/**
 * Read a 2-D weight or data matrix as float32 (row-major: data[r * cols + c]).
 * Trailing singleton axes are dropped while more than two remain, so [600, 784, 1] reads as
 * 600 x 784 but [600, 1] stays a 600 x 1 column. float64 files are rounded to the nearest
 * float32, because all kernels compute in float32; values beyond float32 range become ±Infinity.
 * Throws if the result is not 2-D or does not match `expect.rows` / `expect.cols`.
 */
export function readNpyMatrix(file: string, expect: { rows?: number; cols?: number } = {}, bytes?: Uint8Array): NpyMatrix {
  const { shape, data } = readNpy(file, bytes);
  const dims = [...shape];
  while (dims.length > 2 && dims[dims.length - 1] === 1) dims.pop();
  if (dims.length !== 2) {
    throw new FileFormatError(file, `expected a 2-D matrix, got shape (${shape.join(', ')})`);
  }
  const [rows, cols] = dims as [number, number];
  const want = `${expect.rows ?? '*'} x ${expect.cols ?? '*'}`;
  if ((expect.rows !== undefined && rows !== expect.rows) || (expect.cols !== undefined && cols !== expect.cols)) {
    throw new FileFormatError(file, `expected a ${want} matrix, got ${rows} x ${cols}`);
  }
  return { rows, cols, data: data instanceof Float32Array ? data : Float32Array.from(data) };
}

/**
 * The bytes np.save would produce for this C-order array ('<f4' for Float32Array, '<f8' for
 * Float64Array), as [preamble, data] so large arrays are not copied.
 */
export function encodeNpy(file: string, shape: readonly number[], data: Float32Array | Float64Array): Uint8Array[] {
  if (!(data instanceof Float32Array) && !(data instanceof Float64Array)) {
    throw new FileFormatError(file, 'cannot write .npy: data must be a Float32Array or Float64Array');
  }
  if (!isValidShape(shape)) {
    throw new FileFormatError(file, `cannot write .npy: invalid shape [${shape.join(', ')}]`);
  }
  if (shapeProduct(shape) !== BigInt(data.length)) {
    throw new FileFormatError(file, `cannot write .npy: shape (${shape.join(', ')}) does not match ${data.length} elements`);
  }
  const descr = data instanceof Float32Array ? '<f4' : '<f8';
  return [encodeNpyHeader(descr, shape), toLittleEndianBytes(data)];
}

/** Write a .npy file atomically (format 1.0, data aligned to 64 bytes, as NumPy does). */
export function writeNpy(file: string, shape: readonly number[], data: Float32Array | Float64Array): void {
  writeFileAtomic(file, encodeNpy(file, shape, data));
}

function parseDescr(file: string, descr: string): NpyDType {
  const m = /^([<>|=])(f4|f8)$/.exec(descr);
  if (m?.[1] === '>') {
    throw new FileFormatError(file, `big-endian dtype '${descr}' is not supported; convert with a.astype('<${m[2]}')`);
  }
  if (!m || m[1] === '=') {
    // '=' (native) never appears in files NumPy writes; we cannot know the writer's byte order.
    throw new FileFormatError(file, `unsupported dtype '${descr}' (supported: '<f4', '<f8'); convert with a.astype('<f4')`);
  }
  return m[2] as NpyDType;
}
