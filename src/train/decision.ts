// Decision rules are named values (algorithms.md 1.1, 5.2). For time-to-first-spike outputs:
//  strict:      correct iff the label is the unique earliest output spike (ties are wrong);
//               no output spike is wrong.
//  first-index: prediction = earliest output, ties to the lowest index; no spike: argmax of the
//               fallback potential (as the reference).
//  reference:   the authors' notebook rule: correct iff t_label == min t (ties that include the label
//               count as correct); no output spike: argmax of V[tmax - 3], lowest index on ties.
export const DECISION_RULES = ['strict', 'first-index', 'reference'] as const;
export type DecisionRule = (typeof DECISION_RULES)[number];

export interface TtfsOutcome { correct: Record<DecisionRule, boolean>; winnerTime: number; noSpike: boolean; tie: boolean }

export function argmaxFirst(v: ArrayLike<number>, n: number): number {
  let best = 0;
  for (let k = 1; k < n; k++) if (v[k] > v[best]) best = k;
  return best;
}

export function judgeTtfs(t: ArrayLike<number>, vFallback: ArrayLike<number>, n: number, label: number, tmax: number): TtfsOutcome {
  let m = tmax, first = -1, count = 0;
  for (let k = 0; k < n; k++) {
    if (t[k] < m) { m = t[k]; first = k; count = 1; } else if (t[k] === m && m < tmax) count++;
  }
  if (m === tmax) {
    const pred = argmaxFirst(vFallback, n);
    return { correct: { strict: false, 'first-index': pred === label, reference: pred === label }, winnerTime: tmax, noSpike: true, tie: false };
  }
  return {
    correct: { strict: count === 1 && first === label, 'first-index': first === label, reference: t[label] === m },
    winnerTime: m, noSpike: false, tie: count > 1,
  };
}

/** For rate-coded outputs (spike counts, larger wins): strict = unique maximum; reference = label among the maxima. */
export function judgeCounts(c: ArrayLike<number>, n: number, label: number): Record<DecisionRule, boolean> {
  let m = -Infinity, first = -1, count = 0;
  for (let k = 0; k < n; k++) {
    if (c[k] > m) { m = c[k]; first = k; count = 1; } else if (c[k] === m) count++;
  }
  return { strict: count === 1 && first === label, 'first-index': first === label, reference: c[label] === m };
}

/** Accumulates outcomes into accuracies under every rule. */
export class AccuracyMeter {
  n = 0;
  hits: Record<DecisionRule, number> = { strict: 0, 'first-index': 0, reference: 0 };
  add(correct: Record<DecisionRule, boolean>): void {
    this.n++;
    for (const r of DECISION_RULES) if (correct[r]) this.hits[r]++;
  }
  addCounts(hits: Record<DecisionRule, number>, n: number): void {
    this.n += n;
    for (const r of DECISION_RULES) this.hits[r] += hits[r];
  }
  accuracy(rule: DecisionRule): number { return this.n === 0 ? 0 : this.hits[rule] / this.n; }
  summary(): Record<DecisionRule, number> {
    return { strict: this.accuracy('strict'), 'first-index': this.accuracy('first-index'), reference: this.accuracy('reference') };
  }
}
