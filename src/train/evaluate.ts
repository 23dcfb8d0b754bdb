// Evaluation over a dataset split: accuracy under every decision rule plus the model's statistics.
import type { Model, EvalStats } from '../algorithms/types.js';
import { AccuracyMeter, type DecisionRule } from './decision.js';

export interface EvalResult { n: number; accuracy: Record<DecisionRule, number>; stats: EvalStats }

export interface LabelledImages { images: Uint8Array; labels: Uint8Array; count: number; pixels: number }

export function evaluateModel(model: Model, data: LabelledImages, limit = data.count, labelMap?: Uint8Array): EvalResult {
  const meter = new AccuracyMeter();
  model.resetStats();
  const n = Math.min(limit, data.count);
  for (let i = 0; i < n; i++) {
    const y = labelMap ? labelMap[data.labels[i]] : data.labels[i];
    meter.add(model.evaluate(data.images, i * data.pixels, y).correct);
  }
  return { n, accuracy: meter.summary(), stats: model.evalStats() };
}
