// Reading a whole file, with I/O failures (missing, permission, is a directory) reported as
// FileFormatError so the CLI prints one line naming the file instead of a stack trace.

import { readFileSync } from 'node:fs';
import { FileFormatError } from '../errors.js';

export function readFileOrThrow(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const e = new FileFormatError(file, code === 'ENOENT' ? 'no such file' : `cannot read: ${(err as Error).message}`);
    e.cause = err;
    throw e;
  }
}
