package io.github.chainrule.autodiff.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API twin of {@link JavaKernels}, after Lucene's {@code PanamaVectorUtilSupport}:
 * loops run to {@code SPECIES.loopBound(n)} in whole vectors, reductions keep several independent
 * accumulators, and the rest is finished by a vector tail and then a scalar tail. Only
 * {@link KernelProvider} creates it, reflectively, so nothing links against the incubator module
 * unless it is present.
 *
 * <p>What is vectorised: the arithmetic that IEEE 754 defines exactly (add, sub, mul, div, sqrt,
 * neg, abs, min, max, comparisons), so results are bit-for-bit those of the plain kernels; sums,
 * dots and GEMM, which differ from the plain kernels only by the order of additions and by fused
 * multiply-adds. Transcendental functions (exp, log, tanh, sin, …) stay with {@code Math}: the
 * Vector API's versions may differ by an ulp from {@code Math}'s, which would make results depend
 * on whether SIMD was enabled, and where the JDK has no SVML stubs they are slower than the scalar
 * loop.
 */
public final class VectorKernels extends JavaKernels {
  private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
  private static final int L = SPECIES.length();

  private final PackedGemm gemm;

  /**
   * @throws UnsupportedOperationException where the preferred vector holds fewer than 4 doubles:
   *     there, the provider falls back to the plain kernels, which are as fast
   */
  public VectorKernels() {
    this(chooseTile());
  }

  /**
   * With a given GEMM tile ({@code "8x2"}, {@code "6x2"}, {@code "4x3"}: rows × vectors), so one
   * JVM can time two tiles side by side.
   *
   * @throws IllegalArgumentException for any other name
   */
  public VectorKernels(String tile) {
    this(tile(tile));
  }

  /**
   * With a given GEMM tile and cache blocking, for A/B measurements of blocking in one JVM.
   *
   * @param tile as for {@link #VectorKernels(String)}
   * @param kc depth of a cache block along k (the default is 1024 with 4 lanes, 256 with 8)
   * @param mc rows of A per L2 block (the default is 96)
   * @param packA whether an untransposed A is packed too, rather than read in place (the default)
   * @throws IllegalArgumentException for an unknown tile or a block size below 1
   */
  public VectorKernels(String tile, int kc, int mc, boolean packA) {
    PackedGemm.MicroKernel t = tile(tile);
    this.gemm = new PackedGemm(t, this, new PackedGemm.Blocking(kc, mc, packA));
    checkLanes();
  }

  private static PackedGemm.MicroKernel tile(String name) {
    PackedGemm.MicroKernel t = named(name);
    if (t == null) {
      throw new IllegalArgumentException("no GEMM tile " + name + "; one of 8x2, 6x2, 4x3");
    }
    return t;
  }

  private VectorKernels(PackedGemm.MicroKernel tile) {
    this.gemm = new PackedGemm(tile, this, L >= 8 ? PackedGemm.DEFAULT_BLOCKING : DEEP_BLOCKING);
    checkLanes();
  }

  /**
   * KC = 1024 with 4 doubles per vector (AVX2): a product with k up to 1024 is one block along k,
   * so it writes each C tile once and never reads it back (the first block starts from zeros);
   * one of k = 2048 reads it once rather than seven times. Each visit to a C tile that is not in
   * cache is costly: on the AVX2 VM (Zen 3, JDK 17), the 4 × 3L tile alone at KC = 256 made
   * 17.9–18.0 GFLOPS with its C tile in cache and 16.2–16.8 with it drawn from a 64 MiB C (16.5–17.2
   * when it only wrote C), and a deeper block pays that once per 1024 steps of k instead of 256.
   * Against KC = 256, both starting from zeros, in one JVM, interleaved, median thread CPU time:
   * n = 1024 ran 1.08× faster on JDK 17 (4 × 3L tile) and 1.07× on JDK 25 (6 × 2L), n = 512
   * 1.02× on both, and the MLP's 128×784·784×512 0.98× on JDK 17 (differences under ~3 % are
   * noise there). A B sliver of 1024 × 12 doubles (96 KiB) streams from L2, which the kernel alone
   * did not mind (18.4 GFLOPS at KC = 512). The 8-lane tiles keep KC = 256, where they were
   * measured. Every element being one chain of FMAs over k, the depth of a block changes no bits.
   */
  private static final PackedGemm.Blocking DEEP_BLOCKING = new PackedGemm.Blocking(1024, 96, false);

  private static void checkLanes() {
    if (L < 4) {
      throw new UnsupportedOperationException("preferred vector holds " + L + " doubles; "
          + "SIMD pays from 4 (AVX2) up");
    }
  }

  @Override
  public String name() {
    return "vector";
  }

  /**
   * The GEMM micro-kernel for this machine's vector shape, chosen once: with 8 doubles per vector
   * (AVX-512, 32 registers) the 8 × 2L tile ({@link FmaTile8}); with 4 (AVX2, 16 registers, where
   * an 8-row tile would spill) the 4 × 3L tile ({@link FmaTile4x3}) on JDK 17 and the 6 × 2L
   * tile ({@link FmaTile6}) on later JDKs, whichever measured faster under that JIT. The property {@code chainrule.gemm.tile} ({@code 8x2}, {@code 6x2},
   * {@code 4x3}: rows × vectors) overrides the choice, for A/B measurements.
   */
  static PackedGemm.MicroKernel chooseTile() {
    String forced = System.getProperty("chainrule.gemm.tile", "");
    PackedGemm.MicroKernel t = forced.isEmpty() ? null : named(forced);
    if (!forced.isEmpty() && t == null) {
      System.err.println("chainrule: ignoring -Dchainrule.gemm.tile=" + forced
          + " (one of 8x2, 6x2, 4x3)");
    }
    if (t != null) {
      return t;
    }
    if (L >= 8) {
      return new FmaTile8();
    }
    // On AVX2 the better tile depends on the JIT: measured interleaved in one JVM, 4 × 12 beat
    // 6 × 8 by 1.07-1.18× on JDK 17, and lost to it by 0.85-0.87× on JDK 25 (n = 64-512).
    // JDKs between were not measured; they get JDK 25's choice.
    return Runtime.version().feature() <= 17 ? new FmaTile4x3() : new FmaTile6();
  }

  private static PackedGemm.MicroKernel named(String name) {
    switch (name) {
      case "8x2":
        return new FmaTile8();
      case "6x2":
        return new FmaTile6();
      case "4x3":
        return new FmaTile4x3();
      default:
        return null;
    }
  }

  @Override
  public String gemmTile() {
    return gemm.tileName();
  }

  // ---------------------------------------------------------------- elementwise maps
  //
  // One loop per operation, each naming its operation as a constant: C2 intrinsifies a lanewise
  // operation only when the operator is a compile-time constant. A loop over a variable operator
  // (lanewise(op, v) with op from a switch) falls back to the API's boxed Java path, and measured
  // slower than the scalar loop. Inputs shorter than one vector go straight to the scalar loop.
  // No unrolling: maps have no loop-carried dependency, so the core already overlaps iterations.

  /** True if {@code f} is exactly rounded (or exact), so a vector lane gives the scalar's bits. */
  private static boolean vectorisable(Unary f) {
    switch (f) {
      case NEG:
      case ABS:
      case SQUARE:
      case SQRT:
      case RELU:
      case LEAKY_RELU:
        return true;
      default:
        return false;
    }
  }

  @Override
  public void unary(Unary f, double param, double[] x, int xOff, double[] out, int outOff, int n) {
    if (f == Unary.POW && param == 2.0) {
      f = Unary.SQUARE;
    }
    if (n < L || !vectorisable(f)) {
      super.unary(f, param, x, xOff, out, outOff, n);
      return;
    }
    DoubleVector zero = DoubleVector.zero(SPECIES);
    DoubleVector alpha = DoubleVector.broadcast(SPECIES, param);
    int i = 0;
    int bound = SPECIES.loopBound(n);
    // RELU zeroes where x <= 0, a comparison false for NaN, so NaN passes through as in the scalar
    // definition (and PyTorch): a NaN in the data must reach the loss, not vanish in a hidden layer.
    switch (f) {
      case NEG:
        for (; i < bound; i += L) {
          DoubleVector v = DoubleVector.fromArray(SPECIES, x, xOff + i);
          v.neg().intoArray(out, outOff + i);
        }
        break;
      case ABS:
        for (; i < bound; i += L) {
          DoubleVector v = DoubleVector.fromArray(SPECIES, x, xOff + i);
          v.abs().intoArray(out, outOff + i);
        }
        break;
      case SQUARE:
        for (; i < bound; i += L) {
          DoubleVector v = DoubleVector.fromArray(SPECIES, x, xOff + i);
          v.mul(v).intoArray(out, outOff + i);
        }
        break;
      case SQRT:
        for (; i < bound; i += L) {
          DoubleVector v = DoubleVector.fromArray(SPECIES, x, xOff + i);
          v.sqrt().intoArray(out, outOff + i);
        }
        break;
      case RELU:
        for (; i < bound; i += L) {
          DoubleVector v = DoubleVector.fromArray(SPECIES, x, xOff + i);
          v.blend(zero, v.compare(VectorOperators.LE, 0.0)).intoArray(out, outOff + i);
        }
        break;
      case LEAKY_RELU:
        for (; i < bound; i += L) {
          DoubleVector v = DoubleVector.fromArray(SPECIES, x, xOff + i);
          v.mul(alpha).blend(v, v.compare(VectorOperators.GT, 0.0)).intoArray(out, outOff + i);
        }
        break;
      default:
        throw new AssertionError(f);
    }
    for (; i < n; i++) {
      out[outOff + i] = f.apply(x[xOff + i], param);
    }
  }

  /**
   * Two blends, on a &gt; b and on a == b; both comparisons are false for NaN, which so gets {@code
   * below}, as in the scalar definition (relu's mask is 0 at NaN, as PyTorch's is).
   */
  @Override
  public void compareScalarRight(Comparison c, double[] a, int aOff, double b, double[] out, int outOff, int n) {
    masks(c, a, aOff, b, null, 0, out, outOff, n);
  }

  @Override
  public void maskScalarRight(Comparison c, double[] a, int aOff, double b, double[] g, int gOff,
      double[] out, int outOff, int n) {
    masks(c, a, aOff, b, g, gOff, out, outOff, n);
  }

  /**
   * The mask c(a[i], b), times g[i] when g is not null (the test is loop-invariant, so the JIT
   * splits the loop on it). g·0 keeps g's sign and NaN, as a multiply by the mask array does.
   */
  private static void masks(Comparison c, double[] a, int aOff, double b, double[] g, int gOff,
      double[] out, int outOff, int n) {
    DoubleVector below = DoubleVector.broadcast(SPECIES, c.below());
    DoubleVector equal = DoubleVector.broadcast(SPECIES, c.equal());
    DoubleVector above = DoubleVector.broadcast(SPECIES, c.above());
    int i = 0;
    int bound = SPECIES.loopBound(n);
    for (; i < bound; i += L) {
      DoubleVector v = DoubleVector.fromArray(SPECIES, a, aOff + i);
      DoubleVector m = below.blend(equal, v.compare(VectorOperators.EQ, b)).blend(above, v.compare(VectorOperators.GT, b));
      (g == null ? m : DoubleVector.fromArray(SPECIES, g, gOff + i).mul(m)).intoArray(out, outOff + i);
    }
    for (; i < n; i++) {
      double m = c.apply(a[aOff + i], b);
      out[outOff + i] = g == null ? m : g[gOff + i] * m;
    }
  }

  // MAX and MIN: the Vector API documents them as Math.max and Math.min, NaN and signed zeros
  // included; the differential test checks both.

  @Override
  public void binary(Binary f, double[] a, int aOff, double[] b, int bOff, double[] out, int outOff, int n) {
    if (n < L) {
      super.binary(f, a, aOff, b, bOff, out, outOff, n);
      return;
    }
    int i = 0;
    int bound = SPECIES.loopBound(n);
    switch (f) {
      case ADD:
        for (; i < bound; i += L) {
          DoubleVector.fromArray(SPECIES, a, aOff + i)
              .add(DoubleVector.fromArray(SPECIES, b, bOff + i)).intoArray(out, outOff + i);
        }
        break;
      case SUB:
        for (; i < bound; i += L) {
          DoubleVector.fromArray(SPECIES, a, aOff + i)
              .sub(DoubleVector.fromArray(SPECIES, b, bOff + i)).intoArray(out, outOff + i);
        }
        break;
      case MUL:
        for (; i < bound; i += L) {
          DoubleVector.fromArray(SPECIES, a, aOff + i)
              .mul(DoubleVector.fromArray(SPECIES, b, bOff + i)).intoArray(out, outOff + i);
        }
        break;
      case DIV:
        for (; i < bound; i += L) {
          DoubleVector.fromArray(SPECIES, a, aOff + i)
              .div(DoubleVector.fromArray(SPECIES, b, bOff + i)).intoArray(out, outOff + i);
        }
        break;
      case MAX:
        for (; i < bound; i += L) {
          DoubleVector.fromArray(SPECIES, a, aOff + i)
              .max(DoubleVector.fromArray(SPECIES, b, bOff + i)).intoArray(out, outOff + i);
        }
        break;
      case MIN:
        for (; i < bound; i += L) {
          DoubleVector.fromArray(SPECIES, a, aOff + i)
              .min(DoubleVector.fromArray(SPECIES, b, bOff + i)).intoArray(out, outOff + i);
        }
        break;
      default:
        throw new AssertionError(f);
    }
    for (; i < n; i++) {
      out[outOff + i] = f.apply(a[aOff + i], b[bOff + i]);
    }
  }

  /**
   * For ADD (a bias added to a batch) with rows of up to 4L: the row stays in registers while the
   * rows of a stream past, one load, one add and one store per vector, instead of one
   * {@link #binary} call per row (for [100, 16] + [16], 100 calls of four vectors each). Other
   * operations and wider rows go row by row.
   */
  @Override
  public void binaryRows(Binary f, double[] a, int aOff, double[] row, int rowOff, double[] out, int outOff,
      int rows, int len) {
    if (f != Binary.ADD || len % L != 0 || len > 4 * L) {
      super.binaryRows(f, a, aOff, row, rowOff, out, outOff, rows, len);
      return;
    }
    int vectors = len / L;
    DoubleVector b0 = DoubleVector.fromArray(SPECIES, row, rowOff);
    DoubleVector b1 = vectors > 1 ? DoubleVector.fromArray(SPECIES, row, rowOff + L) : b0;
    DoubleVector b2 = vectors > 2 ? DoubleVector.fromArray(SPECIES, row, rowOff + 2 * L) : b0;
    DoubleVector b3 = vectors > 3 ? DoubleVector.fromArray(SPECIES, row, rowOff + 3 * L) : b0;
    for (int r = 0; r < rows; r++) {
      int ai = aOff + r * len;
      int oi = outOff + r * len;
      DoubleVector.fromArray(SPECIES, a, ai).add(b0).intoArray(out, oi);
      if (vectors > 1) {
        DoubleVector.fromArray(SPECIES, a, ai + L).add(b1).intoArray(out, oi + L);
      }
      if (vectors > 2) {
        DoubleVector.fromArray(SPECIES, a, ai + 2 * L).add(b2).intoArray(out, oi + 2 * L);
      }
      if (vectors > 3) {
        DoubleVector.fromArray(SPECIES, a, ai + 3 * L).add(b3).intoArray(out, oi + 3 * L);
      }
    }
  }

  @Override
  public void binaryScalarRight(Binary f, double[] a, int aOff, double b, double[] out, int outOff, int n) {
    if (n < L) {
      super.binaryScalarRight(f, a, aOff, b, out, outOff, n);
      return;
    }
    DoubleVector vb = DoubleVector.broadcast(SPECIES, b);
    int i = 0;
    int bound = SPECIES.loopBound(n);
    switch (f) {
      case ADD:
        for (; i < bound; i += L) {
          DoubleVector.fromArray(SPECIES, a, aOff + i).add(vb).intoArray(out, outOff + i);
        }
        break;
      case SUB:
        for (; i < bound; i += L) {
          DoubleVector.fromArray(SPECIES, a, aOff + i).sub(vb).intoArray(out, outOff + i);
        }
        break;
      case MUL:
        for (; i < bound; i += L) {
          DoubleVector.fromArray(SPECIES, a, aOff + i).mul(vb).intoArray(out, outOff + i);
        }
        break;
      case DIV:
        for (; i < bound; i += L) {
          DoubleVector.fromArray(SPECIES, a, aOff + i).div(vb).intoArray(out, outOff + i);
        }
        break;
      case MAX:
        for (; i < bound; i += L) {
          DoubleVector.fromArray(SPECIES, a, aOff + i).max(vb).intoArray(out, outOff + i);
        }
        break;
      case MIN:
        for (; i < bound; i += L) {
          DoubleVector.fromArray(SPECIES, a, aOff + i).min(vb).intoArray(out, outOff + i);
        }
        break;
      default:
        throw new AssertionError(f);
    }
    for (; i < n; i++) {
      out[outOff + i] = f.apply(a[aOff + i], b);
    }
  }

  @Override
  public void binaryScalarLeft(Binary f, double a, double[] b, int bOff, double[] out, int outOff, int n) {
    if (n < L) {
      super.binaryScalarLeft(f, a, b, bOff, out, outOff, n);
      return;
    }
    DoubleVector va = DoubleVector.broadcast(SPECIES, a);
    int i = 0;
    int bound = SPECIES.loopBound(n);
    switch (f) {
      case ADD:
        for (; i < bound; i += L) {
          va.add(DoubleVector.fromArray(SPECIES, b, bOff + i)).intoArray(out, outOff + i);
        }
        break;
      case SUB:
        for (; i < bound; i += L) {
          va.sub(DoubleVector.fromArray(SPECIES, b, bOff + i)).intoArray(out, outOff + i);
        }
        break;
      case MUL:
        for (; i < bound; i += L) {
          va.mul(DoubleVector.fromArray(SPECIES, b, bOff + i)).intoArray(out, outOff + i);
        }
        break;
      case DIV:
        for (; i < bound; i += L) {
          va.div(DoubleVector.fromArray(SPECIES, b, bOff + i)).intoArray(out, outOff + i);
        }
        break;
      case MAX:
        for (; i < bound; i += L) {
          va.max(DoubleVector.fromArray(SPECIES, b, bOff + i)).intoArray(out, outOff + i);
        }
        break;
      case MIN:
        for (; i < bound; i += L) {
          va.min(DoubleVector.fromArray(SPECIES, b, bOff + i)).intoArray(out, outOff + i);
        }
        break;
      default:
        throw new AssertionError(f);
    }
    for (; i < n; i++) {
      out[outOff + i] = f.apply(a, b[bOff + i]);
    }
  }

  @Override
  public void addTo(double[] x, int xOff, double[] acc, int accOff, int n) {
    int i = 0;
    int bound = SPECIES.loopBound(n);
    for (; i < bound; i += L) {
      DoubleVector.fromArray(SPECIES, acc, accOff + i)
          .add(DoubleVector.fromArray(SPECIES, x, xOff + i))
          .intoArray(acc, accOff + i);
    }
    for (; i < n; i++) {
      acc[accOff + i] += x[xOff + i];
    }
  }

  @Override
  public void axpy(double alpha, double[] x, int xOff, double[] y, int yOff, int n) {
    DoubleVector va = DoubleVector.broadcast(SPECIES, alpha);
    int i = 0;
    int bound = SPECIES.loopBound(n);
    for (; i < bound; i += L) {
      DoubleVector.fromArray(SPECIES, x, xOff + i)
          .fma(va, DoubleVector.fromArray(SPECIES, y, yOff + i))
          .intoArray(y, yOff + i);
    }
    for (; i < n; i++) {
      y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
    }
  }

  // ---------------------------------------------------------------- reductions

  /**
   * The lanes added one after another, lane 0 first. Not {@code reduceLanes(ADD)}: the Vector API
   * leaves the order of a floating-point reduction to the implementation, and on JDK 25 C2's
   * compiled reduction rounded differently from the interpreter's and C1's, so a model's loss
   * changed its last bits from run to run depending on when the method was compiled (500 steps of
   * the 2-16-16-1 MLP gave three hashes in three runs). In order, every JDK and compiler gives
   * the bits JDK 17 gave.
   */
  private static double sumOfLanes(DoubleVector v) {
    double s = v.lane(0);
    for (int lane = 1; lane < L; lane++) {
      s += v.lane(lane);
    }
    return s;
  }

  @Override
  public double sum(double[] x, int off, int n) {
    int i = 0;
    double s = 0;
    if (n >= 4 * L) {
      // Four accumulators: an add has a latency of 3-4 cycles and the core issues two per cycle,
      // so one accumulator would leave the adders idle most of the time (Lucene unrolls the same).
      DoubleVector s0 = DoubleVector.zero(SPECIES);
      DoubleVector s1 = DoubleVector.zero(SPECIES);
      DoubleVector s2 = DoubleVector.zero(SPECIES);
      DoubleVector s3 = DoubleVector.zero(SPECIES);
      int bound4 = n - n % (4 * L);
      for (; i < bound4; i += 4 * L) {
        s0 = s0.add(DoubleVector.fromArray(SPECIES, x, off + i));
        s1 = s1.add(DoubleVector.fromArray(SPECIES, x, off + i + L));
        s2 = s2.add(DoubleVector.fromArray(SPECIES, x, off + i + 2 * L));
        s3 = s3.add(DoubleVector.fromArray(SPECIES, x, off + i + 3 * L));
      }
      // Vector tail: whole vectors left after the unrolled loop.
      int bound = SPECIES.loopBound(n);
      for (; i < bound; i += L) {
        s0 = s0.add(DoubleVector.fromArray(SPECIES, x, off + i));
      }
      s = sumOfLanes(s0.add(s1).add(s2.add(s3)));
    }
    // Scalar tail (and the whole of short inputs, where setting up vectors does not pay).
    for (; i < n; i++) {
      s += x[off + i];
    }
    return s;
  }

  @Override
  public double dot(double[] a, int aOff, double[] b, int bOff, int n) {
    int i = 0;
    double s = 0;
    if (n >= 4 * L) {
      // Four accumulators for the same reason as sum: FMA latency is 4 cycles, two issue per cycle.
      DoubleVector s0 = DoubleVector.zero(SPECIES);
      DoubleVector s1 = DoubleVector.zero(SPECIES);
      DoubleVector s2 = DoubleVector.zero(SPECIES);
      DoubleVector s3 = DoubleVector.zero(SPECIES);
      int bound4 = n - n % (4 * L);
      for (; i < bound4; i += 4 * L) {
        s0 = DoubleVector.fromArray(SPECIES, a, aOff + i)
            .fma(DoubleVector.fromArray(SPECIES, b, bOff + i), s0);
        s1 = DoubleVector.fromArray(SPECIES, a, aOff + i + L)
            .fma(DoubleVector.fromArray(SPECIES, b, bOff + i + L), s1);
        s2 = DoubleVector.fromArray(SPECIES, a, aOff + i + 2 * L)
            .fma(DoubleVector.fromArray(SPECIES, b, bOff + i + 2 * L), s2);
        s3 = DoubleVector.fromArray(SPECIES, a, aOff + i + 3 * L)
            .fma(DoubleVector.fromArray(SPECIES, b, bOff + i + 3 * L), s3);
      }
      int bound = SPECIES.loopBound(n);
      for (; i < bound; i += L) {
        s0 = DoubleVector.fromArray(SPECIES, a, aOff + i)
            .fma(DoubleVector.fromArray(SPECIES, b, bOff + i), s0);
      }
      s = sumOfLanes(s0.add(s1).add(s2.add(s3)));
    }
    for (; i < n; i++) {
      s = Math.fma(a[aOff + i], b[bOff + i], s);
    }
    return s;
  }

  @Override
  public void sumAxis(double[] x, int xOff, int outer, int len, int inner, double[] out, int outOff) {
    if (inner == 1 && len > 1) {
      // Summing each contiguous row: a horizontal reduction per output.
      for (int o = 0; o < outer; o++) {
        out[outOff + o] = sum(x, xOff + o * len, len);
      }
      return;
    }
    if (len > 1 && inner >= L) {
      for (int o = 0; o < outer; o++) {
        columnSums(x, xOff + o * len * inner, len, inner, out, outOff + o * inner);
      }
      return;
    }
    super.sumAxis(x, xOff, outer, len, inner, out, outOff);
  }

  /**
   * out[i] = Σ_j x[j·inner + i], a bias gradient ([N, F] to [F]): four vectors of columns at a
   * time with the sums in registers, so out is written once rather than read and written per row.
   * Each column is summed from +0.0 in the order of j, as the plain clear-then-add loop sums it,
   * so the bits are the same.
   */
  private static void columnSums(double[] x, int xOff, int len, int inner, double[] out, int outOff) {
    int i = 0;
    for (; i + 4 * L <= inner; i += 4 * L) {
      DoubleVector s0 = DoubleVector.zero(SPECIES);
      DoubleVector s1 = s0;
      DoubleVector s2 = s0;
      DoubleVector s3 = s0;
      for (int j = 0, r = xOff + i; j < len; j++, r += inner) {
        s0 = s0.add(DoubleVector.fromArray(SPECIES, x, r));
        s1 = s1.add(DoubleVector.fromArray(SPECIES, x, r + L));
        s2 = s2.add(DoubleVector.fromArray(SPECIES, x, r + 2 * L));
        s3 = s3.add(DoubleVector.fromArray(SPECIES, x, r + 3 * L));
      }
      s0.intoArray(out, outOff + i);
      s1.intoArray(out, outOff + i + L);
      s2.intoArray(out, outOff + i + 2 * L);
      s3.intoArray(out, outOff + i + 3 * L);
    }
    for (; i + L <= inner; i += L) {
      DoubleVector s = DoubleVector.zero(SPECIES);
      for (int j = 0, r = xOff + i; j < len; j++, r += inner) {
        s = s.add(DoubleVector.fromArray(SPECIES, x, r));
      }
      s.intoArray(out, outOff + i);
    }
    for (; i < inner; i++) {
      double s = 0.0;
      for (int j = 0, r = xOff + i; j < len; j++, r += inner) {
        s += x[r];
      }
      out[outOff + i] = s;
    }
  }

  // ---------------------------------------------------------------- GEMM

  @Override
  int lanes() {
    return L;
  }

  @Override
  void gemmDirect(boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOff, double[] b, int bOff, double[] c, int cOff) {
    VectorSmallGemm.gemm(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff);
  }

  @Override
  void gemmPacked(boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOff, double[] b, int bOff, double[] c, int cOff) {
    gemm.gemm(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff);
  }

  /**
   * An 8 × 2L register tile (8×16 with AVX-512): 16 vector accumulators, two vectors of B and one
   * broadcast of A live at once, 19 of the 32 AVX-512 registers. Per step it loads 2 vectors and
   * broadcasts 8 scalars for 16 FMAs, so the two FMA pipes, not the loads, bound it. Eight rows
   * also divide the sizes people use (64, 128, …), so fewer tiles take the ragged-edge path than
   * with six. With AVX2's 16 registers this would spill, hence {@link FmaTile4x3} there. Written out
   * by hand: C2 keeps locals in registers but would spill an array of accumulators.
   */
  private static final class FmaTile8 implements PackedGemm.MicroKernel {
    private static final int MR = 8;

    @Override
    public int mr() {
      return MR;
    }

    @Override
    public int nr() {
      return 2 * L;
    }

    @Override
    public void tile(int kc, double[] pa, int paOff, int rs, double[] pb, int pbOff,
        double[] from, int fromOff, int ldFrom, double[] c, int cOff, int ldc) {
      // The accumulators start from C₀ (C, or zeros) and end in C: no separate
      // store helper, whose calls pushed this method past C2's NodeCountInliningCutoff, left
      // the last rows' vectors boxed, and cut GEMM from 85 to 12 GFLOPS.
      DoubleVector c00 = DoubleVector.fromArray(SPECIES, from, fromOff);
      DoubleVector c01 = DoubleVector.fromArray(SPECIES, from, fromOff + L);
      DoubleVector c10 = DoubleVector.fromArray(SPECIES, from, fromOff + ldFrom);
      DoubleVector c11 = DoubleVector.fromArray(SPECIES, from, fromOff + ldFrom + L);
      DoubleVector c20 = DoubleVector.fromArray(SPECIES, from, fromOff + 2 * ldFrom);
      DoubleVector c21 = DoubleVector.fromArray(SPECIES, from, fromOff + 2 * ldFrom + L);
      DoubleVector c30 = DoubleVector.fromArray(SPECIES, from, fromOff + 3 * ldFrom);
      DoubleVector c31 = DoubleVector.fromArray(SPECIES, from, fromOff + 3 * ldFrom + L);
      DoubleVector c40 = DoubleVector.fromArray(SPECIES, from, fromOff + 4 * ldFrom);
      DoubleVector c41 = DoubleVector.fromArray(SPECIES, from, fromOff + 4 * ldFrom + L);
      DoubleVector c50 = DoubleVector.fromArray(SPECIES, from, fromOff + 5 * ldFrom);
      DoubleVector c51 = DoubleVector.fromArray(SPECIES, from, fromOff + 5 * ldFrom + L);
      DoubleVector c60 = DoubleVector.fromArray(SPECIES, from, fromOff + 6 * ldFrom);
      DoubleVector c61 = DoubleVector.fromArray(SPECIES, from, fromOff + 6 * ldFrom + L);
      DoubleVector c70 = DoubleVector.fromArray(SPECIES, from, fromOff + 7 * ldFrom);
      DoubleVector c71 = DoubleVector.fromArray(SPECIES, from, fromOff + 7 * ldFrom + L);
      int ai = paOff;
      int bi = pbOff;
      int nr = 2 * L;
      int o1 = 1 * rs;
      int o2 = 2 * rs;
      int o3 = 3 * rs;
      int o4 = 4 * rs;
      int o5 = 5 * rs;
      int o6 = 6 * rs;
      int o7 = 7 * rs;
      for (int p = 0; p < kc; p++, ai++, bi += nr) {
        DoubleVector b0 = DoubleVector.fromArray(SPECIES, pb, bi);
        DoubleVector b1 = DoubleVector.fromArray(SPECIES, pb, bi + L);
        DoubleVector a = DoubleVector.broadcast(SPECIES, pa[ai]);
        c00 = a.fma(b0, c00);
        c01 = a.fma(b1, c01);
        a = DoubleVector.broadcast(SPECIES, pa[ai + o1]);
        c10 = a.fma(b0, c10);
        c11 = a.fma(b1, c11);
        a = DoubleVector.broadcast(SPECIES, pa[ai + o2]);
        c20 = a.fma(b0, c20);
        c21 = a.fma(b1, c21);
        a = DoubleVector.broadcast(SPECIES, pa[ai + o3]);
        c30 = a.fma(b0, c30);
        c31 = a.fma(b1, c31);
        a = DoubleVector.broadcast(SPECIES, pa[ai + o4]);
        c40 = a.fma(b0, c40);
        c41 = a.fma(b1, c41);
        a = DoubleVector.broadcast(SPECIES, pa[ai + o5]);
        c50 = a.fma(b0, c50);
        c51 = a.fma(b1, c51);
        a = DoubleVector.broadcast(SPECIES, pa[ai + o6]);
        c60 = a.fma(b0, c60);
        c61 = a.fma(b1, c61);
        a = DoubleVector.broadcast(SPECIES, pa[ai + o7]);
        c70 = a.fma(b0, c70);
        c71 = a.fma(b1, c71);
      }
      c00.intoArray(c, cOff);
      c01.intoArray(c, cOff + L);
      c10.intoArray(c, cOff + ldc);
      c11.intoArray(c, cOff + ldc + L);
      c20.intoArray(c, cOff + 2 * ldc);
      c21.intoArray(c, cOff + 2 * ldc + L);
      c30.intoArray(c, cOff + 3 * ldc);
      c31.intoArray(c, cOff + 3 * ldc + L);
      c40.intoArray(c, cOff + 4 * ldc);
      c41.intoArray(c, cOff + 4 * ldc + L);
      c50.intoArray(c, cOff + 5 * ldc);
      c51.intoArray(c, cOff + 5 * ldc + L);
      c60.intoArray(c, cOff + 6 * ldc);
      c61.intoArray(c, cOff + 6 * ldc + L);
      c70.intoArray(c, cOff + 7 * ldc);
      c71.intoArray(c, cOff + 7 * ldc + L);
    }
  }

  /**
   * A 6 × 2L tile for CPUs with 16 vector registers (AVX2): 12 accumulators, two vectors of B and
   * one broadcast of A, 15 registers. BLIS's shape for Haswell and Zen, and the AVX2 default
   * from JDK 18 on: on JDK 25 it ran 1.15-1.18× faster than {@link FmaTile4x3}, on JDK 17
   * 0.85-0.93× as fast.
   */
  private static final class FmaTile6 implements PackedGemm.MicroKernel {
    private static final int MR = 6;

    @Override
    public int mr() {
      return MR;
    }

    @Override
    public int nr() {
      return 2 * L;
    }

    @Override
    public void tile(int kc, double[] pa, int paOff, int rs, double[] pb, int pbOff,
        double[] from, int fromOff, int ldFrom, double[] c, int cOff, int ldc) {
      // The accumulators start from C₀ (C, or zeros) and end in C: no separate
      // store helper, whose calls pushed this method past C2's NodeCountInliningCutoff, left
      // the last rows' vectors boxed, and cut GEMM from 85 to 12 GFLOPS.
      DoubleVector c00 = DoubleVector.fromArray(SPECIES, from, fromOff);
      DoubleVector c01 = DoubleVector.fromArray(SPECIES, from, fromOff + L);
      DoubleVector c10 = DoubleVector.fromArray(SPECIES, from, fromOff + ldFrom);
      DoubleVector c11 = DoubleVector.fromArray(SPECIES, from, fromOff + ldFrom + L);
      DoubleVector c20 = DoubleVector.fromArray(SPECIES, from, fromOff + 2 * ldFrom);
      DoubleVector c21 = DoubleVector.fromArray(SPECIES, from, fromOff + 2 * ldFrom + L);
      DoubleVector c30 = DoubleVector.fromArray(SPECIES, from, fromOff + 3 * ldFrom);
      DoubleVector c31 = DoubleVector.fromArray(SPECIES, from, fromOff + 3 * ldFrom + L);
      DoubleVector c40 = DoubleVector.fromArray(SPECIES, from, fromOff + 4 * ldFrom);
      DoubleVector c41 = DoubleVector.fromArray(SPECIES, from, fromOff + 4 * ldFrom + L);
      DoubleVector c50 = DoubleVector.fromArray(SPECIES, from, fromOff + 5 * ldFrom);
      DoubleVector c51 = DoubleVector.fromArray(SPECIES, from, fromOff + 5 * ldFrom + L);
      int ai = paOff;
      int bi = pbOff;
      int nr = 2 * L;
      int o1 = 1 * rs;
      int o2 = 2 * rs;
      int o3 = 3 * rs;
      int o4 = 4 * rs;
      int o5 = 5 * rs;
      for (int p = 0; p < kc; p++, ai++, bi += nr) {
        DoubleVector b0 = DoubleVector.fromArray(SPECIES, pb, bi);
        DoubleVector b1 = DoubleVector.fromArray(SPECIES, pb, bi + L);
        DoubleVector a = DoubleVector.broadcast(SPECIES, pa[ai]);
        c00 = a.fma(b0, c00);
        c01 = a.fma(b1, c01);
        a = DoubleVector.broadcast(SPECIES, pa[ai + o1]);
        c10 = a.fma(b0, c10);
        c11 = a.fma(b1, c11);
        a = DoubleVector.broadcast(SPECIES, pa[ai + o2]);
        c20 = a.fma(b0, c20);
        c21 = a.fma(b1, c21);
        a = DoubleVector.broadcast(SPECIES, pa[ai + o3]);
        c30 = a.fma(b0, c30);
        c31 = a.fma(b1, c31);
        a = DoubleVector.broadcast(SPECIES, pa[ai + o4]);
        c40 = a.fma(b0, c40);
        c41 = a.fma(b1, c41);
        a = DoubleVector.broadcast(SPECIES, pa[ai + o5]);
        c50 = a.fma(b0, c50);
        c51 = a.fma(b1, c51);
      }
      c00.intoArray(c, cOff);
      c01.intoArray(c, cOff + L);
      c10.intoArray(c, cOff + ldc);
      c11.intoArray(c, cOff + ldc + L);
      c20.intoArray(c, cOff + 2 * ldc);
      c21.intoArray(c, cOff + 2 * ldc + L);
      c30.intoArray(c, cOff + 3 * ldc);
      c31.intoArray(c, cOff + 3 * ldc + L);
      c40.intoArray(c, cOff + 4 * ldc);
      c41.intoArray(c, cOff + 4 * ldc + L);
      c50.intoArray(c, cOff + 5 * ldc);
      c51.intoArray(c, cOff + 5 * ldc + L);
    }
  }

  /**
   * A 4 × 3L register tile for 16 vector registers (4×12 with AVX2), the default there on JDK 17: 12
   * accumulators, three vectors of B and one broadcast of A, all 16 registers. Per step 4
   * broadcasts and 3 loads feed 12 FMAs, against 6 and 2 for the 6 × 2L tile; twelve independent
   * chains cover the FMA latency (4–5 cycles) on two pipes. Measured on the AVX2 VM (Zen 3)
   * against {@link FmaTile6}, one thread, interleaved call by call in one JVM, median thread CPU
   * time: 1.07× at n = 64, 1.15× at 128 and 256, 1.18× at 512 (bench's {@code AbProbe gemm}).
   *
   * <p>Each of the four rows of A is read with stride 1 in p (packed slivers have the layout of
   * rows read in place), written so for C2's range-check elimination, which needs a constant scale
   * (not verified in the assembly: no hsdis here). With the stride in p a variable this tile
   * measured 13 % slower at n = 512; the 6 × 2L tile, rewritten the same way, measured 0.83× and
   * stays as it was. The accumulators start from C₀ and end in C, with no store helper, for the
   * reason given at {@link FmaTile8}.
   */
  private static final class FmaTile4x3 implements PackedGemm.MicroKernel {
    private static final int MR = 4;
    private static final int NR = 3 * L;

    @Override
    public int mr() {
      return MR;
    }

    @Override
    public int nr() {
      return NR;
    }

    @Override
    public void tile(int kc, double[] pa, int paOff, int rs, double[] pb, int pbOff,
        double[] from, int fromOff, int ldFrom, double[] c, int cOff, int ldc) {
      DoubleVector c00 = DoubleVector.fromArray(SPECIES, from, fromOff);
      DoubleVector c01 = DoubleVector.fromArray(SPECIES, from, fromOff + L);
      DoubleVector c02 = DoubleVector.fromArray(SPECIES, from, fromOff + 2 * L);
      DoubleVector c10 = DoubleVector.fromArray(SPECIES, from, fromOff + ldFrom);
      DoubleVector c11 = DoubleVector.fromArray(SPECIES, from, fromOff + ldFrom + L);
      DoubleVector c12 = DoubleVector.fromArray(SPECIES, from, fromOff + ldFrom + 2 * L);
      DoubleVector c20 = DoubleVector.fromArray(SPECIES, from, fromOff + 2 * ldFrom);
      DoubleVector c21 = DoubleVector.fromArray(SPECIES, from, fromOff + 2 * ldFrom + L);
      DoubleVector c22 = DoubleVector.fromArray(SPECIES, from, fromOff + 2 * ldFrom + 2 * L);
      DoubleVector c30 = DoubleVector.fromArray(SPECIES, from, fromOff + 3 * ldFrom);
      DoubleVector c31 = DoubleVector.fromArray(SPECIES, from, fromOff + 3 * ldFrom + L);
      DoubleVector c32 = DoubleVector.fromArray(SPECIES, from, fromOff + 3 * ldFrom + 2 * L);
      int a0 = paOff;
      int a1 = paOff + rs;
      int a2 = paOff + 2 * rs;
      int a3 = paOff + 3 * rs;
      for (int p = 0; p < kc; p++) {
        int bi = pbOff + p * NR;
        DoubleVector b0 = DoubleVector.fromArray(SPECIES, pb, bi);
        DoubleVector b1 = DoubleVector.fromArray(SPECIES, pb, bi + L);
        DoubleVector b2 = DoubleVector.fromArray(SPECIES, pb, bi + 2 * L);
        DoubleVector a = DoubleVector.broadcast(SPECIES, pa[a0 + p]);
        c00 = a.fma(b0, c00);
        c01 = a.fma(b1, c01);
        c02 = a.fma(b2, c02);
        a = DoubleVector.broadcast(SPECIES, pa[a1 + p]);
        c10 = a.fma(b0, c10);
        c11 = a.fma(b1, c11);
        c12 = a.fma(b2, c12);
        a = DoubleVector.broadcast(SPECIES, pa[a2 + p]);
        c20 = a.fma(b0, c20);
        c21 = a.fma(b1, c21);
        c22 = a.fma(b2, c22);
        a = DoubleVector.broadcast(SPECIES, pa[a3 + p]);
        c30 = a.fma(b0, c30);
        c31 = a.fma(b1, c31);
        c32 = a.fma(b2, c32);
      }
      c00.intoArray(c, cOff);
      c01.intoArray(c, cOff + L);
      c02.intoArray(c, cOff + 2 * L);
      c10.intoArray(c, cOff + ldc);
      c11.intoArray(c, cOff + ldc + L);
      c12.intoArray(c, cOff + ldc + 2 * L);
      c20.intoArray(c, cOff + 2 * ldc);
      c21.intoArray(c, cOff + 2 * ldc + L);
      c22.intoArray(c, cOff + 2 * ldc + 2 * L);
      c30.intoArray(c, cOff + 3 * ldc);
      c31.intoArray(c, cOff + 3 * ldc + L);
      c32.intoArray(c, cOff + 3 * ldc + 2 * L);
    }
  }

}
