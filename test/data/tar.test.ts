import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FileFormatError } from '../../src/errors.js';
import { encodeTar, readTar, tarMember } from '../../src/data/tar.js';
import { throwsNamed } from './helpers.js';

const enc = new TextEncoder();
const files = [
  { name: 'cifar-10-batches-bin/a.bin', data: enc.encode('hello') },
  { name: 'cifar-10-batches-bin/b.bin', data: new Uint8Array(1000).fill(7) },
];
const tar = encodeTar(files);

/** Rewrites a header field and (optionally) recomputes the checksum, as a forger would. */
function patch(archive: Uint8Array, headerAt: number, offset: number, text: string, fixChecksum: boolean): Uint8Array {
  const out = archive.slice();
  out.set(enc.encode(text), headerAt + offset);
  if (fixChecksum) {
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : out[headerAt + i];
    out.set(enc.encode(sum.toString(8).padStart(6, '0') + '\0 '), headerAt + 148);
  }
  return out;
}

describe('readTar', () => {
  it('lists regular members as views with the right sizes', () => {
    const m = readTar('good.tar', tar);
    assert.deepEqual(m.map((x) => [x.name, x.size]), [['cifar-10-batches-bin/a.bin', 5], ['cifar-10-batches-bin/b.bin', 1000]]);
    assert.equal(new TextDecoder().decode(m[0].data), 'hello');
    assert.equal(tarMember('good.tar', m, 'cifar-10-batches-bin/b.bin').data[999], 7);
  });

  it('rejects a forged size that points past the end', () => {
    // Second header sits after the first (512) + its 1 data block (512).
    const forged = patch(tar, 1024, 124, '77777777777\0', true);
    throwsNamed(() => readTar('forged.tar', forged), FileFormatError, 'forged.tar',
      /member cifar-10-batches-bin\/b\.bin declares 8589934591 bytes but only \d+ remain/);
  });

  it('rejects a bad header checksum', () => {
    const tampered = patch(tar, 0, 0, 'X', false);
    throwsNamed(() => readTar('sum.tar', tampered), FileFormatError, 'sum.tar', /tar header at byte 0: header checksum mismatch/);
  });

  it('rejects non-octal sizes, partial blocks and missing members', () => {
    throwsNamed(() => readTar('size.tar', patch(tar, 0, 124, '0000000009\0\0', true)), FileFormatError, 'size.tar', /size field is not an octal number/);
    const cut = tar.subarray(0, 1024 + 512 + 300);
    throwsNamed(() => readTar('cut.tar', cut), FileFormatError, 'cut.tar', /declares 1000 bytes but only 300 remain/);
    throwsNamed(() => readTar('junk.tar', new Uint8Array(512).fill(65)), FileFormatError, 'junk.tar', /checksum field is not an octal number/);
    throwsNamed(() => tarMember('good.tar', readTar('good.tar', tar), 'nope.bin'), FileFormatError, 'good.tar', /no member nope\.bin/);
  });
});
