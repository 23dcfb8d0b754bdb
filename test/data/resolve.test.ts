import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { FileFormatError, UsageError } from '../../src/errors.js';
import { resolveDataset } from '../../src/data/resolve.js';
import { tempDir, throwsNamed, write, writeMnistFolder } from './helpers.js';

// Layout: <tmp>/work is the cwd, so ./data is <tmp>/work/data and ../shared/data is <tmp>/shared/data.
const tmp = tempDir();
const cwd = path.join(tmp, 'work');
const roots = {
  flag: path.join(tmp, 'flag'),
  env: path.join(tmp, 'env'),
  cwd: path.join(cwd, 'data'),
  shared: path.join(tmp, 'shared', 'data'),
};
for (const root of Object.values(roots)) writeMnistFolder(path.join(root, 'mnist'));
const base = { cwd, sharedDirs: [roots.shared] };

describe('resolveDataset', () => {
  it('searches --data-dir, then SNN_DATA_DIR, then ./data, then ../shared/data', () => {
    const env = { SNN_DATA_DIR: roots.env };
    assert.equal(resolveDataset('mnist', { ...base, env, dataDir: roots.flag }).dir, path.join(roots.flag, 'mnist'));
    assert.equal(resolveDataset('mnist', { ...base, env }).source, 'env');
    assert.equal(resolveDataset('mnist', { ...base, env: {} }).dir, path.join(roots.cwd, 'mnist'));
    const noLocal = tempDir();
    fs.mkdirSync(path.join(noLocal, 'work'));
    const shared = resolveDataset('mnist', { cwd: path.join(noLocal, 'work'), env: {}, sharedDirs: [roots.shared] });
    assert.deepEqual([shared.source, shared.dir], ['shared', path.join(roots.shared, 'mnist')]);
    // Without sharedDirs, ../shared/data relative to the current folder is tried first.
    assert.equal(resolveDataset('mnist', { cwd: path.join(tmp, 'elsewhere'), env: {} }).dir, path.join(roots.shared, 'mnist'));
  });

  it('errors on an explicit --data-dir without the files instead of falling back', () => {
    const empty = path.join(tmp, 'empty');
    fs.mkdirSync(empty);
    const e = throwsNamed(() => resolveDataset('mnist', { ...base, env: { SNN_DATA_DIR: roots.env }, dataDir: empty }), UsageError, empty,
      /--data-dir: .* has no usable mnist data; looked at .*mnist \(no such folder\).*missing train-images-idx3-ubyte\[\.gz\]/);
    assert.equal((e as UsageError).exitCode, 2);
  });

  it('accepts --data-dir pointing at the dataset folder itself, and raw IDX names', () => {
    const raw = path.join(tmp, 'raw');
    writeMnistFolder(raw, { raw: true });
    const r = resolveDataset('mnist', { ...base, dataDir: raw });
    assert.equal(r.dir, raw);
    assert.equal(r.files['t10k-labels-idx1-ubyte'], path.join(raw, 't10k-labels-idx1-ubyte'));
  });

  it('lists every place looked at and suggests `snnwasm data fetch`', () => {
    const bare = tempDir();
    const env = { SNN_DATA_DIR: path.join(bare, 'envroot') };
    const partial = path.join(bare, 'work', 'data', 'fashion-mnist');
    write(path.join(partial, 'train-images-idx3-ubyte.gz'), 'x');
    const e = throwsNamed(() => resolveDataset('fashion-mnist', { cwd: path.join(bare, 'work'), env, sharedDirs: [path.join(bare, 'shared')] }),
      FileFormatError, 'dataset fashion-mnist', /not found\. Looked at: /);
    for (const place of [path.join(bare, 'envroot', 'fashion-mnist'), partial, path.join(bare, 'shared', 'fashion-mnist')]) {
      assert.ok(e.message.includes(place), `should list ${place}: ${e.message}`);
    }
    assert.match(e.message, /missing train-labels-idx1-ubyte\[\.gz\]/);
    assert.match(e.message, /snnwasm data fetch fashion-mnist/);
  });

  it('needs only the requested split, and accepts the CIFAR archive or per-file batches', () => {
    const d = path.join(tmp, 'splits');
    write(path.join(d, 'mnist', 't10k-images-idx3-ubyte.gz'), 'x');
    write(path.join(d, 'mnist', 't10k-labels-idx1-ubyte'), 'x');
    assert.equal(resolveDataset('mnist', { ...base, dataDir: d, splits: ['test'] }).layout, 'files');
    assert.throws(() => resolveDataset('mnist', { ...base, dataDir: d }), UsageError);
    write(path.join(d, 'cifar-10', 'cifar-10-binary.tar.gz'), 'x');
    assert.equal(resolveDataset('cifar-10', { ...base, dataDir: d }).layout, 'archive');
    write(path.join(d, 'cifar-10', 'test_batch.bin'), 'x');
    assert.deepEqual(resolveDataset('cifar-10', { ...base, dataDir: d, splits: ['test'] }).files, { 'test_batch.bin': path.join(d, 'cifar-10', 'test_batch.bin') });
  });
});
