// IDX reader (the MNIST / Fashion-MNIST container: http://yann.lecun.com/exdb/mnist/).
// Layout: 00 00 <type> <ndims>, then ndims big-endian uint32 sizes, then the data.
// We only accept unsigned bytes (type 0x08), which is what both datasets use. The header is
// untrusted: the declared size must equal the bytes actually present, checked before any use,
// so a forged header can neither allocate nor read out of bounds.

import { FileFormatError } from '../errors.js';
import { readBytes } from './files.js';
import { gunzip, isGzip } from './gzip.js';

/** A decoded IDX tensor: `data` is row-major with shape `dims` (a view, not a copy). */
export interface IdxTensor {
  dims: number[];
  data: Uint8Array;
}

const IDX_UBYTE = 0x08;
/** Upper bound on the declared element count; far above MNIST's 47 M, far below 2^53 issues. */
export const MAX_IDX_ELEMENTS = 2 ** 31;

/**
 * Reads an IDX file, raw or gzip-compressed (detected by the 1f 8b magic, not the name).
 * Pass `bytes` to parse data already in memory; `file` is then only used in error messages.
 * `shared`: a compressed file is inflated into a SharedArrayBuffer (see gunzip).
 */
export function readIdx(file: string, bytes?: Uint8Array, shared = false): IdxTensor {
  let b = bytes ?? readBytes(file);
  if (isGzip(b)) b = gunzip(file, b, undefined, shared);
  return parseIdx(file, b);
}

/** Parses uncompressed IDX bytes. */
export function parseIdx(file: string, b: Uint8Array): IdxTensor {
  const bad = (problem: string) => new FileFormatError(file, problem);
  if (b.length < 4) throw bad(`not an IDX file: only ${b.length} bytes, the header alone needs 4`);
  if (b[0] !== 0 || b[1] !== 0) {
    const got = Array.from(b.subarray(0, 4), (x) => x.toString(16).padStart(2, '0')).join(' ');
    throw bad(`not an IDX file: bad magic ${got} (expected 00 00 08 0N)`);
  }
  if (b[2] !== IDX_UBYTE) {
    throw bad(`unsupported IDX element type 0x${b[2].toString(16).padStart(2, '0')} (only unsigned byte 0x08 is supported)`);
  }
  const ndims = b[3];
  if (ndims < 1 || ndims > 4) throw bad(`IDX header declares ${ndims} dimensions (expected 1 to 4)`);
  const headerLength = 4 + 4 * ndims;
  if (b.length < headerLength) throw bad(`truncated IDX header: needs ${headerLength} bytes, file has ${b.length}`);

  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < ndims; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    count *= d;
  }
  const shape = dims.join('x');
  // Every dim is < 2^32 and there are at most 4, so `count` is exact or clearly huge; either way
  // the comparison below rejects forged headers without allocating anything.
  if (count > MAX_IDX_ELEMENTS) {
    throw bad(`IDX header declares dims ${shape} = ${count} bytes, over the ${MAX_IDX_ELEMENTS} limit (forged or corrupt header)`);
  }
  const present = b.length - headerLength;
  if (present < count) {
    throw bad(`truncated IDX data: header declares dims ${shape} = ${count} bytes but only ${present} are present`);
  }
  if (present > count) {
    throw bad(`${present - count} trailing bytes after the ${count} data bytes declared by the IDX header (dims ${shape})`);
  }
  return { dims, data: b.subarray(headerLength) };
}

/**
 * Encodes an unsigned-byte IDX file for fixtures. Deliberately does not check that `data` fits
 * `dims`, so tests can craft truncated or oversized files with it.
 */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out[2] = IDX_UBYTE;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
