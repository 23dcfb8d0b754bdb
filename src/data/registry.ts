// The one list of datasets snnwasm knows: image shape, classes, and which files hold each
// split. Everything else (resolve, verify, fetch, load) is driven from here and the manifest,
// so adding a dataset means one entry here plus its manifest entry.

import { UsageError } from '../errors.js';

export type Split = 'train' | 'test';
export const SPLITS: readonly Split[] = ['train', 'test'];

/** How a dataset's files are laid out: IDX image/label pairs, or CIFAR record batches. */
export type DatasetFormat = 'idx' | 'cifar';

export interface DatasetInfo {
  channels: number;
  height: number;
  width: number;
  classes: number;
  classNames: readonly string[];
  format: DatasetFormat;
}

const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;
const FASHION_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
  'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
] as const;
const CIFAR10_CLASSES = [
  'airplane', 'automobile', 'bird', 'cat', 'deer',
  'dog', 'frog', 'horse', 'ship', 'truck',
] as const;

export const DATASETS = {
  mnist: { channels: 1, height: 28, width: 28, classes: 10, classNames: MNIST_CLASSES, format: 'idx' },
  'fashion-mnist': { channels: 1, height: 28, width: 28, classes: 10, classNames: FASHION_CLASSES, format: 'idx' },
  'cifar-10': { channels: 3, height: 32, width: 32, classes: 10, classNames: CIFAR10_CLASSES, format: 'cifar' },
} as const satisfies Record<string, DatasetInfo>;

export type DatasetName = keyof typeof DATASETS;
export const DATASET_NAMES = Object.keys(DATASETS) as DatasetName[];

export function isDatasetName(s: string): s is DatasetName {
  return Object.hasOwn(DATASETS, s);
}

/** Checks a user-supplied dataset name; `flag` is what the CLI calls it in the error. */
export function parseDatasetName(s: string, flag = '--dataset'): DatasetName {
  if (isDatasetName(s)) return s;
  throw new UsageError(flag, `unknown dataset "${s}" (known: ${DATASET_NAMES.join(', ')})`);
}

export function parseSplit(s: string, flag = '--split'): Split {
  if (s === 'train' || s === 'test') return s;
  throw new UsageError(flag, `unknown split "${s}" (expected train or test)`);
}

/** IDX file base names (uncompressed) for one split: images first, then labels. */
export function idxFiles(split: Split): { images: string; labels: string } {
  const p = split === 'train' ? 'train' : 't10k';
  return { images: `${p}-images-idx3-ubyte`, labels: `${p}-labels-idx1-ubyte` };
}

/** CIFAR batch base names (uncompressed) for one split, in the official order. */
export function cifarFiles(split: Split): string[] {
  return split === 'train' ? [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`) : ['test_batch.bin'];
}

/** Uncompressed base names a split needs; each may exist on disk as-is or with `.gz`. */
export function neededFiles(name: DatasetName, split: Split): string[] {
  if (DATASETS[name].format === 'cifar') return cifarFiles(split);
  const f = idxFiles(split);
  return [f.images, f.labels];
}

/** Name of the official archive that can stand in for the per-file layout, if any. */
export function archiveName(name: DatasetName): string | undefined {
  return DATASETS[name].format === 'cifar' ? 'cifar-10-binary.tar.gz' : undefined;
}
