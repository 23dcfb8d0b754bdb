import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { FileFormatError } from '../../src/errors.js';
import { encodeIdx, readIdx } from '../../src/data/idx.js';
import { gunzip, crc32, crc32Portable } from '../../src/data/gzip.js';
import { gz, tempDir, throwsNamed, write } from './helpers.js';

const dir = tempDir();
const pixels = Uint8Array.from({ length: 12 }, (_, i) => i * 7);
const good = encodeIdx([3, 2, 2], pixels);

describe('readIdx', () => {
  it('round-trips a raw IDX file', () => {
    const t = readIdx(write(path.join(dir, 'raw-idx3-ubyte'), good));
    assert.deepEqual(t.dims, [3, 2, 2]);
    assert.deepEqual(Array.from(t.data), Array.from(pixels));
  });

  it('round-trips gzip, detected by magic bytes rather than by name', () => {
    const t = readIdx(write(path.join(dir, 'no-gz-suffix-idx3-ubyte'), gz(good)));
    assert.deepEqual(t.dims, [3, 2, 2]);
    assert.deepEqual(Array.from(t.data), Array.from(pixels));
  });

  it('rejects a wrong magic', () => {
    const bad = good.slice();
    bad[0] = 0x50; // 'P', as in a PNG or text file
    throwsNamed(() => readIdx('wrong-magic.idx', bad), FileFormatError, 'wrong-magic.idx', /bad magic 50 00 08 03/);
  });

  it('rejects a non-byte element type and a bad dimension count', () => {
    const float = good.slice();
    float[2] = 0x0d;
    throwsNamed(() => readIdx('float.idx', float), FileFormatError, 'float.idx', /element type 0x0d/);
    const five = good.slice();
    five[3] = 5;
    throwsNamed(() => readIdx('five.idx', five), FileFormatError, 'five.idx', /declares 5 dimensions/);
    throwsNamed(() => readIdx('tiny.idx', new Uint8Array([0, 0])), FileFormatError, 'tiny.idx', /only 2 bytes/);
  });

  it('rejects a truncated gzip stream', () => {
    const packed = gz(good);
    const file = write(path.join(dir, 'cut.gz'), packed.subarray(0, packed.length - 5));
    throwsNamed(() => readIdx(file), FileFormatError, file, /truncated or corrupt gzip stream/);
  });

  it('rejects gzip whose CRC does not match the data', () => {
    const packed = gz(good).slice();
    packed[packed.length - 8] ^= 0xff;
    throwsNamed(() => readIdx('crc.gz', packed), FileFormatError, 'crc.gz', /CRC-32 mismatch/);
  });

  it('CRC-32: the check value of "123456789", and the native and the carried implementation agree', () => {
    const check = new TextEncoder().encode('123456789');
    assert.equal(crc32Portable(check), 0xcbf43926);
    assert.equal(crc32(check), 0xcbf43926);
    let s = 12345;
    const data = Uint8Array.from({ length: 100_003 }, () => { s = (s * 1103515245 + 12345) >>> 0; return s >>> 24; });
    for (const n of [0, 1, 7, 64, 100_003]) assert.equal(crc32(data.subarray(0, n)), crc32Portable(data.subarray(0, n)), `${n} bytes`);
  });

  it('rejects a forged gzip size before allocating', () => {
    const packed = gz(good).slice();
    packed.set([0xff, 0xff, 0xff, 0xff], packed.length - 4); // ISIZE = 4 GiB - 1
    throwsNamed(() => gunzip('isize.gz', packed), FileFormatError, 'isize.gz', /trailer claims 4294967295 bytes/);
  });

  it('rejects truncated data', () => {
    throwsNamed(() => readIdx('short.idx', good.subarray(0, good.length - 3)), FileFormatError, 'short.idx',
      /truncated IDX data: header declares dims 3x2x2 = 12 bytes but only 9 are present/);
    throwsNamed(() => readIdx('hdr.idx', good.subarray(0, 9)), FileFormatError, 'hdr.idx', /truncated IDX header/);
  });

  it('rejects trailing bytes', () => {
    const long = new Uint8Array(good.length + 4);
    long.set(good);
    throwsNamed(() => readIdx('long.idx', long), FileFormatError, 'long.idx', /4 trailing bytes after the 12 data bytes/);
  });

  it('rejects forged huge dims without allocating', () => {
    const forged = encodeIdx([0xffffffff, 0xffffffff, 0xffffffff], new Uint8Array(8));
    throwsNamed(() => readIdx('forged.idx', forged), FileFormatError, 'forged.idx', /over the 2147483648 limit/);
    // Plausible but false: 60000x28x28 declared, 8 bytes present.
    const lying = encodeIdx([60000, 28, 28], new Uint8Array(8));
    throwsNamed(() => readIdx('lying.idx', lying), FileFormatError, 'lying.idx', /47040000 bytes but only 8/);
  });

  it('names the file when it cannot be read', () => {
    const file = path.join(dir, 'absent-idx1-ubyte');
    throwsNamed(() => readIdx(file), FileFormatError, file, /cannot read: no such file/);
  });
});
