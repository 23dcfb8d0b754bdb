// Per-neuron firing counts of one sample (the dead-neuron statistic, --target-firing): the host counted
// them in JavaScript, one neuron at a time, ~1 us per MNIST sample for S4NN's 400 hidden neurons.

/**
 * counts[j] += 1 (f64) for every j < n with tOut[j] < tmax (the neuron fired); returns how many fired.
 * counts needs no alignment (a layer's counts follow the previous layer's in one array).
 */
export function ttfs_count_fired_simd(tOut: usize, n: i32, tmax: i32, counts: usize): i32 {
  const tmaxV = i32x4.splat(tmax);
  let firedV = i32x4.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const m = i32x4.lt_s(v128.load(tOut + (<usize>j << 2)), tmaxV); // -1 where fired
    const c = counts + (<usize>j << 3);
    // c - (-1.0) adds one; c - (+0.0) leaves c (counts are +0 or positive integers): the twin's c + 1 or c
    v128.store(c, f64x2.sub(v128.load(c), f64x2.convert_low_i32x4_s(m)));
    v128.store(c, f64x2.sub(v128.load(c, 16), f64x2.convert_low_i32x4_s(i32x4.shuffle(m, m, 2, 3, 0, 1))), 16);
    firedV = i32x4.sub(firedV, m);
  }
  const fired = i32x4.extract_lane(firedV, 0) + i32x4.extract_lane(firedV, 1) + i32x4.extract_lane(firedV, 2) + i32x4.extract_lane(firedV, 3);
  // the last n % 4 neurons as the twin counts them
  return fired + ttfs_count_fired_ref(tOut + (<usize>j << 2), n - j, tmax, counts + (<usize>j << 3));
}
export function ttfs_count_fired_ref(tOut: usize, n: i32, tmax: i32, counts: usize): i32 {
  let fired = 0;
  for (let j = 0; j < n; j++) {
    if (load<i32>(tOut + (<usize>j << 2)) < tmax) {
      const c = counts + (<usize>j << 3);
      store<f64>(c, load<f64>(c) + 1);
      fired++;
    }
  }
  return fired;
}
