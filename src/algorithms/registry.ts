// The one registry of algorithms: the CLI, the trainer, checkpoints and benchmarks all read it.
// Adding an algorithm means adding one entry here, nothing else.
import type { AlgorithmEntry, OptionSpec } from './types.js';
import { s4nn } from './s4nn.js';
import { bs4nn } from './bs4nn.js';
import { bnn } from './bnn.js';
import { proxy } from './proxy.js';
import { stidi } from './stidi.js';

export const ALGORITHMS: Record<string, AlgorithmEntry> = { s4nn, bs4nn, bnn, proxy, stidi };
export const ALGORITHM_NAMES = Object.keys(ALGORITHMS);


/** Every algorithm option, once per flag (for the CLI's option table). */
export function allAlgorithmOptions(): OptionSpec[] {
  const seen = new Map<string, OptionSpec>();
  for (const a of Object.values(ALGORITHMS)) for (const o of a.options) if (!seen.has(o.flag)) seen.set(o.flag, o);
  return [...seen.values()];
}
