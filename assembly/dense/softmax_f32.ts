// Softmax cross-entropy gradient dz = softmax(z) - onehot(label), with AssemblyScript's own Math.exp
// compiled into the module (never the host's), so the result is the same on every machine.
// Returns the loss -log softmax(z)_label.
export function f32_softmax_xent_grad(z: usize, n: i32, label: i32, dz: usize): f64 {
  let mx: f64 = -Infinity;
  for (let j = 0; j < n; j++) mx = max(mx, <f64>load<f32>(z + (<usize>j << 2)));
  let sum: f64 = 0;
  for (let j = 0; j < n; j++) sum += Math.exp(<f64>load<f32>(z + (<usize>j << 2)) - mx);
  for (let j = 0; j < n; j++) {
    const p = Math.exp(<f64>load<f32>(z + (<usize>j << 2)) - mx) / sum;
    store<f32>(dz + (<usize>j << 2), <f32>(p - (j == label ? 1.0 : 0.0)));
  }
  return Math.log(sum) - (<f64>load<f32>(z + (<usize>label << 2)) - mx);
}
