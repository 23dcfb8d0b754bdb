// Checking dataset files against data/manifest.json, two ways:
//  - verifyDataset(): a full per-file report for `snnwasm data verify` (never throws on a bad
//    file; it reports it), hashing files in chunks.
//  - checkBlob(): a throwing check used while loading for training, on bytes the loader has
//    already read, so each file is read once and hashed at most once per process.

import path from 'node:path';
import { ChecksumError, FileFormatError } from '../errors.js';
import { openCifarArchive } from './cifar.js';
import { readBytes } from './files.js';
import { digestHex, fileKey, hashFile, memoDigest } from './hash.js';
import { datasetManifest, getManifest, type Manifest, type ManifestBlob } from './manifest.js';
import type { DatasetName } from './registry.js';
import { resolveDataset, type DataSource, type ResolveOptions } from './resolve.js';

export type FileStatus = 'ok' | 'mismatch' | 'missing' | 'wrong-size' | 'unchecked';

export interface FileReport {
  /** Manifest name (archive members: their path inside the archive). */
  name: string;
  /** Where it was looked for (members: `archive.tar.gz:member`). */
  path: string;
  status: FileStatus;
  /** Digest compared: SHA-256 unless the manifest only has an MD5 (the official CIFAR tar.gz). */
  algorithm: 'sha256' | 'md5';
  expected: string | null;
  actual?: string;
  expectedSize: number | null;
  actualSize?: number;
  /** Informative files (batches.meta.txt): missing is reported but not a failure. */
  optional: boolean;
  detail?: string;
}

export interface VerifyReport {
  name: DatasetName;
  dir: string;
  source: DataSource;
  layout: 'files' | 'archive';
  /** True when every required file is present and matches. */
  ok: boolean;
  files: FileReport[];
}

export interface VerifyOptions extends ResolveOptions {
  /** Manifest to check against (default: the package's data/manifest.json). */
  manifest?: Manifest;
}

/** Hashes every dataset file present and compares it to the manifest. */
export function verifyDataset(name: DatasetName, opts: VerifyOptions = {}): VerifyReport {
  const manifest = opts.manifest ?? getManifest();
  const d = datasetManifest(manifest, name);
  const found = resolveDataset(name, opts);
  const rows: FileReport[] = [];
  if (found.layout === 'files') {
    for (const f of d.files) {
      const variants = [f, ...(f.uncompressed ? [f.uncompressed] : [])];
      const present = variants.filter((v) => fileExists(path.join(found.dir, v.name)));
      if (present.length === 0) rows.push(missingRow(f, path.join(found.dir, f.name), f.optional ?? false));
      for (const v of present) rows.push(checkFile(v, path.join(found.dir, v.name), f.optional ?? false));
    }
  } else {
    const a = d.archive!;
    const archiveRow = checkFile(a, found.archive!, false);
    rows.push(archiveRow);
    rows.push(...checkMembers(found.archive!, a.members));
  }
  const ok = rows.every((r) => r.status === 'ok' || r.status === 'unchecked' || (r.status === 'missing' && r.optional));
  return { name, dir: found.dir, source: found.source, layout: found.layout, ok, files: rows };
}

function checkFile(want: ManifestBlob, file: string, optional: boolean): FileReport {
  const algorithm = want.sha256 === null && want.md5 ? 'md5' : 'sha256';
  const expected = algorithm === 'md5' ? want.md5 ?? null : want.sha256;
  const row: FileReport = { name: want.name, path: file, status: 'ok', algorithm, expected, expectedSize: want.size, optional };
  let got: ReturnType<typeof hashFile>;
  try {
    got = hashFile(file);
  } catch (e) {
    return { ...row, status: 'missing', detail: (e as Error).message };
  }
  row.actualSize = got.size;
  row.actual = got[algorithm];
  if (want.size !== null && got.size !== want.size) row.status = 'wrong-size';
  else if (expected === null) row.status = 'unchecked';
  else if (row.actual !== expected) row.status = 'mismatch';
  return row;
}

function checkMembers(archive: string, members: readonly ManifestBlob[]): FileReport[] {
  let opened: ReturnType<typeof openCifarArchive>;
  try {
    opened = openCifarArchive(archive);
  } catch (e) {
    // The archive row already says wrong-size/mismatch; say why its members were not checked.
    return members.map((m) => ({ ...missingRow(m, `${archive}:${m.name}`, false), detail: (e as Error).message }));
  }
  return members.map((m) => {
    const where = `${archive}:${m.name}`;
    const informative = m.sha256 === null && m.size === null;
    const member = opened.members.find((x) => x.name === m.name);
    if (!member) return missingRow(m, where, informative);
    const actual = digestHex('sha256', member.data);
    const row: FileReport = {
      name: m.name, path: where, status: 'ok', algorithm: 'sha256', expected: m.sha256,
      actual, expectedSize: m.size, actualSize: member.size, optional: informative,
    };
    if (m.size !== null && member.size !== m.size) row.status = 'wrong-size';
    else if (m.sha256 === null) row.status = 'unchecked';
    else if (actual !== m.sha256) row.status = 'mismatch';
    return row;
  });
}

function missingRow(want: ManifestBlob, where: string, optional: boolean): FileReport {
  const algorithm = want.sha256 === null && want.md5 ? 'md5' : 'sha256';
  return {
    name: want.name, path: where, status: 'missing', algorithm,
    expected: algorithm === 'md5' ? want.md5 ?? null : want.sha256, expectedSize: want.size, optional,
  };
}

function fileExists(p: string): boolean {
  try {
    fileKey(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Throws unless `bytes` (the content of `label`) match `want`. `memoKey` identifies unchanged
 * content (see fileKey) so repeated loads in one process hash each file once.
 */
export function checkBlob(label: string, bytes: Uint8Array, want: ManifestBlob | undefined, memoKey?: string): void {
  if (!want) {
    throw new FileFormatError(label, 'not listed in data/manifest.json, so it cannot be verified (load with verify: false to skip the check)');
  }
  if (want.size !== null && bytes.length !== want.size) {
    throw new FileFormatError(
      label,
      `size is ${bytes.length} bytes but data/manifest.json says ${want.size} (incomplete or wrong file; run \`snnwasm data verify\`)`,
    );
  }
  if (want.sha256 !== null) {
    const sha = memoKey ? memoDigest(memoKey, 'sha256', () => digestHex('sha256', bytes)) : digestHex('sha256', bytes);
    if (sha !== want.sha256) throw new ChecksumError(label, want.sha256, sha);
  } else if (want.md5) {
    const md5 = memoKey ? memoDigest(memoKey, 'md5', () => digestHex('md5', bytes)) : digestHex('md5', bytes);
    if (md5 !== want.md5) throw new FileFormatError(label, `MD5 mismatch: expected ${want.md5}, got ${md5}`);
  }
}

/** Reads a whole dataset file and, when `verify`, checks it against `want` (see checkBlob). */
export function readVerified(file: string, want: ManifestBlob | undefined, verify: boolean): Uint8Array {
  if (!verify) return readBytes(file);
  // The memo key (path, size, mtime) is taken just before reading. A file replaced in that
  // instant could pass on an earlier file's hash; acceptable for a load-time integrity check.
  const { key } = fileKey(file);
  const bytes = readBytes(file);
  checkBlob(file, bytes, want, key);
  return bytes;
}
