// The byte layout of an snnwasm checkpoint (format version 1). All integers little-endian.
//
//   offset 0   8 bytes   magic "SNNCKPT\0"
//          8   u32       format version (1)
//         12   u32       H = header JSON byte length
//         16   H bytes   header JSON (UTF-8): {"meta": {...}, "tensors": [TensorEntry, ...]}
//              zero padding to a multiple of 8  -> the payload section starts here ("dataStart")
//              tensor payloads, each at dataStart + entry.offset, each zero-padded to 8 bytes
//   last 32 bytes        SHA-256 of every preceding byte
//
// Offsets are relative to the payload section so the writer can compute them before it knows the
// header's own length. 8-byte alignment keeps every payload naturally aligned for f64 views.
// This module is pure (bytes in, bytes out); checkpoint.ts does the file handling.

import { createHash } from 'node:crypto';
import { ChecksumError, FileFormatError } from '../errors.js';
import { dtypeOf, fromLittleEndianBytes, isValidShape, ITEM_SIZE, shapeProduct, toLittleEndianBytes } from './bytes.js';
import type { DType, TypedArray } from './bytes.js';

export const CHECKPOINT_MAGIC = Uint8Array.from(Buffer.from('SNNCKPT\0', 'latin1'));
export const CHECKPOINT_VERSION = 1;
const PREFIX_LEN = 16;
const FOOTER_LEN = 32;
const ALIGN = 8;

/** One tensor's record in the header; computed by the writer, validated by the reader. */
export interface TensorEntry {
  name: string;
  dtype: DType;
  shape: number[];
  /** Byte offset from the start of the payload section (a multiple of 8). */
  offset: number;
  byteLength: number;
}

/** A tensor to save: a flat typed array (saved with shape [length]) or data with an explicit shape. */
export type TensorInput = TypedArray | { shape: readonly number[]; data: TypedArray };

export interface Checkpoint {
  /** The caller's metadata, exactly as JSON round-trips it. */
  meta: Record<string, unknown>;
  /** Freshly allocated tensors, in the order they were saved. */
  tensors: Record<string, TypedArray>;
  /** Each tensor's shape (flat tensors saved without one come back as [length]). */
  shapes: Record<string, number[]>;
}

const align = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

/** Serialise to a list of chunks (payloads are zero-copy views on little-endian hosts). */
export function encodeCheckpoint(file: string, meta: object, tensors: Record<string, TensorInput>): Uint8Array[] {
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) {
    throw new FileFormatError(file, 'cannot save checkpoint: meta must be a JSON object');
  }
  const entries: TensorEntry[] = [];
  const payloads: Uint8Array[] = [];
  let offset = 0;
  for (const [name, input] of Object.entries(tensors)) {
    const data = ArrayBuffer.isView(input) ? input : input.data;
    const shape = ArrayBuffer.isView(input) ? [input.length] : [...input.shape];
    const dtype = dtypeOf(data);
    if (name === '') throw new FileFormatError(file, 'cannot save checkpoint: empty tensor name');
    if (dtype === undefined) {
      throw new FileFormatError(file, `cannot save checkpoint: tensor '${name}' must be a Float32Array, Float64Array, Int32Array or Uint8Array`);
    }
    if (!isValidShape(shape) || shapeProduct(shape) !== BigInt(data.length)) {
      throw new FileFormatError(file, `cannot save checkpoint: tensor '${name}' shape [${shape.join(', ')}] does not match ${data.length} elements`);
    }
    entries.push({ name, dtype, shape, offset, byteLength: data.byteLength });
    payloads.push(toLittleEndianBytes(data));
    offset = align(offset + data.byteLength);
  }

  let json: string;
  try {
    // Non-finite numbers would silently become null and resume with different state: refuse them.
    json = JSON.stringify({ meta, tensors: entries }, (key, v: unknown) => {
      if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`meta value '${key}' is ${v}`);
      return v;
    });
  } catch (err) {
    throw new FileFormatError(file, `cannot save checkpoint: meta is not JSON-serializable: ${(err as Error).message}`);
  }
  const header = Buffer.from(json, 'utf8');
  const prefix = new Uint8Array(PREFIX_LEN);
  prefix.set(CHECKPOINT_MAGIC, 0);
  const dv = new DataView(prefix.buffer);
  dv.setUint32(8, CHECKPOINT_VERSION, true);
  dv.setUint32(12, header.length, true);

  const chunks: Uint8Array[] = [prefix, header, zeros(align(PREFIX_LEN + header.length) - PREFIX_LEN - header.length)];
  payloads.forEach((p) => chunks.push(p, zeros(align(p.byteLength) - p.byteLength)));
  const hash = createHash('sha256');
  for (const c of chunks) hash.update(c);
  chunks.push(hash.digest());
  return chunks;
}

/** Parse and fully validate a checkpoint; every failure names the file and the problem. */
export function decodeCheckpoint(file: string, bytes: Uint8Array): Checkpoint {
  const fail = (problem: string): never => {
    throw new FileFormatError(file, problem);
  };
  if (bytes.length < CHECKPOINT_MAGIC.length || CHECKPOINT_MAGIC.some((b, i) => bytes[i] !== b)) {
    fail('not an snnwasm checkpoint (bad magic)');
  }
  if (bytes.length < PREFIX_LEN + FOOTER_LEN) fail(`truncated: ${bytes.length} bytes is shorter than any checkpoint`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(8, true);
  if (version !== CHECKPOINT_VERSION) {
    fail(version > CHECKPOINT_VERSION
      ? `checkpoint format version ${version} was written by a newer snnwasm; this build reads version ${CHECKPOINT_VERSION}`
      : `unsupported checkpoint format version ${version}`);
  }
  const headerLen = dv.getUint32(12, true);
  const bodyEnd = bytes.length - FOOTER_LEN;
  if (headerLen < 2 || PREFIX_LEN + headerLen > bodyEnd) {
    fail(`header length ${headerLen} is impossible for a ${bytes.length}-byte file (truncated or corrupt)`);
  }
  const dataStart = align(PREFIX_LEN + headerLen);

  const stored = Buffer.from(bytes.subarray(bodyEnd)).toString('hex');
  const actual = createHash('sha256').update(bytes.subarray(0, bodyEnd)).digest('hex');
  if (stored !== actual) {
    // A short file (copy interrupted, disk full) is the common case; say so when the header is intact.
    const declared = declaredSize(bytes.subarray(PREFIX_LEN, PREFIX_LEN + headerLen), dataStart);
    if (declared !== undefined && declared !== bytes.length) {
      fail(`${declared > bytes.length ? 'truncated' : 'has trailing bytes'}: header describes ${declared} bytes, file has ${bytes.length}`);
    }
    throw new ChecksumError(file, stored, actual);
  }

  // The checksum matched, so failures below mean a buggy or malicious writer, not bit rot.
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(PREFIX_LEN, PREFIX_LEN + headerLen)).toString('utf8'));
  } catch (err) {
    fail(`header is not valid JSON: ${(err as Error).message}`);
  }
  if (!isPlainObject(header) || !isPlainObject(header.meta) || !Array.isArray(header.tensors)) {
    fail('header must be a JSON object with a "meta" object and a "tensors" array');
  }
  const h = header as { meta: Record<string, unknown>; tensors: unknown[] };
  const entries = validateEntries(fail, h.tensors, Math.max(0, bodyEnd - dataStart));
  const tensors: Record<string, TypedArray> = {};
  const shapes: Record<string, number[]> = {};
  for (const e of entries) {
    tensors[e.name] = fromLittleEndianBytes(bytes, dataStart + e.offset, e.byteLength / ITEM_SIZE[e.dtype], e.dtype);
    shapes[e.name] = e.shape;
  }
  return { meta: h.meta, tensors, shapes };
}

/** Check every entry lies inside the payload section, agrees with its shape and dtype, and overlaps no other. */
function validateEntries(fail: (problem: string) => never, raw: unknown[], payloadLen: number): TensorEntry[] {
  const seen = new Set<string>();
  const entries = raw.map((r, i): TensorEntry => {
    if (!isPlainObject(r)) return fail(`tensor entry ${i} is not an object`);
    const { name, dtype, shape, offset, byteLength } = r;
    const label = typeof name === 'string' ? `tensor '${name}'` : `tensor entry ${i}`;
    if (typeof name !== 'string' || name === '') fail(`${label} has no name`);
    if (seen.has(name as string)) fail(`${label} appears twice`);
    seen.add(name as string);
    if (typeof dtype !== 'string' || !Object.hasOwn(ITEM_SIZE, dtype)) fail(`${label} has unknown dtype ${JSON.stringify(dtype)}`);
    if (!isValidShape(shape)) fail(`${label} has an invalid shape ${JSON.stringify(shape)}`);
    if (!Number.isSafeInteger(offset) || (offset as number) < 0 || (offset as number) % ALIGN !== 0) {
      fail(`${label} has an invalid offset ${JSON.stringify(offset)}`);
    }
    if (!Number.isSafeInteger(byteLength) || (byteLength as number) < 0) fail(`${label} has an invalid byteLength ${JSON.stringify(byteLength)}`);
    const e = { name, dtype, shape, offset, byteLength } as TensorEntry;
    if (shapeProduct(e.shape) * BigInt(ITEM_SIZE[e.dtype]) !== BigInt(e.byteLength)) {
      fail(`${label} byteLength ${e.byteLength} does not match shape [${e.shape.join(', ')}] of ${e.dtype}`);
    }
    if (e.offset + e.byteLength > payloadLen) {
      fail(`${label} extends past the end of the data (offset ${e.offset} + ${e.byteLength} > ${payloadLen})`);
    }
    return e;
  });
  const byOffset = [...entries].sort((a, b) => a.offset - b.offset || a.byteLength - b.byteLength);
  for (let i = 1; i < byOffset.length; i++) {
    const prev = byOffset[i - 1]!;
    if (byOffset[i]!.offset < prev.offset + prev.byteLength) fail(`tensors '${prev.name}' and '${byOffset[i]!.name}' overlap`);
  }
  return entries;
}

/** The file size the header implies, or undefined when the header itself is unreadable. */
function declaredSize(headerBytes: Uint8Array, dataStart: number): number | undefined {
  try {
    const h = JSON.parse(Buffer.from(headerBytes).toString('utf8')) as { tensors?: unknown };
    if (!Array.isArray(h.tensors)) return undefined;
    let end = 0;
    for (const t of h.tensors as Array<{ offset?: unknown; byteLength?: unknown }>) {
      if (!Number.isSafeInteger(t.offset) || !Number.isSafeInteger(t.byteLength)) return undefined;
      end = Math.max(end, align((t.offset as number) + (t.byteLength as number)));
    }
    return dataStart + end + FOOTER_LEN;
  } catch {
    return undefined;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function zeros(n: number): Uint8Array {
  return new Uint8Array(n);
}
