// Minimal in-memory ustar reader, enough for the official cifar-10-binary.tar.gz (GNU tar).
// We never extract to disk, so path tricks are harmless; the risks are a forged size field
// (huge allocation or reads past the end) and garbage parsed as headers. Hence: header
// checksum on every block, strict octal parsing, and every member checked to lie inside the
// buffer. Members are returned as views into the archive, so nothing is allocated per member.

import { FileFormatError } from '../errors.js';

/** A regular file inside a tar archive; `data` is a view into the archive bytes. */
export interface TarMember {
  name: string;
  size: number;
  data: Uint8Array;
}

const BLOCK = 512;

/** Lists the regular files of an uncompressed tar archive (directories etc. are skipped). */
export function readTar(file: string, tar: Uint8Array): TarMember[] {
  const members: TarMember[] = [];
  let pos = 0;
  while (pos + BLOCK <= tar.length) {
    const h = tar.subarray(pos, pos + BLOCK);
    // The archive ends with zero blocks; stop at the first one.
    if (h.every((x) => x === 0)) return members;
    const at = `tar header at byte ${pos}`;
    const bad = (problem: string) => new FileFormatError(file, `${at}: ${problem}`);

    const stored = parseOctal(h, 148, 8);
    if (stored === null) throw bad('checksum field is not an octal number (not a tar archive, or corrupt)');
    const actual = headerChecksum(h);
    if (stored !== actual) throw bad(`header checksum mismatch (stored ${stored}, computed ${actual})`);

    const name = joinName(h);
    const size = parseOctal(h, 124, 12);
    if (size === null) throw bad(`member ${name}: size field is not an octal number`);
    const start = pos + BLOCK;
    if (size > tar.length - start) {
      throw bad(`member ${name} declares ${size} bytes but only ${tar.length - start} remain (truncated archive or forged size)`);
    }
    const type = String.fromCharCode(h[156]);
    // '0' and NUL are regular files; others (dirs '5', pax 'x'/'g', links) carry no data we use.
    if (type === '0' || type === '\0') members.push({ name, size, data: tar.subarray(start, start + size) });
    pos = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  if (pos < tar.length) throw new FileFormatError(file, `tar archive ends with a partial ${tar.length - pos}-byte block (truncated)`);
  // No end-of-archive marker: GNU tar accepts this too, and every member was bounds-checked.
  return members;
}

/** Finds `name` among the members, or raises FileFormatError naming the archive and member. */
export function tarMember(file: string, members: readonly TarMember[], name: string): TarMember {
  // Later entries win, as when tar extracts an archive with duplicates.
  for (let i = members.length - 1; i >= 0; i--) if (members[i].name === name) return members[i];
  throw new FileFormatError(file, `archive has no member ${name}`);
}

/** Sum of header bytes with the checksum field counted as 8 spaces (POSIX ustar). */
function headerChecksum(h: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
  return sum;
}

/**
 * Parses a NUL/space-terminated octal field; null if it holds anything else. GNU base-256
 * sizes (high bit set, only used above 8 GiB) are rejected as non-octal, which is what we want.
 */
function parseOctal(h: Uint8Array, offset: number, length: number): number | null {
  let i = offset;
  const end = offset + length;
  while (i < end && h[i] === 0x20) i++; // leading spaces
  let value = 0;
  let digits = 0;
  for (; i < end && h[i] >= 0x30 && h[i] <= 0x37; i++, digits++) value = value * 8 + (h[i] - 0x30);
  for (; i < end; i++) if (h[i] !== 0 && h[i] !== 0x20) return null; // only terminators may follow
  return digits > 0 ? value : null;
}

/** ustar splits long paths into prefix (345..500) and name (0..100). */
function joinName(h: Uint8Array): string {
  const text = (from: number, len: number) => {
    const field = h.subarray(from, from + len);
    const nul = field.indexOf(0);
    return new TextDecoder().decode(nul < 0 ? field : field.subarray(0, nul));
  };
  const name = text(0, 100);
  // Only POSIX ustar ("ustar\0") has a prefix field; GNU tar ("ustar ") keeps times there.
  const posix = text(257, 6) === 'ustar' && h[262] === 0;
  const prefix = posix ? text(345, 155) : '';
  return prefix ? `${prefix}/${name}` : name;
}

/** Builds a ustar archive from in-memory files (for tests and fixtures). */
export function encodeTar(files: ReadonlyArray<{ name: string; data: Uint8Array }>): Uint8Array {
  const total = files.reduce((n, f) => n + BLOCK + Math.ceil(f.data.length / BLOCK) * BLOCK, 2 * BLOCK);
  const out = new Uint8Array(total);
  const enc = new TextEncoder();
  let pos = 0;
  for (const f of files) {
    const h = out.subarray(pos, pos + BLOCK);
    const putText = (s: string, at: number) => h.set(enc.encode(s), at);
    putText(f.name, 0);
    putText('0000644\0', 100);
    putText('0000000\0', 108);
    putText('0000000\0', 116);
    putText(f.data.length.toString(8).padStart(11, '0') + '\0', 124);
    putText('00000000000\0', 136);
    h[156] = 0x30;
    putText('ustar\0' + '00', 257);
    putText(headerChecksum(h).toString(8).padStart(6, '0') + '\0 ', 148);
    out.set(f.data, pos + BLOCK);
    pos += BLOCK + Math.ceil(f.data.length / BLOCK) * BLOCK;
  }
  return out;
}
