// f32_gemm_tn_acc (G += A^T B, the batched weight gradient): _simd against _ref bit for bit on
// awkward shapes: M not a multiple of 4, N a multiple of 4 but not of 8, K = 1 (online) and K > 1.
import { f32_gemm_tn_acc_simd, f32_gemm_tn_acc_ref } from "../index";
import { seed, rndF32, alloc, dup, freeAll, diff32 } from "./util";

function randomF32(n: i32, lo: f32, hi: f32): usize {
  const p = alloc(n * 4);
  for (let i = 0; i < n; i++) store<f32>(p + (<usize>i << 2), rndF32(lo, hi));
  return p;
}

describe("f32 GEMM", () => {
  it("f32_gemm_tn_acc: _simd == _ref", () => {
    seed(11);
    const Ms: i32[] = [1, 4, 7, 10, 13];
    const Ns: i32[] = [4, 8, 12, 36, 100];
    const Ks: i32[] = [1, 3, 16];
    for (let x = 0; x < Ms.length; x++) for (let y = 0; y < Ns.length; y++) for (let z = 0; z < Ks.length; z++) {
      const M = Ms[x], N = Ns[y], K = Ks[z];
      const lda = M + 3, ldb = N + 4;
      const a = randomF32(K * lda, -2, 2), b = randomF32(K * ldb, -1, 1);
      const g = randomF32(M * N, -5, 5);
      const g1 = dup(g, M * N * 4), g2 = dup(g, M * N * 4);
      f32_gemm_tn_acc_simd(g1, M, N, a, lda, b, ldb, K);
      f32_gemm_tn_acc_ref(g2, M, N, a, lda, b, ldb, K);
      expect<i32>(diff32(g1, g2, M * N)).toBe(-1, "M=" + M.toString() + " N=" + N.toString() + " K=" + K.toString());
      // and the result is G + A^T B within rounding of a plain double-precision sum
      for (let r = 0; r < M; r++) for (let c = 0; c < N; c++) {
        let want: f64 = <f64>load<f32>(g + ((<usize>(r * N + c)) << 2));
        for (let s = 0; s < K; s++) want += <f64>load<f32>(a + ((<usize>(s * lda + r)) << 2)) * <f64>load<f32>(b + ((<usize>(s * ldb + c)) << 2));
        const got = <f64>load<f32>(g1 + ((<usize>(r * N + c)) << 2));
        expect<bool>(Math.abs(got - want) <= 1e-4 * (1 + Math.abs(want))).toBe(true, "value at " + r.toString() + "," + c.toString());
      }
      freeAll();
    }
  });
});
