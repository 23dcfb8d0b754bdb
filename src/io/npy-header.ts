// The .npy preamble: magic, version, and the header, which is a Python dict literal such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// We parse exactly the literal subset NumPy writes (strings, True/False, tuples of ints) with a
// small recursive-descent parser; the header comes from an untrusted file, so nothing is eval'd.
// Spec: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html

import { FileFormatError } from '../errors.js';

export const NPY_MAGIC = Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59); // "\x93NUMPY"

/** NumPy aligns the data start to this many bytes (so it can be memory-mapped efficiently). */
const ARRAY_ALIGN = 64;
/** NumPy >= 1.24 pads the header for in-place growth of the first axis; we match it byte for byte. */
const GROWTH_AXIS_MAX_DIGITS = 21;
/** A real header for the dtypes we accept is ~128 bytes; cap v2/v3 so a forged length cannot make us decode megabytes. */
const MAX_HEADER_LEN = 1 << 20;

export interface NpyHeader {
  version: 1 | 2 | 3;
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the first data byte. */
  dataOffset: number;
}

/** Read and validate the magic, version and header dict at the start of `bytes`. */
export function decodeNpyHeader(file: string, bytes: Uint8Array): NpyHeader {
  if (bytes.length < 10 || NPY_MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new FileFormatError(file, 'not a .npy file (missing \\x93NUMPY magic)');
  }
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if ((major !== 1 && major !== 2 && major !== 3) || minor !== 0) {
    throw new FileFormatError(file, `unsupported .npy format version ${major}.${minor} (supported: 1.0, 2.0, 3.0)`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) throw new FileFormatError(file, 'truncated .npy preamble');
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = 8 + lenBytes;
  if (headerLen > MAX_HEADER_LEN) {
    throw new FileFormatError(file, `.npy header length ${headerLen} exceeds the ${MAX_HEADER_LEN}-byte limit`);
  }
  if (start + headerLen > bytes.length) {
    throw new FileFormatError(file, `truncated .npy header: needs ${headerLen} bytes, file has ${bytes.length - start}`);
  }
  const raw = bytes.subarray(start, start + headerLen);
  // Versions 1 and 2 are latin-1; version 3 is UTF-8 (added for unicode field names).
  let text: string;
  try {
    text = major === 3 ? new TextDecoder('utf-8', { fatal: true }).decode(raw) : Buffer.from(raw).toString('latin1');
  } catch {
    throw new FileFormatError(file, '.npy header is not valid UTF-8');
  }
  const dict = new DictParser(file, text).parseHeader();
  return { version: major, ...dict, dataOffset: start + headerLen };
}

/**
 * The complete preamble NumPy's np.save would write for a C-order array: magic, version, header
 * length, the dict (keys sorted, with NumPy's growth padding), spaces up to a 64-byte boundary, '\n'.
 * Uses version 1.0 unless the header is too long for its 16-bit length field.
 */
export function encodeNpyHeader(descr: string, shape: readonly number[]): Uint8Array {
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${pythonTuple(shape)}, }`;
  if (shape.length > 0) dict += ' '.repeat(GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length);
  let version = 1;
  let lenBytes = 2;
  let padded = padTo(dict, 8 + lenBytes);
  if (padded.length > 0xffff) {
    version = 2;
    lenBytes = 4;
    padded = padTo(dict, 8 + lenBytes);
  }
  const out = new Uint8Array(8 + lenBytes + padded.length);
  out.set(NPY_MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  if (lenBytes === 2) dv.setUint16(8, padded.length, true);
  else dv.setUint32(8, padded.length, true);
  out.set(Buffer.from(padded, 'latin1'), 8 + lenBytes);
  return out;
}

/** Python's repr of a tuple of ints: (), (5,), (2, 3). */
function pythonTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** Pad with spaces and a final newline so prefix + header is a multiple of ARRAY_ALIGN (as NumPy: 1..64 spaces). */
function padTo(dict: string, prefixLen: number): string {
  const padLen = ARRAY_ALIGN - ((prefixLen + dict.length + 1) % ARRAY_ALIGN);
  return dict + ' '.repeat(padLen) + '\n';
}

type Literal = string | boolean | number[];

/** Recursive-descent parser for the dict literal; every error names the file and the column. */
class DictParser {
  private pos = 0;
  constructor(private readonly file: string, private readonly text: string) {}

  parseHeader(): Omit<NpyHeader, 'version' | 'dataOffset'> {
    const dict = this.parseDict();
    this.skipSpace();
    if (this.pos !== this.text.length) this.fail('unexpected text after the header dict');
    const keys = [...dict.keys()].sort().join(', ');
    if (keys !== 'descr, fortran_order, shape') {
      this.fail(`header keys must be exactly descr, fortran_order, shape (found: ${keys || 'none'})`);
    }
    const descr = dict.get('descr');
    const fortranOrder = dict.get('fortran_order');
    const shape = dict.get('shape');
    if (typeof descr !== 'string') this.fail("'descr' must be a string (structured dtypes are not supported)");
    if (typeof fortranOrder !== 'boolean') this.fail("'fortran_order' must be True or False");
    if (!Array.isArray(shape)) this.fail("'shape' must be a tuple of integers");
    return { descr, fortranOrder, shape };
  }

  private parseDict(): Map<string, Literal> {
    const dict = new Map<string, Literal>();
    this.expect('{');
    for (;;) {
      this.skipSpace();
      if (this.peek() === '}') break;
      const key = this.parseString();
      if (dict.has(key)) this.fail(`duplicate key '${key}'`);
      this.skipSpace();
      this.expect(':');
      this.skipSpace();
      dict.set(key, this.parseValue());
      this.skipSpace();
      if (this.peek() === ',') this.pos++;
      else if (this.peek() !== '}') this.fail("expected ',' or '}'");
    }
    this.pos++; // '}'
    return dict;
  }

  private parseValue(): Literal {
    const c = this.peek();
    if (c === "'" || c === '"') return this.parseString();
    if (c === '(') return this.parseTuple();
    if (this.text.startsWith('True', this.pos)) return (this.pos += 4), true;
    if (this.text.startsWith('False', this.pos)) return (this.pos += 5), false;
    return this.fail('expected a string, True, False or a tuple');
  }

  /** Quoted string without escapes: NumPy never writes any, and rejecting them keeps this simple. */
  private parseString(): string {
    const quote = this.peek();
    if (quote !== "'" && quote !== '"') this.fail('expected a quoted string');
    const end = this.text.indexOf(quote, this.pos + 1);
    if (end < 0) this.fail('unterminated string');
    const s = this.text.slice(this.pos + 1, end);
    if (s.includes('\\') || s.includes('\n')) this.fail('escapes and newlines in strings are not supported');
    this.pos = end + 1;
    return s;
  }

  /** (), (n,), (a, b, ...) with an optional trailing comma; Python 2 era files write 600L. */
  private parseTuple(): number[] {
    const items: number[] = [];
    this.expect('(');
    for (;;) {
      this.skipSpace();
      if (this.peek() === ')') break;
      const m = /^[0-9]+L?/.exec(this.text.slice(this.pos, this.pos + 32));
      if (!m) this.fail('expected a non-negative integer in the shape tuple');
      const digits = m[0].replace('L', '');
      const n = Number(digits);
      if (!Number.isSafeInteger(n)) this.fail(`shape dimension ${digits} is too large`);
      items.push(n);
      this.pos += m[0].length;
      this.skipSpace();
      if (this.peek() === ',') this.pos++;
      else if (this.peek() !== ')') this.fail("expected ',' or ')' in the shape tuple");
      else if (items.length === 1) this.fail('a one-element tuple needs a trailing comma, e.g. (5,)');
    }
    this.pos++; // ')'
    return items;
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && ' \t\r\n'.includes(this.text[this.pos]!)) this.pos++;
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private expect(c: string): void {
    if (this.peek() !== c) this.fail(`expected '${c}'`);
    this.pos++;
  }

  private fail(problem: string): never {
    const snippet = JSON.stringify(this.text.trimEnd().slice(0, 120));
    throw new FileFormatError(this.file, `invalid .npy header at column ${this.pos + 1}: ${problem} in ${snippet}`);
  }
}
