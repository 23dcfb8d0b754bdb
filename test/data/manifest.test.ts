import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { FileFormatError } from '../../src/errors.js';
import { defaultManifestPath, getManifest, loadManifest, validateManifest } from '../../src/data/manifest.js';
import { archiveName, DATASET_NAMES } from '../../src/data/registry.js';
import { sharedDataDir, tempDir, throwsNamed, write } from './helpers.js';

describe('data/manifest.json', () => {
  it('validates and covers every registered dataset', () => {
    const m = getManifest();
    assert.deepEqual(Object.keys(m.datasets).sort(), [...DATASET_NAMES].sort());
    const a = m.datasets['cifar-10'].archive!;
    assert.equal(a.name, archiveName('cifar-10'));
    assert.equal(a.md5, 'c32a1d4ab5d03f1284b67883e8d87530');
    assert.equal(a.size, 170052171);
    assert.equal(a.sha256, null);
    assert.ok(m.datasets.mnist.files.every((f) => f.url?.startsWith('https://ossci-datasets.s3.amazonaws.com/mnist/')));
  });

  it('matches the sizes and SHA256SUMS of ../shared/data', (t) => {
    const shared = sharedDataDir();
    if (!shared) return t.skip('../shared/data is absent in this checkout');
    for (const [name, d] of Object.entries(getManifest().datasets)) {
      const lines = fs.readFileSync(path.join(shared, name, 'SHA256SUMS'), 'utf8').trim().split('\n');
      const sums = new Map<string, string>();
      for (const line of lines) {
        const [sum, file] = line.split(/\s+/);
        sums.set(file, sum);
      }
      for (const f of d.files) {
        assert.equal(f.sha256, sums.get(f.name), `${name}/${f.name}`);
        assert.equal(f.size, fs.statSync(path.join(shared, name, f.name)).size, `${name}/${f.name}`);
      }
    }
  });

  it('reports shape errors with the manifest file and JSON path', () => {
    const m = structuredClone(getManifest()) as unknown as { datasets: { mnist: { files: { sha256: string }[] } } };
    m.datasets.mnist.files[2].sha256 = 'ABC';
    throwsNamed(() => validateManifest('my-manifest.json', m), FileFormatError, 'my-manifest.json', /datasets\.mnist\.files\[2\]\.sha256: expected 64 lowercase hex digits/);
    throwsNamed(() => validateManifest('v.json', { version: 2, datasets: {} }), FileFormatError, 'v.json', /version: expected 1, found 2/);
  });

  it('reports invalid JSON and a missing file by name', () => {
    const dir = tempDir();
    const file = write(path.join(dir, 'manifest.json'), '{"version": 1,');
    throwsNamed(() => loadManifest(file), FileFormatError, file, /not valid JSON/);
    throwsNamed(() => loadManifest(path.join(dir, 'none.json')), FileFormatError, 'none.json', /no such file/);
    assert.ok(fs.existsSync(defaultManifestPath()));
  });
});
