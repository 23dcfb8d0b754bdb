// Reading a whole file as bytes. Wraps Node's errors so every failure names the file and the
// CLI can print it as one line (FileFormatError) instead of a stack trace.

import fs from 'node:fs';
import { FileFormatError } from '../errors.js';

/** Reads `file` completely. Missing or unreadable files raise FileFormatError naming the file. */
export function readBytes(file: string): Uint8Array {
  try {
    const buf = fs.readFileSync(file);
    // A Buffer may be a view into Node's shared pool; give callers a plain Uint8Array view.
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    throw new FileFormatError(file, `cannot read: ${describeFsError(e)}`);
  }
}

/** Short human reason for a failed fs call ("no such file", "permission denied", ...). */
export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a folder, not a file';
  return e instanceof Error ? e.message : String(e);
}
