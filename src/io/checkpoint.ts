// Saving, loading and recovering training checkpoints on disk (format: checkpoint-format.ts).
// Rotation keeps the N newest as path, path.1, ..., path.{N-1} so that a checkpoint corrupted
// after it was written (bad disk, a partial copy) still leaves an older good one to resume from.

import { existsSync, renameSync } from 'node:fs';
import { FileFormatError } from '../errors.js';
import { writeTempFile } from './atomic.js';
import type { AtomicWriteOptions } from './atomic.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint-format.js';
import type { Checkpoint, TensorInput } from './checkpoint-format.js';
import { readFileOrThrow } from './read-file.js';

export interface SaveCheckpointOptions extends AtomicWriteOptions {
  /** Keep this many checkpoints: `path` (newest) and `path.1` ... `path.{keep-1}`. Default 1. */
  keep?: number;
}

/** The name of the i-th checkpoint: 0 is `path` itself, i >= 1 is `path.i`. */
export function checkpointBackupPath(path: string, i: number): string {
  return i === 0 ? path : `${path}.${i}`;
}

/**
 * Save a checkpoint atomically. The directory must exist. Order of operations, chosen so that a
 * crash at any moment leaves at least the previous good checkpoint on disk:
 *   1. write the new file to a temp name and fsync it (nothing existing is touched yet);
 *   2. rotate path.{keep-2} -> path.{keep-1}, ..., path -> path.1 (each rename is atomic and
 *      replaces the oldest, which is how it drops out);
 *   3. rename the temp file to path and fsync the directory.
 * A crash between 2 and 3 leaves no `path` but a good `path.1`, which findLatestGoodCheckpoint finds.
 * Backups beyond keep-1 left over from a run with a larger keep are not deleted.
 */
export function saveCheckpoint(path: string, meta: object, tensors: Record<string, TensorInput>, opts: SaveCheckpointOptions = {}): void {
  const keep = opts.keep ?? 1;
  if (!Number.isSafeInteger(keep) || keep < 1) {
    throw new FileFormatError(path, `cannot save checkpoint: keep must be a positive integer, got ${keep}`);
  }
  const pending = writeTempFile(path, encodeCheckpoint(path, meta, tensors), opts);
  try {
    for (let i = keep - 1; i >= 1; i--) {
      const from = checkpointBackupPath(path, i - 1);
      try {
        renameSync(from, checkpointBackupPath(path, i));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // fewer than keep exist yet
        const e = new FileFormatError(from, `cannot rotate checkpoint: ${(err as Error).message}`);
        e.cause = err;
        throw e;
      }
    }
  } catch (err) {
    pending.abort();
    throw err;
  }
  pending.commit();
}

/**
 * Load and fully validate a checkpoint (magic, version, header bounds, JSON, every tensor's
 * extent against its shape and dtype, SHA-256 footer). Throws FileFormatError, or ChecksumError
 * when only the checksum disagrees, naming the file and the problem.
 */
export function loadCheckpoint(path: string): Checkpoint {
  return decodeCheckpoint(path, readFileOrThrow(path));
}

export interface CheckpointFailure {
  path: string;
  error: Error;
}

export interface LatestCheckpoint {
  /** The newest checkpoint that loaded, or null if none did. */
  path: string | null;
  checkpoint: Checkpoint | null;
  /** Newer candidates that failed, newest first (a missing `path` is listed too). */
  failures: CheckpointFailure[];
}

/**
 * Try `path`, `path.1`, `path.2`, ... and return the first that loads, together with why the newer
 * ones failed, so the CLI can say "X is corrupt (reason); resume from Y with --resume Y".
 * Missing backups are skipped, not the end of the search: a crash between rotation and the final
 * rename leaves no `path` (only `path.1`), and the next save then rotates around that hole, leaving
 * `path`, no `path.1`, and the older ones at `path.2`... Never throws for a bad checkpoint.
 */
export function findLatestGoodCheckpoint(path: string, maxBackups = 100): LatestCheckpoint {
  const failures: CheckpointFailure[] = [];
  for (let i = 0; i <= maxBackups; i++) {
    const candidate = checkpointBackupPath(path, i);
    if (i > 0 && !existsSync(candidate)) continue;
    try {
      return { path: candidate, checkpoint: loadCheckpoint(candidate), failures };
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      failures.push({ path: candidate, error });
    }
  }
  return { path: null, checkpoint: null, failures };
}
