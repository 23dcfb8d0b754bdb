// Evaluation over a dataset split, in shard tasks on the executor: accuracy under every decision
// rule plus the model's statistics, combined in shard order (identical for any worker count).
import type { Model, EvalStats, ShardTask } from '../algorithms/types.js';
import type { Executor, DataSet } from '../pool/executor.js';
import { DECISION_RULES, type DecisionRule } from './decision.js';

export interface EvalResult { n: number; accuracy: Record<DecisionRule, number>; stats: EvalStats }

export async function evaluateModel(model: Model, executor: Executor, shards: number, count: number, set: DataSet = 'test'): Promise<EvalResult> {
  // contiguous chunks of at most `chunk` samples, cycled over the shard workspaces in rounds
  const chunk = 500;
  const outcomes = [];
  for (let start = 0; start < count; start += chunk * shards) {
    const tasks: ShardTask[] = [];
    for (let s = 0; s < shards && start + s * chunk < count; s++) {
      const a = start + s * chunk, b = Math.min(count, a + chunk);
      tasks.push({ kind: 'eval', shard: s, indices: Uint32Array.from({ length: b - a }, (_, i) => a + i) });
    }
    outcomes.push(...(await executor.run(set, tasks)));
  }
  const hits: Record<DecisionRule, number> = { strict: 0, 'first-index': 0, reference: 0 };
  for (const o of outcomes) for (const r of DECISION_RULES) hits[r] += o.hits[r];
  const accuracy = Object.fromEntries(DECISION_RULES.map((r) => [r, count ? hits[r] / count : 0])) as Record<DecisionRule, number>;
  return { n: count, accuracy, stats: model.evalStats(outcomes) };
}
