package io.github.chainrule.autodiff.kernels;

/**
 * Bulk numerical routines over {@code double[]} with offsets. Kernels know nothing of tensors or
 * graphs: ops translate shapes into the plain loops below.
 *
 * <p>Two implementations exist, plain Java and (when available) the Vector API; {@link #get()}
 * returns the one chosen at start-up. Both must produce the same results up to floating-point
 * reassociation in reductions and GEMM.
 *
 * <p>Naming: {@code gemm} takes transpose flags in the order of its operands, like BLAS
 * ({@code transA}, {@code transB}); all matrices are row-major and dense.
 */
public interface Kernels {

  /** The implementation chosen once at start-up. */
  static Kernels get() {
    return KernelProvider.INSTANCE;
  }

  /** "java" or "vector", for logs and benchmark tables. */
  String name();

  /** out[i] = f(x[i], param) for i in [0, n). {@code out} may be {@code x}. */
  void unary(Unary f, double param, double[] x, int xOff, double[] out, int outOff, int n);

  /** out[i] = f(a[i], b[i]). {@code out} may alias an input at the same offset. */
  void binary(Binary f, double[] a, int aOff, double[] b, int bOff, double[] out, int outOff, int n);

  /** out[i] = f(a[i], b): the right operand is one value, broadcast. */
  void binaryScalarRight(Binary f, double[] a, int aOff, double b, double[] out, int outOff, int n);

  /** out[i] = f(a, b[i]): the left operand is one value, broadcast. */
  void binaryScalarLeft(Binary f, double a, double[] b, int bOff, double[] out, int outOff, int n);

  /**
   * out[r·len + i] = f(a[r·len + i], row[i]) for r in [0, rows), i in [0, len): the same row of b
   * against every row of a, as a bias added to a batch. The bits of {@link #binary} row by row.
   */
  void binaryRows(Binary f, double[] a, int aOff, double[] row, int rowOff, double[] out, int outOff,
      int rows, int len);

  /** out[i] = c(a[i], b[i]), a {@link Comparison} mask. */
  void compare(Comparison c, double[] a, int aOff, double[] b, int bOff, double[] out, int outOff, int n);

  /** out[i] = c(a[i], b): the right operand is one value, as in relu's step against 0. */
  void compareScalarRight(Comparison c, double[] a, int aOff, double b, double[] out, int outOff, int n);

  /**
   * out[i] = g[i]·c(a[i], b): a gradient through a mask in one pass, without the mask array. The
   * same bits as {@link #compareScalarRight} followed by a multiply. {@code out} may be {@code g}.
   */
  void maskScalarRight(Comparison c, double[] a, int aOff, double b, double[] g, int gOff,
      double[] out, int outOff, int n);

  /** acc[i] += x[i]. */
  void addTo(double[] x, int xOff, double[] acc, int accOff, int n);

  /** Σ x[i] over [off, off + n). */
  double sum(double[] x, int off, int n);

  /** Σ a[i]·b[i]. */
  double dot(double[] a, int aOff, double[] b, int bOff, int n);

  /** y[i] += alpha·x[i]: the SGD update, and the matrix-vector paths' inner loop. */
  void axpy(double alpha, double[] x, int xOff, double[] y, int yOff, int n);

  /**
   * Sum over the middle axis of a contiguous {@code [outer, len, inner]} block:
   * out[o·inner + i] = Σ_j x[xOff + (o·len + j)·inner + i]. Overwrites {@code out}.
   */
  void sumAxis(double[] x, int xOff, int outer, int len, int inner, double[] out, int outOff);

  /**
   * C = op(A)·op(B), overwriting C (m×n, row-major, leading dimension n). op(A) is m×k: A is stored
   * m×k, or k×m when {@code transA}. op(B) is k×n: B is stored k×n, or n×k when {@code transB}.
   * Transposed operands are read in place, never copied out transposed. Products of at least
   * {@link Parallelism#GEMM_PARALLEL_MIN_WORK} multiply-adds use {@link Parallelism#threads()}
   * threads.
   */
  void gemm(boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOff, double[] b, int bOff, double[] c, int cOff);
}
