// Where the module's own static data (AssemblyScript's Math tables) ends: the host's arena must
// start above it, and every instantiation re-writes that region, so nothing of the host's may live there.
export function module_data_end(): usize {
  return __heap_base;
}
