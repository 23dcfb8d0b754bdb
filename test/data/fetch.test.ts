import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ChecksumError, FileFormatError, NetworkError } from '../../src/errors.js';
import { fetchDataset, type FetchLike } from '../../src/data/fetch.js';
import type { ManifestFile } from '../../src/data/manifest.js';
import { blob, gz, manifestWith, rejectsNamed, tempDir, writeMnistFolder } from './helpers.js';

// The "server": the crafted MNIST files, served by URL from an in-memory map.
const source = tempDir();
const files: ManifestFile[] = writeMnistFolder(source);
const manifest = manifestWith({ mnist: { files } });
const served = new Map(files.map((f) => [f.url!, new Uint8Array(fs.readFileSync(path.join(source, f.name)))]));

function server(override: (url: string) => Uint8Array | undefined = () => undefined): FetchLike & { calls: string[] } {
  const calls: string[] = [];
  const f = async (url: string) => {
    calls.push(url);
    const body = override(url) ?? served.get(url);
    return body ? new Response(new Uint8Array(body)) : new Response('not found', { status: 404, statusText: 'Not Found' });
  };
  return Object.assign(f, { calls });
}

const offline: FetchLike = async () => {
  throw new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND example.invalid'), { code: 'ENOTFOUND' }) });
};

const leftovers = (dir: string) => fs.readdirSync(dir).filter((n) => n.includes('.part'));

describe('fetchDataset', () => {
  it('downloads into <dest>/<name>/ and skips files already correct', async () => {
    const dest = tempDir();
    const fetchImpl = server();
    const r = await fetchDataset('mnist', { dest, fetchImpl, manifest });
    assert.equal(r.dir, path.join(dest, 'mnist'));
    assert.deepEqual(r.files.map((f) => f.status), ['downloaded', 'downloaded', 'downloaded', 'downloaded']);
    assert.deepEqual(fs.readFileSync(path.join(r.dir, files[0].name)), fs.readFileSync(path.join(source, files[0].name)));
    const again = server();
    const r2 = await fetchDataset('mnist', { dest, fetchImpl: again, manifest });
    assert.deepEqual([r2.files.every((f) => f.status === 'present'), again.calls.length], [true, 0]);
  });

  it('offline: raises NetworkError with advice and leaves an existing good file untouched', async () => {
    const dest = tempDir();
    const dir = path.join(dest, 'mnist');
    fs.mkdirSync(dir);
    const good = path.join(dir, files[0].name);
    fs.copyFileSync(path.join(source, files[0].name), good);
    const before = fs.statSync(good).mtimeMs;
    const e = await rejectsNamed(fetchDataset('mnist', { dest, fetchImpl: offline, manifest }), NetworkError, files[1].url!,
      /could not download: ENOTFOUND .*Are you offline\? Put .* in .*mnist yourself.*--data-dir/);
    assert.ok(e.message.includes(dir));
    assert.deepEqual(fs.readFileSync(good), fs.readFileSync(path.join(source, files[0].name)));
    assert.equal(fs.statSync(good).mtimeMs, before);
    assert.deepEqual(fs.readdirSync(dir), [files[0].name]);
  });

  it('HTTP errors become NetworkError naming the URL and status', async () => {
    const fetchImpl: FetchLike = async () => new Response('', { status: 503, statusText: 'Service Unavailable' });
    await rejectsNamed(fetchDataset('mnist', { dest: tempDir(), fetchImpl, manifest }), NetworkError, files[0].url!, /HTTP 503 Service Unavailable/);
  });

  it('rejects a corrupted download and leaves no file behind', async () => {
    const dest = tempDir();
    const corrupt = (url: string) => (url === files[0].url ? served.get(url)!.map((x) => x ^ 0x55) : undefined);
    await rejectsNamed(fetchDataset('mnist', { dest, fetchImpl: server(corrupt), manifest }), ChecksumError, files[0].url!,
      new RegExp(`download for .*${files[0].name}\\): SHA-256 mismatch: expected ${files[0].sha256}`));
    assert.deepEqual(fs.readdirSync(path.join(dest, 'mnist')), []);
  });

  it('does not replace an existing bad file with another bad download, and fixes it with a good one', async () => {
    const dest = tempDir();
    const dir = path.join(dest, 'mnist');
    fs.mkdirSync(dir);
    const target = path.join(dir, files[0].name);
    fs.writeFileSync(target, 'old partial file');
    const tooLong = (url: string) => (url === files[0].url ? new Uint8Array(files[0].size! + 10) : undefined);
    await rejectsNamed(fetchDataset('mnist', { dest, fetchImpl: server(tooLong), manifest }), FileFormatError, files[0].url!,
      /larger than the expected \d+ bytes; rejected, nothing was saved/);
    assert.equal(fs.readFileSync(target, 'utf8'), 'old partial file');
    assert.deepEqual(leftovers(dir), []);
    await fetchDataset('mnist', { dest, fetchImpl: server(), manifest });
    assert.deepEqual(fs.readFileSync(target), fs.readFileSync(path.join(source, files[0].name)));
  });

  it('an interrupted stream is a NetworkError and leaves no partial file', async () => {
    const dest = tempDir();
    const fetchImpl: FetchLike = async () => {
      let pulls = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(c) {
          if (pulls++ === 0) c.enqueue(new Uint8Array(10));
          else c.error(new Error('socket hang up'));
        },
      });
      return { ok: true, status: 200, statusText: 'OK', body } as Awaited<ReturnType<FetchLike>>;
    };
    await rejectsNamed(fetchDataset('mnist', { dest, fetchImpl, manifest }), NetworkError, files[0].url!, /download interrupted after 10 bytes: socket hang up/);
    assert.deepEqual(fs.readdirSync(path.join(dest, 'mnist')), []);
  });

  it('downloads an archive verified by MD5 when the manifest has no SHA-256 for it', async () => {
    const archive = gz(new TextEncoder().encode('pretend tar'));
    const { sha256: _unused, ...a } = blob('cifar-10-binary.tar.gz', archive);
    const url = 'http://example.invalid/cifar-10-binary.tar.gz';
    const m = manifestWith({
      'cifar-10': { files: [{ ...blob('x.bin.gz', archive), url: null }], archive: { ...a, sha256: null, url, members: [blob('m', archive)] } },
    });
    const dest = tempDir();
    const r = await fetchDataset('cifar-10', { dest, manifest: m, fetchImpl: async () => new Response(archive) });
    assert.deepEqual(r.files.map((f) => [path.basename(f.file), f.status]), [['cifar-10-binary.tar.gz', 'downloaded']]);
    const bad = { ...m.datasets['cifar-10'].archive!, md5: '0'.repeat(32) };
    await rejectsNamed(fetchDataset('cifar-10', { dest: tempDir(), manifest: manifestWith({ 'cifar-10': { ...m.datasets['cifar-10'], archive: bad } }), fetchImpl: async () => new Response(archive) }),
      FileFormatError, url, /MD5 mismatch: expected 0{32}/);
  });
});
