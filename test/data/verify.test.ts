import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ChecksumError, FileFormatError } from '../../src/errors.js';
import { checkBlob, verifyDataset } from '../../src/data/verify.js';
import { encodeTar } from '../../src/data/tar.js';
import { blob, cifarBatchBytes, gz, manifestWith, sharedDataDir, tempDir, throwsNamed, write, writeMnistFolder } from './helpers.js';

const tmp = tempDir();
const opts = { cwd: tmp, env: {}, sharedDirs: [] };

describe('verifyDataset', () => {
  it('reports ok for files that match the manifest', () => {
    const dir = path.join(tmp, 'good');
    const manifest = manifestWith({ mnist: { files: writeMnistFolder(path.join(dir, 'mnist')) } });
    const r = verifyDataset('mnist', { ...opts, dataDir: dir, manifest });
    assert.equal(r.ok, true);
    assert.deepEqual(r.files.map((f) => f.status), ['ok', 'ok', 'ok', 'ok']);
  });

  it('reports mismatch, wrong size and missing per file', () => {
    const dir = path.join(tmp, 'bad', 'mnist');
    const files = writeMnistFolder(dir);
    const manifest = manifestWith({ mnist: { files } });
    const flip = path.join(dir, 'train-labels-idx1-ubyte.gz');
    const bytes = fs.readFileSync(flip);
    bytes[bytes.length - 1] ^= 1; // same size, different content
    fs.writeFileSync(flip, bytes);
    fs.appendFileSync(path.join(dir, 't10k-images-idx3-ubyte.gz'), 'extra');
    // Raw labels stand in for the .gz so the folder still resolves; the .gz row becomes the raw one.
    fs.rmSync(path.join(dir, 't10k-labels-idx1-ubyte.gz'));
    const raw = files[3].uncompressed!;
    write(path.join(dir, raw.name), new Uint8Array(raw.size!)); // right size, wrong bytes
    const r = verifyDataset('mnist', { ...opts, dataDir: dir, manifest });
    assert.equal(r.ok, false);
    const status = Object.fromEntries(r.files.map((f) => [f.name, f.status]));
    assert.deepEqual(status, {
      'train-images-idx3-ubyte.gz': 'ok',
      'train-labels-idx1-ubyte.gz': 'mismatch',
      't10k-images-idx3-ubyte.gz': 'wrong-size',
      't10k-labels-idx1-ubyte': 'mismatch',
    });
    const row = r.files.find((f) => f.name === 'train-labels-idx1-ubyte.gz')!;
    assert.equal(row.expected, files[1].sha256);
    assert.notEqual(row.actual, row.expected);
  });

  it('checks the archive by MD5 and each member by SHA-256', () => {
    const dir = path.join(tmp, 'arch', 'cifar-10');
    const batches = cifarBatchBytes();
    const members = Object.entries(batches).map(([b, data]) => ({ name: `cifar-10-batches-bin/${b}.bin`, data }));
    members[5] = { ...members[5], data: members[4].data }; // test_batch tampered
    const archive = gz(encodeTar(members));
    write(path.join(dir, 'cifar-10-binary.tar.gz'), archive);
    const { sha256: _ignored, ...a } = blob('cifar-10-binary.tar.gz', archive);
    const manifest = manifestWith({
      'cifar-10': {
        files: [{ ...blob('x.bin.gz', new Uint8Array(1)), url: null }],
        archive: { ...a, sha256: null, url: 'http://example.invalid/c.tar.gz', members: Object.entries(batches).map(([b, data]) => blob(`cifar-10-batches-bin/${b}.bin`, data)) },
      },
    });
    const r = verifyDataset('cifar-10', { ...opts, dataDir: path.dirname(dir), manifest });
    assert.equal(r.layout, 'archive');
    assert.deepEqual([r.files[0].algorithm, r.files[0].status], ['md5', 'ok']);
    assert.equal(r.files.find((f) => f.name.endsWith('test_batch.bin'))!.status, 'mismatch');
    assert.equal(r.files.filter((f) => f.status === 'ok').length, 6);
    assert.equal(r.ok, false);
  });

  it('checkBlob throws a ChecksumError naming the file', () => {
    const want = blob('f.bin', new Uint8Array([1, 2, 3]));
    checkBlob('f.bin', new Uint8Array([1, 2, 3]), want);
    throwsNamed(() => checkBlob('/x/f.bin', new Uint8Array([1, 2, 4]), want), ChecksumError, '/x/f.bin', new RegExp(`SHA-256 mismatch: expected ${want.sha256}`));
    throwsNamed(() => checkBlob('/x/f.bin', new Uint8Array([1]), want), FileFormatError, '/x/f.bin', /size is 1 bytes but data\/manifest\.json says 3/);
  });

  it('passes on the real MNIST in ../shared/data', (t) => {
    const shared = sharedDataDir();
    if (!shared) return t.skip('../shared/data is absent in this checkout');
    const r = verifyDataset('mnist', { ...opts, dataDir: shared });
    assert.equal(r.ok, true, JSON.stringify(r.files));
  });
});
