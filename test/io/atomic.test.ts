import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex, writeFileAtomic, writeTempFile } from '../../src/io/atomic.js';
import { weightsSha256 } from '../../src/io/weights-hash.js';
import { scratchDir, tempFilesIn, throwsFormat } from './helpers.js';

const { dir, cleanup } = scratchDir('atomic');
after(cleanup);
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('writeFileAtomic', () => {
  it('creates and then replaces a file, leaving no temp file', () => {
    const f = join(dir, 'a.bin');
    writeFileAtomic(f, bytes('first'));
    writeFileAtomic(f, [bytes('sec'), bytes(''), bytes('ond')]);
    assert.equal(readFileSync(f, 'utf8'), 'second');
    assert.deepEqual(tempFilesIn(dir), []);
  });

  it('completes short writes', () => {
    const f = join(dir, 'short.bin');
    // A writer that accepts one byte per call, like a nearly full disk might.
    writeFileAtomic(f, bytes('hello'), { fs: { writeSync: (fd, b, off) => writeSync(fd, b, off, 1) } });
    assert.equal(readFileSync(f, 'utf8'), 'hello');
  });

  for (const failing of ['writeSync', 'fsyncSync', 'renameSync'] as const) {
    it(`leaves the old target intact and removes the temp file when ${failing} fails`, () => {
      const f = join(dir, `fail-${failing}.bin`);
      writeFileSync(f, 'old contents');
      const boom = (): never => {
        throw new Error(`injected ${failing} failure`);
      };
      throwsFormat(() => writeFileAtomic(f, [bytes('new'), bytes('data')], { fs: { [failing]: boom } }), f, /injected/);
      assert.equal(readFileSync(f, 'utf8'), 'old contents');
      assert.deepEqual(tempFilesIn(dir), []);
    });
  }

  it('never deletes a temp-named file it did not create', () => {
    const f = join(dir, 'collide.bin');
    const unlinked: string[] = [];
    const eexist = (): never => {
      throw Object.assign(new Error('EEXIST: file already exists'), { code: 'EEXIST' });
    };
    const opts = { fs: { openSync: eexist, unlinkSync: (p: unknown) => void unlinked.push(String(p)) } };
    throwsFormat(() => writeFileAtomic(f, bytes('x'), opts), f, /EEXIST/);
    assert.deepEqual(unlinked, []);
  });

  it('reports a missing directory as FileFormatError naming the target', () => {
    const f = join(dir, 'no-such-dir', 'x.bin');
    throwsFormat(() => writeFileAtomic(f, bytes('x')), f, /cannot write/);
  });

  it('writeTempFile + abort never touches the target', () => {
    const f = join(dir, 'pending.bin');
    writeFileSync(f, 'keep me');
    const p = writeTempFile(f, bytes('new'));
    assert.ok(existsSync(p.tempPath));
    p.abort();
    assert.ok(!existsSync(p.tempPath));
    assert.equal(readFileSync(f, 'utf8'), 'keep me');
  });
});

describe('hashing', () => {
  it('sha256Hex matches the FIPS 180-2 vector and treats chunks as concatenated', () => {
    const abc = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    assert.equal(sha256Hex(bytes('abc')), abc);
    assert.equal(sha256Hex([bytes('a'), bytes('bc')]), abc);
  });

  it('weightsSha256 hashes little-endian bytes in order (same digest as NumPy tobytes)', () => {
    // hashlib.sha256(np.array([1,2],'<f4').tobytes() + np.array([3],'<f8').tobytes()
    //                + np.array([-1],'<i4').tobytes() + bytes([7])).hexdigest()
    const digest = weightsSha256([Float32Array.of(1, 2), Float64Array.of(3), Int32Array.of(-1), Uint8Array.of(7)]);
    assert.equal(digest, 'c98d8926da8564ab3d79c1d667aad67e6e7a78a92635fec5bad74395db7dd4aa');
    assert.notEqual(weightsSha256([Float32Array.of(2, 1)]), weightsSha256([Float32Array.of(1, 2)]));
  });
});
