// One time step of integrate-and-fire neurons (SpikingJelly IFNode as the proxy-learning reference
// uses it, algorithms.md 4.2): v += x; spike s = 1 iff v >= theta; hard reset v = 0 where s = 1
// (no leak, no lower bound); counts += s. s is written as f32 0/1 so the next layer's dense GEMM can
// read it. SIMD and scalar twin do the same IEEE operations per element (the reset writes +0).

export function if_step_simd(v: usize, x: usize, s: usize, counts: usize, n: i32, theta: f32): void {
  const th = f32x4.splat(theta), one = f32x4.splat(1);
  let i = 0;
  for (; i + 16 <= n; i += 16) { // four vectors per iteration: loop overhead once per 64 bytes of each array
    const o = <usize>i << 2;
    if4(v + o, x + o, s + o, counts + o, th, one);
    if4(v + o + 16, x + o + 16, s + o + 16, counts + o + 16, th, one);
    if4(v + o + 32, x + o + 32, s + o + 32, counts + o + 32, th, one);
    if4(v + o + 48, x + o + 48, s + o + 48, counts + o + 48, th, one);
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    if4(v + o, x + o, s + o, counts + o, th, one);
  }
  for (; i < n; i++) if_one(v, x, s, counts, i, theta);
}

// @ts-ignore: decorator
@inline function if4(v: usize, x: usize, s: usize, counts: usize, th: v128, one: v128): void {
  const u = f32x4.add(v128.load(v), v128.load(x));
  const fire = f32x4.ge(u, th);
  const sp = v128.and(fire, one);
  v128.store(v, v128.andnot(u, fire));
  v128.store(s, sp);
  v128.store(counts, f32x4.add(v128.load(counts), sp));
}

// @ts-ignore: decorator
@inline function if_one(v: usize, x: usize, s: usize, counts: usize, i: i32, theta: f32): void {
  const o = <usize>i << 2;
  const u = load<f32>(v + o) + load<f32>(x + o);
  const f = u >= theta;
  store<f32>(v + o, f ? 0 : u);
  const sp: f32 = f ? 1 : 0;
  store<f32>(s + o, sp);
  store<f32>(counts + o, load<f32>(counts + o) + sp);
}

export function if_step_ref(v: usize, x: usize, s: usize, counts: usize, n: i32, theta: f32): void {
  for (let i = 0; i < n; i++) if_one(v, x, s, counts, i, theta);
}
