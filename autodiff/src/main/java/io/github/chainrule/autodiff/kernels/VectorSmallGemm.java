package io.github.chainrule.autodiff.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API twin of {@link SmallGemm}: the direct GEMM for the small products
 * {@link SmallGemm#takes} accepts. Only {@link VectorKernels} uses it, so nothing links against
 * the incubator module unless it is present.
 *
 * <p>Each element of C is one fused chain from +0.0, s = fma(A(i, p), B(p, j), s) for p = 0, 1,
 * …, exactly the chain the packed Vector API tiles form within one cache block, so the bits are
 * the packed path's; for k = 1 it is the exact product. Lanes run along a row of C, so nothing is
 * reassociated.
 *
 * <p>B is read in place when it is row-major and n is a whole number of vectors. Otherwise (a
 * transposed B, or n = 10 or 2 on 4 lanes) it is first copied row-major with its rows padded
 * with zeros to whole vectors, and C is computed into a padded scratch block and copied out: that
 * is k·n + m·n copies against m·n·k multiply-adds, and it leaves no scalar tail, whose
 * single-chain scalar FMAs would be latency-bound.
 */
final class VectorSmallGemm {
  private VectorSmallGemm() {}

  private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
  private static final int L = SPECIES.length();

  /** C = op(A)·op(B) as in {@link Kernels#gemm}. */
  static void gemm(boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOff, double[] b, int bOff, double[] c, int cOff) {
    int rs = transA ? 1 : k; // A(i, p) = a[aOff + i·rs + p·cs]
    int cs = transA ? m : 1;
    int ld = (n + L - 1) / L * L;
    double[] rowsB = b;
    int bo = bOff;
    if (transB || ld != n) {
      rowsB = SmallGemm.scratch(0, k * ld);
      bo = 0;
      SmallGemm.copyB(transB, n, k, b, bOff, rowsB, ld);
    }
    if (ld == n) {
      rows(m, k, ld / L, a, aOff, rs, cs, rowsB, bo, c, cOff, ld);
      return;
    }
    // Padded: blocks of rows into scratch, then the n real columns out, so the scratch stays
    // small whatever m is.
    double[] out = SmallGemm.scratch(1, ROW_BLOCK * ld);
    for (int i0 = 0; i0 < m; i0 += ROW_BLOCK) {
      int rows = Math.min(ROW_BLOCK, m - i0);
      rows(rows, k, ld / L, a, aOff + i0 * rs, rs, cs, rowsB, bo, out, 0, ld);
      for (int i = 0; i < rows; i++) {
        System.arraycopy(out, i * ld, c, cOff + (i0 + i) * n, n);
      }
    }
  }

  /** Rows of C computed into a padded block with a padded B. */
  private static final int ROW_BLOCK = 64;

  /** C (m rows of {@code vectors} whole vectors, row stride ld) = op(A)·B, B row-major, stride ld. */
  private static void rows(int m, int k, int vectors, double[] a, int aOff, int rs, int cs,
      double[] b, int bo, double[] c, int co, int ld) {
    if (k == 1) {
      products(m, vectors, a, aOff, rs, b, bo, c, co, ld);
      return;
    }
    int v = 0;
    // Four vectors of columns for two rows of C: 8 independent chains cover the FMA latency
    // (4 cycles, 2 per cycle), and with 4 loads of B and 1 broadcast they fit AVX2's 16
    // registers. Three vectors left (n = 9 to 12 on AVX2) go four rows at a time, 12 chains, the
    // packed 4 × 12 tile's shape (with fewer, n = 10 ran at 0.88× the packed path); two (n = 8 on
    // AVX2, 16 on AVX-512) go four rows by two vectors, 8 chains; one, four rows by one.
    for (; v + 4 <= vectors; v += 4) {
      int col = v * L;
      int i = 0;
      for (; i + 2 <= m; i += 2) {
        rows2x4(k, a, aOff + i * rs, rs, cs, b, bo + col, c, co + i * ld + col, ld);
      }
      if (i < m) {
        row1x4(k, a, aOff + i * rs, cs, b, bo + col, c, co + i * ld + col, ld);
      }
    }
    if (v + 3 == vectors) {
      int col = v * L;
      int i = 0;
      for (; i + 4 <= m; i += 4) {
        rows4x3(k, a, aOff + i * rs, rs, cs, b, bo + col, c, co + i * ld + col, ld);
      }
      for (; i < m; i++) {
        for (int w = 0; w < 3; w++) {
          row1x1(k, a, aOff + i * rs, cs, b, bo + col + w * L, c, co + i * ld + col + w * L, ld);
        }
      }
      v += 3;
    }
    for (; v + 2 <= vectors; v += 2) {
      int col = v * L;
      int i = 0;
      for (; i + 4 <= m; i += 4) {
        rows4x2(k, a, aOff + i * rs, rs, cs, b, bo + col, c, co + i * ld + col, ld);
      }
      for (; i < m; i++) {
        row1x1(k, a, aOff + i * rs, cs, b, bo + col, c, co + i * ld + col, ld);
        row1x1(k, a, aOff + i * rs, cs, b, bo + col + L, c, co + i * ld + col + L, ld);
      }
    }
    for (; v < vectors; v++) {
      int col = v * L;
      int i = 0;
      for (; i + 4 <= m; i += 4) {
        rows4x1(k, a, aOff + i * rs, rs, cs, b, bo + col, c, co + i * ld + col, ld);
      }
      for (; i < m; i++) {
        row1x1(k, a, aOff + i * rs, cs, b, bo + col, c, co + i * ld + col, ld);
      }
    }
  }

  /** k = 1: C(i, j) = A(i, 0)·B(0, j), exact products, as the packed path's outer product. */
  private static void products(int m, int vectors, double[] a, int aOff, int rs,
      double[] b, int bo, double[] c, int co, int ld) {
    for (int i = 0; i < m; i++) {
      DoubleVector x = DoubleVector.broadcast(SPECIES, a[aOff + i * rs]);
      for (int v = 0; v < vectors; v++) {
        x.mul(DoubleVector.fromArray(SPECIES, b, bo + v * L)).intoArray(c, co + i * ld + v * L);
      }
    }
  }

  private static void rows2x4(int k, double[] a, int ai, int rs, int cs,
      double[] b, int bi, double[] c, int ci, int ld) {
    DoubleVector s00 = DoubleVector.zero(SPECIES);
    DoubleVector s01 = s00;
    DoubleVector s02 = s00;
    DoubleVector s03 = s00;
    DoubleVector s10 = s00;
    DoubleVector s11 = s00;
    DoubleVector s12 = s00;
    DoubleVector s13 = s00;
    int a1 = ai + rs;
    for (int p = 0; p < k; p++, ai += cs, a1 += cs, bi += ld) {
      DoubleVector b0 = DoubleVector.fromArray(SPECIES, b, bi);
      DoubleVector b1 = DoubleVector.fromArray(SPECIES, b, bi + L);
      DoubleVector b2 = DoubleVector.fromArray(SPECIES, b, bi + 2 * L);
      DoubleVector b3 = DoubleVector.fromArray(SPECIES, b, bi + 3 * L);
      DoubleVector x = DoubleVector.broadcast(SPECIES, a[ai]);
      s00 = x.fma(b0, s00);
      s01 = x.fma(b1, s01);
      s02 = x.fma(b2, s02);
      s03 = x.fma(b3, s03);
      x = DoubleVector.broadcast(SPECIES, a[a1]);
      s10 = x.fma(b0, s10);
      s11 = x.fma(b1, s11);
      s12 = x.fma(b2, s12);
      s13 = x.fma(b3, s13);
    }
    s00.intoArray(c, ci);
    s01.intoArray(c, ci + L);
    s02.intoArray(c, ci + 2 * L);
    s03.intoArray(c, ci + 3 * L);
    s10.intoArray(c, ci + ld);
    s11.intoArray(c, ci + ld + L);
    s12.intoArray(c, ci + ld + 2 * L);
    s13.intoArray(c, ci + ld + 3 * L);
  }

  private static void row1x4(int k, double[] a, int ai, int cs,
      double[] b, int bi, double[] c, int ci, int ld) {
    DoubleVector s0 = DoubleVector.zero(SPECIES);
    DoubleVector s1 = s0;
    DoubleVector s2 = s0;
    DoubleVector s3 = s0;
    for (int p = 0; p < k; p++, ai += cs, bi += ld) {
      DoubleVector x = DoubleVector.broadcast(SPECIES, a[ai]);
      s0 = x.fma(DoubleVector.fromArray(SPECIES, b, bi), s0);
      s1 = x.fma(DoubleVector.fromArray(SPECIES, b, bi + L), s1);
      s2 = x.fma(DoubleVector.fromArray(SPECIES, b, bi + 2 * L), s2);
      s3 = x.fma(DoubleVector.fromArray(SPECIES, b, bi + 3 * L), s3);
    }
    s0.intoArray(c, ci);
    s1.intoArray(c, ci + L);
    s2.intoArray(c, ci + 2 * L);
    s3.intoArray(c, ci + 3 * L);
  }

  private static void rows4x3(int k, double[] a, int ai, int rs, int cs,
      double[] b, int bi, double[] c, int ci, int ld) {
    DoubleVector s00 = DoubleVector.zero(SPECIES);
    DoubleVector s01 = s00;
    DoubleVector s02 = s00;
    DoubleVector s10 = s00;
    DoubleVector s11 = s00;
    DoubleVector s12 = s00;
    DoubleVector s20 = s00;
    DoubleVector s21 = s00;
    DoubleVector s22 = s00;
    DoubleVector s30 = s00;
    DoubleVector s31 = s00;
    DoubleVector s32 = s00;
    int a1 = ai + rs;
    int a2 = ai + 2 * rs;
    int a3 = ai + 3 * rs;
    for (int p = 0; p < k; p++, ai += cs, a1 += cs, a2 += cs, a3 += cs, bi += ld) {
      DoubleVector b0 = DoubleVector.fromArray(SPECIES, b, bi);
      DoubleVector b1 = DoubleVector.fromArray(SPECIES, b, bi + L);
      DoubleVector b2 = DoubleVector.fromArray(SPECIES, b, bi + 2 * L);
      DoubleVector x = DoubleVector.broadcast(SPECIES, a[ai]);
      s00 = x.fma(b0, s00);
      s01 = x.fma(b1, s01);
      s02 = x.fma(b2, s02);
      x = DoubleVector.broadcast(SPECIES, a[a1]);
      s10 = x.fma(b0, s10);
      s11 = x.fma(b1, s11);
      s12 = x.fma(b2, s12);
      x = DoubleVector.broadcast(SPECIES, a[a2]);
      s20 = x.fma(b0, s20);
      s21 = x.fma(b1, s21);
      s22 = x.fma(b2, s22);
      x = DoubleVector.broadcast(SPECIES, a[a3]);
      s30 = x.fma(b0, s30);
      s31 = x.fma(b1, s31);
      s32 = x.fma(b2, s32);
    }
    s00.intoArray(c, ci);
    s01.intoArray(c, ci + L);
    s02.intoArray(c, ci + 2 * L);
    s10.intoArray(c, ci + ld);
    s11.intoArray(c, ci + ld + L);
    s12.intoArray(c, ci + ld + 2 * L);
    s20.intoArray(c, ci + 2 * ld);
    s21.intoArray(c, ci + 2 * ld + L);
    s22.intoArray(c, ci + 2 * ld + 2 * L);
    s30.intoArray(c, ci + 3 * ld);
    s31.intoArray(c, ci + 3 * ld + L);
    s32.intoArray(c, ci + 3 * ld + 2 * L);
  }

  private static void rows4x2(int k, double[] a, int ai, int rs, int cs,
      double[] b, int bi, double[] c, int ci, int ld) {
    DoubleVector s00 = DoubleVector.zero(SPECIES);
    DoubleVector s01 = s00;
    DoubleVector s10 = s00;
    DoubleVector s11 = s00;
    DoubleVector s20 = s00;
    DoubleVector s21 = s00;
    DoubleVector s30 = s00;
    DoubleVector s31 = s00;
    int a1 = ai + rs;
    int a2 = ai + 2 * rs;
    int a3 = ai + 3 * rs;
    for (int p = 0; p < k; p++, ai += cs, a1 += cs, a2 += cs, a3 += cs, bi += ld) {
      DoubleVector b0 = DoubleVector.fromArray(SPECIES, b, bi);
      DoubleVector b1 = DoubleVector.fromArray(SPECIES, b, bi + L);
      DoubleVector x = DoubleVector.broadcast(SPECIES, a[ai]);
      s00 = x.fma(b0, s00);
      s01 = x.fma(b1, s01);
      x = DoubleVector.broadcast(SPECIES, a[a1]);
      s10 = x.fma(b0, s10);
      s11 = x.fma(b1, s11);
      x = DoubleVector.broadcast(SPECIES, a[a2]);
      s20 = x.fma(b0, s20);
      s21 = x.fma(b1, s21);
      x = DoubleVector.broadcast(SPECIES, a[a3]);
      s30 = x.fma(b0, s30);
      s31 = x.fma(b1, s31);
    }
    s00.intoArray(c, ci);
    s01.intoArray(c, ci + L);
    s10.intoArray(c, ci + ld);
    s11.intoArray(c, ci + ld + L);
    s20.intoArray(c, ci + 2 * ld);
    s21.intoArray(c, ci + 2 * ld + L);
    s30.intoArray(c, ci + 3 * ld);
    s31.intoArray(c, ci + 3 * ld + L);
  }

  private static void rows4x1(int k, double[] a, int ai, int rs, int cs,
      double[] b, int bi, double[] c, int ci, int ld) {
    DoubleVector s0 = DoubleVector.zero(SPECIES);
    DoubleVector s1 = s0;
    DoubleVector s2 = s0;
    DoubleVector s3 = s0;
    int a1 = ai + rs;
    int a2 = ai + 2 * rs;
    int a3 = ai + 3 * rs;
    for (int p = 0; p < k; p++, ai += cs, a1 += cs, a2 += cs, a3 += cs, bi += ld) {
      DoubleVector bv = DoubleVector.fromArray(SPECIES, b, bi);
      s0 = DoubleVector.broadcast(SPECIES, a[ai]).fma(bv, s0);
      s1 = DoubleVector.broadcast(SPECIES, a[a1]).fma(bv, s1);
      s2 = DoubleVector.broadcast(SPECIES, a[a2]).fma(bv, s2);
      s3 = DoubleVector.broadcast(SPECIES, a[a3]).fma(bv, s3);
    }
    s0.intoArray(c, ci);
    s1.intoArray(c, ci + ld);
    s2.intoArray(c, ci + 2 * ld);
    s3.intoArray(c, ci + 3 * ld);
  }

  private static void row1x1(int k, double[] a, int ai, int cs,
      double[] b, int bi, double[] c, int ci, int ld) {
    DoubleVector s = DoubleVector.zero(SPECIES);
    for (int p = 0; p < k; p++, ai += cs, bi += ld) {
      s = DoubleVector.broadcast(SPECIES, a[ai]).fma(DoubleVector.fromArray(SPECIES, b, bi), s);
    }
    s.intoArray(c, ci);
  }
}
