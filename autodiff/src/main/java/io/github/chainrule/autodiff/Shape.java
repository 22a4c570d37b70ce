package io.github.chainrule.autodiff;

import java.util.Arrays;

/**
 * Static helpers for shapes ({@code int[]}, row-major) and NumPy broadcasting.
 *
 * <p>Shapes are plain arrays so that a scalar node costs no extra object: every rank-0 tensor
 * shares {@link #SCALAR}. Callers never mutate a shape they did not create.
 */
public final class Shape {
  /** The shape of a rank-0 tensor. Shared; never mutate. */
  public static final int[] SCALAR = new int[0];

  private Shape() {}

  /** Number of elements: the product of the dimensions (1 for a scalar). */
  public static int numel(int[] shape) {
    long n = 1;
    for (int d : shape) {
      n *= d;
      // Checked at every step: a factor is below 2^31, so the product cannot wrap around a long
      // before the check sees it (checked only at the end, 2^21·2^21·2^21 wrapped to 0 elements).
      if (n > Integer.MAX_VALUE || n < -Integer.MAX_VALUE) {
        return tooMany(shape);
      }
    }
    return (int) n;
  }

  /** 0 when a later dimension is 0 (an empty tensor may have huge other axes); otherwise an error. */
  private static int tooMany(int[] shape) {
    java.math.BigInteger n = java.math.BigInteger.ONE;
    for (int d : shape) {
      if (d == 0) {
        return 0;
      }
      n = n.multiply(java.math.BigInteger.valueOf(d));
    }
    throw new IllegalArgumentException(
        "shape " + format(shape) + " has " + n + " elements, more than a Java array can hold");
  }

  /** Row-major strides: the distance in elements between neighbours along each axis. */
  public static int[] strides(int[] shape) {
    int[] strides = new int[shape.length];
    int s = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      strides[i] = s;
      s *= shape[i];
    }
    return strides;
  }

  /** {@code [2,3]}, the format used in every error message. */
  public static String format(int[] shape) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(shape[i]);
    }
    return sb.append(']').toString();
  }

  /**
   * The broadcast shape of {@code a} and {@code b} under NumPy rules: align trailing axes; each pair
   * of sizes must be equal or one of them 1.
   *
   * @throws IllegalArgumentException naming the op, both shapes and both nodes when NumPy would
   *     refuse
   */
  public static int[] broadcast(String op, Tensor a, Tensor b) {
    int[] sa = a.shapeRef();
    int[] sb = b.shapeRef();
    if (Arrays.equals(sa, sb)) {
      return sa;
    }
    int rank = Math.max(sa.length, sb.length);
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      int da = i < rank - sa.length ? 1 : sa[i - (rank - sa.length)];
      int db = i < rank - sb.length ? 1 : sb[i - (rank - sb.length)];
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException(
            op + ": shapes " + format(sa) + " and " + format(sb) + " cannot be broadcast together ("
                + a.label() + ", " + b.label() + "): axis " + i + " has sizes " + da + " and " + db);
      }
      // The size that is not 1 wins, even when it is 0 ([0, 3] with [3] gives [0, 3], as in NumPy
      // and PyTorch); max(da, db) would turn an empty axis against a 1 into 1.
      out[i] = da == 1 ? db : da;
    }
    return out;
  }

  /** True if {@code from} can be broadcast to {@code to} (NumPy's broadcast_to rule). */
  public static boolean broadcastsTo(int[] from, int[] to) {
    if (from.length > to.length) {
      return false;
    }
    int offset = to.length - from.length;
    for (int i = 0; i < from.length; i++) {
      if (from[i] != 1 && from[i] != to[i + offset]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Strides of {@code shape} seen from a broadcast {@code target} shape: 0 along every axis that
   * is broadcast (missing or of size 1), so that one index walks both arrays.
   */
  public static int[] broadcastStrides(int[] shape, int[] target) {
    int[] own = strides(shape);
    int[] out = new int[target.length];
    int offset = target.length - shape.length;
    for (int i = 0; i < shape.length; i++) {
      out[i + offset] = shape[i] == 1 ? 0 : own[i];
    }
    return out;
  }

  /** Resolves a possibly negative axis against a rank, as NumPy does ({@code -1} is the last). */
  public static int axis(String op, int axis, int rank, Tensor t) {
    int a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) {
      throw new IllegalArgumentException(
          op + ": axis " + axis + " is out of range for shape " + format(t.shapeRef()) + " ("
              + t.label() + ")");
    }
    return a;
  }

  /** The shape with {@code axis} removed, or set to 1 when {@code keepDims}. */
  public static int[] reduce(int[] shape, int axis, boolean keepDims) {
    if (keepDims) {
      int[] out = shape.clone();
      out[axis] = 1;
      return out;
    }
    int[] out = new int[shape.length - 1];
    for (int i = 0, j = 0; i < shape.length; i++) {
      if (i != axis) {
        out[j++] = shape[i];
      }
    }
    return out;
  }

  /** Product of the dimensions before {@code axis}. */
  public static int outer(int[] shape, int axis) {
    int n = 1;
    for (int i = 0; i < axis; i++) {
      n *= shape[i];
    }
    return n;
  }

  /** Product of the dimensions after {@code axis}. */
  public static int inner(int[] shape, int axis) {
    int n = 1;
    for (int i = axis + 1; i < shape.length; i++) {
      n *= shape[i];
    }
    return n;
  }
}
