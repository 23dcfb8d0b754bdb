// S4NN's relative target times and output error (algorithms.md 1.2), a pure function of the
// output spike times so it can be tested against the reference's cases one by one.
//
//  tau = min_k t_k. If tau == tmax (no output fired):
//    'pull-label' (S4NN): T_k = tmax, T_label = tmax - gamma
//    'none' (BS4NN):      T = t, no error, no update
//  else: T_k = t_k; T_k = min(tau + gamma, tmax) where t_k - tau < gamma; T_label = tau.
//  e_k = (T_k - t_k) / tmax, then delta = e / ||e|| (unless ||e|| = 0).

/** What the target is when no output fired: S4NN pulls the label to tmax - gamma, BS4NN's code sets no error. */
export const NO_SPIKE_TARGETS = ['pull-label', 'none'] as const;
export type NoSpikeTarget = (typeof NO_SPIKE_TARGETS)[number];

export function relativeTargets(t: ArrayLike<number>, n: number, label: number, gamma: number, tmax: number,
  noSpike: NoSpikeTarget, out: Float64Array): void {
  let tau = tmax;
  for (let k = 0; k < n; k++) if (t[k] < tau) tau = t[k];
  if (tau === tmax) {
    for (let k = 0; k < n; k++) out[k] = tmax;
    out[label] = noSpike === 'pull-label' ? tmax - gamma : tmax;
    return;
  }
  for (let k = 0; k < n; k++) out[k] = t[k] - tau < gamma ? Math.min(tau + gamma, tmax) : t[k];
  out[label] = tau;
}

/** Output error e_k = (T_k - t_k)/tmax, normalised to unit L2 norm; returns the norm before. */
export function normalisedError(t: ArrayLike<number>, target: Float64Array, n: number, tmax: number, out: Float32Array): number {
  // e_k is computed twice (the same expression, the same double) rather than kept in an array allocated per
  // call: this runs once per online training step
  let ss = 0;
  for (let k = 0; k < n; k++) { const e = (target[k] - t[k]) / tmax; ss += e * e; }
  const norm = Math.sqrt(ss);
  for (let k = 0; k < n; k++) out[k] = norm !== 0 ? (target[k] - t[k]) / tmax / norm : 0;
  return norm;
}
