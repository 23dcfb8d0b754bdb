// What `snnwasm spikes` prints for one image: per layer how many neurons fired and when, and the output's
// decision under the strict rule (the label must be the unique earliest spike, or the unique largest count).
import type { SpikeLayer, SpikeRecord } from '../algorithms/types.js';

export interface LayerSummary {
  name: string; shape: number[]; neurons: number; fired: number; spikes: number;
  /** time-to-first-spike: first, median and last spike time among the neurons that fired (null: none fired) */
  first: number | null; median: number | null; last: number | null;
  /** rate coding: spikes per neuron per step */
  rate: number | null;
}

export type Decision =
  | { kind: 'winner'; unit: number; value: number }
  | { kind: 'tie'; units: number[]; value: number }
  | { kind: 'silent' };

export function summariseLayer(layer: SpikeLayer, steps: number): LayerSummary {
  const neurons = layer.shape.reduce((a, b) => a * b, 1);
  if (layer.times) {
    const t = Array.from(layer.times).filter((x) => x < steps).sort((a, b) => a - b);
    return { name: layer.name, shape: layer.shape, neurons, fired: t.length, spikes: t.length,
      first: t.length ? t[0] : null, median: t.length ? t[(t.length - 1) >> 1] : null, last: t.length ? t[t.length - 1] : null, rate: null };
  }
  const c = layer.counts ?? new Uint16Array(neurons);
  let fired = 0, spikes = 0;
  for (const x of c) { if (x > 0) fired++; spikes += x; }
  return { name: layer.name, shape: layer.shape, neurons, fired, spikes, first: null, median: null, last: null, rate: spikes / (neurons * steps) };
}

/** The output layer's decision: the unique earliest spike (time-to-first-spike) or the unique largest count. */
export function decide(rec: SpikeRecord): Decision {
  const out = rec.layers[rec.layers.length - 1];
  const ttfs = rec.coding === 'time-to-first-spike';
  const v = ttfs ? Array.from(out.times!) : Array.from(out.counts!);
  const best = ttfs ? Math.min(...v) : Math.max(...v);
  if (ttfs ? best >= rec.steps : best <= 0) return { kind: 'silent' };
  const units = v.map((x, i) => (x === best ? i : -1)).filter((i) => i >= 0);
  return units.length === 1 ? { kind: 'winner', unit: units[0], value: best } : { kind: 'tie', units, value: best };
}
