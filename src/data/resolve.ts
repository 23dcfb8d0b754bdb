// Finding a dataset folder. Search order, first match wins:
//   1. the explicit --data-dir (dataDir option)   2. $SNN_DATA_DIR
//   3. ./data (relative to the current folder)     4. ../shared/data (next to the project)
// Each root is tried as <root>/<name>; the explicit ones also as <root> itself, since users
// often point --data-dir straight at the dataset folder. An explicit --data-dir that lacks the
// files is an error rather than a silent fallback: training on data other than the data you
// named would be worse than stopping. When nothing matches, the error lists every place looked
// at and why it did not count, plus how to fix it.

import fs from 'node:fs';
import path from 'node:path';
import { FileFormatError, UsageError } from '../errors.js';
import { packageRoot } from './pkgroot.js';
import { archiveName, neededFiles, SPLITS, type DatasetName, type Split } from './registry.js';

export interface ResolveOptions {
  /** The --data-dir flag: a folder holding `<name>/`, or the dataset folder itself. */
  dataDir?: string;
  /** Environment to read SNN_DATA_DIR from (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Folder that `./data` and `../shared/data` are relative to (default process.cwd()). */
  cwd?: string;
  /** Roots tried last (default `<cwd>/../shared/data` and `<package>/../shared/data`). */
  sharedDirs?: readonly string[];
  /** Splits whose files must be present (default both). */
  splits?: readonly Split[];
}

export type DataSource = 'flag' | 'env' | 'cwd' | 'shared';

export interface ResolvedDataset {
  name: DatasetName;
  /** Absolute path of the folder that holds the files. */
  dir: string;
  source: DataSource;
  /** 'files': one file per batch (raw or .gz); 'archive': the official tar.gz. */
  layout: 'files' | 'archive';
  /** For 'files': uncompressed base name -> path on disk (the raw file if both exist). */
  files: Record<string, string>;
  /** For 'archive': path of the archive. */
  archive?: string;
}

type Inspection = { ok: true; found: Omit<ResolvedDataset, 'name' | 'source'> } | { ok: false; why: string };

/** Finds the folder for `name`, or throws an error that lists every place looked at. */
export function resolveDataset(name: DatasetName, opts: ResolveOptions = {}): ResolvedDataset {
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  const env = opts.env ?? process.env;
  const splits = opts.splits ?? SPLITS;
  const looked: string[] = [];
  const tryDir = (dir: string, source: DataSource): ResolvedDataset | undefined => {
    const r = inspectFolder(dir, name, splits);
    if (r.ok) return { name, source, ...r.found };
    looked.push(`${dir} (${r.why})`);
    return undefined;
  };
  const explicit = (root: string, source: DataSource) => {
    const abs = path.resolve(cwd, root);
    return tryDir(path.join(abs, name), source) ?? tryDir(abs, source);
  };

  if (opts.dataDir !== undefined) {
    const hit = explicit(opts.dataDir, 'flag');
    if (hit) return hit;
    throw new UsageError('--data-dir', `${path.resolve(cwd, opts.dataDir)} has no usable ${name} data; looked at ${looked.join('; ')}`);
  }
  const fromEnv = env.SNN_DATA_DIR;
  if (fromEnv) {
    const hit = explicit(fromEnv, 'env');
    if (hit) return hit;
  }
  const hit = tryDir(path.join(cwd, 'data', name), 'cwd');
  if (hit) return hit;
  const shared = opts.sharedDirs ?? [path.join(cwd, '..', 'shared', 'data'), path.join(packageRoot(), '..', 'shared', 'data')];
  for (const root of [...new Set(shared.map((s) => path.resolve(cwd, s)))]) {
    const h = tryDir(path.join(root, name), 'shared');
    if (h) return h;
  }
  throw new FileFormatError(
    `dataset ${name}`,
    `not found. Looked at: ${looked.join('; ')}. Run \`snnwasm data fetch ${name}\` to download it into ./data, ` +
      `or pass --data-dir (or set SNN_DATA_DIR) to a folder that holds ${name}/`,
  );
}

/** Does `dir` hold what `splits` of `name` need? Per-file layout first, then the archive. */
export function inspectFolder(dir: string, name: DatasetName, splits: readonly Split[] = SPLITS): Inspection {
  let entries: Set<string>;
  try {
    entries = new Set(fs.readdirSync(dir));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, why: code === 'ENOENT' ? 'no such folder' : code === 'ENOTDIR' ? 'not a folder' : `unreadable: ${code}` };
  }
  const files: Record<string, string> = {};
  const missing: string[] = [];
  for (const base of splits.flatMap((s) => neededFiles(name, s))) {
    // Prefer the uncompressed file when both exist: it loads several times faster (no inflate)
    // and is verified against the manifest's uncompressed SHA-256 just the same.
    const onDisk = [base, `${base}.gz`].find((n) => entries.has(n) && isFile(path.join(dir, n)));
    if (onDisk) files[base] = path.join(dir, onDisk);
    else missing.push(`${base}[.gz]`);
  }
  if (missing.length === 0) return { ok: true, found: { dir, layout: 'files', files } };
  const archive = archiveName(name);
  if (archive && entries.has(archive) && isFile(path.join(dir, archive))) {
    return { ok: true, found: { dir, layout: 'archive', files: {}, archive: path.join(dir, archive) } };
  }
  return { ok: false, why: `missing ${missing.join(', ')}${archive ? ` and no ${archive}` : ''}` };
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}
