// Downloading the official files. Each file is streamed to a temporary name next to its target
// while being hashed, and renamed into place only if its size and digest match the manifest, so
// an interrupted or corrupted download never leaves a bad file under the real name and never
// replaces a good one. A file already present and correct is not downloaded again. `fetchImpl`
// is injectable so tests (and offline machines) can simulate failures without a network.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ChecksumError, FileFormatError, NetworkError } from '../errors.js';
import { hashFile } from './hash.js';
import { datasetManifest, getManifest, type Manifest, type ManifestBlob } from './manifest.js';
import type { DatasetName } from './registry.js';

/** The part of the global fetch API we use; tests pass a fake. */
export type FetchLike = (
  url: string,
  init?: { signal?: AbortSignal },
) => Promise<Pick<Response, 'ok' | 'status' | 'statusText' | 'body'>>;

export interface FetchOptions {
  /** Root folder; files go to `<dest>/<name>/` (default `./data`). */
  dest?: string;
  /** Folder a relative `dest` is resolved against (default process.cwd()). */
  cwd?: string;
  fetchImpl?: FetchLike;
  manifest?: Manifest;
  signal?: AbortSignal;
  /** Called as bytes arrive (`total` is the expected size). */
  onProgress?: (file: string, received: number, total: number) => void;
}

export interface FetchedFile {
  file: string;
  url: string;
  /** 'present': already there and correct, nothing downloaded. */
  status: 'downloaded' | 'present';
}

type Download = ManifestBlob & { url: string; size: number };

/** Downloads whatever of `name` is missing or wrong in `<dest>/<name>/`. */
export async function fetchDataset(name: DatasetName, opts: FetchOptions = {}): Promise<{ dir: string; files: FetchedFile[] }> {
  const d = datasetManifest(opts.manifest ?? getManifest(), name);
  const dir = path.resolve(opts.cwd ?? process.cwd(), opts.dest ?? 'data', name);
  const fetchImpl = opts.fetchImpl ?? (globalThis.fetch as FetchLike);
  // The official archive where upstream ships one (CIFAR-10); otherwise the individual files.
  const wanted: Download[] = d.archive
    ? [d.archive]
    : d.files.filter((f): f is Download => f.url !== null && f.size !== null);
  const hint =
    `Are you offline? Put ${wanted.map((w) => w.name).join(', ')} in ${dir} yourself (see data/README.md), ` +
    `or pass --data-dir to a folder that holds ${name}/`;

  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new FileFormatError(dir, `cannot create folder: ${(e as Error).message}`);
  }
  const results: FetchedFile[] = [];
  for (const w of wanted) {
    const target = path.join(dir, w.name);
    if (isGood(target, w)) {
      results.push({ file: target, url: w.url, status: 'present' });
      continue;
    }
    await download(w, target, fetchImpl, hint, opts);
    results.push({ file: target, url: w.url, status: 'downloaded' });
  }
  return { dir, files: results };
}

/** True when `file` exists with the manifest's size and digest. */
function isGood(file: string, want: Download): boolean {
  if (!fs.existsSync(file)) return false;
  const got = hashFile(file);
  if (got.size !== want.size) return false;
  return want.sha256 !== null ? got.sha256 === want.sha256 : got.md5 === want.md5;
}

async function download(w: Download, target: string, fetchImpl: FetchLike, hint: string, opts: FetchOptions): Promise<void> {
  let res: Awaited<ReturnType<FetchLike>>;
  try {
    res = await fetchImpl(w.url, { signal: opts.signal });
  } catch (e) {
    throw new NetworkError(w.url, `could not download: ${reason(e)}. ${hint}`);
  }
  if (!res.ok) throw new NetworkError(w.url, `could not download: HTTP ${res.status} ${res.statusText}. ${hint}`);
  if (!res.body) throw new NetworkError(w.url, `could not download: the server sent no body. ${hint}`);

  const temp = `${target}.part-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  const sha = crypto.createHash('sha256');
  const md5 = crypto.createHash('md5');
  let received = 0;
  const out = await fs.promises.open(temp, 'wx');
  let kept = false;
  try {
    const reader = res.body.getReader();
    for (;;) {
      const chunk = await reader.read().catch((e: unknown) => {
        throw new NetworkError(w.url, `download interrupted after ${received} bytes: ${reason(e)}. ${hint}`);
      });
      if (chunk.done) break;
      received += chunk.value.length;
      // Stop early instead of filling the disk when a server sends something else entirely.
      if (received > w.size) {
        await reader.cancel().catch(() => undefined);
        throw new FileFormatError(w.url, `download is larger than the expected ${w.size} bytes; rejected, nothing was saved`);
      }
      sha.update(chunk.value);
      md5.update(chunk.value);
      await out.write(chunk.value);
      opts.onProgress?.(target, received, w.size);
    }
    await out.close();
    if (received !== w.size) {
      throw new FileFormatError(w.url, `download has ${received} bytes, expected ${w.size}; rejected, nothing was saved`);
    }
    const label = `${w.url} (download for ${target})`;
    if (w.sha256 !== null) {
      const got = sha.digest('hex');
      if (got !== w.sha256) throw new ChecksumError(label, w.sha256, got);
    } else {
      const got = md5.digest('hex');
      if (got !== w.md5) throw new FileFormatError(label, `MD5 mismatch: expected ${w.md5}, got ${got}; rejected, nothing was saved`);
    }
    fs.renameSync(temp, target);
    kept = true;
  } finally {
    await out.close().catch(() => undefined);
    if (!kept) fs.rmSync(temp, { force: true });
  }
}

/** Human reason for a failed fetch: Node puts the useful part (ENOTFOUND, ...) in `cause`. */
function reason(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  if (cause?.message) return cause.message;
  return e instanceof Error ? e.message : String(e);
}
