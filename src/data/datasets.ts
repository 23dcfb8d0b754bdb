// Loading a dataset split for training: find the folder, read each file once, check it against
// the manifest, decode, and cross-check images against labels. The result is in one layout for
// every dataset (N x C x H x W bytes, CHW), so training code never needs to know the format.

import path from 'node:path';
import { FileFormatError } from '../errors.js';
import { CIFAR_PIXELS, openCifarArchive, parseCifarBatch, readCifarBatch, CIFAR_ARCHIVE_DIR, type CifarBatch } from './cifar.js';
import { fileKey } from './hash.js';
import { readIdx } from './idx.js';
import { datasetManifest, expectedFor, getManifest, type Manifest } from './manifest.js';
import { cifarFiles, DATASETS, idxFiles, type DatasetName, type Split } from './registry.js';
import { resolveDataset, type ResolveOptions } from './resolve.js';
import { checkBlob, readVerified } from './verify.js';

export { DATASETS, DATASET_NAMES, isDatasetName, parseDatasetName, parseSplit } from './registry.js';
export type { DatasetInfo, DatasetName, Split } from './registry.js';

export interface LoadOptions extends Omit<ResolveOptions, 'splits'> {
  /** Check each file read against data/manifest.json (default true). */
  verify?: boolean;
  /** Manifest to verify against (default: the package's). */
  manifest?: Manifest;
}

export interface Dataset {
  name: DatasetName;
  split: Split;
  /** count x channels x height x width bytes (CHW per image): a view of a SharedArrayBuffer that nothing else
   *  uses (for an IDX file, the inflated file: the view starts after its header), so pool workers read it in
   *  place. */
  images: Uint8Array;
  /** One class index per image, each < DATASETS[name].classes; a view of a SharedArrayBuffer, as images. */
  labels: Uint8Array;
  count: number;
  channels: number;
  height: number;
  width: number;
}

/** Loads one split of a dataset; every failure is a FileFormatError/ChecksumError naming the file. */
export function loadDataset(name: DatasetName, split: Split, opts: LoadOptions = {}): Dataset {
  const info = DATASETS[name];
  const verify = opts.verify ?? true;
  const manifest = verify ? datasetManifest(opts.manifest ?? getManifest(), name) : undefined;
  const found = resolveDataset(name, { ...opts, splits: [split] });
  const read = (file: string) => readVerified(file, manifest && expectedFor(manifest, path.basename(file)), verify);

  let images: Uint8Array;
  let labels: Uint8Array;
  let labelsFile: string;
  if (info.format === 'idx') {
    const names = idxFiles(split);
    const imagesFile = found.files[names.images];
    labelsFile = found.files[names.labels];
    const img = readIdx(imagesFile, read(imagesFile), true);
    const lab = readIdx(labelsFile, read(labelsFile), true);
    const [n, h, w] = img.dims;
    if (img.dims.length !== 3 || h !== info.height || w !== info.width) {
      throw new FileFormatError(imagesFile, `expected images of shape Nx${info.height}x${info.width}, found dims ${img.dims.join('x')}`);
    }
    if (lab.dims.length !== 1) throw new FileFormatError(labelsFile, `expected a 1-D label file, found dims ${lab.dims.join('x')}`);
    if (lab.dims[0] !== n) {
      throw new FileFormatError(imagesFile, `holds ${n} images but ${labelsFile} holds ${lab.dims[0]} labels; the two files do not belong together`);
    }
    // Views, not copies: a copy of MNIST's 47 MB into fresh memory took 0.34 s of every start on this VM (page
    // faults), and session.ts then copied it again into a SharedArrayBuffer. Inflated files already are one; an
    // uncompressed file (read into a Buffer) is copied once.
    images = inShared(img.data);
    labels = inShared(lab.data);
  } else {
    const batches: CifarBatch[] = [];
    if (found.layout === 'files') {
      for (const base of cifarFiles(split)) {
        const file = found.files[base];
        batches.push(readCifarBatch(file, read(file)));
      }
      labelsFile = found.files[cifarFiles(split)[0]];
    } else {
      const archiveFile = found.archive!;
      const archive = openCifarArchive(archiveFile);
      const archiveKey = verify ? fileKey(archiveFile).key : '';
      for (const base of cifarFiles(split)) {
        const member = `${CIFAR_ARCHIVE_DIR}/${base}`;
        const label = `${archiveFile}:${member}`;
        const bytes = archive.member(base);
        // Members are checked (not the whole archive's MD5): it is stronger and covers exactly what we use.
        if (manifest) checkBlob(label, bytes, manifest.archive?.members.find((m) => m.name === member), `${archiveKey}|${member}`);
        batches.push(parseCifarBatch(label, bytes));
      }
      labelsFile = archiveFile;
    }
    const count = batches.reduce((s, b) => s + b.count, 0);
    images = new Uint8Array(new SharedArrayBuffer(count * CIFAR_PIXELS));
    labels = new Uint8Array(new SharedArrayBuffer(count));
    let at = 0;
    for (const b of batches) {
      images.set(b.images, at * CIFAR_PIXELS);
      labels.set(b.labels, at);
      at += b.count;
    }
  }

  const bad = labels.findIndex((l) => l >= info.classes);
  if (bad >= 0) {
    throw new FileFormatError(labelsFile, `label ${labels[bad]} at index ${bad} is out of range 0..${info.classes - 1}`);
  }
  const { channels, height, width } = info;
  return { name, split, images, labels, count: labels.length, channels, height, width };
}

/** `v` itself when it already lives in a SharedArrayBuffer, else a copy in a new one. */
export function inShared(v: Uint8Array): Uint8Array {
  if (v.buffer instanceof SharedArrayBuffer) return v;
  const c = new Uint8Array(new SharedArrayBuffer(v.length));
  c.set(v);
  return c;
}
