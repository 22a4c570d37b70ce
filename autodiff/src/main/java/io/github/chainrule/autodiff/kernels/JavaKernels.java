package io.github.chainrule.autodiff.kernels;

/**
 * The plain-Java kernels: simple loops that HotSpot compiles well, the reference the Vector API
 * twin is tested against, and the fallback when {@code jdk.incubator.vector} is not present.
 */
public class JavaKernels implements Kernels {

  @Override
  public String name() {
    return "java";
  }

  @Override
  public void unary(Unary f, double param, double[] x, int xOff, double[] out, int outOff, int n) {
    // One loop per function, so the JIT sees a branch-free body rather than a switch per element.
    switch (f) {
      case NEG:
        for (int i = 0; i < n; i++) out[outOff + i] = -x[xOff + i];
        return;
      case SQUARE:
        for (int i = 0; i < n; i++) { double v = x[xOff + i]; out[outOff + i] = v * v; }
        return;
      case RELU:
        // Math.max(v, 0.0), not v <= 0 ? 0.0 : v: the same values (max(-0.0, 0.0) is 0.0, NaN
        // stays NaN), but HotSpot intrinsifies Math.max branch-free, where the conditional became
        // a branch that mispredicted on mixed signs: 1M random doubles took 8.3 ms against ~2 ms.
        for (int i = 0; i < n; i++) out[outOff + i] = Math.max(x[xOff + i], 0.0);
        return;
      case EXP:
        for (int i = 0; i < n; i++) out[outOff + i] = Math.exp(x[xOff + i]);
        return;
      default:
        for (int i = 0; i < n; i++) out[outOff + i] = f.apply(x[xOff + i], param);
    }
  }

  @Override
  public void binary(Binary f, double[] a, int aOff, double[] b, int bOff, double[] out, int outOff, int n) {
    switch (f) {
      case ADD:
        for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] + b[bOff + i];
        return;
      case SUB:
        for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] - b[bOff + i];
        return;
      case MUL:
        for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] * b[bOff + i];
        return;
      case DIV:
        for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] / b[bOff + i];
        return;
      default:
        for (int i = 0; i < n; i++) out[outOff + i] = f.apply(a[aOff + i], b[bOff + i]);
    }
  }

  @Override
  public void binaryRows(Binary f, double[] a, int aOff, double[] row, int rowOff, double[] out, int outOff,
      int rows, int len) {
    for (int r = 0; r < rows; r++) {
      binary(f, a, aOff + r * len, row, rowOff, out, outOff + r * len, len);
    }
  }

  @Override
  public void binaryScalarRight(Binary f, double[] a, int aOff, double b, double[] out, int outOff, int n) {
    switch (f) {
      case ADD:
        for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] + b;
        return;
      case MUL:
        for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] * b;
        return;
      default:
        for (int i = 0; i < n; i++) out[outOff + i] = f.apply(a[aOff + i], b);
    }
  }

  @Override
  public void binaryScalarLeft(Binary f, double a, double[] b, int bOff, double[] out, int outOff, int n) {
    for (int i = 0; i < n; i++) out[outOff + i] = f.apply(a, b[bOff + i]);
  }

  @Override
  public void compare(Comparison c, double[] a, int aOff, double[] b, int bOff, double[] out, int outOff, int n) {
    for (int i = 0; i < n; i++) out[outOff + i] = c.apply(a[aOff + i], b[bOff + i]);
  }

  @Override
  public void compareScalarRight(Comparison c, double[] a, int aOff, double b, double[] out, int outOff, int n) {
    for (int i = 0; i < n; i++) out[outOff + i] = c.apply(a[aOff + i], b);
  }

  @Override
  public void maskScalarRight(Comparison c, double[] a, int aOff, double b, double[] g, int gOff,
      double[] out, int outOff, int n) {
    for (int i = 0; i < n; i++) out[outOff + i] = g[gOff + i] * c.apply(a[aOff + i], b);
  }

  @Override
  public void addTo(double[] x, int xOff, double[] acc, int accOff, int n) {
    for (int i = 0; i < n; i++) acc[accOff + i] += x[xOff + i];
  }

  @Override
  public double sum(double[] x, int off, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += x[off + i];
    return s;
  }

  @Override
  public double dot(double[] a, int aOff, double[] b, int bOff, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += a[aOff + i] * b[bOff + i];
    return s;
  }

  @Override
  public void sumAxis(double[] x, int xOff, int outer, int len, int inner, double[] out, int outOff) {
    if (len == 1) {
      // A sum of one term is 0.0 + x: x itself except that -0.0 becomes 0.0, as clearing and then
      // adding made it. One pass instead of a clear and an add (a bias gradient at batch 1).
      binaryScalarRight(Binary.ADD, x, xOff, 0.0, out, outOff, outer * inner);
      return;
    }
    for (int o = 0; o < outer; o++) {
      int dst = outOff + o * inner;
      java.util.Arrays.fill(out, dst, dst + inner, 0.0);
      for (int j = 0; j < len; j++) {
        addTo(x, xOff + (o * len + j) * inner, out, dst, inner);
      }
    }
  }

  @Override
  public void axpy(double alpha, double[] x, int xOff, double[] y, int yOff, int n) {
    // Fused, like the SIMD twin, so both give the same bits; HotSpot vectorises Math.fma loops.
    for (int i = 0; i < n; i++) y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
  }

  /**
   * The one place that chooses a GEMM path, for both kernel sets: small products go direct
   * ({@link SmallGemm#takes}), the rest through the packed driver.
   */
  @Override
  public final void gemm(boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOff, double[] b, int bOff, double[] c, int cOff) {
    if (SmallGemm.takes(transB, m, n, k, lanes())) {
      gemmDirect(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff);
    } else {
      gemmPacked(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff);
    }
  }

  /** Doubles per vector: 1 here, the vector length in the SIMD twin. */
  int lanes() {
    return 1;
  }

  /** The direct path alone, whatever the shape (for the differential test). */
  void gemmDirect(boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOff, double[] b, int bOff, double[] c, int cOff) {
    SmallGemm.gemm(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff);
  }

  /** The packed path alone, whatever the shape (for the differential test). */
  void gemmPacked(boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOff, double[] b, int bOff, double[] c, int cOff) {
    gemm.gemm(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff);
  }

  private final PackedGemm gemm = new PackedGemm(new ScalarTile(), this);

  /** The GEMM micro-kernel's tile, rows × columns ("4x4"), for logs and benchmark tables. */
  public String gemmTile() {
    return gemm.tileName();
  }

  /**
   * A 4×4 register tile in scalars: 16 independent accumulators hide the add latency, and each
   * step reads 8 packed values for 16 multiply-adds. HotSpot does not vectorise it (SuperWord
   * works on loops over arrays, not on locals), which is what {@code VectorKernels} adds.
   */
  private static final class ScalarTile implements PackedGemm.MicroKernel {
    @Override
    public int mr() {
      return 4;
    }

    @Override
    public int nr() {
      return 4;
    }

    @Override
    public void tile(int kc, double[] pa, int paOff, int rs, double[] pb, int pbOff,
        double[] from, int fromOff, int ldFrom, double[] c, int cOff, int ldc) {
      double c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      double c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      double c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      double c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (int p = 0; p < kc; p++) {
        int ai = paOff + p;
        int bi = pbOff + p * 4;
        double a0 = pa[ai], a1 = pa[ai + rs], a2 = pa[ai + 2 * rs], a3 = pa[ai + 3 * rs];
        double b0 = pb[bi], b1 = pb[bi + 1], b2 = pb[bi + 2], b3 = pb[bi + 3];
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      // Summed from zero and then added to C₀, unfused, as before the tile took a separate C₀.
      store(from, fromOff, c, cOff, c00, c01, c02, c03);
      store(from, fromOff + ldFrom, c, cOff + ldc, c10, c11, c12, c13);
      store(from, fromOff + 2 * ldFrom, c, cOff + 2 * ldc, c20, c21, c22, c23);
      store(from, fromOff + 3 * ldFrom, c, cOff + 3 * ldc, c30, c31, c32, c33);
    }

    private static void store(double[] from, int fromOff, double[] c, int off,
        double v0, double v1, double v2, double v3) {
      c[off] = from[fromOff] + v0;
      c[off + 1] = from[fromOff + 1] + v1;
      c[off + 2] = from[fromOff + 2] + v2;
      c[off + 3] = from[fromOff + 3] + v3;
    }
  }
}
