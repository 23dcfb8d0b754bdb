// Public API of the data layer: dataset registry and loading, file readers, manifest,
// resolution, verification and download.

export { DATASETS, DATASET_NAMES, isDatasetName, parseDatasetName, parseSplit, SPLITS } from './registry.js';
export type { DatasetFormat, DatasetInfo, DatasetName, Split } from './registry.js';
export { loadDataset, inShared } from './datasets.js';
export type { Dataset, LoadOptions } from './datasets.js';
export { readIdx, parseIdx, encodeIdx, MAX_IDX_ELEMENTS } from './idx.js';
export type { IdxTensor } from './idx.js';
export { readCifarBatch, parseCifarBatch, parseCifarMeta, openCifarArchive, readCifarArchiveBatch, CIFAR_RECORD } from './cifar.js';
export type { CifarArchive, CifarBatch } from './cifar.js';
export { readTar, tarMember, encodeTar } from './tar.js';
export type { TarMember } from './tar.js';
export { gunzip, isGzip, crc32 } from './gzip.js';
export { getManifest, loadManifest, validateManifest, datasetManifest, expectedFor, defaultManifestPath } from './manifest.js';
export type { Checksums, DatasetManifest, Manifest, ManifestArchive, ManifestBlob, ManifestFile } from './manifest.js';
export { resolveDataset, inspectFolder } from './resolve.js';
export type { DataSource, ResolveOptions, ResolvedDataset } from './resolve.js';
export { verifyDataset, checkBlob } from './verify.js';
export type { FileReport, FileStatus, VerifyOptions, VerifyReport } from './verify.js';
export { fetchDataset } from './fetch.js';
export type { FetchedFile, FetchLike, FetchOptions } from './fetch.js';
