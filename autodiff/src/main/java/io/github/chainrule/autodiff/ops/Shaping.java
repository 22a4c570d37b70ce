package io.github.chainrule.autodiff.ops;

import io.github.chainrule.autodiff.Op;
import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.kernels.Kernels;
import io.github.chainrule.autodiff.ops.OpTable.Entry;
import io.github.chainrule.autodiff.ops.OpTable.Example;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Ops that move values without computing new ones: reshape, transpose, and the pair expand/sumTo,
 * each the other's derivative (broadcasting copies a value; its gradient sums the copies). Each
 * op's rows of the {@link OpTable} follow it; a target shape is its integer parameters.
 */
public final class Shaping {
  private static final Kernels K = Kernels.get();

  private Shaping() {}

  static final List<Entry> ROWS = new ArrayList<>(); // before the rows, which add themselves

  /** Reshape to {@code target}, one dimension of which may be -1. Backward reshapes back. */
  public static Op reshape(Tensor x, int[] target) {
    int[] shape = resolve(x, target);
    // A view: reshape of a row-major array never moves values.
    return Unit.of("reshape", "reshape" + Shape.format(shape),
        in -> Tensor.wrap(in[0].data(), shape),
        (in, y, g) -> new Tensor[] {g.reshape(in[0].shapeRef())});
  }

  static {
    OpTable.shaped(ROWS, "reshape", 1, null, List.of("shape..."), (in, r, i) -> reshape(in[0], i),
        Example.on(new int[] {-1}, new int[] {3, 4}), Example.on(new int[] {4, 1, 6}, new int[] {2, 3, 4}),
        Example.on(new int[0], new int[] {1}));
  }

  private static int[] resolve(Tensor x, int[] target) {
    int[] shape = target.clone();
    int inferred = -1;
    long known = 1;
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] == -1 && inferred < 0) {
        inferred = i;
      } else if (shape[i] < 0) {
        throw new IllegalArgumentException("reshape: bad target shape " + Shape.format(target) + " for "
            + x.label() + " of shape " + Shape.format(x.shapeRef()) + ": only one dimension may be -1");
      } else {
        known *= shape[i];
      }
    }
    if (inferred >= 0 && known > 0 && x.size() % known == 0) {
      shape[inferred] = (int) (x.size() / known);
    }
    boolean negative = false;
    for (int d : shape) {
      negative |= d < 0; // a plain loop: a stream here cost more than the reshape itself
    }
    if (negative || Shape.numel(shape) != x.size()) {
      throw new IllegalArgumentException("reshape: cannot reshape " + x.label() + " of shape "
          + Shape.format(x.shapeRef()) + " (" + x.size() + " elements) to " + Shape.format(target));
    }
    return shape;
  }

  /** Swaps two axes. Backward swaps them back. */
  public static Op transpose(Tensor x, int axis0, int axis1) {
    int a0 = Shape.axis("transpose", axis0, x.rank(), x);
    int a1 = Shape.axis("transpose", axis1, x.rank(), x);
    return Unit.of("transpose", "transpose(" + a0 + ", " + a1 + ")",
        in -> {
          int[] perm = new int[in[0].rank()];
          for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
          }
          perm[a0] = a1;
          perm[a1] = a0;
          return permute(in[0], perm);
        },
        (in, y, g) -> new Tensor[] {g.transpose(a0, a1)});
  }

  /**
   * Swaps the last two axes of a matrix or a batch of them. Unlike {@link Tensor#transpose()}, which
   * returns a scalar or a vector as it is, this refuses them: in an expression that would silently do
   * nothing where a user usually expects a row or a column, and matmul already reads a vector as the
   * one it needs.
   */
  public static Op transpose(Tensor x) {
    if (x.rank() < 2) {
      throw new IllegalArgumentException("transpose: shape " + Shape.format(x.shapeRef()) + " (" + x.label()
          + ") has " + (x.rank() == 0 ? "no axes" : "one axis") + "; transpose swaps the last two axes of a matrix"
          + (x.rank() == 1 ? ", and '@' already reads a vector as a row on its left and as a column on its right" : ""));
    }
    return transpose(x, x.rank() - 2, x.rank() - 1);
  }

  static {
    OpTable.shaped(ROWS, "transpose", 1, "transpose", List.of(), (in, r, i) -> transpose(in[0]),
        Example.on(new int[0], new int[] {3, 4}), Example.on(new int[0], new int[] {2, 3, 4}));
    OpTable.shaped(ROWS, "transpose", 1, "transpose", List.of("axis0", "axis1"),
        (in, r, i) -> transpose(in[0], i[0], i[1]),
        Example.on(new int[] {0, 2}, new int[] {2, 3, 4}), Example.on(new int[] {-1, 0}, new int[] {3, 4}),
        Example.on(new int[] {1, 1}, new int[] {2, 3, 4}));
  }

  /** Output axis i is input axis perm[i]. */
  static Tensor permute(Tensor x, int[] perm) {
    int[] in = x.shapeRef();
    int rank = in.length;
    int[] shape = new int[rank];
    int[] inStrides = Shape.strides(in);
    int[] walk = new int[rank];
    for (int i = 0; i < rank; i++) {
      shape[i] = in[perm[i]];
      walk[i] = inStrides[perm[i]];
    }
    double[] src = x.data();
    double[] out = new double[src.length];
    if (rank == 2) {
      // The common case, a matrix transpose, without the odometer, in tiles of 8 × 8: each tile
      // reads 8 lines of the input and writes 8 of the output. Row after row, every element read
      // was a new line once the matrix outgrew L1: 375 µs at 128 × 512, against torch's 100 µs.
      int rows = shape[0];
      int cols = shape[1];
      for (int i0 = 0; i0 < rows; i0 += 8) {
        int i1 = Math.min(rows, i0 + 8);
        for (int j0 = 0; j0 < cols; j0 += 8) {
          int j1 = Math.min(cols, j0 + 8);
          for (int i = i0; i < i1; i++) {
            for (int j = j0; j < j1; j++) {
              out[i * cols + j] = src[i * walk[0] + j * walk[1]];
            }
          }
        }
      }
      return Tensor.wrap(out, shape);
    }
    int[] index = new int[rank];
    int off = 0;
    for (int o = 0; o < out.length; o++) {
      out[o] = src[off];
      for (int d = rank - 1; d >= 0; d--) {
        index[d]++;
        off += walk[d];
        if (index[d] < shape[d]) {
          break;
        }
        off -= walk[d] * shape[d];
        index[d] = 0;
      }
    }
    return Tensor.wrap(out, shape);
  }

  /** Broadcast to {@code target}. Backward sums back to the input's shape. */
  public static Op expand(Tensor x, int[] target) {
    if (!Shape.broadcastsTo(x.shapeRef(), target)) {
      throw new IllegalArgumentException("expand: " + x.label() + " of shape " + Shape.format(x.shapeRef())
          + " cannot be broadcast to " + Shape.format(target));
    }
    int[] shape = target.clone();
    return Unit.of("expand", "expand" + Shape.format(shape),
        in -> {
          double[] src = in[0].data();
          double[] out = new double[Shape.numel(shape)];
          if (src.length == 1) {
            Arrays.fill(out, src[0]);
          } else {
            Elementwise.broadcastRows(shape, in[0].shapeRef(), Shape.SCALAR, (row, off, step, unused, unusedStep, len) -> {
              if (step == 1) {
                System.arraycopy(src, off, out, row, len);
              } else {
                Arrays.fill(out, row, row + len, src[off]);
              }
            });
          }
          return Tensor.wrap(out, shape);
        },
        (in, y, g) -> new Tensor[] {g.sumTo(in[0].shapeRef())});
  }

  /** Small shapes and shapes they broadcast to: a scalar, a row, a column, a rank-3 tensor both ways. */
  private static final Example[] BROADCASTS = {
    Example.on(new int[] {3, 4}, new int[0]), Example.on(new int[] {3, 4}, new int[] {4}),
    Example.on(new int[] {3, 4}, new int[] {3, 1}), Example.on(new int[] {2, 3, 4}, new int[] {2, 1, 4}),
    Example.on(new int[] {2, 3, 4}, new int[] {1, 3, 1}),
  };

  static {
    OpTable.shaped(ROWS, "expand", 1, null, List.of("shape..."), (in, r, i) -> expand(in[0], i), BROADCASTS);
  }

  /** Sum over the axes along which {@code target} was broadcast to the input's shape. Backward expands. */
  public static Op sumTo(Tensor x, int[] target) {
    if (!Shape.broadcastsTo(target, x.shapeRef())) {
      throw new IllegalArgumentException("sumTo: " + x.label() + " of shape " + Shape.format(x.shapeRef())
          + " is not a broadcast of " + Shape.format(target));
    }
    int[] shape = target.length == 0 ? Shape.SCALAR : target.clone();
    return Unit.of("sumTo", "sumTo" + Shape.format(shape),
        in -> Tensor.wrap(reduceTo(in[0], shape), shape),
        (in, y, g) -> new Tensor[] {g.expand(in[0].shapeRef())});
  }

  static {
    Example[] reductions = new Example[BROADCASTS.length];
    for (int e = 0; e < reductions.length; e++) {
      reductions[e] = Example.on(BROADCASTS[e].shapes()[0], BROADCASTS[e].ints());
    }
    OpTable.shaped(ROWS, "sumTo", 1, null, List.of("shape..."), (in, r, i) -> sumTo(in[0], i), reductions);
  }

  /** Sums x over the axes where {@code target} (right-aligned) is 1 or missing. */
  static double[] reduceTo(Tensor x, int[] target) {
    int[] shape = x.shapeRef();
    double[] src = x.data();
    int n = Shape.numel(target);
    if (n == 1) {
      return new double[] {K.sum(src, 0, src.length)};
    }
    // Common case: only leading axes are reduced (a bias gradient [N, C] -> [C]).
    int lead = shape.length - target.length;
    int firstKept = lead;
    while (firstKept < shape.length && target[firstKept - lead] == 1 && shape[firstKept] != 1) {
      firstKept++;
    }
    boolean suffixMatches = true;
    for (int i = firstKept; i < shape.length; i++) {
      suffixMatches &= target[i - lead] == shape[i];
    }
    double[] out = new double[n];
    if (suffixMatches) {
      K.sumAxis(src, 0, 1, src.length / n, n, out, 0);
      return out;
    }
    Elementwise.broadcastRows(shape, shape, target, (row, off, step, tOff, tStep, len) -> {
      if (tStep == 1) {
        K.addTo(src, row, out, tOff, len);
      } else {
        out[tOff] += K.sum(src, row, len);
      }
    });
    return out;
  }
}
