// snnwasm eval: evaluate a checkpoint, or .npy weights (e.g. the authors' published ones), on a
// dataset split under every decision rule, with the spike statistics.
import { Command } from 'commander';
import { loadDataset, DATASETS } from '../data/index.js';
import { createSession, createExecutor, sharedImages } from '../session.js';
import { defaultWorkers } from '../pool/executor.js';
import { loadCheckpoint, readNpyMatrix } from '../io/index.js';
import { evaluateModel } from '../train/evaluate.js';
import { refreshStatistics } from '../train/trainer.js';
import { averagedFromCheckpoint } from '../train/average.js';
import { epochPermutation } from '../train/rng.js';
import { UsageError, FileFormatError } from '../errors.js';
import { addModelOptions, algorithmFlags, chooseAlgorithm, chooseDataset, labelMap } from './common.js';
import { parseInt_, parseList } from './values.js';

export function evalCommand(): Command {
  const cmd = new Command('eval').description('evaluate trained weights');
  addModelOptions(cmd)
    .option('--checkpoint <file>', 'a checkpoint written by snnwasm train')
    .option('--weights <files>', 'comma-separated .npy files, one [n_out, n_in] matrix per layer')
    .option('--alpha <values>', 'binary: per-layer scales (the reference keeps them outside the weight files)')
    .option('--split <name>', 'train or test', 'test')
    .option('--limit-test <n>', 'evaluate on the first n images')
    .option('--workers <n>', 'worker threads (default: cores)')
    .option('--raw-weights', 'a checkpoint trained with --ema: evaluate its last raw weights instead of the averaged ones')
    .option('--json', 'print the result as JSON')
    .action(async (opts: Record<string, unknown>) => {
      const algo = chooseAlgorithm(opts);
      const dataset = chooseDataset(opts);
      if ((opts.checkpoint === undefined) === (opts.weights === undefined)) {
        throw new UsageError('--checkpoint/--weights', 'give exactly one of --checkpoint or --weights');
      }
      const split = String(opts.split);
      if (split !== 'train' && split !== 'test') throw new UsageError('--split', `must be train or test, got "${split}"`);
      const flags = algorithmFlags(algo, opts);
      if (opts.weights !== undefined && !algo.options.some((o) => o.key === 'hidden')) {
        // e.g. proxy: its weight files hold the parameters only, not the BN running statistics a trained net needs
        throw new UsageError('--weights', `--algo ${algo.name} is evaluated from a --checkpoint (its weight files do not hold the whole model state)`);
      }
      let matrices: { rows: number; cols: number; data: Float32Array; file: string }[] = [];
      // read once: its config shapes the model, its state fills it, its seed/epoch order a --bn-refresh
      const ck = opts.checkpoint !== undefined ? loadCheckpoint(String(opts.checkpoint)) : null;
      const meta = (ck?.meta ?? {}) as Record<string, any>;
      if (opts.weights !== undefined) {
        const files = String(opts.weights).split(',');
        matrices = files.map((file) => ({ ...readNpyMatrix(file), file }));
        // the hidden sizes follow from the matrices, unless given
        if (flags.hidden === undefined) flags.hidden = matrices.slice(0, -1).map((m) => m.rows);
      } else {
        if (meta.algorithm !== algo.name) throw new UsageError('--algo', `checkpoint ${opts.checkpoint} holds a ${meta.algorithm} model`);
        Object.assign(flags, { ...meta.config, ...flags });
      }
      const s = createSession(algo, dataset, flags);
      let weightsUsed = opts.weights !== undefined ? 'the .npy files' : 'the checkpoint\'s weights';
      if (opts.weights !== undefined) {
        const want = [DATASETS[dataset].channels * DATASETS[dataset].height * DATASETS[dataset].width, ...(flags.hidden as number[]), DATASETS[dataset].classes];
        if (matrices.length !== want.length - 1) throw new UsageError('--weights', `expected ${want.length - 1} weight files for layers ${want.join('-')}, got ${matrices.length}`);
        matrices.forEach((m, l) => {
          if (m.rows !== want[l + 1] || m.cols !== want[l]) throw new FileFormatError(m.file, `expected shape [${want[l + 1]}, ${want[l]}] for layer ${l}, got [${m.rows}, ${m.cols}]`);
          s.model.setWeights(l, m.data);
        });
      } else if (ck) {
        s.model.loadState({ scalars: meta.scalars, tensors: ck.tensors as Record<string, Float32Array | Float64Array> });
        // a run trained with --ema reported (and exported) its averaged weights: evaluate those by default
        const avg = averagedFromCheckpoint(ck.tensors as Record<string, Float32Array | Float64Array>);
        if (avg.length && !opts.rawWeights) {
          if (!s.model.useWeights) throw new UsageError('--checkpoint', `${algo.name} cannot be evaluated with averaged weights`);
          s.model.useWeights(avg);
          weightsUsed = `exponential moving average (beta ${meta.average?.beta}, ${meta.averageSnapshots} snapshots)`;
        }
      }
      const nLayers = s.model.weights().length;
      const theta = flags.theta as number[] | undefined;
      const alpha = opts.alpha !== undefined ? parseList('--alpha', String(opts.alpha), false, 1e-12) : undefined;
      if (alpha && alpha.length !== nLayers) throw new UsageError('--alpha', `needs ${nLayers} values, got ${alpha.length}`);
      s.model.setLayerScalars({ theta: opts.theta !== undefined ? theta : undefined, alpha });
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
