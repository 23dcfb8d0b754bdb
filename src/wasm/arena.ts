// The host owns wasm memory: a bump allocator over one shared WebAssembly.Memory. Offsets are what
// kernels receive; typed views are made on demand from the current buffer. Because the memory is
// shared, growing it never detaches old views, so a view stays valid for the tensor's lifetime.
import { MAX_PAGES } from './module.js';

export type DType = 'f32' | 'f64' | 'i32' | 'i16' | 'u8' | 'u64';
const BYTES: Record<DType, number> = { f32: 4, f64: 8, i32: 4, i16: 2, u8: 1, u64: 8 };

export interface Tensor<T extends DType = DType> {
  readonly dtype: T;
  readonly offset: number;
  readonly length: number;
}

type ViewOf<T extends DType> = T extends 'f32' ? Float32Array : T extends 'f64' ? Float64Array : T extends 'i32' ? Int32Array
  : T extends 'i16' ? Int16Array : T extends 'u8' ? Uint8Array : BigUint64Array;

export class Arena {
  private top: number;
  /** `base` is the instance's heapBase: below it lies the module's static data (and offset 0,
   *  which kernels read as "no buffer"). */
  constructor(readonly memory: WebAssembly.Memory, base: number) {
    if (!(base >= 1024)) throw new Error(`arena base ${base} would overlap the module's static data`);
    this.top = base;
    this.views = memory.buffer instanceof SharedArrayBuffer ? new WeakMap() : undefined;
  }

  get used(): number { return this.top; }

  alloc<T extends DType>(dtype: T, length: number): Tensor<T> {
    if (!Number.isInteger(length) || length < 0) throw new Error(`bad tensor length ${length}`);
    const offset = (this.top + 63) & ~63; // 64-byte alignment: whole cache lines, any v128
    const end = offset + length * BYTES[dtype];
    this.ensure(end);
    this.top = end;
    return { dtype, offset, length };
  }

  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil((end - have) / 65536);
    const current = have / 65536;
    if (current + pages > MAX_PAGES) {
      throw new Error(`model and data need ${(end / 2 ** 30).toFixed(2)} GiB of wasm memory, over the 1 GiB limit`);
    }
    this.memory.grow(Math.max(pages, Math.min(current, MAX_PAGES - current)));
  }

  /** The typed view of a tensor, made once and then kept: the per-sample trainers ask for the same few views
   *  several times per sample, and a shared memory's `buffer` getter plus a typed-array construction cost more
   *  than the lookup. A kept view stays valid: the memory is shared, so growing it detaches nothing, and the
   *  tensor lies inside the buffer the view was made on. */
  view<T extends DType>(t: Tensor<T>): ViewOf<T> {
    const kept = this.views?.get(t);
    if (kept !== undefined) return kept as ViewOf<T>;
    const buf = this.memory.buffer;
    let v: ViewOf<T>;
    switch (t.dtype) {
      case 'f32': v = new Float32Array(buf, t.offset, t.length) as ViewOf<T>; break;
      case 'f64': v = new Float64Array(buf, t.offset, t.length) as ViewOf<T>; break;
      case 'i32': v = new Int32Array(buf, t.offset, t.length) as ViewOf<T>; break;
      case 'i16': v = new Int16Array(buf, t.offset, t.length) as ViewOf<T>; break;
      case 'u8': v = new Uint8Array(buf, t.offset, t.length) as ViewOf<T>; break;
      default: v = new BigUint64Array(buf, t.offset, t.length) as ViewOf<T>;
    }
    this.views?.set(t, v);
    return v;
  }
  /** kept views, only over a shared memory (a non-shared one detaches its old buffer when it grows) */
  private readonly views: WeakMap<Tensor, ArrayBufferView> | undefined;
}

/** A tensor's size in bytes. */
export function byteLength(t: Tensor): number { return t.length * BYTES[t.dtype]; }

/** Rounds a neuron count up to the 8-lane stride the kernels require. */
export function padTo8(n: number): number { return (n + 7) & ~7; }
