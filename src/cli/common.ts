// Pieces shared by the CLI commands: choosing the algorithm and dataset, collecting algorithm
// options, and turning a class-order permutation into a label map.
import { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { ALGORITHMS, ALGORITHM_NAMES, allAlgorithmOptions } from '../algorithms/registry.js';
import type { AlgorithmEntry } from '../algorithms/types.js';
import { DATASET_NAMES, isDatasetName, type DatasetName } from '../data/index.js';
import { parseOption, parsePermutation } from './values.js';

export function addModelOptions(cmd: Command): Command {
  cmd.addOption(new Option('--algo <name>', 'algorithm').choices(ALGORITHM_NAMES).makeOptionMandatory())
    .addOption(new Option('--dataset <name>', 'dataset').choices(DATASET_NAMES).makeOptionMandatory())
    .option('--data-dir <dir>', 'folder holding <dataset>/ (else $SNN_DATA_DIR, ./data, ../shared/data)')
    .option('--class-order <perm>', 'output unit u stands for class perm[u] (e.g. S4NN reference: 4,1,0,7,9,2,3,5,8,6)');
  // a bool option may stand alone (--binary) or take a value (--binary false)
  for (const o of allAlgorithmOptions()) cmd.option(`${o.flag} ${o.kind === 'bool' ? '[value]' : '<value>'}`, o.help);
  return cmd;
}

export function chooseAlgorithm(opts: Record<string, unknown>): AlgorithmEntry { return ALGORITHMS[String(opts.algo)]; }

export function chooseDataset(opts: Record<string, unknown>): DatasetName {
  const d = String(opts.dataset);
  if (!isDatasetName(d)) throw new UsageError('--dataset', `unknown dataset "${d}"`);
  return d;
}

/** Parses the algorithm options that were given; refuses options the chosen algorithm lacks. */
export function algorithmFlags(algo: AlgorithmEntry, opts: Record<string, unknown>): Record<string, unknown> {
  const mine = new Map(algo.options.map((o) => [o.key, o]));
  const out: Record<string, unknown> = {};
  for (const spec of allAlgorithmOptions()) {
    const raw = opts[spec.key];
    if (raw === undefined) continue;
    const own = mine.get(spec.key);
    if (!own) throw new UsageError(spec.flag, `does not apply to --algo ${algo.name}`);
    // the chosen algorithm's own spec: algorithms sharing a flag may differ in choices and bounds
    out[spec.key] = parseOption(own, raw as string);
  }
  return out;
}

/** labelMap[class] = output unit, from --class-order (identity when absent). */
export function labelMap(opts: Record<string, unknown>, classes: number): Uint8Array | undefined {
  if (opts.classOrder === undefined) return undefined;
  const perm = parsePermutation('--class-order', String(opts.classOrder), classes);
  const map = new Uint8Array(classes);
  perm.forEach((cls, unit) => { map[cls] = unit; });
  return map;
}
