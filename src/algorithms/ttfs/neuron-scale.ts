// BS4NN's scale per output neuron (`--binary-scale filter`): alpha_j instead of one alpha per layer.
// The reference code learns one scale per layer, a single threshold theta/alpha for every neuron of
// the layer. XNOR-Net scales each output filter separately, and binary networks are known to need a
// per-neuron threshold (the bias that batch norm folds into a BNN's sign activation); with its own
// alpha_j each neuron fires at its own count threshold floor(theta / alpha_j) + 1 and learns it by the
// same rule as the layer's scale, restricted to its own row:
//   alpha_j -= alphaLr * mean_i(delta_j [t_i < t_j] sign(w_ij)) = alphaLr * delta_j * C_j / nIn,
//   C_j = sum_i [t_i < t_j] sign(w_ij)   (kernel ttfs_sign_counts_i16).

/** The kernel's starting counts for per-neuron thresholds: c0_j = -(floor(theta / alpha_j) + 1), clamped to
 *  [-(nIn + 1), nIn + 1] (a count of nIn inputs cannot pass beyond that, so the clamp changes no spike and
 *  keeps c0 + count inside i16); pad lanes -1 (their count stays 0, below the kernel's threshold 0). */
export function startingCounts(theta: number, alpha: Float64Array, nIn: number, nOut: number, out: Int16Array): void {
  for (let j = 0; j < out.length; j++) {
    out[j] = j < nOut ? -Math.min(nIn + 1, Math.max(-(nIn + 1), Math.floor(theta / alpha[j]) + 1)) : -1;
  }
}
