// Loads the kernel module once per process. The module is compiled once (on the main thread) and
// can be handed to workers as a WebAssembly.Module; every instance imports the same shared memory,
// so weights live once and nothing is copied per task.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { selectKernels, type KernelSet, type KernelVariant } from './kernels.js';

/** Must match asconfig.json's maximumMemory (pages of 64 KiB). */
export const MAX_PAGES = 16384;

let compiled: WebAssembly.Module | undefined;

export function wasmFilePath(): string {
  // dist/src/wasm/module.js -> <package>/build/snnwasm.wasm
  return fileURLToPath(new URL('../../../build/snnwasm.wasm', import.meta.url));
}

export function compileKernelModule(): WebAssembly.Module {
  if (!compiled) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(wasmFilePath());
    } catch {
      throw new Error(`kernel module ${wasmFilePath()} is missing: run "npm run build"`);
    }
    compiled = new WebAssembly.Module(new Uint8Array(bytes));
  }
  return compiled;
}

export function createSharedMemory(initialPages = 64): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: initialPages, maximum: MAX_PAGES, shared: true });
}

export interface KernelInstance {
  memory: WebAssembly.Memory;
  /** first byte the host may use: above the module's static data, rounded up to 64 KiB */
  heapBase: number;
  kernels: KernelSet;
  exports: WebAssembly.Exports;
}

export function instantiateKernels(memory: WebAssembly.Memory, variant: KernelVariant = 'fast',
  module: WebAssembly.Module = compileKernelModule()): KernelInstance {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const dataEnd = (instance.exports.module_data_end as () => number)();
  return { memory, heapBase: Math.ceil((dataEnd + 1) / 65536) * 65536, kernels: selectKernels(instance.exports, variant), exports: instance.exports };
}
