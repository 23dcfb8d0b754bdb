// Layers of the conv nets (proxy learning) as small records: shapes only. Parameters and activations
// live in the wasm arena, laid out by the host (src/algorithms/proxy/network.ts); the functions in
// this folder take byte offsets and call kernels from the registry (src/wasm/kernels.ts).
// Activations of a chunk of B samples are [B][C][H W] (PyTorch's NCHW), fully connected ones [B][n].
import type { Arena } from '../wasm/arena.js';
import type { KernelSet } from '../wasm/kernels.js';

/** Conv (no bias) -> batch norm -> ReLU (ANN) or IF (SNN). */
export interface ConvLayer { kind: 'conv'; cin: number; cout: number; k: number; stride: number; pad: number; H: number; W: number; Ho: number; Wo: number }
/** 2x2 max pooling, stride 2 (OR on spike maps). */
export interface PoolLayer { kind: 'pool'; C: number; H: number; W: number; Ho: number; Wo: number }
/** Fully connected, no bias (a flatten of [C][H][W] in C, H, W order before the first). */
export interface FcLayer { kind: 'fc'; nin: number; nout: number; last: boolean }
export type Layer = ConvLayer | PoolLayer | FcLayer;

/** Elements of one sample's output of a layer. */
export function outSize(L: Layer): number {
  return L.kind === 'conv' ? L.cout * L.Ho * L.Wo : L.kind === 'pool' ? L.C * L.Ho * L.Wo : L.nout;
}

/** What the layer functions need: kernels, and zeroing of arena ranges. */
export interface Nn { k: KernelSet; arena: Arena; zero(offset: number, floats: number): void }

export function makeNn(arena: Arena, k: KernelSet): Nn {
  return { k, arena, zero: (offset, floats) => { k.mem_zero(offset, floats * 4); } };
}
