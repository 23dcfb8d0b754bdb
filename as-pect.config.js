// as-pect 8.1 configuration for the kernel specs in assembly/__tests__ (`npm run test:kernels`).
// The compiler settings live in assembly/__tests__/as-pect.asconfig.json, named by `-a` in the npm
// script: it takes asconfig.json's shared options (simd, threads, no relaxed SIMD) but none of the
// release target's (no imported shared memory, no stub runtime), which as-pect cannot use.
export default {
  entries: ["assembly/__tests__/**/*.spec.ts"],
  include: ["assembly/__tests__/**/*.include.ts"],
  disclude: [/node_modules/],
  async instantiate(memory, createImports, instantiate, binary) {
    // the spec modules export their own (non-shared) memory; `memory` is offered but not imported
    return instantiate(binary, createImports({ env: { memory } }));
  },
  outputBinary: false,
};
