package io.github.chainrule.autodiff.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Vector API kernels against the plain-Java ones, and both against a naive reference, at sizes
 * that straddle every vector length, unroll factor and GEMM tile edge: 0, 1, 7, 8, 9, 15, 16, 17,
 * 63, 64, 65, 1000 and 4097.
 *
 * <p>Exactly-rounded operations must agree bit for bit (NaN with NaN, -0.0 with -0.0). Sums, dots
 * and products may differ only by reassociation and fused multiply-adds, so they are compared
 * within {@code 1e-13 · Σ|terms|}, a bound on that rounding difference.
 */
class KernelsDifferentialTest {
  static final int[] SIZES = {0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000, 4097};
  /** Every element is read at this offset, so kernels that ignore offsets fail. */
  static final int OFF = 3;

  static Kernels plain;
  static Kernels vector;

  @BeforeAll
  static void kernels() {
    plain = new JavaKernels();
    try {
      vector = new VectorKernels();
    } catch (UnsupportedOperationException e) {
      Assumptions.abort("no SIMD kernels on this CPU: " + e.getMessage());
    }
  }

  /** Values with the awkward cases sprinkled in: NaN, ±0, ±∞, and both signs everywhere. */
  static double[] values(long seed, int n) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] specials = {Double.NaN, 0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    double[] x = new double[OFF + n];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextInt(11) == 0 ? specials[rng.nextInt(specials.length)] : rng.nextDouble(-4, 4);
    }
    return x;
  }

  static double[] finite(long seed, int n) {
    SplittableRandom rng = new SplittableRandom(seed);
    return rng.doubles(n, -1, 1).toArray();
  }

  static void assertSameBits(double[] expected, double[] actual, String what) {
    for (int i = 0; i < expected.length; i++) {
      if (Double.compare(expected[i], actual[i]) != 0) {
        fail(what + ": element " + i + " is " + actual[i] + ", plain Java gives " + expected[i]);
      }
    }
  }

  /**
   * The vector sum and dot product add their accumulators' lanes in order, lane 0 first, in every
   * call: lanes 1e16, 1, -1e16, 1 give 1 that way and 0 or 2 in any other order. JDK 25's
   * compiled {@code reduceLanes(ADD)} took another order once C2 compiled the kernel, so this
   * runs long enough for that (the old kernel failed here on JDK 25 and passed on JDK 17).
   */
  @Test
  void sumAndDotAddTheLanesInOrderBeforeAndAfterTheJitCompilesThem() {
    int n = 4 * ((VectorKernels) vector).lanes();
    double[] x = new double[n];
    x[0] = 1e16;
    x[1] = 1;
    x[2] = -1e16;
    x[3] = 1;
    double[] ones = new double[n];
    java.util.Arrays.fill(ones, 1.0);
    for (int call = 0; call < 100_000; call++) {
      double sum = vector.sum(x, 0, n);
      double dot = vector.dot(x, 0, ones, 0, n);
      if (sum != 1.0 || dot != 1.0) {
        fail("call " + call + ": sum " + sum + ", dot " + dot + "; lanes in order give 1.0");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Unary.class)
  void unaryMatchesPlainJavaBitForBit(Unary f) {
    for (double param : new double[] {0.5, 2.0, -1.5}) {
      for (int n : SIZES) {
        double[] x = values(n, n);
        double[] expected = new double[OFF + n];
        double[] actual = new double[OFF + n];
        plain.unary(f, param, x, OFF, expected, OFF, n);
        vector.unary(f, param, x, OFF, actual, OFF, n);
        assertSameBits(expected, actual, f + "(param " + param + ") n=" + n);
      }
    }
  }

  @Test
  void unaryInPlaceIsAllowed() {
    double[] x = values(5, 65);
    double[] expected = new double[x.length];
    plain.unary(Unary.RELU, 0, x, OFF, expected, OFF, 65);
    vector.unary(Unary.RELU, 0, x, OFF, x, OFF, 65);
    for (int i = OFF; i < x.length; i++) {
      assertEquals(expected[i], x[i], 0.0, "element " + i);
    }
  }

  @ParameterizedTest
  @EnumSource(Binary.class)
  void binaryMatchesPlainJavaBitForBit(Binary f) {
    for (int n : SIZES) {
      double[] a = values(n, n);
      double[] b = values(n + 100, n);
      double[] expected = new double[OFF + n];
      double[] actual = new double[OFF + n];
      plain.binary(f, a, OFF, b, OFF, expected, OFF, n);
      vector.binary(f, a, OFF, b, OFF, actual, OFF, n);
      assertSameBits(expected, actual, f + " n=" + n);
      for (double s : new double[] {1.5, -0.0, 0.0, Double.NaN}) {
        plain.binaryScalarRight(f, a, OFF, s, expected, OFF, n);
        vector.binaryScalarRight(f, a, OFF, s, actual, OFF, n);
        assertSameBits(expected, actual, f + " with scalar right " + s + " n=" + n);
        plain.binaryScalarLeft(f, s, b, OFF, expected, OFF, n);
        vector.binaryScalarLeft(f, s, b, OFF, actual, OFF, n);
        assertSameBits(expected, actual, f + " with scalar left " + s + " n=" + n);
      }
    }
  }

  /**
   * One row against every row of a (a bias added to a batch) gives, on both kernel sets, exactly
   * the element-by-element f(a, row), NaN, ±0 and ±∞ included, at row lengths around 1, 2, 3 and
   * 4 vectors.
   */
  @ParameterizedTest
  @EnumSource(Binary.class)
  void binaryRowsIsTheOperationElementByElement(Binary f) {
    for (int rows : new int[] {0, 1, 2, 3, 100}) {
      for (int len : new int[] {1, 2, 3, 4, 5, 8, 12, 15, 16, 17, 32, 33}) {
        double[] a = values(59L * rows + len, rows * len);
        double[] row = values(61L * len, len);
        double[] expected = new double[OFF + rows * len + 1];
        for (int r = 0; r < rows; r++) {
          for (int i = 0; i < len; i++) {
            expected[OFF + r * len + i] = f.apply(a[OFF + r * len + i], row[OFF + i]);
          }
        }
        for (Kernels kernels : new Kernels[] {plain, vector}) {
          double[] out = new double[OFF + rows * len + 1];
          kernels.binaryRows(f, a, OFF, row, OFF, out, OFF, rows, len);
          assertSameBits(expected, out, kernels.name() + " " + f + " " + rows + " rows of " + len);
        }
      }
    }
  }

  @Test
  void comparisonMasksMatchPlainJavaBitForBitNaNIncluded() {
    Comparison c = new Comparison(0.25, 0.5, 1.0);
    for (int n : SIZES) {
      double[] a = values(n, n);
      double[] b = values(n + 100, n);
      double[] expected = new double[OFF + n];
      double[] actual = new double[OFF + n];
      plain.compare(c, a, OFF, b, OFF, expected, OFF, n);
      vector.compare(c, a, OFF, b, OFF, actual, OFF, n);
      assertSameBits(expected, actual, "compare n=" + n);
      for (double s : new double[] {0.0, -0.0, 1.5, Double.NaN, Double.POSITIVE_INFINITY}) {
        plain.compareScalarRight(c, a, OFF, s, expected, OFF, n);
        vector.compareScalarRight(c, a, OFF, s, actual, OFF, n);
        assertSameBits(expected, actual, "compare with scalar right " + s + " n=" + n);
      }
    }
    assertEquals(0.25, c.apply(Double.NaN, 0.0), 0.0, "NaN compares below");
    assertEquals(0.5, c.apply(-0.0, 0.0), 0.0, "the two zeros are equal");
  }

  @Test
  void maskingAGradientEqualsMultiplyingByTheMaskBitForBit() {
    Comparison c = new Comparison(0.25, 0.0, 1.0);
    for (int n : SIZES) {
      double[] a = values(n, n);
      double[] g = values(n + 200, n); // NaN, ±0 and ±∞ in the gradient too: g·0 must keep its bits
      double[] mask = new double[OFF + n];
      double[] expected = new double[OFF + n];
      double[] actual = new double[OFF + n];
      for (double s : new double[] {0.0, -0.0, 1.5, Double.NaN}) {
        plain.compareScalarRight(c, a, OFF, s, mask, OFF, n);
        plain.binary(Binary.MUL, g, OFF, mask, OFF, expected, OFF, n);
        plain.maskScalarRight(c, a, OFF, s, g, OFF, actual, OFF, n);
        assertSameBits(expected, actual, "plain mask against " + s + " n=" + n);
        vector.maskScalarRight(c, a, OFF, s, g, OFF, actual, OFF, n);
        assertSameBits(expected, actual, "vector mask against " + s + " n=" + n);
        double[] inPlace = g.clone();
        vector.maskScalarRight(c, a, OFF, s, inPlace, OFF, inPlace, OFF, n);
        System.arraycopy(g, 0, expected, 0, OFF); // the elements before OFF are g's, untouched
        assertSameBits(expected, inPlace, "vector mask in place against " + s + " n=" + n);
        java.util.Arrays.fill(expected, 0, OFF, 0.0);
      }
    }
  }

  @Test
  void addToAndAxpyMatchPlainJavaBitForBit() {
    for (int n : SIZES) {
      double[] x = values(n, n);
      double[] expected = values(n + 7, n);
      double[] actual = expected.clone();
      plain.addTo(x, OFF, expected, OFF, n);
      vector.addTo(x, OFF, actual, OFF, n);
      assertSameBits(expected, actual, "addTo n=" + n);
      plain.axpy(-0.25, x, OFF, expected, OFF, n);
      vector.axpy(-0.25, x, OFF, actual, OFF, n);
      assertSameBits(expected, actual, "axpy n=" + n);
    }
  }

  @Test
  void sumAndDotAgreeUpToReassociation() {
    for (int n : SIZES) {
      double[] a = finite(n, OFF + n);
      double[] b = finite(n + 1, OFF + n);
      double exactSum = 0;
      double exactDot = 0;
      double magnitudeSum = 0;
      double magnitudeDot = 0;
      for (int i = OFF; i < OFF + n; i++) {
        exactSum += a[i];
        exactDot += a[i] * b[i];
        magnitudeSum += Math.abs(a[i]);
        magnitudeDot += Math.abs(a[i] * b[i]);
      }
      for (Kernels k : new Kernels[] {plain, vector}) {
        assertEquals(exactSum, k.sum(a, OFF, n), 1e-13 * magnitudeSum, k.name() + " sum n=" + n);
        assertEquals(exactDot, k.dot(a, OFF, b, OFF, n), 1e-13 * magnitudeDot, k.name() + " dot n=" + n);
      }
    }
  }

  @Test
  void sumsPropagateNaNAndInfinity() {
    for (int n : new int[] {1, 9, 65, 4097}) {
      double[] x = finite(n, n);
      x[n - 1] = Double.POSITIVE_INFINITY;
      assertEquals(Double.POSITIVE_INFINITY, vector.sum(x, 0, n), "n=" + n);
      x[n / 2] = Double.NaN;
      assertTrue(Double.isNaN(vector.sum(x, 0, n)), "n=" + n);
      assertTrue(Double.isNaN(vector.dot(x, 0, x, 0, n)), "n=" + n);
    }
  }

  @Test
  void sumAxisAgreesForEveryLayout() {
    int[][] layouts = {{1, 0, 1}, {1, 1, 1}, {3, 17, 1}, {2, 65, 1}, {1, 4097, 1}, {4, 9, 15},
        {2, 7, 65}, {1, 1000, 8}, {5, 1, 63}, {3, 16, 17}, {0, 4, 4}};
    for (int[] l : layouts) {
      int outer = l[0];
      int len = l[1];
      int inner = l[2];
      double[] x = finite(len, OFF + outer * len * inner);
      double[] expected = new double[outer * inner];
      for (int o = 0; o < outer; o++) {
        for (int j = 0; j < len; j++) {
          for (int i = 0; i < inner; i++) {
            expected[o * inner + i] += x[OFF + (o * len + j) * inner + i];
          }
        }
      }
      for (Kernels k : new Kernels[] {plain, vector}) {
        double[] out = new double[OFF + outer * inner];
        Arrays.fill(out, 42.0); // sumAxis overwrites, so stale values must not leak in
        k.sumAxis(x, OFF, outer, len, inner, out, OFF);
        for (int i = 0; i < expected.length; i++) {
          assertEquals(expected[i], out[OFF + i], 1e-13 * len, k.name() + " sumAxis " + outer + "x"
              + len + "x" + inner + " element " + i);
        }
      }
    }
  }

  /**
   * Column sums (inner &gt; 1: a bias gradient [N, F] to [F]) add each column from +0.0 in row order
   * on both kernel sets, so they agree bit for bit, NaN, ±0 and ±∞ included; over an axis of length
   * 1 the sum is 0.0 + x, so -0.0 becomes 0.0 and everything else is copied.
   */
  @Test
  void columnSumsAndSumsOfOneTermMatchPlainJavaBitForBit() {
    for (int outer : new int[] {1, 2, 3}) {
      for (int len : new int[] {1, 2, 3, 5, 16, 17, 100}) {
        for (int inner : new int[] {1, 2, 3, 4, 5, 15, 16, 17, 33, 1024}) {
          if (inner == 1 && len > 1) {
            continue; // contiguous rows: a horizontal sum, reassociated (sumAxisAgreesForEveryLayout)
          }
          double[] x = values(53L * len + inner, outer * len * inner);
          x[OFF] = -0.0;
          double[] expected = new double[OFF + outer * inner];
          double[] out = new double[OFF + outer * inner];
          Arrays.fill(expected, 42.0); // sumAxis overwrites, and writes nothing before the offset
          Arrays.fill(out, 42.0);
          plain.sumAxis(x, OFF, outer, len, inner, expected, OFF);
          vector.sumAxis(x, OFF, outer, len, inner, out, OFF);
          assertSameBits(expected, out, "sumAxis " + outer + "x" + len + "x" + inner);
          if (len == 1) {
            for (int i = 0; i < outer * inner; i++) {
              assertEquals(Double.doubleToRawLongBits(0.0 + x[OFF + i]), Double.doubleToRawLongBits(out[OFF + i]),
                  "sum of one term " + outer + "x1x" + inner + " element " + i);
            }
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------- GEMM

  /** C = op(A)·op(B) by the definition, in the most obvious loops there are. */
  static double[] naive(boolean ta, boolean tb, int m, int n, int k, double[] a, double[] b) {
    double[] c = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          double aip = ta ? a[OFF + p * m + i] : a[OFF + i * k + p];
          double bpj = tb ? b[OFF + j * k + p] : b[OFF + p * n + j];
          s += aip * bpj;
        }
        c[i * n + j] = s;
      }
    }
    return c;
  }

  static void checkGemm(Kernels kernels, boolean ta, boolean tb, int m, int n, int k) {
    double[] a = finite(31L * m + k, OFF + m * k);
    double[] b = finite(37L * n + k, OFF + k * n);
    double[] expected = naive(ta, tb, m, n, k, a, b);
    double[] c = new double[OFF + m * n + 2];
    Arrays.fill(c, Double.NaN); // gemm overwrites C: nothing stale may survive
    c[0] = 7.0;
    c[OFF + m * n] = 7.0;
    kernels.gemm(ta, tb, m, n, k, a, OFF, b, OFF, c, OFF);
    String what = kernels.name() + " gemm" + (ta ? "T" : "N") + (tb ? "T" : "N") + " m=" + m
        + " n=" + n + " k=" + k;
    for (int i = 0; i < m * n; i++) {
      // Inputs lie in [-1, 1], so Σ|a·b| <= k bounds the terms' magnitude.
      if (!(Math.abs(expected[i] - c[OFF + i]) <= 1e-13 * Math.max(1, k))) {
        fail(what + ": C[" + (i / n) + "][" + (i % n) + "] = " + c[OFF + i] + ", expected " + expected[i]);
      }
    }
    assertEquals(7.0, c[0], what + " wrote before C");
    assertEquals(7.0, c[OFF + m * n], what + " wrote past C");
  }

  /**
   * An outer product with one column (k = 1, n = 1, the weight gradient of a batch-1 layer with one
   * output) is C[i] = A[i]·B[0] exactly, on both kernel sets and both layouts of A: the same
   * products, operands in the same order, as the row-by-row outer product gave. Signed zeros and
   * NaN included, compared bit for bit.
   */
  @Test
  void gemmOneColumnOuterProductIsExactProducts() {
    for (int m : new int[] {1, 2, 3, 4, 5, 7, 8, 9, 1024, 1027}) {
      double[] a = finite(41L * m, OFF + m);
      a[OFF] = -0.0;
      if (m > 2) {
        a[OFF + 2] = Double.NaN;
      }
      for (double b0 : new double[] {0.75, -0.0, -3.5}) {
        double[] b = {9, 9, 9, b0};
        for (boolean ta : new boolean[] {false, true}) {
          for (boolean tb : new boolean[] {false, true}) {
            for (Kernels kernels : new Kernels[] {plain, vector}) {
              double[] c = new double[OFF + m + 1];
              Arrays.fill(c, 7.0);
              kernels.gemm(ta, tb, m, 1, 1, a, OFF, b, 3, c, OFF);
              for (int i = 0; i < m; i++) {
                assertEquals(Double.doubleToRawLongBits(a[OFF + i] * b0), Double.doubleToRawLongBits(c[OFF + i]),
                    kernels.name() + " gemm" + (ta ? "T" : "N") + (tb ? "T" : "N") + " m=" + m + " b=" + b0 + " i=" + i);
              }
              assertEquals(7.0, c[OFF - 1], "wrote before C");
              assertEquals(7.0, c[OFF + m], "wrote past C");
            }
          }
        }
      }
    }
  }

  /**
   * The direct path for small products gives the packed path's bits (the sign of zero included;
   * every NaN counts as one value, since Java leaves a NaN's payload to the JIT, which may take
   * either operand's when two meet in an add) at every shape {@link SmallGemm#takes} sends it with
   * k within one cache block, on both kernel sets and with every SIMD tile. The inputs carry NaN,
   * ±0 and ±∞. Beyond one block (only the SIMD rule for k or m at most 4 takes those) the direct
   * path keeps one chain where the packed path adds blocks, as the direct path always did.
   */
  @Test
  void smallGemmGivesThePackedPathsBitsAtEveryShapeItTakes() {
    int[] dims = {1, 2, 3, 4, 5, 15, 16, 17, 100};
    int[] depths = {1, 2, 3, 5, 15, 16, 17, 100, SmallGemm.KC};
    JavaKernels[] sets = {(JavaKernels) plain, new VectorKernels("8x2"), new VectorKernels("6x2"), new VectorKernels("4x3")};
    int taken = 0;
    for (JavaKernels kernels : sets) {
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          for (int m : dims) {
            for (int n : dims) {
              for (int k : depths) {
                if (!SmallGemm.takes(tb, m, n, k, kernels.lanes())) {
                  continue;
                }
                taken++;
                double[] a = values(43L * m + k, m * k);
                double[] b = values(47L * n + k, k * n);
                double[] direct = new double[OFF + m * n + 1];
                double[] packed = new double[OFF + m * n + 1];
                Arrays.fill(direct, 7.0);
                kernels.gemmDirect(ta, tb, m, n, k, a, OFF, b, OFF, direct, OFF);
                kernels.gemmPacked(ta, tb, m, n, k, a, OFF, b, OFF, packed, OFF);
                String what = kernels.name() + " " + kernels.gemmTile() + " gemm" + (ta ? "T" : "N") + (tb ? "T" : "N")
                    + " " + m + "x" + n + "x" + k;
                for (int i = OFF; i < OFF + m * n; i++) {
                  if (Double.compare(packed[i], direct[i]) != 0) {
                    fail(what + ": C[" + ((i - OFF) / n) + "][" + ((i - OFF) % n) + "] is " + direct[i]
                        + " direct, " + packed[i] + " packed");
                  }
                }
                assertEquals(7.0, direct[OFF - 1], what + " wrote before C");
                assertEquals(7.0, direct[OFF + m * n], what + " wrote past C");
              }
            }
          }
        }
      }
    }
    assertTrue(taken > 1000, "only " + taken + " shapes went direct");
  }

  /**
   * With k = 1 both kernel sets give C(i, j) = A(i, 0)·B(0, j) exactly, so a product of -0.0 stays
   * -0.0; with k ≥ 2 a sum of products that are all -0.0 starts from +0.0 and is +0.0, as
   * {@code 0.0 + x} makes it.
   */
  @Test
  void smallGemmKeepsTheSignOfZeroAsTheDefinitionSays() {
    for (Kernels kernels : new Kernels[] {plain, vector}) {
      for (int m : new int[] {2, 3, 5, 17}) {
        for (int n : new int[] {2, 3, 5, 16, 17}) {
          for (int k : new int[] {1, 2, 3}) {
            double[] a = new double[m * k];
            double[] b = new double[k * n];
            Arrays.fill(a, -0.0);
            Arrays.fill(b, 2.5);
            double[] c = new double[m * n];
            kernels.gemm(false, false, m, n, k, a, 0, b, 0, c, 0);
            double expected = k == 1 ? -0.0 : 0.0;
            for (int i = 0; i < m * n; i++) {
              assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(c[i]),
                  kernels.name() + " " + m + "x" + n + "x" + k + " element " + i);
            }
          }
        }
      }
    }
  }

  /** The small shapes against the definition, at sizes around 1, 2, 4, 16 and a vector's edges. */
  @Test
  void smallGemmsMatchTheNaiveProductAtAwkwardShapes() {
    int[] dims = {1, 2, 3, 5, 15, 16, 17, 33};
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        for (int m : dims) {
          for (int n : dims) {
            for (int k : new int[] {1, 2, 3, 5, 16, 17, 100, 300}) {
              checkGemm(plain, ta, tb, m, n, k);
              checkGemm(vector, ta, tb, m, n, k);
            }
          }
        }
      }
    }
  }

  @Test
  void gemmAllTransposesAtAwkwardShapes() {
    int[] dims = {0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65};
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        for (int m : dims) {
          for (int n : dims) {
            for (int k : dims) {
              checkGemm(plain, ta, tb, m, n, k);
              checkGemm(vector, ta, tb, m, n, k);
            }
          }
        }
      }
    }
  }

  /**
   * Every micro-kernel tile, not only the one this machine chose: the 8 × 2L tile meant for
   * AVX-512 runs here with this machine's vector length (4 lanes on AVX2), which exercises its
   * loops and edges, though not at 8 lanes. Sizes straddle 4, 6, 8 and 12 rows or columns.
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"8x2", "6x2", "4x3"})
  void everyGemmTileMatchesTheNaiveProduct(String tile) {
    Kernels kernels = new VectorKernels(tile);
    int[] dims = {1, 2, 5, 7, 11, 12, 13, 17, 24, 25, 33, 65};
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        for (int m : dims) {
          for (int n : dims) {
            for (int k : new int[] {2, 5, 13, 65}) {
              checkGemm(kernels, ta, tb, m, n, k);
            }
          }
        }
        // Across the cache blocks (KC = 256 along k for 8 lanes and plain Java, 1024 for 4 lanes;
        // MC = 96 along m).
        checkGemm(kernels, ta, tb, 100, 70, 1100);
        checkGemm(kernels, ta, tb, 197, 25, 300);
      }
    }
  }

  /**
   * Blocks far smaller than the default (3 deep, 5 rows rounded up to the tile's), so that small
   * products cross many blocks along k and m, with an untransposed A read in place and packed.
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"8x2", "6x2", "4x3"})
  void anyCacheBlockingGivesTheProductOfTheDefinition(String tile) {
    for (boolean packA : new boolean[] {false, true}) {
      Kernels kernels = new VectorKernels(tile, 3, 5, packA);
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          for (int m : new int[] {2, 9, 17, 40}) {
            for (int n : new int[] {2, 9, 17, 40}) {
              for (int k : new int[] {2, 7, 40}) {
                checkGemm(kernels, ta, tb, m, n, k);
              }
            }
          }
        }
      }
    }
  }

  /**
   * On the blocked path every element of C is one chain of fused multiply-adds over p in order,
   * from +0.0: C[i][j] = fma(A(i, k-1), B(k-1, j), … fma(A(i, 0), B(0, j), +0.0)). A ragged edge
   * tile continues the chain from C like a full one, so the bits depend on neither the tile, nor
   * the cache blocking, nor the band a thread takes. Shapes avoid the shortcuts (k = 1, m = 1,
   * n = 1, and the unpacked path for k or m up to 4), which sum in other orders.
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"8x2", "6x2", "4x3"})
  void everyElementIsOneFmaChainOverKWhateverTheTileOrBlocking(String tile) {
    Kernels[] kernels = {new VectorKernels(tile), new VectorKernels(tile, 3, 5, false),
        new VectorKernels(tile, 3, 5, true), new VectorKernels(tile, 7, 96, false)};
    String[] names = {"default blocking", "kc=3 mc=5", "kc=3 mc=5 A packed", "kc=7"};
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        for (int m : new int[] {5, 7, 13, 25}) {
          for (int n : new int[] {5, 9, 13, 17, 25}) {
            for (int k : new int[] {5, 13, 300}) {
              double[] a = finite(31L * m + k, m * k);
              double[] b = finite(37L * n + k, k * n);
              double[] chain = new double[m * n];
              for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                  double s = 0.0;
                  for (int p = 0; p < k; p++) {
                    s = Math.fma(ta ? a[p * m + i] : a[i * k + p], tb ? b[j * k + p] : b[p * n + j], s);
                  }
                  chain[i * n + j] = s;
                }
              }
              for (int v = 0; v < kernels.length; v++) {
                double[] c = new double[m * n];
                kernels[v].gemm(ta, tb, m, n, k, a, 0, b, 0, c, 0);
                for (int e = 0; e < m * n; e++) {
                  if (Double.compare(chain[e], c[e]) != 0) {
                    fail(tile + " tile, " + names[v] + ", gemm" + (ta ? "T" : "N") + (tb ? "T" : "N")
                        + " m=" + m + " n=" + n + " k=" + k + ": C[" + (e / n) + "][" + (e % n) + "] is "
                        + c[e] + ", the FMA chain over k gives " + chain[e]);
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  @Test
  void nonPositiveGemmBlockingIsRejectedWithItsSizes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new VectorKernels("4x3", 0, 96, false));
    assertTrue(e.getMessage().contains("GEMM blocking") && e.getMessage().contains("kc=0"), e.getMessage());
  }

  @Test
  void unknownGemmTileIsRejectedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new VectorKernels("5x5"));
    assertTrue(e.getMessage().contains("5x5"), e.getMessage());
  }

  @Test
  void gemmWithOneLongDimension() {
    // Long dimensions cross the cache blocks (KC = 256 or 1024 along k, MC = 96 along m).
    int[][] shapes = {{1000, 3, 5}, {4097, 2, 7}, {3, 1000, 9}, {2, 4097, 3}, {5, 7, 1000},
        {3, 2, 4097}, {1, 4097, 17}, {4097, 1, 9}, {17, 9, 4097}, {100, 70, 600}};
    for (int[] s : shapes) {
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          checkGemm(plain, ta, tb, s[0], s[1], s[2]);
          checkGemm(vector, ta, tb, s[0], s[1], s[2]);
        }
      }
    }
  }

  @Test
  void multiThreadedGemmEqualsSingleThreadedBitForBit() {
    // Large enough to cross the parallel threshold; each thread owns whole rows (or columns) of C,
    // so every element is summed in the same order as on one thread. With k past one cache block
    // a tile on the ragged path rounds differently from a full one, so tile edges must not move
    // with the bands: 4200 columns cross NC, and 128×512·784 is the large MLP's first layer.
    int[][] shapes = {{131, 129, 127}, {7, 1500, 130}, {1500, 7, 130}, {16, 4200, 300}, {128, 512, 784}};
    int before = Parallelism.threads();
    try {
      for (int[] s : shapes) {
        int m = s[0];
        int n = s[1];
        int k = s[2];
        assertTrue((long) m * n * k >= Parallelism.GEMM_PARALLEL_MIN_WORK);
        for (boolean ta : new boolean[] {false, true}) {
          for (boolean tb : new boolean[] {false, true}) {
            double[] a = finite(m, m * k);
            double[] b = finite(n, k * n);
            for (Kernels kernels : new Kernels[] {plain, vector, new VectorKernels("4x3"), new VectorKernels("6x2")}) {
              Parallelism.setThreads(1);
              double[] one = new double[m * n];
              kernels.gemm(ta, tb, m, n, k, a, 0, b, 0, one, 0);
              for (int threads : new int[] {2, 3}) {
                Parallelism.setThreads(threads);
                double[] many = new double[m * n];
                kernels.gemm(ta, tb, m, n, k, a, 0, b, 0, many, 0);
                assertSameBits(one, many, kernels.name() + " " + ((JavaKernels) kernels).gemmTile() + " "
                    + threads + " threads " + (ta ? "T" : "N") + (tb ? "T" : "N") + " " + m + "x" + n + "x" + k);
              }
            }
          }
        }
      }
    } finally {
      Parallelism.setThreads(before);
    }
  }

  @Test
  void everyThreadGetsAsManyGemmBandsAndEachBandAtLeastEightTiles() {
    for (int threads = 1; threads <= 8; threads++) {
      for (int units = 1; units <= 600; units++) {
        int parts = PackedGemm.parts(units, threads);
        int bands = PackedGemm.bands(units, parts);
        String what = units + " tiles on " + threads + " threads: " + parts + " parts, " + bands + " bands";
        assertTrue(parts >= 1 && parts <= threads, what);
        assertEquals(0, bands % parts, what);
        assertTrue(bands <= 4 * parts, what);
        assertTrue(bands == 1 || units / bands >= 8, what);
      }
    }
    // The large MLP's first layer, 43 column tiles of 12 on two threads: 4 bands, not 5.
    assertEquals(4, PackedGemm.bands(43, PackedGemm.parts(43, 2)));
  }

  @Test
  void gemmPropagatesNaN() {
    double[] a = finite(1, 20 * 30);
    double[] b = finite(2, 30 * 20);
    a[5 * 30 + 4] = Double.NaN; // row 5 of A
    double[] c = new double[20 * 20];
    vector.gemm(false, false, 20, 20, 30, a, 0, b, 0, c, 0);
    for (int i = 0; i < 20; i++) {
      for (int j = 0; j < 20; j++) {
        assertEquals(i == 5, Double.isNaN(c[i * 20 + j]), "C[" + i + "][" + j + "]");
      }
    }
  }

  @Test
  void threadCountMustBePositive() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parallelism.setThreads(0));
    assertTrue(e.getMessage().contains("setThreads: 0"), e.getMessage());
  }

  @Test
  void providerChoosesVectorKernelsWhenTheModuleIsPresent() {
    // Surefire runs with --add-modules jdk.incubator.vector (see the parent pom).
    boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    Assumptions.assumeTrue(present && !"java".equals(System.getProperty("chainrule.kernels")));
    assertEquals("vector", Kernels.get().name());
  }
}
