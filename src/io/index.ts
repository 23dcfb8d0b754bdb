// Public API of the I/O layer: .npy interchange, checkpoints, atomic writes, hashing.

export { writeFileAtomic, writeTempFile, sha256Hex } from './atomic.js';
export type { AtomicFs, AtomicWriteOptions, PendingWrite } from './atomic.js';
export type { DType, TypedArray } from './bytes.js';
export { readNpy, readNpyMatrix, writeNpy, encodeNpy } from './npy.js';
export type { NpyArray, NpyDType, NpyMatrix } from './npy.js';
export { saveCheckpoint, loadCheckpoint, findLatestGoodCheckpoint, checkpointBackupPath } from './checkpoint.js';
export type { SaveCheckpointOptions, LatestCheckpoint, CheckpointFailure } from './checkpoint.js';
export { encodeCheckpoint, decodeCheckpoint, CHECKPOINT_VERSION } from './checkpoint-format.js';
export type { Checkpoint, TensorEntry, TensorInput } from './checkpoint-format.js';
export { weightsSha256 } from './weights-hash.js';
