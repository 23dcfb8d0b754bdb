// Shared test helpers: a scratch directory per test file and an assertion for our error types.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileFormatError } from '../../src/errors.js';

export function scratchDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `snnwasm-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Assert `fn` throws a FileFormatError (or subclass `cls`) naming `file` whose message matches `re`. */
export function throwsFormat(fn: () => unknown, file: string, re: RegExp, cls: { new (...args: never[]): FileFormatError; name: string } = FileFormatError): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${String(e)}`);
    assert.equal(e.file, file);
    assert.match(e.message, re);
    return true;
  });
}

/** Names in `dir` that look like our temp files. */
export function tempFilesIn(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.endsWith('.tmp'));
}
