// Zeroing of host buffers (gradients, potentials, scratch) in wasm memory. The host's typed-array fill on a view of
// the shared memory stores element by element (V8 may not use memset on a SharedArrayBuffer): 128 us per 1.6 MB
// with a Float32Array, 4.6x a non-shared fill; wasm's memory.fill is the engine's memset.

/** bytes bytes at dst set to 0. Already the plain operation: no twin. */
export function mem_zero(dst: usize, bytes: usize): void {
  memory.fill(dst, 0, bytes);
}
