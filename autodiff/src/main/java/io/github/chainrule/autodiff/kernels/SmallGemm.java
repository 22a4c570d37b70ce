package io.github.chainrule.autodiff.kernels;

import java.util.Arrays;

/**
 * The direct (unpacked) GEMM for small products, in plain Java, and the one rule that decides
 * which products take it. {@link VectorSmallGemm} is its Vector API twin.
 *
 * <p>Why: a training step of a small model is made of products such as 100×16·16×16 (MLP
 * 2-16-16-1 at batch 100) and their transposes. {@link PackedGemm} pays on every call for
 * clearing C, packing B (and a transposed A), and a ragged tile (16 columns against a 12-wide
 * tile); at these sizes that costs more than the arithmetic (measured in bench/RESULTS.md,
 * "Small GEMMs and the small-model overhead"). Here each row of C is computed straight from A and
 * a row-major B, with the sums in registers, and C is written once.
 *
 * <p>The bits are the packed path's, by construction (the differential test checks it at every
 * shape {@link #takes} accepts): for k ≥ 2 every element of C is one running sum from +0.0 over p
 * in ascending order, the same sum the packed tiles form when k fits in one cache block (k ≤ KC;
 * the plain tile adds unfused products, the Vector API tiles fuse them). For k = 1 it is the exact
 * product A(i, 0)·B(0, j), as {@link PackedGemm}'s outer product gives it.
 */
final class SmallGemm {
  private SmallGemm() {}

  /** Deepest product taken: one cache block of the packed path, so that both sum in one chain. */
  static final int KC = PackedGemm.DEFAULT_BLOCKING.kc();
  /** Widest product taken directly (one 16-wide row of C is four AVX2 vectors, in registers). */
  static final int MAX_N = 16;

  /**
   * Whether C = op(A)·op(B) goes the direct way, on kernels whose vectors hold {@code lanes}
   * doubles (1 for plain Java). One row, one column or k = 0 stay with {@link PackedGemm}'s
   * matrix-vector shortcuts. Narrow products (n ≤ {@link #MAX_N}) of at most {@link #KC} steps go
   * direct unless they are large enough to share among threads. On SIMD kernels, also products
   * with an untransposed B, n of a vector or more, and k or m of at most 4: there a 2-input layer
   * (k = 2) or its weight gradient (m = 2) is mostly padding in the packed tiles (measured when
   * that rule was written, in VectorKernels: 100×16·16×2 in 0.67 µs direct against 1.65 µs
   * packed, 2×100·100×16 in 0.40 against 1.33). Those take any k, summed in one chain, as before.
   * The measurements behind n ≤ 16 and k ≤ 256 are in bench/RESULTS.md, "Small GEMMs and the
   * small-model overhead".
   */
  static boolean takes(boolean transB, int m, int n, int k, int lanes) {
    if (m < 2 || n < 2 || k < 1) {
      return false;
    }
    if (n <= MAX_N && k <= KC && (long) m * n * k < Parallelism.GEMM_PARALLEL_MIN_WORK) {
      return true;
    }
    return lanes > 1 && !transB && n >= lanes && (k <= 4 || m <= 4);
  }

  /**
   * C = op(A)·op(B) as in {@link Kernels#gemm}: each element starts at +0.0 and adds A(i, p)·B(p, j)
   * for p = 0, 1, …, unfused, so it is the packed plain tile's sum. Two rows by four columns at a
   * time, in scalars: eight independent sums hide the add latency (a single row-by-row loop over
   * C measured at 0.3–0.9× the packed path), and B's rows are read contiguously.
   */
  static void gemm(boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOff, double[] b, int bOff, double[] c, int cOff) {
    int rs = transA ? 1 : k; // A(i, p) = a[aOff + i·rs + p·cs]
    int cs = transA ? m : 1;
    double[] rowsB = b;
    int bo = bOff;
    if (transB) {
      rowsB = scratch(0, k * n);
      bo = 0;
      copyB(true, n, k, b, bOff, rowsB, n);
    }
    if (k == 1) {
      // The exact products, as PackedGemm's outer product gives them.
      for (int i = 0; i < m; i++) {
        double x = a[aOff + i * rs];
        for (int j = 0; j < n; j++) {
          c[cOff + i * n + j] = x * rowsB[bo + j];
        }
      }
      return;
    }
    int i = 0;
    for (; i + 2 <= m; i += 2) {
      int a0 = aOff + i * rs;
      int a1 = a0 + rs;
      int c0 = cOff + i * n;
      int j = 0;
      for (; j + 4 <= n; j += 4) {
        double s00 = 0, s01 = 0, s02 = 0, s03 = 0;
        double s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        for (int p = 0, bp = bo + j; p < k; p++, bp += n) {
          double x0 = a[a0 + p * cs];
          double x1 = a[a1 + p * cs];
          double b0 = rowsB[bp], b1 = rowsB[bp + 1], b2 = rowsB[bp + 2], b3 = rowsB[bp + 3];
          s00 += x0 * b0; s01 += x0 * b1; s02 += x0 * b2; s03 += x0 * b3;
          s10 += x1 * b0; s11 += x1 * b1; s12 += x1 * b2; s13 += x1 * b3;
        }
        c[c0 + j] = s00; c[c0 + j + 1] = s01; c[c0 + j + 2] = s02; c[c0 + j + 3] = s03;
        c[c0 + n + j] = s10; c[c0 + n + j + 1] = s11; c[c0 + n + j + 2] = s12; c[c0 + n + j + 3] = s13;
      }
      for (; j < n; j++) {
        c[c0 + j] = dotColumn(k, a, a0, cs, rowsB, bo + j, n);
        c[c0 + n + j] = dotColumn(k, a, a1, cs, rowsB, bo + j, n);
      }
    }
    for (; i < m; i++) {
      for (int j = 0; j < n; j++) {
        c[cOff + i * n + j] = dotColumn(k, a, aOff + i * rs, cs, rowsB, bo + j, n);
      }
    }
  }

  /** Σ_p A(i, p)·B(p, j) from +0.0, unfused, for one element (row of A at ai, column of B at bj). */
  private static double dotColumn(int k, double[] a, int ai, int cs, double[] b, int bj, int ld) {
    double s = 0;
    for (int p = 0; p < k; p++) {
      s += a[ai + p * cs] * b[bj + p * ld];
    }
    return s;
  }

  /**
   * Copies op(B) (k×n) into {@code dst} row-major with row stride {@code ld} ≥ n, the columns past
   * n set to 0.0, so the direct kernels read B's rows contiguously and, with {@code ld} a whole
   * number of vectors, with no scalar tail. B is k×n, or n×k when {@code transB}.
   */
  static void copyB(boolean transB, int n, int k, double[] b, int bOff, double[] dst, int ld) {
    if (transB) {
      // Along B's stored rows (column j of op(B)), so the reads are sequential.
      for (int j = 0; j < n; j++) {
        for (int p = 0, src = bOff + j * k; p < k; p++) {
          dst[p * ld + j] = b[src + p];
        }
      }
    } else {
      for (int p = 0; p < k; p++) {
        System.arraycopy(b, bOff + p * n, dst, p * ld, n);
      }
    }
    if (ld > n) {
      for (int p = 0; p < k; p++) {
        Arrays.fill(dst, p * ld + n, (p + 1) * ld, 0.0);
      }
    }
  }

  // Per-thread buffers, grown as needed and reused: allocating them per call would add a fresh,
  // zeroed array to every small product.
  private static final ThreadLocal<double[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new double[][] {new double[0], new double[0]});

  /** This thread's scratch buffer number {@code slot} (0 or 1), at least {@code size} long. */
  static double[] scratch(int slot, int size) {
    double[][] buffers = SCRATCH.get();
    if (buffers[slot].length < size) {
      buffers[slot] = new double[size];
    }
    return buffers[slot];
  }
}
