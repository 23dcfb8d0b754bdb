// One time step of integrate-and-fire neurons (SpikingJelly IFNode as the proxy-learning reference
// uses it, algorithms.md 4.2): v += x; spike s = 1 iff v >= theta; hard reset v = 0 where s = 1
// (no leak, no lower bound); counts += s. s is written as f32 0/1 so the next layer's dense GEMM can
// read it. SIMD and scalar twin do the same IEEE operations per element (the reset writes +0).

export function if_step_simd(v: usize, x: usize, s: usize, counts: usize, n: i32, theta: f32): void {
  const th = f32x4.splat(theta), one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const u = f32x4.add(v128.load(v + o), v128.load(x + o));
    const fire = f32x4.ge(u, th);
    const sp = v128.and(fire, one);
    v128.store(v + o, v128.andnot(u, fire));
    v128.store(s + o, sp);
    v128.store(counts + o, f32x4.add(v128.load(counts + o), sp));
  }
  for (; i < n; i++) if_one(v, x, s, counts, i, theta);
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
