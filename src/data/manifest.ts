// data/manifest.json is the single source of truth for what a good dataset file is: official
// names, sizes, SHA-256 (and MD5 where that is all upstream publishes) and download URLs.
// It is parsed as untrusted JSON and its shape checked, so a hand-edit mistake is reported as
// "manifest.json: datasets.mnist.files[2].sha256: ..." instead of a confusing failure later.

import path from 'node:path';
import { FileFormatError } from '../errors.js';
import { readBytes } from './files.js';
import { packageRoot } from './pkgroot.js';

/** Expected size and digests of one file; null where upstream publishes no value. */
export interface Checksums {
  size: number | null;
  sha256: string | null;
  md5?: string | null;
}

/** A named blob with its checksums (an uncompressed file, or an archive member). */
export interface ManifestBlob extends Checksums {
  name: string;
}

/** One file of a dataset folder as stored on disk. */
export interface ManifestFile extends ManifestBlob {
  /** Official download URL, or null when the file is our mirror's format (CIFAR per-file gz). */
  url: string | null;
  /** The same content uncompressed (e.g. `train-images-idx3-ubyte` for the `.gz`). */
  uncompressed?: ManifestBlob;
  /** True when the file is informative only (batches.meta.txt): absence is not an error. */
  optional?: boolean;
}

/** An official archive that contains the dataset (CIFAR-10's tar.gz). */
export interface ManifestArchive extends ManifestBlob {
  url: string;
  size: number;
  /** Members, by path inside the archive, verified after in-memory extraction. */
  members: ManifestBlob[];
}

export interface DatasetManifest {
  files: ManifestFile[];
  archive?: ManifestArchive;
}

export interface Manifest {
  version: 1;
  datasets: Record<string, DatasetManifest>;
}

/** Default location: `<package>/data/manifest.json`. */
export function defaultManifestPath(): string {
  return path.join(packageRoot(), 'data', 'manifest.json');
}

let cached: Manifest | undefined;

/** The package's manifest, loaded and validated once per process. */
export function getManifest(): Manifest {
  return (cached ??= loadManifest(defaultManifestPath()));
}

/** Reads and validates a manifest file. */
export function loadManifest(file: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(readBytes(file)));
  } catch (e) {
    if (e instanceof FileFormatError) throw e;
    throw new FileFormatError(file, `not valid JSON: ${(e as Error).message}`);
  }
  return validateManifest(file, json);
}

/** The entry for one dataset, or FileFormatError naming the manifest. */
export function datasetManifest(manifest: Manifest, name: string, file = 'data/manifest.json'): DatasetManifest {
  const d = Object.hasOwn(manifest.datasets, name) ? manifest.datasets[name] : undefined;
  if (!d) throw new FileFormatError(file, `no entry for dataset ${name}`);
  return d;
}

/** Expected checksums for a file name in a dataset folder, compressed or uncompressed. */
export function expectedFor(d: DatasetManifest, fileName: string): ManifestBlob | undefined {
  for (const f of d.files) {
    if (f.name === fileName) return f;
    if (f.uncompressed?.name === fileName) return f.uncompressed;
  }
  return undefined;
}

/** Checks `json` has the Manifest shape; errors name the manifest file and the JSON path. */
export function validateManifest(file: string, json: unknown): Manifest {
  const bad = (at: string, problem: string) => new FileFormatError(file, `${at}: ${problem}`);
  const obj = (v: unknown, at: string): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(at, 'expected an object');
    return v as Record<string, unknown>;
  };
  const str = (v: unknown, at: string): string => {
    if (typeof v !== 'string' || v.length === 0) throw bad(at, 'expected a non-empty string');
    return v;
  };
  const hex = (v: unknown, at: string, digits: number, nullable: boolean): void => {
    if (v === null && nullable) return;
    if (typeof v !== 'string' || !new RegExp(`^[0-9a-f]{${digits}}$`).test(v)) {
      throw bad(at, `expected ${digits} lowercase hex digits${nullable ? ' or null' : ''}`);
    }
  };
  const size = (v: unknown, at: string, nullable: boolean): void => {
    if (v === null && nullable) return;
    if (!Number.isSafeInteger(v) || (v as number) < 0) throw bad(at, `expected a byte count${nullable ? ' or null' : ''}`);
  };
  const url = (v: unknown, at: string, nullable: boolean): void => {
    if (v === null && nullable) return;
    if (typeof v !== 'string' || !/^https?:\/\/[^\s]+$/.test(v)) throw bad(at, `expected an http(s) URL${nullable ? ' or null' : ''}`);
  };
  const blob = (v: unknown, at: string, nullable: boolean): Record<string, unknown> => {
    const o = obj(v, at);
    str(o.name, `${at}.name`);
    size(o.size, `${at}.size`, nullable);
    hex(o.sha256, `${at}.sha256`, 64, nullable);
    if (o.md5 !== undefined) hex(o.md5, `${at}.md5`, 32, true);
    return o;
  };

  const root = obj(json, 'manifest');
  if (root.version !== 1) throw bad('version', `expected 1, found ${JSON.stringify(root.version)}`);
  const datasets = obj(root.datasets, 'datasets');
  for (const [name, value] of Object.entries(datasets)) {
    const at = `datasets.${name}`;
    const d = obj(value, at);
    if (!Array.isArray(d.files) || d.files.length === 0) throw bad(`${at}.files`, 'expected a non-empty array');
    d.files.forEach((f: unknown, i: number) => {
      const fa = `${at}.files[${i}]`;
      const o = blob(f, fa, false);
      if ((o.name as string).includes('/')) throw bad(`${fa}.name`, 'must be a plain file name');
      url(o.url, `${fa}.url`, true);
      if (o.uncompressed !== undefined) blob(o.uncompressed, `${fa}.uncompressed`, false);
      if (o.optional !== undefined && typeof o.optional !== 'boolean') throw bad(`${fa}.optional`, 'expected a boolean');
    });
    if (d.archive !== undefined) {
      const aa = `${at}.archive`;
      const a = blob(d.archive, aa, true);
      size(a.size, `${aa}.size`, false);
      url(a.url, `${aa}.url`, false);
      if (a.sha256 === null && (a.md5 === null || a.md5 === undefined)) throw bad(aa, 'needs a sha256 or an md5');
      if (!Array.isArray(a.members) || a.members.length === 0) throw bad(`${aa}.members`, 'expected a non-empty array');
      a.members.forEach((m: unknown, i: number) => blob(m, `${aa}.members[${i}]`, true));
    }
  }
  return json as Manifest;
}
