// piscina's task file: a CommonJS module whose export is a promise of the ES-module handler
// (shard-worker.ts). piscina loads its task file with require() first; handed the ES module itself, on
// Node 20.19+ that goes through the synchronous require(esm) path, and a worker terminated inside it
// (the pool closed right after replacing a worker that died) aborts the whole process: "v8::Module::
// IsGraphAsync must be used on an instantiated module" or "Assertion failed: facade->InstantiateModule"
// (seen once in CI, after pool.test's injected worker deaths). Through this shim the ES module is loaded
// by import(), whose termination Node handles; piscina awaits an exported promise (its documented
// Promise<Function> form). Measured with scripts/pool-teardown-crash.mjs: README, "Workers and batch size".
export = import('./shard-worker.js').then((m) => m.default);
