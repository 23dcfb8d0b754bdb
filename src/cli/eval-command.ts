// snnwasm eval: evaluate a checkpoint, or .npy weights (e.g. the authors' published ones), on a
// dataset split under every decision rule, with the spike statistics.
import { Command } from 'commander';
import { loadDataset, DATASETS } from '../data/index.js';
import { createExecutor, sharedImages } from '../session.js';
import { defaultWorkers } from '../pool/executor.js';
import { evaluateModel } from '../train/evaluate.js';
import { refreshStatistics } from '../train/trainer.js';
import { epochPermutation } from '../train/rng.js';
import { UsageError } from '../errors.js';
import { addModelOptions, chooseAlgorithm, chooseDataset, labelMap } from './common.js';
import { parseInt_ } from './values.js';
import { loadTrainedModel, TRAINED_MODEL_OPTIONS } from './trained-model.js';

export function evalCommand(): Command {
  const cmd = new Command('eval').description('evaluate trained weights');
  addModelOptions(cmd);
  for (const [flag, help] of TRAINED_MODEL_OPTIONS) cmd.option(flag, help);
  cmd.option('--split <name>', 'train or test', 'test')
    .option('--limit-test <n>', 'evaluate on the first n images')
    .option('--workers <n>', 'worker threads (default: cores)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: Record<string, unknown>) => {
      const algo = chooseAlgorithm(opts);
      const dataset = chooseDataset(opts);
      const split = String(opts.split);
      if (split !== 'train' && split !== 'test') throw new UsageError('--split', `must be train or test, got "${split}"`);
      const { session: s, flags, meta, weightsUsed } = loadTrainedModel(algo, dataset, opts);
      const data = loadDataset(dataset, split, { dataDir: opts.dataDir as string | undefined });
      const map = labelMap(opts, DATASETS[dataset].classes);
      const limit = Math.min(data.count, opts.limitTest !== undefined ? parseInt_('--limit-test', String(opts.limitTest), 1) : data.count);
      const workers = opts.workers !== undefined ? parseInt_('--workers', String(opts.workers), 1, 256) : defaultWorkers();
      const px = data.channels * data.height * data.width;
      const images = sharedImages(data.images, map ? data.labels.map((c) => map[c]) : data.labels, px);
      // --bn-refresh given here (not inherited from the checkpoint's config): re-estimate the BN statistics
      // on the first n images of the training set in the checkpoint's epoch order before evaluating
      const refresh = opts.bnRefresh !== undefined ? Number(flags.bnRefresh) : 0;
      const trainSet = refresh > 0 ? (split === 'train' ? data : loadDataset(dataset, 'train', { dataDir: opts.dataDir as string | undefined })) : null;
      const trainImages = trainSet ? sharedImages(trainSet.images, map ? trainSet.labels.map((c) => map[c]) : trainSet.labels, px) : images;
      const executor = createExecutor(s, { train: trainImages, test: images }, workers);
      const t0 = performance.now();
      let r, refreshed: Record<string, number> = {};
      try {
        if (trainSet) {
          const order = epochPermutation(Number(meta.seed ?? 0), Number(meta.epoch ?? 0), trainSet.count);
          refreshed = await refreshStatistics(s.model, executor, order, Math.min(refresh, trainSet.count), { batchSize: Number(meta.batchSize ?? 100), shards: s.shards });
        }
        r = await evaluateModel(s.model, executor, s.shards, limit);
      } finally { await executor.close(); }
      const seconds = (performance.now() - t0) / 1000;
      if (opts.json) {
        process.stdout.write(JSON.stringify({ algorithm: algo.name, dataset, split, weights: weightsUsed, ...r, seconds, ...(trainSet ? { bnRefresh: refreshed } : {}), model: s.model.describe() }, null, 2) + '\n');
      } else {
        const a = r.accuracy;
        process.stdout.write(`${algo.name} on ${dataset} ${split} (${r.n} images, ${seconds.toFixed(2)} s)\n` +
          (trainSet ? `  BN statistics re-estimated on ${refreshed.refreshSamples} training images (${Object.entries(refreshed).filter(([k]) => k.startsWith('bn')).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ')})\n` : '') +
          `  weights: ${weightsUsed}\n` +
          `  accuracy strict ${(a.strict * 100).toFixed(2)}%  first-index ${(a['first-index'] * 100).toFixed(2)}%  reference rule ${(a.reference * 100).toFixed(2)}%\n` +
          (r.stats.meanWinnerTime !== undefined ? `  mean winner spike time ${r.stats.meanWinnerTime.toFixed(2)}\n` : '') +
          (r.stats.hiddenFiringShare !== undefined ? `  hidden neurons firing ${(r.stats.hiddenFiringShare * 100).toFixed(2)}%\n` : '') +
          (r.stats.noOutputSpike !== undefined ? `  samples with no output spike ${r.stats.noOutputSpike}\n` : '') +
          (r.stats.accuracyByT ?? []).map((x) => `  T=${x.T}: strict ${(x.accuracy.strict * 100).toFixed(2)}%  first-index ${(x.accuracy['first-index'] * 100).toFixed(2)}%  reference rule ${(x.accuracy.reference * 100).toFixed(2)}%\n`).join('') +
          (r.stats.layerSpikeRates ? `  spikes per neuron per step, by layer: ${r.stats.layerSpikeRates.map((x) => x.toFixed(4)).join(' ')}\n` : ''));
      }
    });
  return cmd;
}
