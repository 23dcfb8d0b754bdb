// snnwasm spikes: one image through a trained network, layer by layer: who fired and when (a table on stdout),
// the decision, and optionally a raster plot (--svg) and every spike time or count (--json).
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import { loadDataset, DATASETS } from '../data/index.js';
import { writeFileAtomic } from '../io/index.js';
import { UsageError } from '../errors.js';
import { decide, summariseLayer, type Decision, type LayerSummary } from '../spikes/summary.js';
import { spikeRasterSvg } from '../spikes/raster-svg.js';
import type { SpikeRecord } from '../algorithms/types.js';
import { addModelOptions, chooseAlgorithm, chooseDataset } from './common.js';
import { parseInt_, parsePermutation } from './values.js';
import { loadTrainedModel, TRAINED_MODEL_OPTIONS } from './trained-model.js';

export function spikesCommand(): Command {
  const cmd = new Command('spikes').description('show the spikes of every layer for one image (table, raster plot, JSON)');
  addModelOptions(cmd);
  for (const [flag, help] of TRAINED_MODEL_OPTIONS) cmd.option(flag, help);
  cmd.option('--split <name>', 'train or test', 'test')
    .option('--index <n>', 'which image of the split', '0')
    .option('--svg <file>', 'write a spike raster plot (one panel per layer)')
    .option('--json <file>', 'write every layer\'s spike times (time-to-first-spike) or counts and raster (rate coding)')
    .option('--max-rows <n>', 'at most this many neuron rows per raster panel (larger layers: every k-th neuron)', '400')
    .action((opts: Record<string, unknown>) => {
      const algo = chooseAlgorithm(opts);
      const dataset = chooseDataset(opts);
      const split = String(opts.split);
      if (split !== 'train' && split !== 'test') throw new UsageError('--split', `must be train or test, got "${split}"`);
      const maxRows = parseInt_('--max-rows', String(opts.maxRows), 1, 100000);
      // refuse unwritable outputs before any work (and never leave a half-written file: writes are atomic)
      const outputs = (['svg', 'json'] as const).filter((k) => opts[k] !== undefined).map((k) => ({ flag: `--${k}`, path: resolve(String(opts[k])) }));
      for (const o of outputs) {
        const dir = dirname(o.path);
        if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(o.flag, `folder ${dir} does not exist`);
        if (existsSync(o.path) && statSync(o.path).isDirectory()) throw new UsageError(o.flag, `${o.path} is a folder`);
      }
      const { session: s, weightsUsed } = loadTrainedModel(algo, dataset, opts);
      if (!s.model.spikeRecord) throw new UsageError('--algo', `${algo.name} has no spikes (its units are ±1 activations, not spiking neurons)`);
      const data = loadDataset(dataset, split, { dataDir: opts.dataDir as string | undefined });
      const index = parseInt_('--index', String(opts.index), 0);
      if (index >= data.count) throw new UsageError('--index', `the ${dataset} ${split} split has ${data.count} images (0..${data.count - 1}), got ${index}`);
      const info = DATASETS[dataset];
      const perm = opts.classOrder !== undefined ? parsePermutation('--class-order', String(opts.classOrder), info.classes) : null;
      // output unit u stands for class perm[u] (identity without --class-order)
      const unitClass = (u: number) => (perm ? perm[u] : u);
      const label = data.labels[index], labelUnit = perm ? perm.indexOf(label) : label;
      const px = data.channels * data.height * data.width;
      const rec = s.model.spikeRecord(data.images, index * px);
      const decision = decide(rec);
      const layers = rec.layers.map((l) => summariseLayer(l, rec.steps));
      const className = (c: number) => (info.classNames[c] === String(c) ? String(c) : `${c} (${info.classNames[c]})`);
      process.stdout.write(`${algo.name} on ${dataset} ${split} image ${index}, label ${className(label)}; weights: ${weightsUsed}\n` +
        `${rec.coding} coding, ${rec.steps} steps\n` + table(layers, rec.coding) +
        outputLine(rec, unitClass) + `decision (strict rule): ${decisionText(decision, unitClass, className, labelUnit)}\n`);
      const title = `${algo.name}, ${dataset} ${split} image ${index} (label ${info.classNames[label]})`;
      const winner = decision.kind === 'winner' ? decision.unit : undefined;
      const files: { path: string; text: string }[] = [];
      for (const o of outputs) {
        files.push({ path: o.path, text: o.flag === '--svg'
          ? spikeRasterSvg(rec, { title, maxRows, winner, classNames: Array.from({ length: info.classes }, (_, u) => className(unitClass(u))) })
          : JSON.stringify({ algorithm: algo.name, dataset, split, index, label, weights: weightsUsed, coding: rec.coding, steps: rec.steps,
            decision: decisionJson(decision, unitClass), layers: rec.layers.map((l, i) => ({ ...layers[i],
              times: l.times ? Array.from(l.times) : undefined, counts: l.counts ? Array.from(l.counts) : undefined,
              raster: l.raster ? Array.from(l.raster) : undefined })) }) + '\n' });
      }
      for (const f of files) {
        writeFileAtomic(f.path, new TextEncoder().encode(f.text));
        process.stdout.write(`wrote ${f.path}\n`);
      }
    });
  return cmd;
}

function table(layers: LayerSummary[], coding: SpikeRecord['coding']): string {
  const head = coding === 'rate' ? ['layer', 'neurons', 'fired', 'spikes', 'spikes/neuron/step'] : ['layer', 'neurons', 'fired', 'first t', 'median t', 'last t'];
  const rows = layers.map((l) => {
    const fired = `${l.fired} (${((100 * l.fired) / l.neurons).toFixed(1)}%)`;
    const t = (x: number | null) => (x === null ? '-' : String(x));
    return coding === 'rate' ? [l.name, String(l.neurons), fired, String(l.spikes), (l.rate ?? 0).toFixed(4)]
      : [l.name, String(l.neurons), fired, t(l.first), t(l.median), t(l.last)];
  });
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => '  ' + r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ') + '\n';
  return line(head) + rows.map(line).join('');
}

function outputLine(rec: SpikeRecord, unitClass: (u: number) => number): string {
  const out = rec.layers[rec.layers.length - 1];
  const v = out.times ? Array.from(out.times, (t) => (t >= rec.steps ? '-' : String(t))) : Array.from(out.counts ?? [], String);
  return `output ${out.times ? 'spike times' : 'spike counts'} by class: ${v.map((x, u) => `${unitClass(u)}:${x}`).join(' ')}\n`;
}

function decisionText(d: Decision, unitClass: (u: number) => number, className: (c: number) => string, labelUnit: number): string {
  if (d.kind === 'silent') return 'no output spike: wrong';
  if (d.kind === 'tie') return `tie between classes ${d.units.map(unitClass).join(', ')}: wrong${d.units.includes(labelUnit) ? ' (the label is among them)' : ''}`;
  return `${className(unitClass(d.unit))}: ${d.unit === labelUnit ? 'correct' : 'wrong'}`;
}

function decisionJson(d: Decision, unitClass: (u: number) => number): Record<string, unknown> {
  if (d.kind === 'silent') return { kind: 'silent' };
  if (d.kind === 'tie') return { kind: 'tie', classes: d.units.map(unitClass), value: d.value };
  return { kind: 'winner', class: unitClass(d.unit), value: d.value };
}
