// Fused LSTM kernels, native (N-API) path: the same algorithm and memory layout as
// ../assembly/lstm.ts (read that file's comments first), with AVX2/FMA intrinsics and a 2-thread
// batch split. Built by scripts/build-kernels.js with node-gyp when a C++ compiler is present;
// optional: the loader (../native.ts) falls back to the WebAssembly kernel.
//
// Exports: forward(B, T, D, H, x, w, u, bias, h, c, gates, threads),
// infer(B, T, D, H, x, w, u, bias, h, sequences, threads) (no BPTT values kept) and
// backward(B, T, D, H, x, w, u, h, c, gates, dh, lastOnly, dx, dw, du, db, threads); all arrays
// are Float32Array allocated by the caller; backward overwrites `gates` with the gradients of
// the gate pre-activations (the caller's saved forward pass is consumed) and no other input.
#include <node_api.h>
#include <immintrin.h>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#define TGT __attribute__((target("avx2,fma")))

namespace {

TGT inline __m256 vexp(__m256 x) {
  // maxps/minps return their SECOND operand when one is NaN: x goes second so NaN propagates
  // (a NaN input must give a NaN loss, not a finite one).
  x = _mm256_min_ps(_mm256_set1_ps(88.0f), _mm256_max_ps(_mm256_set1_ps(-88.0f), x));
  __m256 fx = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                              _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(fx, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  p = _mm256_add_ps(_mm256_fmadd_ps(_mm256_mul_ps(p, r), r, r), _mm256_set1_ps(1.0f));
  __m256i n = _mm256_cvtps_epi32(fx);
  __m256i pow2n = _mm256_slli_epi32(_mm256_add_epi32(n, _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(pow2n));
}
TGT inline __m256 vsigmoid(__m256 x) {
  const __m256 one = _mm256_set1_ps(1.0f);
  return _mm256_div_ps(one, _mm256_add_ps(one, vexp(_mm256_sub_ps(_mm256_setzero_ps(), x))));
}
TGT inline __m256 vtanh(__m256 x) {
  const __m256 one = _mm256_set1_ps(1.0f);
  return _mm256_sub_ps(one, _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(vexp(_mm256_add_ps(x, x)), one)));
}
inline float ssigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }
inline float stanh(float x) { return std::tanh(x); }

// C[4, 16] (+)= A[4, K] B[K, 16]: the register tile of every GEMM here (8 accumulators). B's
// rows are `kstride` floats apart: ldb for B as it is, 16 for a panel packed by packB.
TGT __attribute__((always_inline)) inline void tile4x16(int K, const float* pa, long sam, long sak, const float* pb,
                                                         long kstride, float* pc, long ldc, bool acc) {
  __m256 c00, c01, c10, c11, c20, c21, c30, c31;
  if (acc) {
    c00 = _mm256_loadu_ps(pc); c01 = _mm256_loadu_ps(pc + 8);
    c10 = _mm256_loadu_ps(pc + ldc); c11 = _mm256_loadu_ps(pc + ldc + 8);
    c20 = _mm256_loadu_ps(pc + 2 * ldc); c21 = _mm256_loadu_ps(pc + 2 * ldc + 8);
    c30 = _mm256_loadu_ps(pc + 3 * ldc); c31 = _mm256_loadu_ps(pc + 3 * ldc + 8);
  } else {
    c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = _mm256_setzero_ps();
  }
  for (int k = 0; k < K; k++, pa += sak, pb += kstride) {
    __m256 b0 = _mm256_loadu_ps(pb), b1 = _mm256_loadu_ps(pb + 8);
    __m256 x = _mm256_broadcast_ss(pa);
    c00 = _mm256_fmadd_ps(x, b0, c00); c01 = _mm256_fmadd_ps(x, b1, c01);
    x = _mm256_broadcast_ss(pa + sam);
    c10 = _mm256_fmadd_ps(x, b0, c10); c11 = _mm256_fmadd_ps(x, b1, c11);
    x = _mm256_broadcast_ss(pa + 2 * sam);
    c20 = _mm256_fmadd_ps(x, b0, c20); c21 = _mm256_fmadd_ps(x, b1, c21);
    x = _mm256_broadcast_ss(pa + 3 * sam);
    c30 = _mm256_fmadd_ps(x, b0, c30); c31 = _mm256_fmadd_ps(x, b1, c31);
  }
  _mm256_storeu_ps(pc, c00); _mm256_storeu_ps(pc + 8, c01);
  _mm256_storeu_ps(pc + ldc, c10); _mm256_storeu_ps(pc + ldc + 8, c11);
  _mm256_storeu_ps(pc + 2 * ldc, c20); _mm256_storeu_ps(pc + 2 * ldc + 8, c21);
  _mm256_storeu_ps(pc + 3 * ldc, c30); _mm256_storeu_ps(pc + 3 * ldc + 8, c31);
}

// C (+)= A B; A[m, k] = a[m * sam + k * sak]; B: [K, N] row stride ldb; C row stride ldc.
TGT void gemmPanel(int M, int N, int K, const float* a, long sam, long sak, const float* b, long ldb,
                   float* c, long ldc, bool acc) {
  int m = 0;
  for (; m + 4 <= M; m += 4) {
    const float* pa0 = a + m * sam;
    float* pc0 = c + m * ldc;
    int n = 0;
    for (; n + 16 <= N; n += 16) tile4x16(K, pa0, sam, sak, b + n, ldb, pc0 + n, ldc, acc);
    for (; n + 8 <= N; n += 8) {
      float* pc = pc0 + n;
      __m256 c0, c1, c2, c3;
      if (acc) {
        c0 = _mm256_loadu_ps(pc); c1 = _mm256_loadu_ps(pc + ldc);
        c2 = _mm256_loadu_ps(pc + 2 * ldc); c3 = _mm256_loadu_ps(pc + 3 * ldc);
      } else {
        c0 = c1 = c2 = c3 = _mm256_setzero_ps();
      }
      const float* pa = pa0;
      const float* pb = b + n;
      for (int k = 0; k < K; k++, pa += sak, pb += ldb) {
        __m256 b0 = _mm256_loadu_ps(pb);
        c0 = _mm256_fmadd_ps(_mm256_broadcast_ss(pa), b0, c0);
        c1 = _mm256_fmadd_ps(_mm256_broadcast_ss(pa + sam), b0, c1);
        c2 = _mm256_fmadd_ps(_mm256_broadcast_ss(pa + 2 * sam), b0, c2);
        c3 = _mm256_fmadd_ps(_mm256_broadcast_ss(pa + 3 * sam), b0, c3);
      }
      _mm256_storeu_ps(pc, c0); _mm256_storeu_ps(pc + ldc, c1);
      _mm256_storeu_ps(pc + 2 * ldc, c2); _mm256_storeu_ps(pc + 3 * ldc, c3);
    }
    for (; n < N; n++) {
      for (int r = 0; r < 4; r++) {
        float s = acc ? pc0[r * ldc + n] : 0.0f;
        const float* pa = pa0 + r * sam;
        for (int k = 0; k < K; k++) s += pa[k * sak] * b[k * ldb + n];
        pc0[r * ldc + n] = s;
      }
    }
  }
  for (; m < M; m++) {
    const float* pa0 = a + m * sam;
    float* pc = c + m * ldc;
    int n = 0;
    for (; n + 8 <= N; n += 8) {
      __m256 c0 = acc ? _mm256_loadu_ps(pc + n) : _mm256_setzero_ps();
      const float* pa = pa0;
      const float* pb = b + n;
      for (int k = 0; k < K; k++, pa += sak, pb += ldb) c0 = _mm256_fmadd_ps(_mm256_broadcast_ss(pa), _mm256_loadu_ps(pb), c0);
      _mm256_storeu_ps(pc + n, c0);
    }
    for (; n < N; n++) {
      float s = acc ? pc[n] : 0.0f;
      for (int k = 0; k < K; k++) s += pa0[k * sak] * b[k * ldb + n];
      pc[n] = s;
    }
  }
}

// Packed B for N % 16 == 0: column panels of 16, [N / 16][K][16], so the micro-kernel reads B
// sequentially (unpacked, every k of a 16-column block is a new cache line ldb floats away).
TGT void packB(int K, int N, const float* b, long ldb, float* out) {
  for (int n0 = 0; n0 < N; n0 += 16) {
    float* o = out + (long)n0 * K;
    for (int k = 0; k < K; k++) std::memcpy(o + (long)k * 16, b + k * ldb + n0, 16 * sizeof(float));
  }
}

// C (+)= A B with B packed by packB (N % 16 == 0). Same tiles and the same order of
// multiply-adds per element as gemmPanel, so the results are bit-identical to the unpacked path.
TGT void gemmPacked(int M, int N, int K, const float* a, long sam, long sak, const float* bp, float* c, long ldc,
                    bool acc) {
  int m = 0;
  for (; m + 4 <= M; m += 4) {
    const float* pa0 = a + m * sam;
    float* pc0 = c + m * ldc;
    for (int n = 0; n < N; n += 16) tile4x16(K, pa0, sam, sak, bp + (long)n * K, 16, pc0 + n, ldc, acc);
  }
  for (; m < M; m++) {
    const float* pa0 = a + m * sam;
    float* pc = c + m * ldc;
    for (int n = 0; n < N; n += 16) {
      __m256 c0 = acc ? _mm256_loadu_ps(pc + n) : _mm256_setzero_ps();
      __m256 c1 = acc ? _mm256_loadu_ps(pc + n + 8) : _mm256_setzero_ps();
      const float* pa = pa0;
      const float* pb = bp + (long)n * K;
      for (int k = 0; k < K; k++, pa += sak, pb += 16) {
        __m256 x = _mm256_broadcast_ss(pa);
        c0 = _mm256_fmadd_ps(x, _mm256_loadu_ps(pb), c0);
        c1 = _mm256_fmadd_ps(x, _mm256_loadu_ps(pb + 8), c1);
      }
      _mm256_storeu_ps(pc + n, c0);
      _mm256_storeu_ps(pc + n + 8, c1);
    }
  }
}

// Scratch for packed B panels, one per thread (the helper threads are short-lived).
float* packScratch(size_t n) {
  static thread_local std::vector<float> buf;
  if (buf.size() < n) buf.resize(n);
  return buf.data();
}

// A B operand packed once and reused by many GEMMs (the recurrent kernel across time steps).
struct PackedB {
  std::vector<float> data;
  bool packed = false;
  TGT PackedB(int K, int N, const float* b, long ldb) {
    if (N % 16 == 0) {
      data.resize((size_t)K * N);
      packB(K, N, b, ldb, data.data());
      packed = true;
    }
  }
};

TGT void gemm(int M, int N, int K, const float* a, long sam, long sak, const float* b, long ldb, float* c,
              long ldc, bool acc) {
  const int KB = 256;
  // Packing costs one pass over B per K block: worth it when at least 8 rows of A reuse it.
  const bool pack = N % 16 == 0 && M >= 8;
  float* bp = pack ? packScratch((size_t)std::min(K, KB) * N) : nullptr;
  for (int k0 = 0; k0 < K || k0 == 0; k0 += KB) {
    int kc = std::min(KB, K - k0);
    if (pack) {
      packB(kc, N, b + (long)k0 * ldb, ldb, bp);
      gemmPacked(M, N, kc, a + k0 * sak, sam, sak, bp, c, ldc, k0 > 0 ? true : acc);
    } else {
      gemmPanel(M, N, kc, a + k0 * sak, sam, sak, b + (long)k0 * ldb, ldb, c, ldc, k0 > 0 ? true : acc);
    }
    if (K == 0) break;
  }
}

// gemm with a B packed beforehand (when it could be packed; N <= 16 * K columns, any K).
TGT void gemmWith(const PackedB& pb, int M, int N, int K, const float* a, long sam, long sak, const float* b,
                  long ldb, float* c, long ldc, bool acc) {
  if (pb.packed) gemmPacked(M, N, K, a, sam, sak, pb.data.data(), c, ldc, acc);
  else gemm(M, N, K, a, sam, sak, b, ldb, c, ldc, acc);
}

TGT void forwardRows(int B, int T, int D, int H, const float* x, const float* w, const float* u, const float* bias,
                     float* h, float* c, float* gates) {
  const long G = 4L * H, rowG = (long)T * G, rowH = (long)T * H;
  const long rows = (long)B * T;
  for (long r = 0; r < rows; r++) std::memcpy(gates + r * G, bias, G * sizeof(float));
  gemm((int)rows, (int)G, D, x, D, 1, w, G, gates, G, true);
  const PackedB up(H, (int)G, u, G);
  for (int t = 0; t < T; t++) {
    float* gt = gates + t * G;
    if (t > 0) gemmWith(up, B, (int)G, H, h + (long)(t - 1) * H, rowH, 1, u, G, gt, rowG, true);
    for (int bi = 0; bi < B; bi++) {
      float* z = gt + bi * rowG;
      const long off = bi * rowH + (long)t * H;
      float* pc = c + off;
      float* ph = h + off;
      const float* cprev = pc - H;
      int j = 0;
      for (; j + 8 <= H; j += 8) {
        __m256 ig = vsigmoid(_mm256_loadu_ps(z + j));
        __m256 fg = vsigmoid(_mm256_loadu_ps(z + H + j));
        __m256 gg = vtanh(_mm256_loadu_ps(z + 2 * H + j));
        __m256 og = vsigmoid(_mm256_loadu_ps(z + 3 * H + j));
        _mm256_storeu_ps(z + j, ig); _mm256_storeu_ps(z + H + j, fg);
        _mm256_storeu_ps(z + 2 * H + j, gg); _mm256_storeu_ps(z + 3 * H + j, og);
        __m256 cv = _mm256_mul_ps(ig, gg);
        if (t > 0) cv = _mm256_fmadd_ps(fg, _mm256_loadu_ps(cprev + j), cv);
        _mm256_storeu_ps(pc + j, cv);
        _mm256_storeu_ps(ph + j, _mm256_mul_ps(og, vtanh(cv)));
      }
      for (; j < H; j++) {
        float ig = ssigmoid(z[j]), fg = ssigmoid(z[H + j]), gg = stanh(z[2 * H + j]), og = ssigmoid(z[3 * H + j]);
        z[j] = ig; z[H + j] = fg; z[2 * H + j] = gg; z[3 * H + j] = og;
        float cv = ig * gg + (t > 0 ? fg * cprev[j] : 0.0f);
        pc[j] = cv;
        ph[j] = og * stanh(cv);
      }
    }
  }
}

// Inference: no values kept for BPTT, so the gate pre-activations of one step at a time
// ([B, 4H]) and the cell state ([B, H], updated in place) stay in cache; the input projection is
// done per step instead of for the whole sequence. hOut: [B, T, H] (seq) or [B, H].
TGT void inferRows(int B, int T, int D, int H, const float* x, const float* w, const float* u, const float* bias,
                   float* hOut, bool seq) {
  const long G = 4L * H;
  std::vector<float> zbuf((size_t)B * G), cbuf((size_t)B * H, 0.0f);
  float* z = zbuf.data();
  float* c = cbuf.data();
  const long ldh = seq ? (long)T * H : H;
  const PackedB wp(D, (int)G, w, G), up(H, (int)G, u, G);
  for (int t = 0; t < T; t++) {
    for (int bi = 0; bi < B; bi++) std::memcpy(z + bi * G, bias, G * sizeof(float));
    gemmWith(wp, B, (int)G, D, x + (long)t * D, (long)T * D, 1, w, G, z, G, true);
    float* hcur = seq ? hOut + (long)t * H : hOut;
    if (t > 0) gemmWith(up, B, (int)G, H, seq ? hcur - H : hOut, ldh, 1, u, G, z, G, true);
    for (int bi = 0; bi < B; bi++) {
      const float* zb = z + bi * G;
      float* pc = c + (long)bi * H;
      float* ph = hcur + bi * ldh;
      int j = 0;
      for (; j + 8 <= H; j += 8) {
        __m256 ig = vsigmoid(_mm256_loadu_ps(zb + j));
        __m256 fg = vsigmoid(_mm256_loadu_ps(zb + H + j));
        __m256 gg = vtanh(_mm256_loadu_ps(zb + 2 * H + j));
        __m256 og = vsigmoid(_mm256_loadu_ps(zb + 3 * H + j));
        __m256 cv = _mm256_fmadd_ps(fg, _mm256_loadu_ps(pc + j), _mm256_mul_ps(ig, gg));
        _mm256_storeu_ps(pc + j, cv);
        _mm256_storeu_ps(ph + j, _mm256_mul_ps(og, vtanh(cv)));
      }
      for (; j < H; j++) {
        float ig = ssigmoid(zb[j]), fg = ssigmoid(zb[H + j]), gg = stanh(zb[2 * H + j]), og = ssigmoid(zb[3 * H + j]);
        float cv = fg * pc[j] + ig * gg;
        pc[j] = cv;
        ph[j] = og * stanh(cv);
      }
    }
  }
}

// dz overwrites `gates`; weight gradients are ADDED to dw, du, db.
TGT void backwardRows(int B, int T, int D, int H, const float* x, const float* w, const float* u, const float* h,
                      const float* c, float* gates, const float* dh, bool lastOnly, float* dx, float* dw, float* du,
                      float* db) {
  const long G = 4L * H, rowG = (long)T * G, rowH = (long)T * H;
  std::vector<float> ut(G * H), wt(G * D), hPrev((size_t)B * rowH), dhNext((size_t)B * H, 0.0f), dcNext((size_t)B * H, 0.0f);
  for (int r = 0; r < H; r++) for (long cc = 0; cc < G; cc++) ut[cc * H + r] = u[r * G + cc];
  for (int r = 0; r < D; r++) for (long cc = 0; cc < G; cc++) wt[cc * D + r] = w[r * G + cc];
  const PackedB utp((int)G, H, ut.data(), H);
  const __m256 one = _mm256_set1_ps(1.0f);
  for (int t = T - 1; t >= 0; t--) {
    for (int bi = 0; bi < B; bi++) {
      float* z = gates + bi * rowG + (long)t * G;
      const long off = bi * rowH + (long)t * H;
      const float* pc = c + off;
      const float* cprev = pc - H;
      const float* pdh = lastOnly ? (t == T - 1 ? dh + (long)bi * H : nullptr) : dh + off;
      float* pdn = dhNext.data() + (long)bi * H;
      float* pdc = dcNext.data() + (long)bi * H;
      int j = 0;
      for (; j + 8 <= H; j += 8) {
        __m256 gdh = _mm256_loadu_ps(pdn + j);
        if (pdh) gdh = _mm256_add_ps(gdh, _mm256_loadu_ps(pdh + j));
        __m256 ig = _mm256_loadu_ps(z + j), fg = _mm256_loadu_ps(z + H + j);
        __m256 gg = _mm256_loadu_ps(z + 2 * H + j), og = _mm256_loadu_ps(z + 3 * H + j);
        __m256 cp = t > 0 ? _mm256_loadu_ps(cprev + j) : _mm256_setzero_ps();
        __m256 tc = vtanh(_mm256_loadu_ps(pc + j));
        __m256 dO = _mm256_mul_ps(gdh, tc);
        __m256 dc = _mm256_fmadd_ps(_mm256_mul_ps(gdh, og), _mm256_fnmadd_ps(tc, tc, one), _mm256_loadu_ps(pdc + j));
        _mm256_storeu_ps(pdc + j, _mm256_mul_ps(dc, fg));
        _mm256_storeu_ps(z + j, _mm256_mul_ps(_mm256_mul_ps(dc, gg), _mm256_mul_ps(ig, _mm256_sub_ps(one, ig))));
        _mm256_storeu_ps(z + H + j, _mm256_mul_ps(_mm256_mul_ps(dc, cp), _mm256_mul_ps(fg, _mm256_sub_ps(one, fg))));
        _mm256_storeu_ps(z + 2 * H + j, _mm256_mul_ps(_mm256_mul_ps(dc, ig), _mm256_fnmadd_ps(gg, gg, one)));
        _mm256_storeu_ps(z + 3 * H + j, _mm256_mul_ps(dO, _mm256_mul_ps(og, _mm256_sub_ps(one, og))));
      }
      for (; j < H; j++) {
        float gdh = pdn[j] + (pdh ? pdh[j] : 0.0f);
        float ig = z[j], fg = z[H + j], gg = z[2 * H + j], og = z[3 * H + j];
        float cp = t > 0 ? cprev[j] : 0.0f;
        float tc = stanh(pc[j]);
        float dO = gdh * tc;
        float dc = pdc[j] + gdh * og * (1.0f - tc * tc);
        pdc[j] = dc * fg;
        z[j] = dc * gg * ig * (1.0f - ig);
        z[H + j] = dc * cp * fg * (1.0f - fg);
        z[2 * H + j] = dc * ig * (1.0f - gg * gg);
        z[3 * H + j] = dO * og * (1.0f - og);
      }
    }
    if (t > 0) gemmWith(utp, B, H, (int)G, gates + (long)t * G, rowG, 1, ut.data(), H, dhNext.data(), H, false);
  }
  for (int bi = 0; bi < B; bi++) {
    float* hp = hPrev.data() + bi * rowH;
    std::memset(hp, 0, H * sizeof(float));
    if (T > 1) std::memcpy(hp + H, h + bi * rowH, (size_t)(T - 1) * H * sizeof(float));
  }
  const int rows = B * T;
  // dW += x^T dz and dU += hPrev^T dz: both read the same dz, packed once per K block.
  if (G % 16 == 0) {
    const int KB = 256;
    float* bp = packScratch((size_t)std::min(rows, KB) * G);
    for (int k0 = 0; k0 < rows; k0 += KB) {
      const int kc = std::min(KB, rows - k0);
      packB(kc, (int)G, gates + (long)k0 * G, G, bp);
      gemmPacked(D, (int)G, kc, x + (long)k0 * D, 1, D, bp, dw, G, true);
      gemmPacked(H, (int)G, kc, hPrev.data() + (long)k0 * H, 1, H, bp, du, G, true);
    }
  } else {
    gemm(D, (int)G, rows, x, 1, D, gates, G, dw, G, true);
    gemm(H, (int)G, rows, hPrev.data(), 1, H, gates, G, du, G, true);
  }
  gemm(rows, D, (int)G, gates, G, 1, wt.data(), D, dx, D, false);
  for (int r = 0; r < rows; r++) {
    const float* z = gates + (long)r * G;
    for (long j = 0; j < G; j++) db[j] += z[j];
  }
}

// Rows per batch chunk: a function of the batch size only, so the backward pass sums weight
// gradients over the same chunks (in chunk order) whatever the thread count or scheduling.
inline int chunkRows(int B) { return std::max(4, (B + 3) / 4); }

// Runs body(firstRow, rows) over the batch in chunks of `chunk` rows, claimed from a shared
// counter by this thread and, when threads > 1, one helper thread. On a loaded machine a
// descheduled helper simply claims fewer chunks instead of stalling the call at a fixed
// half-split join. Bodies must not depend on which thread runs them (results are then
// identical for any thread count).
template <typename Body>
void forChunks(int B, int chunk, int threads, Body body) {
  if (threads <= 1 || B <= chunk) {
    for (int from = 0; from < B; from += chunk) body(from, std::min(chunk, B - from));
    return;
  }
  std::atomic<int> next(0);
  auto run = [&]() {
    for (;;) {
      int from = next.fetch_add(chunk);
      if (from >= B) break;
      body(from, std::min(chunk, B - from));
    }
  };
  std::thread helper(run);
  run();
  helper.join();
}

// ---------------------------------------------------------------------------------------------
// N-API glue

bool getInt(napi_env env, napi_value v, int* out) { return napi_get_value_int32(env, v, out) == napi_ok; }

float* getF32(napi_env env, napi_value v, size_t expected, const char* name) {
  bool is = false;
  napi_is_typedarray(env, v, &is);
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (!is || napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_float32_array || length != expected) {
    std::string msg = std::string(name) + " must be a Float32Array of length " + std::to_string(expected);
    napi_throw_range_error(env, nullptr, msg.c_str());
    return nullptr;
  }
  return static_cast<float*>(data);
}

napi_value Forward(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value a[12];
  napi_get_cb_info(env, info, &argc, a, nullptr, nullptr);
  int B, T, D, H, threads;
  if (argc != 12 || !getInt(env, a[0], &B) || !getInt(env, a[1], &T) || !getInt(env, a[2], &D) ||
      !getInt(env, a[3], &H) || !getInt(env, a[11], &threads) || B <= 0 || T <= 0 || D <= 0 || H <= 0) {
    napi_throw_type_error(env, nullptr, "forward(B, T, D, H, x, w, u, bias, h, c, gates, threads)");
    return nullptr;
  }
  const long G = 4L * H;
  float* x = getF32(env, a[4], (size_t)B * T * D, "x"); if (!x) return nullptr;
  float* w = getF32(env, a[5], D * G, "kernel"); if (!w) return nullptr;
  float* u = getF32(env, a[6], H * G, "recurrent"); if (!u) return nullptr;
  float* bias = getF32(env, a[7], G, "bias"); if (!bias) return nullptr;
  float* h = getF32(env, a[8], (size_t)B * T * H, "h"); if (!h) return nullptr;
  float* c = getF32(env, a[9], (size_t)B * T * H, "c"); if (!c) return nullptr;
  float* g = getF32(env, a[10], (size_t)B * T * G, "gates"); if (!g) return nullptr;
  forChunks(B, threads > 1 ? chunkRows(B) : B, threads, [&](int from, int rows) {
    forwardRows(rows, T, D, H, x + (long)from * T * D, w, u, bias, h + (long)from * T * H, c + (long)from * T * H,
                g + (long)from * T * G);
  });
  return nullptr;
}

napi_value Backward(napi_env env, napi_callback_info info) {
  size_t argc = 17;
  napi_value a[17];
  napi_get_cb_info(env, info, &argc, a, nullptr, nullptr);
  int B, T, D, H, lastOnly, threads;
  if (argc != 17 || !getInt(env, a[0], &B) || !getInt(env, a[1], &T) || !getInt(env, a[2], &D) ||
      !getInt(env, a[3], &H) || !getInt(env, a[11], &lastOnly) || !getInt(env, a[16], &threads) || B <= 0 ||
      T <= 0 || D <= 0 || H <= 0) {
    napi_throw_type_error(env, nullptr, "backward(B, T, D, H, x, w, u, h, c, gates, dh, lastOnly, dx, dw, du, db, threads)");
    return nullptr;
  }
  const long G = 4L * H;
  float* x = getF32(env, a[4], (size_t)B * T * D, "x"); if (!x) return nullptr;
  float* w = getF32(env, a[5], D * G, "kernel"); if (!w) return nullptr;
  float* u = getF32(env, a[6], H * G, "recurrent"); if (!u) return nullptr;
  float* h = getF32(env, a[7], (size_t)B * T * H, "h"); if (!h) return nullptr;
  float* c = getF32(env, a[8], (size_t)B * T * H, "c"); if (!c) return nullptr;
  float* g = getF32(env, a[9], (size_t)B * T * G, "gates"); if (!g) return nullptr;
  float* dh = getF32(env, a[10], lastOnly ? (size_t)B * H : (size_t)B * T * H, "dh"); if (!dh) return nullptr;
  float* dx = getF32(env, a[12], (size_t)B * T * D, "dx"); if (!dx) return nullptr;
  float* dw = getF32(env, a[13], D * G, "dw"); if (!dw) return nullptr;
  float* du = getF32(env, a[14], H * G, "du"); if (!du) return nullptr;
  float* db = getF32(env, a[15], G, "db"); if (!db) return nullptr;
  float* dz = g;  // overwritten in place: the JS side consumes the saved forward pass
  // Weight gradients: one partial sum per batch chunk (chunks depend on B only), added in chunk
  // order at the end, so the result is the same for 1 or 2 threads and any scheduling.
  const int chunk = chunkRows(B);
  const int chunks = (B + chunk - 1) / chunk;
  const long wsize = D * G + H * G + G;
  std::vector<float> parts((size_t)chunks * wsize, 0.0f);
  forChunks(B, chunk, threads, [&](int from, int rows) {
    float* p = parts.data() + (size_t)(from / chunk) * wsize;
    backwardRows(rows, T, D, H, x + (long)from * T * D, w, u, h + (long)from * T * H, c + (long)from * T * H,
                 dz + (long)from * T * G, dh + (long)from * (lastOnly ? H : (long)T * H), lastOnly != 0,
                 dx + (long)from * T * D, p, p + D * G, p + D * G + H * G);
  });
  for (int k = 0; k < chunks; k++) {
    const float* p = parts.data() + (size_t)k * wsize;
    if (k == 0) {
      std::memcpy(dw, p, D * G * sizeof(float));
      std::memcpy(du, p + D * G, H * G * sizeof(float));
      std::memcpy(db, p + D * G + H * G, G * sizeof(float));
    } else {
      for (long i = 0; i < D * G; i++) dw[i] += p[i];
      for (long i = 0; i < H * G; i++) du[i] += p[D * G + i];
      for (long i = 0; i < G; i++) db[i] += p[D * G + H * G + i];
    }
  }
  return nullptr;
}

napi_value Infer(napi_env env, napi_callback_info info) {
  size_t argc = 11;
  napi_value a[11];
  napi_get_cb_info(env, info, &argc, a, nullptr, nullptr);
  int B, T, D, H, seq, threads;
  if (argc != 11 || !getInt(env, a[0], &B) || !getInt(env, a[1], &T) || !getInt(env, a[2], &D) ||
      !getInt(env, a[3], &H) || !getInt(env, a[9], &seq) || !getInt(env, a[10], &threads) || B <= 0 || T <= 0 ||
      D <= 0 || H <= 0) {
    napi_throw_type_error(env, nullptr, "infer(B, T, D, H, x, w, u, bias, h, sequences, threads)");
    return nullptr;
  }
  const long G = 4L * H;
  float* x = getF32(env, a[4], (size_t)B * T * D, "x"); if (!x) return nullptr;
  float* w = getF32(env, a[5], D * G, "kernel"); if (!w) return nullptr;
  float* u = getF32(env, a[6], H * G, "recurrent"); if (!u) return nullptr;
  float* bias = getF32(env, a[7], G, "bias"); if (!bias) return nullptr;
  const long hRow = seq ? (long)T * H : H;
  float* h = getF32(env, a[8], (size_t)B * hRow, "h"); if (!h) return nullptr;
  forChunks(B, threads > 1 ? chunkRows(B) : B, threads, [&](int from, int rows) {
    inferRows(rows, T, D, H, x + (long)from * T * D, w, u, bias, h + from * hRow, seq != 0);
  });
  return nullptr;
}

napi_value Supported(napi_env env, napi_callback_info) {
  __builtin_cpu_init();
  napi_value result;
  napi_get_boolean(env, __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"), &result);
  return result;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"forward", nullptr, Forward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"backward", nullptr, Backward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"infer", nullptr, Infer, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"supported", nullptr, Supported, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, 4, props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
