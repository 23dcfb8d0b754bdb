// Digests of files and buffers, plus a per-process memo so a file that was already hashed
// (by `data verify` or an earlier load) is not hashed again while it is unchanged on disk.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { FileFormatError } from '../errors.js';
import { describeFsError } from './files.js';

export type Algorithm = 'sha256' | 'md5';

export function digestHex(algorithm: Algorithm, bytes: Uint8Array): string {
  return crypto.createHash(algorithm).update(bytes).digest('hex');
}

/** Identity of a file's current content for memoising: path, size and modification time. */
export function fileKey(file: string): { key: string; size: number } {
  try {
    const st = fs.statSync(file);
    return { key: `${path.resolve(file)}|${st.size}|${st.mtimeMs}`, size: st.size };
  } catch (e) {
    throw new FileFormatError(file, `cannot read: ${describeFsError(e)}`);
  }
}

const memo = new Map<string, string>();

/** Memoised digest: `compute` runs only the first time a key/algorithm pair is seen. */
export function memoDigest(key: string, algorithm: Algorithm, compute: () => string): string {
  const k = `${algorithm}|${key}`;
  let hex = memo.get(k);
  if (hex === undefined) memo.set(k, (hex = compute()));
  return hex;
}

/** Streams a file through SHA-256 and MD5 in 4 MiB chunks, without holding it in memory. */
export function hashFile(file: string): { size: number; sha256: string; md5: string } {
  const { key, size: statSize } = fileKey(file);
  const cachedSha = memo.get(`sha256|${key}`);
  const cachedMd5 = memo.get(`md5|${key}`);
  if (cachedSha !== undefined && cachedMd5 !== undefined) return { size: statSize, sha256: cachedSha, md5: cachedMd5 };
  const sha = crypto.createHash('sha256');
  const md5 = crypto.createHash('md5');
  const chunk = Buffer.allocUnsafe(4 * 1024 * 1024);
  let size = 0;
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    for (let n; (n = fs.readSync(fd, chunk, 0, chunk.length, null)) > 0; size += n) {
      sha.update(chunk.subarray(0, n));
      md5.update(chunk.subarray(0, n));
    }
  } catch (e) {
    throw new FileFormatError(file, `cannot read: ${describeFsError(e)}`);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  const out = { size, sha256: sha.digest('hex'), md5: md5.digest('hex') };
  memo.set(`sha256|${key}`, out.sha256);
  memo.set(`md5|${key}`, out.md5);
  return out;
}

/** Forgets every memoised digest (tests that rewrite files within one mtime tick use this). */
export function clearHashMemo(): void {
  memo.clear();
}
