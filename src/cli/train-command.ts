// snnwasm train: train an algorithm on a dataset, with checkpoints, a metrics log and resume.
import { Command } from 'commander';
import { join } from 'node:path';
import { loadDataset, DATASETS } from '../data/index.js';
import { createSession } from '../session.js';
import { train } from '../train/trainer.js';
import { UsageError } from '../errors.js';
import { addModelOptions, algorithmFlags, chooseAlgorithm, chooseDataset, labelMap } from './common.js';
import { parseInt_ } from './values.js';
import { writeFileAtomic } from '../io/index.js';

export function trainCommand(): Command {
  const cmd = new Command('train').description('train a spiking network');
  addModelOptions(cmd)
    .option('--epochs <n>', 'epochs (default: the reference code\'s)')
    .option('--batch-size <n>', 'samples per update (1 = online SGD, the papers\' default)')
    .option('--seed <n>', 'random seed (32-bit)', '0')
    .option('--out <dir>', 'run directory (checkpoints, metrics.jsonl, weights/, summary.json)')
    .option('--resume [checkpoint]', 'continue from the run directory\'s checkpoint (or the one given)')
    .option('--keep-checkpoints <n>', 'how many checkpoints to keep', '3')
    .option('--limit-train <n>', 'use only the first n training images (smoke runs)')
    .option('--limit-test <n>', 'evaluate on the first n test images')
    .option('--no-progress', 'no progress bar')
    .action(async (opts: Record<string, unknown>) => {
      const algo = chooseAlgorithm(opts);
      const dataset = chooseDataset(opts);
      const flags = algorithmFlags(algo, opts);
      const epochs = opts.epochs !== undefined ? parseInt_('--epochs', String(opts.epochs), 1, 100000) : algo.defaultEpochs;
      const batchSize = opts.batchSize !== undefined ? parseInt_('--batch-size', String(opts.batchSize), 1, 65536) : algo.defaultBatchSize;
      const seed = parseInt_('--seed', String(opts.seed), 0, 2 ** 32 - 1);
      const keep = parseInt_('--keep-checkpoints', String(opts.keepCheckpoints), 1, 1000);
      const limitTrain = opts.limitTrain !== undefined ? parseInt_('--limit-train', String(opts.limitTrain), 1) : undefined;
      const limitTest = opts.limitTest !== undefined ? parseInt_('--limit-test', String(opts.limitTest), 1) : undefined;
      const outDir = opts.out !== undefined ? String(opts.out) : join('runs', `${algo.name}-${dataset}-seed${seed}`);
      if (outDir.trim() === '') throw new UsageError('--out', 'must not be empty');
      // every flag is checked before any data is read
      const map = labelMap(opts, DATASETS[dataset].classes);
      const session = createSession(algo, dataset, flags);
      const dataDir = opts.dataDir as string | undefined;
      const tr = loadDataset(dataset, 'train', { dataDir });
      const te = loadDataset(dataset, 'test', { dataDir });
      const relabel = (y: Uint8Array) => (map ? y.map((c) => map[c]) : y);
      const px = tr.channels * tr.height * tr.width;
      const summary = await train({
        algorithm: algo, config: session.config, epochs, batchSize, seed, outDir,
        resume: opts.resume === undefined ? false : opts.resume === true ? true : String(opts.resume),
        keepCheckpoints: keep, progress: opts.progress !== false, limitTrain, limitTest, finiteCheckEvery: 1000,
      }, {
        dataset,
        train: { images: tr.images, labels: relabel(tr.labels), count: tr.count, pixels: px },
        test: { images: te.images, labels: relabel(te.labels), count: te.count, pixels: px },
      }, session.model);
      const text = JSON.stringify(summary, null, 2) + '\n';
      writeFileAtomic(join(outDir, 'summary.json'), new TextEncoder().encode(text));
      const f = summary.final;
      if (f) {
        process.stdout.write(`final test accuracy (${f.test.n} images): strict ${(f.test.accuracy.strict * 100).toFixed(2)}%, ` +
          `first-index ${(f.test.accuracy['first-index'] * 100).toFixed(2)}%, reference rule ${(f.test.accuracy.reference * 100).toFixed(2)}%\n`);
      }
      process.stdout.write(`weights sha256 ${summary.weightsSha256}\nrun directory ${outDir}\n`);
    });
  return cmd;
}
