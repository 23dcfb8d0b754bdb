// Validated gunzip on top of fflate. fflate's gunzipSync trusts the gzip trailer: it allocates
// ISIZE bytes (up to 4 GiB from a forged/truncated file), silently drops output beyond that,
// and never checks the CRC-32. So we parse the header ourselves, bound ISIZE before
// allocating, inflate into exactly ISIZE bytes, and check both length and CRC-32 afterwards.
// A truncated download then fails loudly instead of yielding a short, silently-zeroed dataset.

import * as zlib from 'node:zlib';
import { inflateSync } from 'fflate';
import { FileFormatError } from '../errors.js';

/** Largest decompressed size we accept by default (the CIFAR-10 tar is ~185 MB). */
export const DEFAULT_MAX_GUNZIP_BYTES = 512 * 1024 * 1024;

/** Deflate cannot expand more than ~1032:1, so a larger ISIZE is a forged or garbage trailer. */
const MAX_DEFLATE_RATIO = 1032;

/** True when `bytes` start with the gzip magic 1f 8b (detected by content, not file name). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decompresses a single-member gzip stream; any damage raises FileFormatError naming `file`. `shared`: the
 *  output lives in a SharedArrayBuffer (pool workers then read it in place: no copy of a dataset, whose fresh
 *  pages cost this VM ~7 ms per MB to fault in). */
export function gunzip(file: string, bytes: Uint8Array, maxBytes = DEFAULT_MAX_GUNZIP_BYTES, shared = false): Uint8Array {
  const bad = (why: string) => new FileFormatError(file, `truncated or corrupt gzip stream: ${why}`);
  const start = gzipBodyStart(bytes, bad);
  if (start + 8 > bytes.length) throw bad('file ends before the gzip trailer');
  const end = bytes.length - 8;
  const crcWant = readU32LE(bytes, end);
  const size = readU32LE(bytes, end + 4);
  const bodyLength = end - start;
  if (size > MAX_DEFLATE_RATIO * bodyLength + MAX_DEFLATE_RATIO) {
    throw bad(`trailer claims ${size} bytes uncompressed from only ${bodyLength} compressed bytes`);
  }
  if (size > maxBytes) throw bad(`trailer claims ${size} bytes uncompressed, over the ${maxBytes}-byte limit`);

  let out: Uint8Array;
  try {
    const target = shared ? new Uint8Array(new SharedArrayBuffer(size)) : new Uint8Array(size);
    // fflate's types ask for an ArrayBuffer-backed array; it only indexes it, so shared memory serves as well
    out = inflateSync(bytes.subarray(start, end), { out: target as Uint8Array<ArrayBuffer> });
  } catch (e) {
    throw bad(e instanceof Error ? e.message : String(e));
  }
  if (out.length !== size) throw bad(`inflated ${out.length} bytes but the trailer says ${size}`);
  const crcGot = crc32(out);
  if (crcGot !== crcWant) throw bad(`CRC-32 mismatch (trailer ${hex8(crcWant)}, data ${hex8(crcGot)})`);
  return out;
}

/** Offset of the deflate body after the gzip header (RFC 1952 section 2.3), bounds-checked. */
function gzipBodyStart(d: Uint8Array, bad: (why: string) => Error): number {
  if (d.length < 10 || !isGzip(d)) throw bad('missing gzip header');
  if (d[2] !== 8) throw bad(`compression method ${d[2]} is not deflate`);
  const flags = d[3];
  if (flags & 0xe0) throw bad('reserved header flags are set');
  let p = 10;
  if (flags & 4) {
    if (p + 2 > d.length) throw bad('header ends inside FEXTRA');
    p += 2 + (d[p] | (d[p + 1] << 8));
  }
  for (const bit of [8, 16]) {
    if (!(flags & bit)) continue;
    // FNAME / FCOMMENT: zero-terminated strings.
    while (p < d.length && d[p] !== 0) p++;
    p++;
  }
  if (flags & 2) p += 2; // FHCRC
  if (p > d.length) throw bad('header runs past the end of the file');
  return p;
}

function readU32LE(d: Uint8Array, p: number): number {
  return (d[p] | (d[p + 1] << 8) | (d[p + 2] << 16) | (d[p + 3] << 24)) >>> 0;
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/** CRC-32 of `data` (gzip's) as an unsigned 32-bit number: node:zlib's native one where this Node has it
 *  (20.15 and later: about 50x faster than the table loop below, which took 0.24 s of every start that reads
 *  MNIST's 55 MB), else the carried one. */
export function crc32(data: Uint8Array): number {
  return nativeCrc32 ? nativeCrc32(data) >>> 0 : crc32Portable(data);
}
const nativeCrc32 = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;

// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) as used by gzip. fflate keeps its
// implementation private and node:zlib's crc32 only exists from Node 20.15 (engines: >= 20), so we carry one.
const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[i] = c;
  }
  return t;
})();

/** The carried CRC-32 (a table loop): the fallback on Node before 20.15. */
export function crc32Portable(data: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
