// snnwasm export: a trained model out of snnwasm, as a NIR graph (HDF5; snnTorch, Norse, Sinabs/Speck, Lava,
// SpiNNaker2, Rockpool... read it), as .npy weight matrices, or (binary-weight models) packed at one bit per weight
// for `eval` / `spikes` (src/io/packed-model.ts). The model is loaded as `eval` loads it (a checkpoint
// with its averaged weights when it has them, or .npy weights with thresholds and scales from the flags).
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import { DATASETS } from '../data/index.js';
import { writeNpy } from '../io/index.js';
import { UsageError } from '../errors.js';
import { writeNirFile } from '../interop/nir-hdf5.js';
import { savePackedModel } from '../io/packed-model.js';
import { CODE_VERSION } from '../version.js';
import { addModelOptions, chooseAlgorithm, chooseDataset } from './common.js';
import { parsePermutation } from './values.js';
import { loadTrainedModel, TRAINED_MODEL_OPTIONS } from './trained-model.js';

const FORMATS = ['nir', 'npy', 'packed'] as const;

export function exportCommand(): Command {
  const cmd = new Command('export').description('write a trained model as a NIR graph (HDF5), as .npy weight matrices, or packed at one bit per weight (binary models)');
  addModelOptions(cmd);
  for (const [flag, help] of TRAINED_MODEL_OPTIONS) cmd.option(flag, help);
  cmd.option('--format <name>', `${FORMATS.join(', ')}`, 'nir')
    .requiredOption('--out <path>', 'nir, packed: the file to write; npy: a folder (created if its parent exists) for W0.npy, W1.npy, ...')
    .action(async (opts: Record<string, unknown>) => {
      const algo = chooseAlgorithm(opts);
      const dataset = chooseDataset(opts);
      const format = String(opts.format);
      if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError('--format', `must be one of ${FORMATS.join(', ')}, got "${format}"`);
      // refuse an unusable destination before any work
      const out = resolve(String(opts.out));
      if (format !== 'npy') {
        if (!existsSync(dirname(out)) || !statSync(dirname(out)).isDirectory()) throw new UsageError('--out', `folder ${dirname(out)} does not exist`);
        if (existsSync(out) && statSync(out).isDirectory()) throw new UsageError('--out', `${out} is a folder (${format} writes one file)`);
      } else {
        if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError('--out', `${out} is a file (npy writes a folder of .npy files)`);
        if (!existsSync(out) && !(existsSync(dirname(out)) && statSync(dirname(out)).isDirectory())) throw new UsageError('--out', `folder ${dirname(out)} does not exist`);
      }
      const info = DATASETS[dataset];
      const perm = opts.classOrder !== undefined ? parsePermutation('--class-order', String(opts.classOrder), info.classes) : null;
      const { session: s, weightsUsed } = loadTrainedModel(algo, dataset, opts);
      if (format === 'packed') {
        if (!s.model.packedState) throw new UsageError('--format', `packed saves binary weights at one bit each: ${algo.name} has none (bs4nn, bnn and stidi --binary do)`);
        const p = s.model.packedState();
        savePackedModel(out, { algorithm: algo.name, dataset, config: s.config, codeVersion: CODE_VERSION, weightsUsed, source: String(opts.checkpoint ?? opts.weights) }, p);
        const f32 = p.signs.reduce((n, m) => n + 4 * m.rows * m.cols, 0), size = statSync(out).size;
        // a layer the model keeps real (stidi --real-layers) travels as its f32 tensor w<l> beside its signs
        const real = p.signs.map((_, l) => l).filter((l) => p.tensors[`w${l}`]);
        process.stdout.write(`${algo.name} (${weightsUsed}) -> ${out}: ${p.signs.map((m) => `${m.rows}x${m.cols}`).join(', ')} signs at 1 bit` +
          `${real.length ? ` (layer${real.length > 1 ? 's' : ''} ${real.join(', ')} kept real: also as float32)` : ''}, ${size} bytes ` +
          `(the same weights as float32: ${f32} bytes, ${(f32 / size).toFixed(1)}x)\n`);
      } else if (format === 'nir') {
        const graph = s.model.toNir();
        Object.assign(graph.metadata, {
          dataset,
          weights_used: weightsUsed,
          class_of_output_unit: perm ?? Array.from({ length: info.classes }, (_, u) => u),
          class_names: info.classNames.join(','),
        });
        await writeNirFile(out, graph);
        const counts = new Map<string, number>();
        for (const [, n] of graph.nodes) counts.set(n.type, (counts.get(n.type) ?? 0) + 1);
        process.stdout.write(`${algo.name} (${weightsUsed}) -> ${out}: NIR graph of ${graph.nodes.length} nodes (` +
          [...counts].map(([t, c]) => `${c} ${t}`).join(', ') + `), ${statSync(out).size} bytes\n`);
      } else {
        if (!existsSync(out)) mkdirSync(out);
        for (const w of s.model.weights()) {
          const file = join(out, `${w.name}.npy`);
          writeNpy(file, [w.rows, w.cols], w.data);
          process.stdout.write(`wrote ${file} [${w.rows}, ${w.cols}]\n`);
        }
      }
    });
  return cmd;
}
