// Shared fixtures for the data-layer tests: temp folders, tiny crafted datasets, and a manifest
// built from whatever the crafted files contain (so tests never depend on the real data).

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { gzipSync } from 'fflate';
import { encodeIdx } from '../../src/data/idx.js';
import type { Manifest, ManifestBlob, ManifestFile } from '../../src/data/manifest.js';
import { packageRoot } from '../../src/data/pkgroot.js';

/** A fresh temp folder, removed when the test file finishes. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snn-data-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function write(file: string, bytes: Uint8Array | string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
  return file;
}

export const gz = (b: Uint8Array) => gzipSync(b);

export function blob(name: string, bytes: Uint8Array): ManifestBlob & { size: number; sha256: string; md5: string } {
  const h = (a: string) => crypto.createHash(a).update(bytes).digest('hex');
  return { name, size: bytes.length, sha256: h('sha256'), md5: h('md5') };
}

/** Tiny MNIST-like split: `n` images of 28x28 where pixel = image index, labels given. */
export function mnistSplit(labels: number[], dims = [28, 28]): { images: Uint8Array; labels: Uint8Array } {
  const n = labels.length;
  const px = new Uint8Array(n * dims[0] * dims[1]);
  for (let i = 0; i < n; i++) px.fill(i + 1, i * dims[0] * dims[1], (i + 1) * dims[0] * dims[1]);
  return { images: encodeIdx([n, ...dims], px), labels: encodeIdx([n], Uint8Array.from(labels)) };
}

/** Writes both splits of an MNIST-like dataset (gzip) into `dir`; returns manifest files. */
export function writeMnistFolder(dir: string, opts: { raw?: boolean; testLabels?: number[] } = {}): ManifestFile[] {
  const splits = { train: mnistSplit([0, 1, 2, 3]), t10k: mnistSplit(opts.testLabels ?? [9, 8, 7]) };
  const files: ManifestFile[] = [];
  for (const [prefix, s] of Object.entries(splits)) {
    for (const [kind, idx] of [['images-idx3', s.images], ['labels-idx1', s.labels]] as const) {
      const base = `${prefix}-${kind}-ubyte`;
      const packed = gz(idx);
      write(path.join(dir, opts.raw ? base : `${base}.gz`), opts.raw ? idx : packed);
      files.push({ ...blob(`${base}.gz`, packed), url: `http://example.invalid/${base}.gz`, uncompressed: blob(base, idx) });
    }
  }
  return files;
}

/** CIFAR records: one per label, pixel bytes = (record*3 + channel) so CHW order is checkable. */
export function cifarRecords(labels: number[]): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((l, r) => {
    out[r * 3073] = l;
    for (let c = 0; c < 3; c++) out.fill(r * 3 + c, r * 3073 + 1 + c * 1024, r * 3073 + 1 + (c + 1) * 1024);
  });
  return out;
}

export const CIFAR_BATCHES = ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch'];

/** Batch contents for crafted CIFAR: batch k holds labels [k, k+1 mod 10]. */
export function cifarBatchBytes(): Record<string, Uint8Array> {
  return Object.fromEntries(CIFAR_BATCHES.map((b, k) => [b, cifarRecords([k, (k + 1) % 10])]));
}

export function manifestWith(datasets: Manifest['datasets']): Manifest {
  return { version: 1, datasets };
}

/** Asserts `fn` throws `cls` whose message names `file` and matches `problem`. */
export function throwsNamed(fn: () => unknown, cls: new (...a: never[]) => Error, file: string, problem: RegExp): Error {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof cls, `expected ${cls.name}, got ${String(caught)}`);
  assert.ok(caught.message.includes(file), `message should name ${file}: ${caught.message}`);
  assert.match(caught.message, problem);
  return caught;
}

/** Async twin of throwsNamed. */
export async function rejectsNamed(p: Promise<unknown>, cls: new (...a: never[]) => Error, file: string, problem: RegExp): Promise<Error> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof cls, `expected ${cls.name}, got ${String(caught)}`);
  assert.ok(caught.message.includes(file), `message should name ${file}: ${caught.message}`);
  assert.match(caught.message, problem);
  return caught;
}

/** Where the shared real datasets live, or undefined when this checkout has none. */
export function sharedDataDir(): string | undefined {
  const dir = path.resolve(packageRoot(), '..', 'shared', 'data');
  return fs.existsSync(path.join(dir, 'mnist')) ? dir : undefined;
}
