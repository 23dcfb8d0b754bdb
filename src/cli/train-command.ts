// snnwasm train: train an algorithm on a dataset, with checkpoints, a metrics log and resume.
import { Command } from 'commander';
import { join } from 'node:path';
import { loadDataset, DATASETS } from '../data/index.js';
import { createSession, createExecutor, sharedImages, DEFAULT_SHARDS } from '../session.js';
import { defaultWorkers } from '../pool/executor.js';
import { train } from '../train/trainer.js';
import { UsageError } from '../errors.js';
import { addModelOptions, algorithmFlags, chooseAlgorithm, chooseDataset, labelMap } from './common.js';
import { parseFloat_, parseInt_ } from './values.js';
import { writeFileAtomic } from '../io/index.js';

export function trainCommand(): Command {
  const cmd = new Command('train').description('train a spiking network');
  addModelOptions(cmd)
    .option('--epochs <n>', 'epochs (default: the reference code\'s)')
    .option('--batch-size <n>', 'samples per update (1 = online SGD, the papers\' default)')
    .option('--seed <n>', 'random seed (32-bit)', '0')
    .option('--workers <n>', 'worker threads for minibatch gradients and evaluation (default: cores)')
    .option('--shards <n>', `micro-shards per minibatch (results depend on this, not on --workers)`, String(DEFAULT_SHARDS))
    .option('--out <dir>', 'run directory (checkpoints, metrics.jsonl, weights/, summary.json)')
    .option('--resume [checkpoint]', 'continue from the run directory\'s checkpoint (or the one given)')
    .option('--keep-checkpoints <n>', 'how many checkpoints to keep', '3')
    .option('--limit-train <n>', 'use only the first n training images (smoke runs)')
    .option('--limit-test <n>', 'evaluate on the first n test images')
    .option('--ema <beta>', 'evaluate and export an exponential moving average of the weights, a <- beta a + (1 - beta) w (e.g. 0.99; s4nn, bs4nn, stidi, proxy)')
    .option('--ema-every <n>', 'training samples between --ema snapshots', '100')
    .option('--no-progress', 'no progress bar')
    .action(async (opts: Record<string, unknown>) => {
      const algo = chooseAlgorithm(opts);
      const dataset = chooseDataset(opts);
      const flags = algorithmFlags(algo, opts);
      const epochs = opts.epochs !== undefined ? parseInt_('--epochs', String(opts.epochs), 1, 100000) : algo.defaultEpochs;
      const batchSize = opts.batchSize !== undefined ? parseInt_('--batch-size', String(opts.batchSize), 1, 65536) : algo.defaultBatchSize;
      const seed = parseInt_('--seed', String(opts.seed), 0, 2 ** 32 - 1);
      const keep = parseInt_('--keep-checkpoints', String(opts.keepCheckpoints), 1, 1000);
      const workers = opts.workers !== undefined ? parseInt_('--workers', String(opts.workers), 1, 256) : defaultWorkers();
      const shards = parseInt_('--shards', String(opts.shards), 1, 1024);
      const limitTrain = opts.limitTrain !== undefined ? parseInt_('--limit-train', String(opts.limitTrain), 1) : undefined;
      const limitTest = opts.limitTest !== undefined ? parseInt_('--limit-test', String(opts.limitTest), 1) : undefined;
      const average = opts.ema !== undefined
        ? { beta: parseFloat_('--ema', String(opts.ema), 0, 0.999999), every: parseInt_('--ema-every', String(opts.emaEvery), 1) } : undefined;
      const outDir = opts.out !== undefined ? String(opts.out) : join('runs', `${algo.name}-${dataset}-seed${seed}`);
      if (outDir.trim() === '') throw new UsageError('--out', 'must not be empty');
      // every flag is checked before any data is read
      const map = labelMap(opts, DATASETS[dataset].classes);
      const session = createSession(algo, dataset, flags, { shards });
      const dataDir = opts.dataDir as string | undefined;
      const tr = loadDataset(dataset, 'train', { dataDir });
      const te = loadDataset(dataset, 'test', { dataDir });
      const relabel = (y: Uint8Array) => (map ? y.map((c) => map[c]) : y);
      const px = tr.channels * tr.height * tr.width;
      const data = {
        dataset,
        train: { ...sharedImages(tr.images, relabel(tr.labels), px), count: tr.count },
        test: { ...sharedImages(te.images, relabel(te.labels), px), count: te.count },
      };
      const executor = createExecutor(session, data, workers);
      let summary;
      try {
        summary = await train({
          algorithm: algo, config: session.config, epochs, batchSize, shards, seed, outDir,
          resume: opts.resume === undefined ? false : opts.resume === true ? true : String(opts.resume),
          keepCheckpoints: keep, progress: opts.progress !== false, limitTrain, limitTest, finiteCheckEvery: 1000, average,
        }, data, session.model, executor);
      } finally {
        await executor.close();
      }
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
