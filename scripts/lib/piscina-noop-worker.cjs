// Worker of scripts/core-probes.mjs: returns at once (a piscina round trip with no work in it).
module.exports = function noop() { return 0; };
