// @ts-nocheck -- AssemblyScript source (compiled by `asc`, see scripts/build-kernels.js), not TypeScript.
/**
 * Fused LSTM kernels in WebAssembly SIMD: one call runs a whole sequence (all time steps, all four
 * gates) forward, or the whole backward pass (BPTT), for one LSTM layer in tfjs' / Keras' layout:
 *
 *   kernel W: [D, 4H], recurrent U: [H, 4H], bias b: [4H], gate order i, f, c (g), o
 *   z_t = x_t W + h_{t-1} U + b;  i, f, o = sigmoid(.);  g = tanh(.)
 *   c_t = f * c_{t-1} + i * g;  h_t = o * tanh(c_t);  h_{-1} = c_{-1} = 0
 *
 * Memory is managed by the caller (src/kernels/lstm/wasm.ts): every argument named `*Ptr` is a
 * byte offset of a float32 array in this module's memory, at or above `heapBase()`, 16-byte
 * aligned. Tensors are row-major; sequences are batch-major ([B, T, ...]) as in tfjs.
 */

// ---------------------------------------------------------------------------------------------
// Vector math. exp: Cephes-style range reduction + degree-6 polynomial (relative error ~2e-7);
// inputs are clamped to +-88 so 2^n stays a normal float or flushes to 0.

@inline function vexp(x: v128): v128 {
  // pmax/pmin (`a < b ? b : a`, `b < a ? b : a`) are one instruction each in V8, where min/max
  // take ~6 to order NaN and -0 (forward passes 10-15% faster); with x first a NaN passes through.
  x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-88.0)), f32x4.splat(88.0));
  const fx = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  // multiply-adds through `madd`: fused (one instruction) in the relaxed-SIMD build
  let r = madd(fx, f32x4.splat(-0.693359375), x);
  r = madd(fx, f32x4.splat(2.12194440e-4), r);
  let p = f32x4.splat(1.9875691500e-4);
  p = madd(p, r, f32x4.splat(1.3981999507e-3));
  p = madd(p, r, f32x4.splat(8.3334519073e-3));
  p = madd(p, r, f32x4.splat(4.1665795894e-2));
  p = madd(p, r, f32x4.splat(1.6666665459e-1));
  p = madd(p, r, f32x4.splat(5.0000001201e-1));
  p = f32x4.add(madd(f32x4.mul(p, r), r, r), f32x4.splat(1.0));
  const n = i32x4.trunc_sat_f32x4_s(fx);
  const pow2n = i32x4.shl(i32x4.add(n, i32x4.splat(127)), 23);
  return f32x4.mul(p, pow2n);
}

@inline function vsigmoid(x: v128): v128 {
  const one = f32x4.splat(1.0);
  return f32x4.div(one, f32x4.add(one, vexp(f32x4.neg(x))));
}

/** tanh(x) = 1 - 2 / (exp(2x) + 1): absolute error ~1e-7, exact limits at +-inf. */
@inline function vtanh(x: v128): v128 {
  const one = f32x4.splat(1.0);
  const e = vexp(f32x4.add(x, x));
  return f32x4.sub(one, f32x4.div(f32x4.splat(2.0), f32x4.add(e, one)));
}

@inline function sexp(x: f32): f32 {
  return f32x4.extract_lane(vexp(f32x4.splat(x)), 0);
}
@inline function ssigmoid(x: f32): f32 {
  return <f32>1.0 / (<f32>1.0 + sexp(-x));
}
@inline function stanh(x: f32): f32 {
  return <f32>1.0 - <f32>2.0 / (sexp(x + x) + <f32>1.0);
}

@inline function madd(a: v128, b: v128, c: v128): v128 {
  return f32x4.add(f32x4.mul(a, b), c);
}

// ---------------------------------------------------------------------------------------------

/** First free byte after the module's static data: the caller allocates from here. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}

/**
 * C = A B (acc = 0) or C += A B (acc = 1), C: [M, N] with row stride ldc, B: [K, N] with row
 * stride ldb (columns contiguous), A[m, k] at a + 4 * (m * sam + k * sak) (any strides, so
 * transposed operands need no copy). Register tile 4 x 8 (8 accumulators; larger tiles spill).
 *
 * `scratch` (0: none): room for min(K, 256) * N floats; with it, and N % 8 == 0 and M >= 8, each
 * K block of B is first packed into 8-column panels (see `packB`) so the tiles read B sequentially.
 * Both paths do the same multiply-adds in the same order: results are bit-identical.
 */
export function gemm(
  M: i32, N: i32, K: i32,
  a: usize, sam: i32, sak: i32,
  b: usize, ldb: i32,
  c: usize, ldc: i32,
  acc: i32, scratch: usize,
): void {
  // K blocking: a panel of KB rows of B (KB x N floats) stays in cache while every row block
  // of A streams over it; without it a long K (the weight gradients sum over B * T rows)
  // re-reads all of B from memory once per 4 rows of C.
  const KB = 256;
  const pack = scratch != 0 && N % 8 == 0 && M >= 8;
  for (let k0 = 0; k0 < K; k0 += KB) {
    const kc = min(KB, K - k0);
    const pa = a + ((<usize>k0 * sak) << 2);
    const pb = b + ((<usize>k0 * ldb) << 2);
    const accumulate = k0 > 0 ? 1 : acc;
    if (pack) {
      packB(kc, N, pb, ldb, scratch);
      gemmPacked(M, N, kc, pa, sam, sak, scratch, c, ldc, accumulate);
    } else {
      gemmPanel(M, N, kc, pa, sam, sak, pb, ldb, c, ldc, accumulate);
    }
  }
}

/**
 * C[4, 8] (+)= A[4, K] B[K, 8]: the register tile of every GEMM here (8 accumulators). Byte
 * strides: A rows sam4 apart, A columns sak4; B rows kstride4 apart (ldb * 4 for B as it is, 32
 * for a panel packed by `packB`); C rows ldc4.
 */
@inline function tile4x8(
  K: i32, pa: usize, sam4: usize, sak4: usize, pb: usize, kstride4: usize, pc: usize, ldc4: usize, acc: i32,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  if (acc) {
    c00 = v128.load(pc); c01 = v128.load(pc, 16);
    c10 = v128.load(pc + ldc4); c11 = v128.load(pc + ldc4, 16);
    c20 = v128.load(pc + 2 * ldc4); c21 = v128.load(pc + 2 * ldc4, 16);
    c30 = v128.load(pc + 3 * ldc4); c31 = v128.load(pc + 3 * ldc4, 16);
  }
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let x = v128.load32_splat(pa);
    c00 = madd(x, b0, c00); c01 = madd(x, b1, c01);
    x = v128.load32_splat(pa + sam4);
    c10 = madd(x, b0, c10); c11 = madd(x, b1, c11);
    x = v128.load32_splat(pa + 2 * sam4);
    c20 = madd(x, b0, c20); c21 = madd(x, b1, c21);
    x = v128.load32_splat(pa + 3 * sam4);
    c30 = madd(x, b0, c30); c31 = madd(x, b1, c31);
    pa += sak4;
    pb += kstride4;
  }
  v128.store(pc, c00); v128.store(pc, c01, 16);
  v128.store(pc + ldc4, c10); v128.store(pc + ldc4, c11, 16);
  v128.store(pc + 2 * ldc4, c20); v128.store(pc + 2 * ldc4, c21, 16);
  v128.store(pc + 3 * ldc4, c30); v128.store(pc + 3 * ldc4, c31, 16);
}

/** C[1, 8] (+)= A[1, K] B[K, 8]: the remainder rows below the last 4-row tile; strides as in `tile4x8`. */
@inline function tile1x8(K: i32, pa: usize, sak4: usize, pb: usize, kstride4: usize, pc: usize, acc: i32): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  if (acc) { c0 = v128.load(pc); c1 = v128.load(pc, 16); }
  for (let k = 0; k < K; k++) {
    const x = v128.load32_splat(pa);
    c0 = madd(x, v128.load(pb), c0);
    c1 = madd(x, v128.load(pb, 16), c1);
    pa += sak4;
    pb += kstride4;
  }
  v128.store(pc, c0); v128.store(pc, c1, 16);
}

/** Packs B: [K, N] (row stride ldb, N % 8 == 0) into panels of 8 columns, [N / 8][K][8], at out. */
export function packB(K: i32, N: i32, b: usize, ldb: i32, out: usize): void {
  const ldb4 = <usize>ldb << 2;
  for (let n0 = 0; n0 < N; n0 += 8) {
    let o = out + ((<usize>n0 * K) << 2);
    let pb = b + (<usize>n0 << 2);
    for (let k = 0; k < K; k++) {
      v128.store(o, v128.load(pb));
      v128.store(o, v128.load(pb, 16), 16);
      o += 32;
      pb += ldb4;
    }
  }
}

/** C (+)= A B for B packed by `packB` (N % 8 == 0); the tiles and order of gemmPanel. */
function gemmPacked(
  M: i32, N: i32, K: i32,
  a: usize, sam: i32, sak: i32,
  bp: usize,
  c: usize, ldc: i32,
  acc: i32,
): void {
  const sam4 = <usize>sam << 2;
  const sak4 = <usize>sak << 2;
  const ldc4 = <usize>ldc << 2;
  const K4 = <usize>K << 2;
  let m = 0;
  for (; m + 4 <= M; m += 4) {
    const pa0 = a + <usize>m * sam4;
    const pc0 = c + <usize>m * ldc4;
    for (let n = 0; n < N; n += 8) tile4x8(K, pa0, sam4, sak4, bp + <usize>n * K4, 32, pc0 + (<usize>n << 2), ldc4, acc);
  }
  for (; m < M; m++) {
    const pa0 = a + <usize>m * sam4;
    const pc0 = c + <usize>m * ldc4;
    for (let n = 0; n < N; n += 8) tile1x8(K, pa0, sak4, bp + <usize>n * K4, 32, pc0 + (<usize>n << 2), acc);
  }
}

/** C (+)= A B where B was packed whole by `packB` into `bp` (0: not packed, B used as it is). */
@inline function gemmPre(
  M: i32, N: i32, K: i32,
  a: usize, sam: i32, sak: i32,
  b: usize, ldb: i32, bp: usize,
  c: usize, ldc: i32,
  acc: i32,
): void {
  if (bp != 0) gemmPacked(M, N, K, a, sam, sak, bp, c, ldc, acc);
  else gemm(M, N, K, a, sam, sak, b, ldb, c, ldc, acc, 0);
}

/** Packs B whole into `out` when N % 8 == 0 and returns `out`, else returns 0 (use B unpacked). */
function packWhole(K: i32, N: i32, b: usize, ldb: i32, out: usize): usize {
  if (N % 8 != 0) return 0;
  packB(K, N, b, ldb, out);
  return out;
}

function gemmPanel(
  M: i32, N: i32, K: i32,
  a: usize, sam: i32, sak: i32,
  b: usize, ldb: i32,
  c: usize, ldc: i32,
  acc: i32,
): void {
  const sam4 = <usize>sam << 2;
  const sak4 = <usize>sak << 2;
  const ldb4 = <usize>ldb << 2;
  const ldc4 = <usize>ldc << 2;
  let m = 0;
  for (; m + 4 <= M; m += 4) {
    const pa0 = a + <usize>m * sam4;
    const pc0 = c + <usize>m * ldc4;
    let n = 0;
    for (; n + 8 <= N; n += 8) tile4x8(K, pa0, sam4, sak4, b + (<usize>n << 2), ldb4, pc0 + (<usize>n << 2), ldc4, acc);
    for (; n + 4 <= N; n += 4) {
      const pc = pc0 + (<usize>n << 2);
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
      if (acc) {
        c0 = v128.load(pc); c1 = v128.load(pc + ldc4);
        c2 = v128.load(pc + 2 * ldc4); c3 = v128.load(pc + 3 * ldc4);
      }
      let pa = pa0;
      let pb = b + (<usize>n << 2);
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(pb);
        c0 = madd(v128.load32_splat(pa), b0, c0);
        c1 = madd(v128.load32_splat(pa + sam4), b0, c1);
        c2 = madd(v128.load32_splat(pa + 2 * sam4), b0, c2);
        c3 = madd(v128.load32_splat(pa + 3 * sam4), b0, c3);
        pa += sak4;
        pb += ldb4;
      }
      v128.store(pc, c0); v128.store(pc + ldc4, c1);
      v128.store(pc + 2 * ldc4, c2); v128.store(pc + 3 * ldc4, c3);
    }
    for (; n < N; n++) {
      const pc = pc0 + (<usize>n << 2);
      let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
      if (acc) {
        s0 = load<f32>(pc); s1 = load<f32>(pc + ldc4);
        s2 = load<f32>(pc + 2 * ldc4); s3 = load<f32>(pc + 3 * ldc4);
      }
      let pa = pa0;
      let pb = b + (<usize>n << 2);
      for (let k = 0; k < K; k++) {
        const bv = load<f32>(pb);
        s0 += load<f32>(pa) * bv;
        s1 += load<f32>(pa + sam4) * bv;
        s2 += load<f32>(pa + 2 * sam4) * bv;
        s3 += load<f32>(pa + 3 * sam4) * bv;
        pa += sak4;
        pb += ldb4;
      }
      store<f32>(pc, s0); store<f32>(pc + ldc4, s1);
      store<f32>(pc + 2 * ldc4, s2); store<f32>(pc + 3 * ldc4, s3);
    }
  }
  for (; m < M; m++) {
    const pa0 = a + <usize>m * sam4;
    const pc0 = c + <usize>m * ldc4;
    let n = 0;
    for (; n + 8 <= N; n += 8) tile1x8(K, pa0, sak4, b + (<usize>n << 2), ldb4, pc0 + (<usize>n << 2), acc);
    for (; n + 4 <= N; n += 4) {
      const pc = pc0 + (<usize>n << 2);
      let c0 = acc ? v128.load(pc) : f32x4.splat(0);
      let pa = pa0;
      let pb = b + (<usize>n << 2);
      for (let k = 0; k < K; k++) {
        c0 = madd(v128.load32_splat(pa), v128.load(pb), c0);
        pa += sak4;
        pb += ldb4;
      }
      v128.store(pc, c0);
    }
    for (; n < N; n++) {
      const pc = pc0 + (<usize>n << 2);
      let s: f32 = acc ? load<f32>(pc) : 0;
      let pa = pa0;
      let pb = b + (<usize>n << 2);
      for (let k = 0; k < K; k++) {
        s += load<f32>(pa) * load<f32>(pb);
        pa += sak4;
        pb += ldb4;
      }
      store<f32>(pc, s);
    }
  }
}

/**
 * parts: [chunks, n] partial sums; adds parts 1 .. chunks - 1 into part 0, in chunk order (the
 * same float32 additions in the same order as adding them one by one: results do not depend on
 * how the chunks were spread over threads).
 */
export function sumParts(parts: usize, chunks: i32, n: i32): void {
  for (let k = 1; k < chunks; k++) {
    const pk = parts + ((<usize>k * n) << 2);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(parts + o, f32x4.add(v128.load(parts + o), v128.load(pk + o)));
    }
    for (; i < n; i++) {
      const o = <usize>i << 2;
      store<f32>(parts + o, load<f32>(parts + o) + load<f32>(pk + o));
    }
  }
}

/** dst[c, r] = src[r, c] for src: [rows, cols]. */
export function transpose(src: usize, rows: i32, cols: i32, dst: usize): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      store<f32>(dst + ((<usize>c * rows + r) << 2), load<f32>(src + ((<usize>r * cols + c) << 2)));
    }
  }
}

/**
 * Forward pass over a whole sequence for batch rows [0, B).
 *
 * @param x - [B, T, D] inputs.
 * @param w - kernel [D, 4H]; u - recurrent kernel [H, 4H]; bias - [4H].
 * @param h - out: [B, T, H] hidden states (the layer's full-sequence output).
 * @param c - out: [B, T, H] cell states.
 * @param gates - out: [B, T, 4H] activated gates i, f, g, o (kept for the backward pass).
 * @param packU - scratch [H * 4H] (U packed once for all steps); scratch - [min(D, 256) * 4H].
 * @param prepared - 1: packU already holds U packed by `packB` (done once per call for all batch
 *   chunks); 0: pack it here.
 */
export function lstmForward(
  B: i32, T: i32, D: i32, H: i32,
  x: usize, w: usize, u: usize, bias: usize,
  h: usize, c: usize, gates: usize,
  packU: usize, scratch: usize, prepared: i32,
): void {
  const G = 4 * H;
  const rows = B * T;
  // gates = x W + bias for all (b, t) at once: one large GEMM instead of T small ones.
  for (let r = 0; r < rows; r++) memory.copy(gates + ((<usize>r * G) << 2), bias, <usize>G << 2);
  gemm(rows, G, D, x, D, 1, w, G, gates, G, 1, scratch);
  const up = prepared ? (G % 8 == 0 ? packU : 0) : packWhole(H, G, u, G, packU);
  const rowG = <usize>T * G;
  const rowH = <usize>T * H;
  for (let t = 0; t < T; t++) {
    const gt = gates + ((<usize>t * G) << 2);
    if (t > 0) {
      gemmPre(B, G, H, h + ((<usize>(t - 1) * H) << 2), <i32>rowH, 1, u, G, up, gt, <i32>rowG, 1);
    }
    for (let bi = 0; bi < B; bi++) {
      const pz = gt + ((<usize>bi * rowG) << 2);
      const off = (<usize>bi * rowH + <usize>t * H) << 2;
      const pc = c + off;
      const ph = h + off;
      const pcPrev = pc - (<usize>H << 2);
      const H4 = <usize>H << 2;
      let j = 0;
      for (; j + 4 <= H; j += 4) {
        const o4 = <usize>j << 2;
        const ig = vsigmoid(v128.load(pz + o4));
        const fg = vsigmoid(v128.load(pz + H4 + o4));
        const gg = vtanh(v128.load(pz + 2 * H4 + o4));
        const og = vsigmoid(v128.load(pz + 3 * H4 + o4));
        v128.store(pz + o4, ig);
        v128.store(pz + H4 + o4, fg);
        v128.store(pz + 2 * H4 + o4, gg);
        v128.store(pz + 3 * H4 + o4, og);
        let cv = f32x4.mul(ig, gg);
        if (t > 0) cv = madd(fg, v128.load(pcPrev + o4), cv);
        v128.store(pc + o4, cv);
        v128.store(ph + o4, f32x4.mul(og, vtanh(cv)));
      }
      for (; j < H; j++) {
        const o4 = <usize>j << 2;
        const ig = ssigmoid(load<f32>(pz + o4));
        const fg = ssigmoid(load<f32>(pz + H4 + o4));
        const gg = stanh(load<f32>(pz + 2 * H4 + o4));
        const og = ssigmoid(load<f32>(pz + 3 * H4 + o4));
        store<f32>(pz + o4, ig);
        store<f32>(pz + H4 + o4, fg);
        store<f32>(pz + 2 * H4 + o4, gg);
        store<f32>(pz + 3 * H4 + o4, og);
        let cv = ig * gg;
        if (t > 0) cv += fg * load<f32>(pcPrev + o4);
        store<f32>(pc + o4, cv);
        store<f32>(ph + o4, og * stanh(cv));
      }
    }
  }
}

/**
 * Inference over a whole sequence: nothing kept for BPTT, so the gate pre-activations of one step
 * (`z`: [B, 4H]) and the cell state (`c`: [B, H], updated in place) stay in cache, and the input
 * projection is done per step.
 *
 * @param h - out: [B, T, H] when `sequences` = 1, else [B, H] (the last step).
 * @param z - scratch [B, 4H]; c - scratch [B, H]; packW - scratch [D * 4H]; packU - scratch
 *   [H * 4H] (the weights packed once for all steps).
 * @param prepared - 1: packW and packU already hold W and U packed by `packB` (once per call for
 *   all batch chunks); 0: pack them here.
 */
export function lstmInfer(
  B: i32, T: i32, D: i32, H: i32,
  x: usize, w: usize, u: usize, bias: usize,
  h: usize, sequences: i32, z: usize, c: usize,
  packW: usize, packU: usize, prepared: i32,
): void {
  const G = 4 * H;
  const H4 = <usize>H << 2;
  const ldh: i32 = sequences ? T * H : H;
  memory.fill(c, 0, (<usize>B * H) << 2);
  const wp = prepared ? (G % 8 == 0 ? packW : 0) : packWhole(D, G, w, G, packW);
  const up = prepared ? (G % 8 == 0 ? packU : 0) : packWhole(H, G, u, G, packU);
  for (let t = 0; t < T; t++) {
    for (let bi = 0; bi < B; bi++) memory.copy(z + ((<usize>bi * G) << 2), bias, <usize>G << 2);
    gemmPre(B, G, D, x + ((<usize>t * D) << 2), T * D, 1, w, G, wp, z, G, 1);
    const hcur = sequences ? h + ((<usize>t * H) << 2) : h;
    if (t > 0) gemmPre(B, G, H, sequences ? hcur - H4 : h, ldh, 1, u, G, up, z, G, 1);
    for (let bi = 0; bi < B; bi++) {
      const pz = z + ((<usize>bi * G) << 2);
      const pc = c + ((<usize>bi * H) << 2);
      const ph = hcur + ((<usize>bi * ldh) << 2);
      let j = 0;
      for (; j + 4 <= H; j += 4) {
        const o4 = <usize>j << 2;
        const ig = vsigmoid(v128.load(pz + o4));
        const fg = vsigmoid(v128.load(pz + H4 + o4));
        const gg = vtanh(v128.load(pz + 2 * H4 + o4));
        const og = vsigmoid(v128.load(pz + 3 * H4 + o4));
        const cv = madd(fg, v128.load(pc + o4), f32x4.mul(ig, gg));
        v128.store(pc + o4, cv);
        v128.store(ph + o4, f32x4.mul(og, vtanh(cv)));
      }
      for (; j < H; j++) {
        const o4 = <usize>j << 2;
        const ig = ssigmoid(load<f32>(pz + o4));
        const fg = ssigmoid(load<f32>(pz + H4 + o4));
        const gg = stanh(load<f32>(pz + 2 * H4 + o4));
        const og = ssigmoid(load<f32>(pz + 3 * H4 + o4));
        const cv = fg * load<f32>(pc + o4) + ig * gg;
        store<f32>(pc + o4, cv);
        store<f32>(ph + o4, og * stanh(cv));
      }
    }
  }
}

/** ut = U^T [4H, H], wt = W^T [4H, D], and U^T packed into packUt when H % 8 == 0: the weight
 * layouts `lstmBackward` reads, the same for every batch chunk. */
export function prepareBackward(D: i32, H: i32, u: usize, w: usize, ut: usize, wt: usize, packUt: usize): void {
  const G = 4 * H;
  transpose(u, H, G, ut);
  transpose(w, D, G, wt);
  packWhole(G, H, ut, H, packUt);
}

/**
 * Backward pass (BPTT) over a whole sequence, from the values saved by `lstmForward`.
 *
 * @param dh - [B, T, H] gradient of the loss w.r.t. the hidden-state outputs (zeros where a
 *   step's output is unused), or, when `lastOnly` = 1, [B, H] for the last step only.
 * @param gates - in: [B, T, 4H] activated gates; OVERWRITTEN with dz = dLoss/d(pre-activations).
 * @param ut - scratch [4H, H]; wt - scratch [4H, D]; hPrev - scratch [B, T, H];
 *   dhNext, dcNext - scratch [B, H].
 * @param dx - out [B, T, D]; dw - out [D, 4H]; du - out [H, 4H]; db - out [4H].
 * @param accumulate - 1: add the weight gradients to dw, du, db (batch chunks); 0: overwrite.
 * @param packUt - scratch [4H * H] (U^T packed once for all steps); scratch - scratch
 *   [256 * max(4H, D)].
 * @param prepared - 1: ut, wt and packUt already hold what `prepareBackward` writes (done once
 *   per call for all batch chunks); 0: compute them here.
 */
export function lstmBackward(
  B: i32, T: i32, D: i32, H: i32,
  x: usize, w: usize, u: usize,
  h: usize, c: usize, gates: usize,
  dh: usize, lastOnly: i32,
  ut: usize, wt: usize, hPrev: usize, dhNext: usize, dcNext: usize,
  dx: usize, dw: usize, du: usize, db: usize,
  accumulate: i32, packUt: usize, scratch: usize, prepared: i32,
): void {
  const G = 4 * H;
  const rowG = <usize>T * G;
  const rowH = <usize>T * H;
  const H4 = <usize>H << 2;
  if (!prepared) prepareBackward(D, H, u, w, ut, wt, packUt);
  const utp = H % 8 == 0 ? packUt : 0;
  memory.fill(dhNext, 0, (<usize>B * H) << 2);
  memory.fill(dcNext, 0, (<usize>B * H) << 2);
  const one = f32x4.splat(1.0);
  for (let t = T - 1; t >= 0; t--) {
    for (let bi = 0; bi < B; bi++) {
      const pz = gates + ((<usize>bi * rowG + <usize>t * G) << 2);
      const off = (<usize>bi * rowH + <usize>t * H) << 2;
      const pc = c + off;
      const pcPrev = pc - H4;
      const pdh = lastOnly ? (t == T - 1 ? dh + ((<usize>bi * H) << 2) : 0) : dh + off;
      const pdn = dhNext + ((<usize>bi * H) << 2);
      const pdc = dcNext + ((<usize>bi * H) << 2);
      let j = 0;
      for (; j + 4 <= H; j += 4) {
        const o4 = <usize>j << 2;
        let g_dh = v128.load(pdn + o4);
        if (pdh) g_dh = f32x4.add(g_dh, v128.load(pdh + o4));
        const ig = v128.load(pz + o4);
        const fg = v128.load(pz + H4 + o4);
        const gg = v128.load(pz + 2 * H4 + o4);
        const og = v128.load(pz + 3 * H4 + o4);
        const cv = v128.load(pc + o4);
        const cp = t > 0 ? v128.load(pcPrev + o4) : f32x4.splat(0);
        const tc = vtanh(cv);
        const dO = f32x4.mul(g_dh, tc);
        const dc = madd(f32x4.mul(g_dh, og), f32x4.sub(one, f32x4.mul(tc, tc)), v128.load(pdc + o4));
        v128.store(pdc + o4, f32x4.mul(dc, fg));
        v128.store(pz + o4, f32x4.mul(f32x4.mul(dc, gg), f32x4.mul(ig, f32x4.sub(one, ig))));
        v128.store(pz + H4 + o4, f32x4.mul(f32x4.mul(dc, cp), f32x4.mul(fg, f32x4.sub(one, fg))));
        v128.store(pz + 2 * H4 + o4, f32x4.mul(f32x4.mul(dc, ig), f32x4.sub(one, f32x4.mul(gg, gg))));
        v128.store(pz + 3 * H4 + o4, f32x4.mul(dO, f32x4.mul(og, f32x4.sub(one, og))));
      }
      for (; j < H; j++) {
        const o4 = <usize>j << 2;
        let g_dh = load<f32>(pdn + o4);
        if (pdh) g_dh += load<f32>(pdh + o4);
        const ig = load<f32>(pz + o4);
        const fg = load<f32>(pz + H4 + o4);
        const gg = load<f32>(pz + 2 * H4 + o4);
        const og = load<f32>(pz + 3 * H4 + o4);
        const cv = load<f32>(pc + o4);
        const cp: f32 = t > 0 ? load<f32>(pcPrev + o4) : 0;
        const tc = stanh(cv);
        const dO = g_dh * tc;
        const dc = load<f32>(pdc + o4) + g_dh * og * (<f32>1.0 - tc * tc);
        store<f32>(pdc + o4, dc * fg);
        store<f32>(pz + o4, dc * gg * ig * (<f32>1.0 - ig));
        store<f32>(pz + H4 + o4, dc * cp * fg * (<f32>1.0 - fg));
        store<f32>(pz + 2 * H4 + o4, dc * ig * (<f32>1.0 - gg * gg));
        store<f32>(pz + 3 * H4 + o4, dO * og * (<f32>1.0 - og));
      }
    }
    // dh_{t-1} (recurrent part) = dz_t U^T
    if (t > 0) {
      gemmPre(B, H, G, gates + ((<usize>t * G) << 2), <i32>rowG, 1, ut, H, utp, dhNext, H, 0);
    }
  }
  // hPrev[b, t] = h[b, t - 1], zero at t = 0: dU = hPrev^T dz is then one GEMM over all (b, t).
  for (let bi = 0; bi < B; bi++) {
    const base = (<usize>bi * rowH) << 2;
    memory.fill(hPrev + base, 0, H4);
    if (T > 1) memory.copy(hPrev + base + H4, h + base, <usize>(T - 1) * H4);
  }
  const rows = B * T;
  // dW = x^T dz and dU = hPrev^T dz read the same dz: packed once per block of 256 rows.
  if (G % 8 == 0) {
    for (let k0 = 0; k0 < rows; k0 += 256) {
      const kc = min(256, rows - k0);
      packB(kc, G, gates + ((<usize>k0 * G) << 2), G, scratch);
      const acc = k0 > 0 ? 1 : accumulate;
      gemmPacked(D, G, kc, x + ((<usize>k0 * D) << 2), 1, D, scratch, dw, G, acc);
      gemmPacked(H, G, kc, hPrev + ((<usize>k0 * H) << 2), 1, H, scratch, du, G, acc);
    }
  } else {
    gemm(D, G, rows, x, 1, D, gates, G, dw, G, accumulate, 0);
    gemm(H, G, rows, hPrev, 1, H, gates, G, du, G, accumulate, 0);
  }
  gemm(rows, D, G, gates, G, 1, wt, D, dx, D, 0, scratch);
  if (!accumulate) memory.fill(db, 0, <usize>G << 2);
  for (let r = 0; r < rows; r++) {
    const pz = gates + ((<usize>r * G) << 2);
    let j = 0;
    for (; j + 4 <= G; j += 4) {
      const o4 = <usize>j << 2;
      v128.store(db + o4, f32x4.add(v128.load(db + o4), v128.load(pz + o4)));
    }
  }
}
