// CIFAR-10 binary version (https://www.cs.toronto.edu/~kriz/cifar.html): each record is one
// label byte then 3072 pixel bytes (1024 R, 1024 G, 1024 B, each 32x32 row-major), so the
// pixels are already in CHW order. Files are either our per-file mirror (`data_batch_N.bin` or
// `.bin.gz`) or members of the official `cifar-10-binary.tar.gz`, read in memory.

import { FileFormatError } from '../errors.js';
import { readBytes } from './files.js';
import { gunzip, isGzip } from './gzip.js';
import { readTar, tarMember, type TarMember } from './tar.js';

export const CIFAR_PIXELS = 3 * 32 * 32;
export const CIFAR_RECORD = 1 + CIFAR_PIXELS;
export const CIFAR_CLASSES = 10;
/** Folder inside the official archive that holds the batch files. */
export const CIFAR_ARCHIVE_DIR = 'cifar-10-batches-bin';

/** Decoded records: `images` is count x 3 x 32 x 32 (CHW), `labels` one byte per image. */
export interface CifarBatch {
  count: number;
  images: Uint8Array;
  labels: Uint8Array;
}

/** Reads a `.bin` or `.bin.gz` batch file (gzip detected by content). */
export function readCifarBatch(file: string, bytes?: Uint8Array): CifarBatch {
  let b = bytes ?? readBytes(file);
  if (isGzip(b)) b = gunzip(file, b);
  return parseCifarBatch(file, b);
}

/** Splits raw records into images and labels, validating length and every label byte. */
export function parseCifarBatch(file: string, b: Uint8Array): CifarBatch {
  if (b.length === 0 || b.length % CIFAR_RECORD !== 0) {
    throw new FileFormatError(
      file,
      `length ${b.length} is not a positive multiple of the ${CIFAR_RECORD}-byte CIFAR-10 record ` +
        `(${Math.floor(b.length / CIFAR_RECORD)} whole records + ${b.length % CIFAR_RECORD} stray bytes)`,
    );
  }
  const count = b.length / CIFAR_RECORD;
  const images = new Uint8Array(count * CIFAR_PIXELS);
  const labels = new Uint8Array(count);
  for (let r = 0; r < count; r++) {
    const at = r * CIFAR_RECORD;
    const label = b[at];
    if (label >= CIFAR_CLASSES) {
      throw new FileFormatError(file, `record ${r} (byte ${at}) has label byte ${label}, expected 0..${CIFAR_CLASSES - 1}`);
    }
    labels[r] = label;
    images.set(b.subarray(at + 1, at + CIFAR_RECORD), r * CIFAR_PIXELS);
  }
  return { count, images, labels };
}

/** Parses `batches.meta.txt`: the class names in label order, one per line. */
export function parseCifarMeta(file: string, text: string): string[] {
  const names = text.split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length !== CIFAR_CLASSES) {
    throw new FileFormatError(file, `expected ${CIFAR_CLASSES} class names, one per line, found ${names.length}`);
  }
  return names;
}

/** The official archive, decompressed in memory, with members addressed by base name. */
export interface CifarArchive {
  file: string;
  members: TarMember[];
  /** Member bytes for e.g. `data_batch_1.bin`, or FileFormatError naming archive and member. */
  member(baseName: string): Uint8Array;
}

/** Opens `cifar-10-binary.tar.gz` (or an uncompressed `.tar`) without extracting to disk. */
export function openCifarArchive(file: string, bytes?: Uint8Array): CifarArchive {
  let b = bytes ?? readBytes(file);
  if (isGzip(b)) b = gunzip(file, b);
  const members = readTar(file, b);
  return {
    file,
    members,
    member(baseName: string): Uint8Array {
      return tarMember(file, members, `${CIFAR_ARCHIVE_DIR}/${baseName}`).data;
    },
  };
}

/** Reads one batch out of an opened archive; errors name `archive:member` and the record. */
export function readCifarArchiveBatch(archive: CifarArchive, baseName: string): CifarBatch {
  return parseCifarBatch(`${archive.file}:${CIFAR_ARCHIVE_DIR}/${baseName}`, archive.member(baseName));
}
