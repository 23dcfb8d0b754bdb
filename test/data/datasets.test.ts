import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ChecksumError, FileFormatError } from '../../src/errors.js';
import { DATASETS, loadDataset } from '../../src/data/datasets.js';
import { encodeTar } from '../../src/data/tar.js';
import { sharedImages } from '../../src/session.js';
import { blob, CIFAR_BATCHES, cifarBatchBytes, gz, manifestWith, mnistSplit, sharedDataDir, tempDir, throwsNamed, write, writeMnistFolder } from './helpers.js';

const tmp = tempDir();
const opts = { cwd: tmp, env: {}, sharedDirs: [] };

describe('loadDataset (MNIST-like)', () => {
  it('loads a verified split as N x 1 x 28 x 28 with matching labels', () => {
    const root = path.join(tmp, 'ok');
    const manifest = manifestWith({ mnist: { files: writeMnistFolder(path.join(root, 'mnist')) } });
    const d = loadDataset('mnist', 'test', { ...opts, dataDir: root, manifest });
    assert.deepEqual([d.name, d.split, d.count, d.channels, d.height, d.width], ['mnist', 'test', 3, 1, 28, 28]);
    assert.deepEqual(Array.from(d.labels), [9, 8, 7]);
    assert.equal(d.images.length, 3 * 784);
    assert.deepEqual([d.images[0], d.images[784], d.images[3 * 784 - 1]], [1, 2, 3]);
    // pool workers read the arrays in place: they live in SharedArrayBuffers (the inflated files: views after the header)
    assert.ok(d.images.buffer instanceof SharedArrayBuffer && d.labels.buffer instanceof SharedArrayBuffer);
    assert.equal(d.images.byteOffset, 16); // the IDX header of a 3-dimensional tensor
    assert.equal(sharedImages(d.images, d.labels, 784).images, d.images); // no second copy
  });

  it('rejects images and labels of different counts, naming both files', () => {
    const dir = path.join(tmp, 'count', 'mnist');
    writeMnistFolder(dir);
    write(path.join(dir, 't10k-labels-idx1-ubyte.gz'), gz(mnistSplit([1, 2, 3, 4]).labels));
    const images = path.join(dir, 't10k-images-idx3-ubyte.gz');
    const e = throwsNamed(() => loadDataset('mnist', 'test', { ...opts, dataDir: dir, verify: false }), FileFormatError, images,
      /holds 3 images but .* holds 4 labels/);
    assert.ok(e.message.includes(path.join(dir, 't10k-labels-idx1-ubyte.gz')));
  });

  it('rejects labels outside the class range and images of the wrong shape', () => {
    const dir = path.join(tmp, 'range', 'mnist');
    writeMnistFolder(dir, { testLabels: [1, 10, 2] });
    throwsNamed(() => loadDataset('mnist', 'test', { ...opts, dataDir: dir, verify: false }), FileFormatError,
      path.join(dir, 't10k-labels-idx1-ubyte.gz'), /label 10 at index 1 is out of range 0\.\.9/);
    write(path.join(dir, 't10k-images-idx3-ubyte.gz'), gz(mnistSplit([1, 2, 3], [27, 28]).images));
    throwsNamed(() => loadDataset('mnist', 'test', { ...opts, dataDir: dir, verify: false }), FileFormatError,
      path.join(dir, 't10k-images-idx3-ubyte.gz'), /expected images of shape Nx28x28, found dims 3x27x28/);
  });

  it('refuses a file whose checksum does not match the manifest', () => {
    const dir = path.join(tmp, 'sum', 'mnist');
    const manifest = manifestWith({ mnist: { files: writeMnistFolder(dir) } });
    const file = path.join(dir, 't10k-images-idx3-ubyte.gz');
    write(file, gz(mnistSplit([5, 5, 5]).images.map((x) => x ^ 1)));
    manifest.datasets.mnist.files[2].size = fs.statSync(file).size; // same size: only the hash can tell
    throwsNamed(() => loadDataset('mnist', 'test', { ...opts, dataDir: dir, manifest }), ChecksumError, file, /SHA-256 mismatch/);
  });

  it('loads the real MNIST test split from ../shared/data', (t) => {
    const shared = sharedDataDir();
    if (!shared) return t.skip('../shared/data is absent in this checkout; nothing to load');
    const d = loadDataset('mnist', 'test', { ...opts, dataDir: shared });
    assert.deepEqual([d.count, d.height, d.width, d.images.length], [10000, 28, 28, 10000 * 784]);
    const counts = new Array(10).fill(0);
    for (const l of d.labels) counts[l]++;
    assert.deepEqual(counts, [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });
});

describe('loadDataset (CIFAR-10)', () => {
  const batches = cifarBatchBytes();
  const members = CIFAR_BATCHES.map((b) => ({ name: `cifar-10-batches-bin/${b}.bin`, data: batches[b] }));
  const archive = gz(encodeTar(members));
  const manifest = manifestWith({
    'cifar-10': {
      files: CIFAR_BATCHES.map((b) => ({ ...blob(`${b}.bin.gz`, gz(batches[b])), url: null, uncompressed: blob(`${b}.bin`, batches[b]) })),
      archive: { ...blob('cifar-10-binary.tar.gz', archive), sha256: null, url: 'http://example.invalid/c.tar.gz', members: members.map((m) => blob(m.name, m.data)) },
    },
  });

  it('loads train from per-file .bin batches in order, CHW', () => {
    const dir = path.join(tmp, 'cifar-files', 'cifar-10');
    for (const b of CIFAR_BATCHES) write(path.join(dir, `${b}.bin`), batches[b]);
    const d = loadDataset('cifar-10', 'train', { ...opts, dataDir: dir, manifest });
    assert.deepEqual([d.count, d.channels, d.height, d.width], [10, 3, 32, 32]);
    assert.deepEqual(Array.from(d.labels), [0, 1, 1, 2, 2, 3, 3, 4, 4, 5]);
    assert.deepEqual([d.images[0], d.images[1024], d.images[3072 + 2048]], [0, 1, 5]);
    assert.equal(DATASETS['cifar-10'].classNames[d.labels[9]], 'dog');
  });

  it('loads test from the official archive and verifies its members', () => {
    const dir = path.join(tmp, 'cifar-arch', 'cifar-10');
    const file = write(path.join(dir, 'cifar-10-binary.tar.gz'), archive);
    assert.deepEqual(Array.from(loadDataset('cifar-10', 'test', { ...opts, dataDir: dir, manifest }).labels), [5, 6]);
    const tampered = structuredClone(manifest);
    tampered.datasets['cifar-10'].archive!.members[5].sha256 = '0'.repeat(64);
    throwsNamed(() => loadDataset('cifar-10', 'test', { ...opts, dataDir: dir, manifest: tampered }), ChecksumError,
      `${file}:cifar-10-batches-bin/test_batch.bin`, /SHA-256 mismatch/);
  });
});
