import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeNpy, readNpy, readNpyMatrix, writeNpy } from '../../src/io/npy.js';
import { scratchDir, throwsFormat } from './helpers.js';

const { dir, cleanup } = scratchDir('npy');
after(cleanup);
const F = 'x.npy'; // label for in-memory parses

/** Full file bytes as NumPy 2.4 np.save writes them (hex captured from numpy). */
const NUMPY_F4_2x3 =
  '934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2033292c207d' +
  '20'.repeat(58) + '0a' + '000000000000803f0000004000004040000080400000a040';
const NUMPY_V2_F4_2x2 =
  '934e554d50590200740000007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2032292c207d' +
  '20'.repeat(56) + '0a' + '000000000000803f0000004000004040';
const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));

/** Build a .npy file from a raw header string (padded like NumPy) and data bytes, to forge inputs. */
function forge(header: string, data: Uint8Array = new Uint8Array(0), version = 1): Uint8Array {
  const lenBytes = version === 1 ? 2 : 4;
  const pad = 64 - ((8 + lenBytes + header.length + 1) % 64);
  const text = Buffer.from(header + ' '.repeat(pad) + '\n', 'latin1');
  const pre = Buffer.alloc(8 + lenBytes);
  Buffer.from('\x93NUMPY', 'latin1').copy(pre);
  pre[6] = version;
  if (version === 1) pre.writeUInt16LE(text.length, 8);
  else pre.writeUInt32LE(text.length, 8);
  return new Uint8Array(Buffer.concat([pre, text, data]));
}
const dict = (descr: string, shape: string, fortran = 'False'): string =>
  `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;
const f4bytes = (...v: number[]): Uint8Array => new Uint8Array(Float32Array.from(v).buffer);

describe('writeNpy / readNpy', () => {
  it('round-trips float32 and float64 through a file', () => {
    const f = join(dir, 'a.npy');
    const a = Float32Array.from({ length: 12 }, (_, i) => i * 0.5 - 3);
    writeNpy(f, [3, 4], a);
    assert.deepEqual(readNpy(f), { shape: [3, 4], dtype: 'f4', data: a });
    const b = Float64Array.of(Math.PI, -1e300, 0);
    writeNpy(f, [3], b);
    assert.deepEqual(readNpy(f), { shape: [3], dtype: 'f8', data: b });
  });

  it('writes byte-for-byte what NumPy writes for float32 (2, 3)', () => {
    const f = join(dir, 'numpy.npy');
    writeNpy(f, [2, 3], Float32Array.of(0, 1, 2, 3, 4, 5));
    const out = readFileSync(f);
    assert.equal(out.toString('hex'), NUMPY_F4_2x3);
    assert.equal(out.subarray(0, 8).toString('latin1'), '\x93NUMPY\x01\x00');
    assert.equal(out.readUInt16LE(8), 118);
    const header = out.subarray(10, 128).toString('latin1');
    assert.ok(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"));
    assert.match(header, /^\{[^\n]*\} +\n$/);
  });

  it('formats tuples like Python and pads like NumPy >= 1.24', () => {
    const header = (shape: number[], data: Float32Array | Float64Array): string => Buffer.from(encodeNpy(F, shape, data)[0]!).toString('latin1');
    assert.ok(header([5], new Float32Array(5)).includes("'shape': (5,), }"));
    assert.ok(header([], new Float32Array(1)).includes("'shape': (), }"));
    assert.ok(header([3], new Float64Array(3)).startsWith("\x93NUMPY\x01\x00\x76\x00{'descr': '<f8',"));
    // NumPy reserves growth space for the first axis; with 18 axes that pushes the data to byte 192.
    const h18 = header(new Array<number>(18).fill(1), new Float32Array(1));
    assert.equal(h18.length, 192);
    assert.equal(Buffer.from(h18, 'latin1').readUInt16LE(8), 182);
  });

  it('reads files NumPy wrote in formats 1.0 and 2.0', () => {
    assert.deepEqual(readNpy(F, hex(NUMPY_F4_2x3)).data, Float32Array.of(0, 1, 2, 3, 4, 5));
    assert.deepEqual(readNpy(F, hex(NUMPY_V2_F4_2x2)), { shape: [2, 2], dtype: 'f4', data: Float32Array.of(0, 1, 2, 3) });
    const v3 = hex(NUMPY_V2_F4_2x2);
    v3[6] = 3; // NumPy's 3.0 output for this array differs only in the version byte
    assert.deepEqual(readNpy(F, v3).shape, [2, 2]);
  });

  it("accepts '|f4', double quotes and Python 2 long literals", () => {
    assert.deepEqual(readNpy(F, forge(dict('|f4', '(2,)'), f4bytes(1, 2))).data, Float32Array.of(1, 2));
    const dq = forge(`{"descr": "<f4", "fortran_order": False, "shape": (1L, 2L)}`, f4bytes(1, 2));
    assert.deepEqual(readNpy(F, dq).shape, [1, 2]);
  });

  it('rejects Fortran order, big-endian and other dtypes with a how-to-fix message', () => {
    throwsFormat(() => readNpy(F, forge(dict('<f4', '(2,)', 'True'), f4bytes(1, 2))), F, /Fortran-order.*ascontiguousarray/);
    throwsFormat(() => readNpy(F, forge(dict('>f4', '(2,)'), f4bytes(1, 2))), F, /big-endian.*astype\('<f4'\)/);
    throwsFormat(() => readNpy(F, forge(dict('<i4', '(2,)'), f4bytes(1, 2))), F, /unsupported dtype '<i4'/);
  });

  it('rejects truncated data and trailing bytes', () => {
    const good = hex(NUMPY_F4_2x3);
    throwsFormat(() => readNpy(F, good.subarray(0, good.length - 1)), F, /truncated.*needs 24 bytes, file has 23/);
    throwsFormat(() => readNpy(F, forge(dict('<f4', '(1,)'), f4bytes(1, 2))), F, /trailing bytes/);
    throwsFormat(() => readNpy(F, good.subarray(0, 60)), F, /truncated .npy header/);
  });

  it('rejects a forged huge shape without allocating it', () => {
    const forged = forge(dict('<f4', '(1000000000000,)'), new Uint8Array(12));
    const before = process.memoryUsage().arrayBuffers;
    throwsFormat(() => readNpy(F, forged), F, /needs 4000000000000 bytes, file has 12/);
    assert.ok(process.memoryUsage().arrayBuffers - before < 1 << 20);
    throwsFormat(() => readNpy(F, forge(dict('<f8', '(4294967296, 4294967296)'), new Uint8Array(8))), F, /truncated/);
    throwsFormat(() => readNpy(F, forge(dict('<f4', '(99999999999999999999,)'))), F, /too large/);
  });

  it('rejects a bad magic, bad version and garbage headers', () => {
    throwsFormat(() => readNpy(F, new TextEncoder().encode('PK\x03\x04 not numpy')), F, /not a .npy file/);
    const v9 = hex(NUMPY_F4_2x3);
    v9[6] = 9;
    throwsFormat(() => readNpy(F, v9), F, /version 9.0/);
    const garbage: Array<[string, RegExp]> = [
      ["{'descr': '<f4', 'fortran_order': False, 'shape': __import__('os')}", /expected a string, True, False or a tuple/],
      ["{'descr': '<f4', 'shape': (2,), }", /keys must be exactly/],
      ["{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': True}", /keys must be exactly/],
      ["{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", /duplicate key/],
      ["{'descr': '<f4', 'fortran_order': False, 'shape': (2)}", /trailing comma/],
      ["{'descr': '<f4', 'fortran_order': False, 'shape': (-2,)}", /non-negative integer/],
      ["{'descr': '<f4, 'fortran_order': False, 'shape': (2,)}", /expected ':'|expected ','/],
      ["{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}", /expected a string, True/],
      ["{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} extra", /unexpected text/],
      ["\x00\x01\x02garbage", /expected '\{'/],
      ['', /expected '\{'/],
    ];
    for (const [header, re] of garbage) throwsFormat(() => readNpy(F, forge(header, f4bytes(1, 2))), F, re);
  });

  it('reports a missing file as FileFormatError', () => {
    const f = join(dir, 'missing.npy');
    throwsFormat(() => readNpy(f), f, /no such file/);
  });

  it('refuses to write data that does not match the shape', () => {
    const f = join(dir, 'bad.npy');
    throwsFormat(() => writeNpy(f, [2, 2], new Float32Array(3)), f, /does not match 3 elements/);
    throwsFormat(() => writeNpy(f, [-1], new Float32Array(1)), f, /invalid shape/);
  });
});

describe('readNpyMatrix', () => {
  it('drops trailing singleton axes while more than two remain', () => {
    const data = Float32Array.from({ length: 12 }, (_, i) => i);
    const m = readNpyMatrix(F, { rows: 3, cols: 4 }, forge(dict('<f4', '(3, 4, 1, 1)'), new Uint8Array(data.buffer)));
    assert.deepEqual(m, { rows: 3, cols: 4, data });
    const col = readNpyMatrix(F, {}, forge(dict('<f4', '(3, 1)'), f4bytes(1, 2, 3)));
    assert.deepEqual([col.rows, col.cols], [3, 1]);
  });

  it('converts float64 to float32', () => {
    const d = Float64Array.of(0.1, 2, 1e40);
    const m = readNpyMatrix(F, {}, forge(dict('<f8', '(1, 3)'), new Uint8Array(d.buffer)));
    assert.ok(m.data instanceof Float32Array);
    assert.deepEqual(m.data, Float32Array.of(0.1, 2, Infinity));
  });

  it('rejects non-2-D shapes and unexpected sizes', () => {
    throwsFormat(() => readNpyMatrix(F, {}, forge(dict('<f4', '(3,)'), f4bytes(1, 2, 3))), F, /expected a 2-D matrix, got shape \(3\)/);
    throwsFormat(() => readNpyMatrix(F, {}, forge(dict('<f4', '(3, 1, 1, 2)'), f4bytes(1, 2, 3, 4, 5, 6))), F, /got shape \(3, 1, 1, 2\)/);
    const m34 = forge(dict('<f4', '(3, 4)'), new Uint8Array(48));
    throwsFormat(() => readNpyMatrix(F, { cols: 784 }, m34), F, /expected a \* x 784 matrix, got 3 x 4/);
    throwsFormat(() => readNpyMatrix(F, { rows: 4, cols: 4 }, m34), F, /expected a 4 x 4 matrix, got 3 x 4/);
  });
});
