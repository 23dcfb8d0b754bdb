// Crash-safe file replacement. A training run killed mid-save (OOM, Ctrl-C, power loss) must leave
// either the old file or the new one on disk, never a torn mix: so we write a temp file in the same
// directory (rename is only atomic within one filesystem), fsync it, rename it over the target, and
// fsync the directory so the rename itself survives a power cut.

import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { createHash } from 'node:crypto';
import { threadId } from 'node:worker_threads';
import { FileFormatError } from '../errors.js';

/** The file-system calls the atomic writer makes; tests replace some to inject failures. */
export interface AtomicFs {
  openSync: typeof nodeFs.openSync;
  writeSync: (fd: number, buffer: Uint8Array, offset: number, length: number) => number;
  fsyncSync: typeof nodeFs.fsyncSync;
  closeSync: typeof nodeFs.closeSync;
  renameSync: typeof nodeFs.renameSync;
  unlinkSync: typeof nodeFs.unlinkSync;
}

export interface AtomicWriteOptions {
  /** Overrides for file-system calls (a test seam for failure paths). */
  fs?: Partial<AtomicFs>;
}

/** A fully written, fsynced temp file waiting to be renamed over its target. */
export interface PendingWrite {
  readonly target: string;
  readonly tempPath: string;
  /** Rename the temp file over the target and fsync the directory. Removes the temp file on failure. */
  commit(): void;
  /** Remove the temp file; the target is untouched. Safe to call more than once. */
  abort(): void;
}

let sequence = 0;

/**
 * Write `data` to a fresh temp file next to `target` and fsync it, without touching `target`.
 * Split out from writeFileAtomic so checkpoint rotation can make the new file durable *before*
 * it renames older ones out of the way.
 */
export function writeTempFile(target: string, data: Uint8Array | readonly Uint8Array[], opts: AtomicWriteOptions = {}): PendingWrite {
  const fs: AtomicFs = {
    openSync: nodeFs.openSync,
    writeSync: nodeFs.writeSync,
    fsyncSync: nodeFs.fsyncSync,
    closeSync: nodeFs.closeSync,
    renameSync: nodeFs.renameSync,
    unlinkSync: nodeFs.unlinkSync,
    ...opts.fs,
  };
  const dir = nodePath.dirname(target);
  // pid + threadId + counter is unique among concurrent writers (piscina workers share a pid);
  // 'wx' makes a collision with a stale file from a crashed run fail loudly instead of clobbering.
  const tempPath = nodePath.join(dir, `.${nodePath.basename(target)}.${process.pid}-${threadId}-${sequence++}.tmp`);
  const chunks = data instanceof Uint8Array ? [data] : data;

  // Until open succeeds the temp name is not ours (with 'wx', EEXIST means someone else's file),
  // and after commit it names the target: in both cases abort must not unlink it.
  let ownsTemp = false;
  const abort = (): void => {
    if (!ownsTemp) return;
    ownsTemp = false;
    try {
      fs.unlinkSync(tempPath);
    } catch {
      // Already gone, or never created: nothing to clean up.
    }
  };

  let fd: number | undefined;
  try {
    fd = fs.openSync(tempPath, 'wx', 0o666);
    ownsTemp = true;
    for (const chunk of chunks) {
      // writeSync may write less than asked (e.g. near a quota); loop until the chunk is out.
      for (let done = 0; done < chunk.byteLength; ) {
        const n = fs.writeSync(fd, chunk, done, chunk.byteLength - done);
        if (!(n > 0)) throw new Error('write made no progress');
        done += n;
      }
    }
    fs.fsyncSync(fd);
    const toClose = fd;
    fd = undefined;
    fs.closeSync(toClose);
  } catch (err) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // The write error is the one worth reporting.
      }
    }
    abort();
    throw wrap(target, 'cannot write', err);
  }

  const commit = (): void => {
    if (!ownsTemp) throw new FileFormatError(target, `temp file ${tempPath} was already discarded`);
    try {
      fs.renameSync(tempPath, target);
    } catch (err) {
      abort();
      throw wrap(target, `cannot rename ${tempPath} over it`, err);
    }
    ownsTemp = false; // the temp name no longer exists; it is the target now
    fsyncDirectory(fs, dir);
  };

  return { target, tempPath, commit, abort };
}

/**
 * Replace `target` with `data` atomically: after a crash at any point the target holds either its
 * old contents or all of `data`. Failures throw FileFormatError naming the target, after removing
 * the temp file. The new file gets default permissions (0666 minus umask), not the old file's.
 */
export function writeFileAtomic(target: string, data: Uint8Array | readonly Uint8Array[], opts: AtomicWriteOptions = {}): void {
  writeTempFile(target, data, opts).commit();
}

/** Lowercase hex SHA-256 of one buffer or of several concatenated (without copying them together). */
export function sha256Hex(bytes: Uint8Array | readonly Uint8Array[]): string {
  const h = createHash('sha256');
  for (const b of bytes instanceof Uint8Array ? [bytes] : bytes) h.update(b);
  return h.digest('hex');
}

/**
 * fsync the directory so the rename is durable. Some platforms (Windows, some network file
 * systems) cannot open or fsync a directory; there the rename is as durable as the OS makes it,
 * and failing the whole save after the target was already replaced would mislead the caller.
 */
function fsyncDirectory(fs: AtomicFs, dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EACCES') {
      throw wrap(dir, 'cannot fsync directory after rename', err);
    }
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function wrap(file: string, what: string, err: unknown): FileFormatError {
  const e = new FileFormatError(file, `${what}: ${err instanceof Error ? err.message : String(err)}`);
  e.cause = err;
  return e;
}
