// A binary-weight model saved at one bit per weight (`snnwasm export --format packed`): what the forward pass of
// BS4NN, the BNN or a binary STiDi-BP CSNN needs and nothing else (no latent real weights, no optimiser state;
// a layer the model keeps real, STiDi-BP's --real-layers, carries its f32 weights as one of its own tensors). It is a checkpoint
// container (checkpoint-format.ts: typed tensors, JSON header, SHA-256 footer) whose meta says
// kind "snnwasm-packed-binary-model"; `eval` and `spikes` load it with --checkpoint.
//   bits<l>   u8 [rows, ceil(cols / 8)]: bit b of byte k in row j is the sign of weight (j, 8k + b), 1 for +1,
//             0 for -1 (little-endian bit order; pad bits 0)
//   zeros<l>  i32 [n], only when layer l has weights that are exactly 0 (sign 0 in BS4NN's forward): their
//             flat indices j * cols + i
//   other tensors and `scalars`: the model's own forward state (thresholds, scales, BNN biases and means)
import { saveCheckpoint, type Checkpoint, type TensorInput } from './index.js';
import { FileFormatError } from '../errors.js';
import type { PackedState, WeightMatrix } from '../algorithms/types.js';

export const PACKED_KIND = 'snnwasm-packed-binary-model';
/** the tensor names the format itself uses (the model's own state may not) */
const RESERVED = /^(bits|zeros)\d+$/;

/** Packs a [rows][cols] matrix of signs (any float: > 0 is +1, < 0 is -1, 0 is listed in `zeros`). */
export function packSigns(m: WeightMatrix): { bits: Uint8Array; zeros: Int32Array } {
  const bpr = Math.ceil(m.cols / 8), bits = new Uint8Array(m.rows * bpr), zeros: number[] = [];
  for (let j = 0; j < m.rows; j++) for (let i = 0; i < m.cols; i++) {
    const w = m.data[j * m.cols + i];
    if (w > 0) bits[j * bpr + (i >> 3)] |= 1 << (i & 7);
    else if (!(w < 0)) zeros.push(j * m.cols + i); // 0, -0 (and NaN, which checkFinite keeps out of trained models)
  }
  return { bits, zeros: Int32Array.from(zeros) };
}

/** The inverse: +1 / -1 / 0 as float32. */
export function unpackSigns(bits: Uint8Array, zeros: Int32Array, rows: number, cols: number): Float32Array {
  const bpr = Math.ceil(cols / 8), out = new Float32Array(rows * cols);
  for (let j = 0; j < rows; j++) for (let i = 0; i < cols; i++) out[j * cols + i] = (bits[j * bpr + (i >> 3)] >> (i & 7)) & 1 ? 1 : -1;
  for (const z of zeros) out[z] = 0;
  return out;
}

export function savePackedModel(path: string, meta: Record<string, unknown>, p: PackedState): void {
  const tensors: Record<string, TensorInput> = {};
  p.signs.forEach((m, l) => {
    const { bits, zeros } = packSigns(m);
    tensors[`bits${l}`] = { shape: [m.rows, Math.ceil(m.cols / 8)], data: bits };
    if (zeros.length) tensors[`zeros${l}`] = zeros;
  });
  for (const [k, v] of Object.entries(p.tensors)) {
    if (RESERVED.test(k)) throw new Error(`internal: packed state tensor name ${k} is reserved`);
    tensors[k] = v;
  }
  saveCheckpoint(path, { ...meta, kind: PACKED_KIND, scalars: p.scalars, layers: p.signs.map((m) => ({ name: m.name, rows: m.rows, cols: m.cols })) }, tensors);
}

export function isPackedModel(meta: Record<string, unknown>): boolean { return meta.kind === PACKED_KIND; }

/** The packed state of a loaded packed-model file; names the file on any inconsistency. */
export function readPackedModel(file: string, ck: Checkpoint): PackedState {
  const layers = ck.meta.layers as { name: string; rows: number; cols: number }[] | undefined;
  if (!Array.isArray(layers)) throw new FileFormatError(file, 'packed model without its layer list');
  const signs = layers.map(({ name, rows, cols }, l) => {
    const bits = ck.tensors[`bits${l}`];
    if (!(bits instanceof Uint8Array) || bits.length !== rows * Math.ceil(cols / 8)) throw new FileFormatError(file, `packed layer ${l}: expected ${rows} x ${Math.ceil(cols / 8)} bytes of signs`);
    const zeros = ck.tensors[`zeros${l}`] ?? new Int32Array(0);
    if (!(zeros instanceof Int32Array) || zeros.some((z) => z < 0 || z >= rows * cols)) throw new FileFormatError(file, `packed layer ${l}: bad zero-weight list`);
    return { name, rows, cols, data: unpackSigns(bits, zeros, rows, cols) };
  });
  const tensors: Record<string, Float32Array | Float64Array> = {};
  for (const [k, v] of Object.entries(ck.tensors)) if (!RESERVED.test(k)) {
    if (!(v instanceof Float32Array || v instanceof Float64Array)) throw new FileFormatError(file, `packed model tensor ${k}: expected float data`);
    tensors[k] = v;
  }
  return { signs, scalars: (ck.meta.scalars ?? {}) as PackedState['scalars'], tensors };
}
