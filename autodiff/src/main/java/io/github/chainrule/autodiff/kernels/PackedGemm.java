package io.github.chainrule.autodiff.kernels;

/**
 * The GEMM driver both kernel implementations share: matrix-vector shortcuts, the split across
 * threads, cache blocking and packing, in the order of Goto and van de Geijn ("Anatomy of
 * high-performance matrix multiplication", 2008) as BLIS arranges it. Only the innermost
 * register-blocked tile differs between plain Java and the Vector API, and is passed in as a
 * {@link MicroKernel}.
 *
 * <p>Packing is where the transposes go: each variant only changes how a panel is read, and every
 * packed panel has the same layout, so one micro-kernel serves A·B, A·Bᵀ, Aᵀ·B and Aᵀ·Bᵀ without
 * ever materialising a transpose. An untransposed A is not packed at all: the micro-kernel takes
 * A's row and column strides, and reads its rows in place.
 *
 * <p>Indexing: op(A)(i, p) is {@code a[aOff + i·lda + p]}, or {@code a[aOff + p·lda + i]} when
 * transposed; op(B)(p, j) is {@code b[bOff + p·ldb + j]}, or {@code b[bOff + j·ldb + p]}; C(i, j)
 * is {@code c[cOff + i·ldc + j]}.
 */
final class PackedGemm {

  /** Computes one MR×NR tile of C from a packed sliver of A and one of B. */
  interface MicroKernel {
    /** Rows of the tile. */
    int mr();

    /** Columns of the tile. */
    int nr();

    /**
     * C[r, c] = C₀[r, c] + Σ_p A(r, p)·pb[p·NR + c] over p in [0, kc), for the whole MR×NR tile,
     * where C₀[r, c] = from[fromOff + r·ldFrom + c] and C[r, c] is c[cOff + r·ldc + c], and
     * A(r, p) = pa[paOff + r·rs + p]: rows of A are contiguous, with rs = lda for a sliver read
     * in place from a row-major A and rs = kc for a packed one. The FMA tiles add each product to
     * the running sum in order of p, starting from C₀. The driver passes C itself as C₀, or for
     * the first block along k a row of zeros with ldFrom = 0, so C is neither cleared first nor
     * read while still zero. Either way the tile is branch-free.
     */
    void tile(int kc, double[] pa, int paOff, int rs, double[] pb, int pbOff,
        double[] from, int fromOff, int ldFrom, double[] c, int cOff, int ldc);
  }

  /**
   * Cache blocking: a KC×NR sliver of packed B is what the micro-kernel streams from L1 per tile,
   * an MC×KC block of A stays in L2 while all of B's slivers pass by, and NC bounds the packed B
   * block for L3. Other than {@link #DEFAULT_BLOCKING} only for A/B measurements.
   *
   * @param kc depth of a block along k (the blocks are then evened out: k = 784 as 4 × 196)
   * @param mc rows of A per L2 block (rounded up to a multiple of the tile's rows)
   * @param packA whether an untransposed A is packed too, rather than read in place
   */
  record Blocking(int kc, int mc, boolean packA) {
    Blocking {
      if (kc < 1 || mc < 1) {
        throw new IllegalArgumentException("GEMM blocking: kc=" + kc + ", mc=" + mc + "; both need to be at least 1");
      }
    }
  }

  /**
   * KC = 256, MC = 96, A read in place at every size: the plain-Java tile's blocking and the
   * 8-lane tiles'; the 4-lane ones go deeper along k (see {@code VectorKernels}). For the 8 × 16
   * AVX-512 tile, KC·NR·8 B = 32 KiB of B per sliver, and MC·KC·8 B = 192 KiB of A in a 1 MiB L2.
   * Reading A in place was measured on the AVX-512 tile, in place against packed in the same JVM
   * session: 69–71 against 54 GFLOPS at n = 64, 80–84 against 69 at 128, and 75–77 against 68–71
   * at 1024, with power-of-two row strides included.
   *
   * <p>Retuned on AVX2 (Zen 3 VM, square n = 1024, one thread, interleaved in one JVM, median
   * thread CPU time; bench's {@code AbProbe gemm} with blocking specs) while every block still read
   * C back, nothing at or below KC = 256 beat it beyond the noise. 4 × 12 on JDK 17, against this
   * blocking: KC 128 0.96×, KC 192 0.96×, MC 48 0.94×, MC 192 0.96×, KC 128 with MC 192 0.88×, A
   * packed 0.90×, A packed with KC 192 0.86×. 6 × 8 on JDK 25: A packed 1.00×, MC 192 1.01×, KC
   * 128 0.93×. What did beat it on AVX2 was fewer blocks along k, hence fewer reads of C.
   */
  static final Blocking DEFAULT_BLOCKING = new Blocking(256, 96, false);
  // The packed block of B, NC × KC doubles, is bounded at 8 MiB (NC = 4096 with KC = 256).
  private static final int NC_TIMES_KC = 4096 * 256;

  private final MicroKernel micro;
  private final Kernels vectors;
  private final int mr;
  private final int nr;
  private final int kcMax;
  private final int mcMax;
  private final boolean packA;
  private final int ncMax;
  // What a tile starts from in the first block along k: one row of zeros, read with stride 0.
  private final double[] zeros;
  // Per-thread packing buffers, reused across calls: allocating (and zeroing) them per call would
  // cost as much as packing itself for the small products a training step is made of.
  private final ThreadLocal<double[][]> scratch;

  PackedGemm(MicroKernel micro, Kernels vectors) {
    this(micro, vectors, DEFAULT_BLOCKING);
  }

  PackedGemm(MicroKernel micro, Kernels vectors, Blocking blocking) {
    this.micro = micro;
    this.vectors = vectors;
    this.mr = micro.mr();
    this.nr = micro.nr();
    this.kcMax = blocking.kc();
    this.mcMax = (blocking.mc() + mr - 1) / mr * mr;
    this.packA = blocking.packA();
    this.ncMax = Math.max(nr, NC_TIMES_KC / kcMax);
    this.zeros = new double[nr];
    this.scratch = ThreadLocal.withInitial(() -> new double[][] {
        new double[mcMax * kcMax], new double[0], new double[mr * nr]});
  }

  /** The micro-kernel's tile, rows × columns ("6x8"). */
  String tileName() {
    return mr + "x" + nr;
  }

  /** C = op(A)·op(B) with dense row-major operands, as in {@link Kernels#gemm}. */
  void gemm(boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOff, double[] b, int bOff, double[] c, int cOff) {
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0) {
      java.util.Arrays.fill(c, cOff, cOff + m * n, 0.0);
      return;
    }
    int lda = transA ? m : k;
    int ldb = transB ? k : n;
    if (k == 1) {
      // Outer product: op(A) is one column and op(B) one row, both contiguous whichever way they
      // are stored, so each row of C is a scaled copy of B (batch-1 layers and their gradients).
      if (n == 1) {
        // One column: C is A scaled by B's one element, in one call instead of m calls of length
        // 1 (1024×1·1×1, the weight gradient of a batch-1 layer, took 14 µs that way). The same
        // products a[i]·b[0], operands in the same order, so the same bits.
        vectors.binaryScalarRight(Binary.MUL, a, aOff, b[bOff], c, cOff, m);
        return;
      }
      for (int i = 0; i < m; i++) {
        vectors.binaryScalarLeft(Binary.MUL, a[aOff + i], b, bOff, c, cOff + i * n, n);
      }
      return;
    }
    if (n == 1) {
      // Matrix-vector: op(B) is one column, contiguous whichever way B is stored.
      if (!transA) {
        for (int i = 0; i < m; i++) {
          c[cOff + i] = vectors.dot(a, aOff + i * lda, b, bOff, k);
        }
      } else {
        columnCombination(m, k, b, bOff, a, aOff, lda, c, cOff);
      }
      return;
    }
    if (m == 1) {
      // Vector-matrix: op(A) is one row, contiguous whichever way A is stored.
      if (transB) {
        for (int j = 0; j < n; j++) {
          c[cOff + j] = vectors.dot(a, aOff, b, bOff + j * ldb, k);
        }
      } else {
        columnCombination(n, k, a, aOff, b, bOff, ldb, c, cOff);
      }
      return;
    }
    int threads = Parallelism.threads();
    long work = (long) m * n * k;
    if (threads > 1 && work >= Parallelism.GEMM_PARALLEL_MIN_WORK) {
      parallel(threads, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff);
    } else {
      blocked(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, n);
    }
  }

  /** out[0..len) = Σ_p x[p]·rows[p·ld .. p·ld + len): a weighted sum of contiguous rows. */
  private void columnCombination(int len, int k, double[] x, int xOff,
      double[] rows, int rowsOff, int ld, double[] out, int outOff) {
    java.util.Arrays.fill(out, outOff, outOff + len, 0.0);
    for (int p = 0; p < k; p++) {
      vectors.axpy(x[xOff + p], rows, rowsOff + p * ld, out, outOff, len);
    }
  }

  /**
   * Splits C into bands that the threads take in turn, each thread packing its own panels (no
   * sharing, no barrier). The band direction decides what is packed twice: row bands each pack all of B (k·n
   * copies per thread), column bands all of A (m·k). So rows when m ≥ n, columns otherwise. For a
   * training batch (128×784·784×512) row bands spent as long packing B as multiplying, and two
   * threads ran no faster than one.
   */
  private void parallel(int threads, boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOff, int lda, double[] b, int bOff, int ldb, double[] c, int cOff) {
    boolean byRows = m >= n;
    int extent = byRows ? m : n;
    int unit = byRows ? mr : nr;
    int units = (extent + unit - 1) / unit;
    // More bands than threads, handed out first come first served: on a shared machine one
    // thread may lose its core for a while, and with one fixed band per thread the product would
    // wait for the slowest (two threads measured slower than one when another process held the
    // second core). Bands of at least 8 tiles keep the repacking of the shared operand small.
    int parts = parts(units, threads);
    int bands = bands(units, parts);
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    Parallelism.run(parts, part -> {
      for (int band = next.getAndIncrement(); band < bands; band = next.getAndIncrement()) {
        int from = (int) ((long) units * band / bands) * unit;
        int to = Math.min(extent, (int) ((long) units * (band + 1) / bands) * unit);
        if (from >= to) {
          continue;
        }
        if (byRows) {
          int subA = transA ? aOff + from : aOff + from * lda;
          blocked(transA, transB, to - from, n, k, a, subA, lda, b, bOff, ldb, c, cOff + from * n, n);
        } else {
          int subB = transB ? bOff + from * ldb : bOff + from;
          blocked(transA, transB, m, to - from, k, a, aOff, lda, b, subB, ldb, c, cOff + from, n);
        }
      }
    });
  }

  /** How many threads share a product of {@code units} tiles along the band direction: 8 tiles or more each. */
  static int parts(int units, int threads) {
    return Math.max(1, Math.min(threads, units / 8));
  }

  /**
   * How many bands {@code parts} threads take first come first served: up to 4 per thread, of at
   * least 8 tiles each, and always a multiple of the threads, so that on free cores each thread
   * gets as many. The MLP's 128×784·784×512 had 43 column tiles cut into 5 bands; one thread took
   * 3, and the product could not run faster than 5/3 = 1.67× on two.
   */
  static int bands(int units, int parts) {
    return parts * Math.max(1, Math.min(4, units / (8 * parts)));
  }

  /** The five loops around the micro-kernel, single-threaded. */
  private void blocked(boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
      double[] c, int cOff, int ldc) {
    double[][] buffers = scratch.get();
    double[] packedA = buffers[0];
    double[] edge = buffers[2];
    // A whole number of tiles per NC block. (Tile edges once had to fall at the same columns
    // however the columns were cut into bands, when a ragged tile rounded differently; they no
    // longer do, see below, but whole tiles per block cost nothing.)
    int ncStep = ncMax / nr * nr;
    int ncBlock = (Math.min(ncStep, n) + nr - 1) / nr * nr;
    if (buffers[1].length < ncBlock * kcMax) {
      buffers[1] = new double[ncBlock * kcMax];
    }
    double[] packedB = buffers[1];
    // Equal blocks rather than full blocks plus a remainder: k = 784 as 4 × 196 rather than
    // 3 × 256 + 16, whose thin last block pays a whole round of packing for little arithmetic;
    // m = 128 as 2 × 64 rather than 96 + 32.
    int kBlocks = (k + kcMax - 1) / kcMax;
    int kBlock = (k + kBlocks - 1) / kBlocks;
    int mBlocks = (m + mcMax - 1) / mcMax;
    int mBlock = ((m + mBlocks - 1) / mBlocks + mr - 1) / mr * mr;
    boolean directA = !transA && !packA;
    for (int jc = 0; jc < n; jc += ncStep) {
      int nc = Math.min(ncStep, n - jc);
      for (int pc = 0; pc < k; pc += kBlock) {
        int kc = Math.min(kBlock, k - pc);
        packB(transB, kc, nc, b, bOff, ldb, pc, jc, packedB);
        // The first block along k starts every tile from zeros rather than from C: C is not
        // cleared beforehand (a pass over C) and not read back while it still holds zeros (for
        // a C larger than the caches, a miss per tile).
        boolean first = pc == 0;
        for (int ic = 0; ic < m; ic += mBlock) {
          int mc = Math.min(mBlock, m - ic);
          // An untransposed A is read in place (see Blocking): its MR rows are MR
          // sequential streams. Only the ragged last sliver is packed, to be zero-padded.
          int direct = directA ? mc / mr * mr : 0;
          if (direct < mc) {
            packA(transA, mc - direct, kc, a, aOff, lda, ic + direct, pc, packedA);
          }
          for (int jr = 0; jr < nc; jr += nr) {
            int nEff = Math.min(nr, nc - jr);
            int pbOff = jr * kc;
            for (int ir = 0; ir < mc; ir += mr) {
              int mEff = Math.min(mr, mc - ir);
              boolean inPlace = ir < direct;
              double[] pa = inPlace ? a : packedA;
              int paOff = inPlace ? aOff + (ic + ir) * lda + pc : (ir - direct) * kc;
              int rs = inPlace ? lda : kc;
              int cTile = cOff + (ic + ir) * ldc + jc + jr;
              if (mEff == mr && nEff == nr) {
                if (first) {
                  micro.tile(kc, pa, paOff, rs, packedB, pbOff, zeros, 0, 0, c, cTile, ldc);
                } else {
                  micro.tile(kc, pa, paOff, rs, packedB, pbOff, c, cTile, ldc, c, cTile, ldc);
                }
              } else {
                // Ragged edge: the part of C that exists goes into a scratch tile, the full tile
                // is computed there (the panels are zero-padded), and that part comes back. So a
                // ragged tile sums in the same order as a full one, and every element of C is
                // the same chain of FMAs over p whatever the tile, the blocking or the threads.
                if (!first) {
                  for (int r = 0; r < mEff; r++) {
                    System.arraycopy(c, cTile + r * ldc, edge, r * nr, nEff);
                  }
                }
                micro.tile(kc, pa, paOff, rs, packedB, pbOff, first ? zeros : edge, 0,
                    first ? 0 : nr, edge, 0, nr);
                for (int r = 0; r < mEff; r++) {
                  System.arraycopy(edge, r * nr, c, cTile + r * ldc, nEff);
                }
              }
            }
          }
        }
      }
    }
  }

  /**
   * Packs op(A)[ic..ic+mc, pc..pc+kc] row by row ({@code dst[i·kc + p]}), the layout of a row-major
   * A read in place, and zero-pads the rows up to a whole number of MR-row slivers. One layout for
   * both, so each tile has one loop: JDK 17's 4 × 12 tile had a second loop for column-by-column
   * slivers ({@code sliver[p·MR + r]}), and it ran at 9 GFLOPS where the in-place loop ran at 17
   * (784×128ᵀ·128×512, the weight gradient of a batch-128 layer).
   */
  private void packA(boolean transA, int mc, int kc, double[] a, int aOff, int lda,
      int ic, int pc, double[] dst) {
    if (!transA) {
      for (int i = 0; i < mc; i++) {
        System.arraycopy(a, aOff + (ic + i) * lda + pc, dst, i * kc, kc);
      }
    } else {
      // A is stored transposed, so op(A)'s rows are A's columns: a transpose, in strips of 8
      // columns of op(A), so that A is read along its rows (8 streams) and each packed row gets
      // a cache line's worth per visit. Sliver by sliver instead, 4 values from each of kc rows
      // of A 4 KiB apart, Aᵀ·B ran at 10 GFLOPS at 512³ against 16 for A·B.
      for (int p0 = 0; p0 < kc; p0 += 8) {
        int p1 = Math.min(kc, p0 + 8);
        for (int i = 0; i < mc; i++) {
          int src = aOff + (pc + p0) * lda + ic + i;
          int to = i * kc;
          for (int p = p0; p < p1; p++, src += lda) {
            dst[to + p] = a[src];
          }
        }
      }
    }
    int padded = (mc + mr - 1) / mr * mr;
    java.util.Arrays.fill(dst, mc * kc, padded * kc, 0.0);
  }

  /**
   * Packs op(B)[pc..pc+kc, jc..jc+nc] as NR-column slivers, each stored row by row
   * ({@code sliver[p·NR + c]}), zero-padding the last sliver's missing columns.
   */
  private void packB(boolean transB, int kc, int nc, double[] b, int bOff, int ldb,
      int pc, int jc, double[] dst) {
    for (int s = 0; s < nc; s += nr) {
      int cols = Math.min(nr, nc - s);
      int base = s * kc;
      if (!transB) {
        for (int p = 0; p < kc; p++) {
          System.arraycopy(b, bOff + (pc + p) * ldb + jc + s, dst, base + p * nr, cols);
        }
      } else {
        for (int q = 0; q < cols; q++) {
          int src = bOff + (jc + s + q) * ldb + pc;
          for (int p = 0; p < kc; p++) {
            dst[base + p * nr + q] = b[src + p];
          }
        }
      }
      if (cols < nr) {
        for (int p = 0; p < kc; p++) {
          java.util.Arrays.fill(dst, base + p * nr + cols, base + (p + 1) * nr, 0.0);
        }
      }
    }
  }
}
