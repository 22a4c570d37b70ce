package io.github.chainrule.autodiff.ops;

import io.github.chainrule.autodiff.Op;
import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.ops.OpTable.Entry;
import io.github.chainrule.autodiff.ops.OpTable.Example;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Ops that select or join slices, each paired with the op that is its derivative: concat with
 * slice, slice with pad (the slice placed into zeros), index with indexAdd, gather with scatter.
 *
 * <p>Everything here views a tensor as {@code [outer, len, inner]} around one axis, so every op
 * is a loop of contiguous {@code inner}-long copies.
 *
 * <p>The ops users call have rows of the {@link OpTable} after them; their derivatives (pad,
 * indexAdd, scatter) have none, since only backward passes build them, and the second-order
 * gradient test reaches them through the rows of slice, index and gather.
 */
public final class Indexing {
  private Indexing() {}

  static final List<Entry> ROWS = new ArrayList<>(); // before the rows, which add themselves

  /** Joins {@code parts} along {@code axis}. Backward slices the gradient apart. */
  public static Op concat(int axis, Tensor... parts) {
    if (parts.length == 0) {
      throw new IllegalArgumentException("concat: needs at least one tensor");
    }
    Tensor first = parts[0];
    int a = Shape.axis("concat", axis, first.rank(), first);
    int[] shape = first.shape();
    shape[a] = 0;
    for (Tensor p : parts) {
      boolean fits = p.rank() == first.rank();
      for (int i = 0; fits && i < p.rank(); i++) {
        fits = i == a || p.shapeRef()[i] == first.shapeRef()[i];
      }
      if (!fits) {
        throw new IllegalArgumentException("concat: along axis " + a + ", " + p.label() + " of shape "
            + Shape.format(p.shapeRef()) + " does not fit " + first.label() + " of shape "
            + Shape.format(first.shapeRef()) + "; all axes but the joined one must agree");
      }
      shape[a] += p.shapeRef()[a];
    }
    int outer = Shape.outer(shape, a);
    int inner = Shape.inner(shape, a);
    return Unit.of("concat", "concat(axis=" + a + ")",
        in -> {
          double[] out = new double[Shape.numel(shape)];
          int rowLen = shape[a] * inner;
          int start = 0;
          for (Tensor p : in) {
            int chunk = p.shapeRef()[a] * inner;
            for (int o = 0; o < outer; o++) {
              System.arraycopy(p.data(), o * chunk, out, o * rowLen + start, chunk);
            }
            start += chunk;
          }
          return Tensor.wrap(out, shape);
        },
        (in, y, g) -> {
          Tensor[] grads = new Tensor[in.length];
          int start = 0;
          for (int i = 0; i < in.length; i++) {
            int len = in[i].shapeRef()[a];
            grads[i] = in[i].needsGrad() ? g.slice(a, start, start + len) : null;
            start += len;
          }
          return grads;
        });
  }

  static {
    OpTable.shaped(ROWS, "concat", -1, null, List.of("axis"), (in, r, i) -> concat(i[0], in),
        Example.on(new int[] {1}, new int[] {2, 3}, new int[] {2, 1}),
        Example.on(new int[] {0}, new int[] {2, 3}, new int[] {1, 3}, new int[] {2, 3}),
        Example.on(new int[] {-1}, new int[] {2, 2, 1}, new int[] {2, 2, 3}),
        Example.on(new int[] {0}, new int[] {4}));
  }

  /** Elements [start, end) along {@code axis}. Backward pads the gradient with zeros. */
  public static Op slice(Tensor x, int axis, int start, int end) {
    int a = Shape.axis("slice", axis, x.rank(), x);
    int size = x.shapeRef()[a];
    if (start < 0 || end > size || start > end) {
      throw new IllegalArgumentException("slice: [" + start + ", " + end + ") is out of range for axis "
          + a + " of " + x.label() + ", shape " + Shape.format(x.shapeRef()));
    }
    int[] shape = x.shape();
    shape[a] = end - start;
    return Unit.of("slice", "slice(axis=" + a + ", " + start + ":" + end + ")",
        in -> Tensor.wrap(copyBlock(in[0].data(), in[0].shapeRef(), a, start, shape), shape),
        (in, y, g) -> new Tensor[] {Tensor.apply(pad(g, a, start, in[0].shapeRef()), g)});
  }

  static {
    OpTable.shaped(ROWS, "slice", 1, null, List.of("axis", "start", "end"), (in, r, i) -> slice(in[0], i[0], i[1], i[2]),
        Example.on(new int[] {1, 1, 3}, new int[] {2, 3, 4}), Example.on(new int[] {-1, 0, 2}, new int[] {2, 3, 4}),
        Example.on(new int[] {0, 2, 5}, new int[] {5}), Example.on(new int[] {0, 1, 1}, new int[] {3, 2}));
  }

  /** Places x at {@code start} along {@code axis} inside zeros of {@code shape}. Backward slices. */
  static Op pad(Tensor x, int axis, int start, int[] shape) {
    int len = x.shapeRef()[axis];
    return Unit.of("pad", "pad(axis=" + axis + ", at " + start + ")",
        in -> {
          double[] out = new double[Shape.numel(shape)];
          int outer = Shape.outer(shape, axis);
          int inner = Shape.inner(shape, axis);
          for (int o = 0; o < outer; o++) {
            System.arraycopy(in[0].data(), o * len * inner, out, (o * shape[axis] + start) * inner, len * inner);
          }
          return Tensor.wrap(out, shape);
        },
        (in, y, g) -> new Tensor[] {g.slice(axis, start, start + len)});
  }

  private static double[] copyBlock(double[] src, int[] srcShape, int axis, int start, int[] outShape) {
    double[] out = new double[Shape.numel(outShape)];
    int outer = Shape.outer(srcShape, axis);
    int inner = Shape.inner(srcShape, axis);
    int len = outShape[axis];
    for (int o = 0; o < outer; o++) {
      System.arraycopy(src, (o * srcShape[axis] + start) * inner, out, o * len * inner, len * inner);
    }
    return out;
  }

  /** Whole slices along {@code axis} at {@code indices}. Backward adds the gradient back at them. */
  public static Op indexSelect(Tensor x, int axis, int[] indices) {
    int a = Shape.axis("index", axis, x.rank(), x);
    checkIndices("index", x, a, indices);
    int[] idx = indices.clone();
    int[] shape = x.shape();
    shape[a] = idx.length;
    return Unit.of("index", "index(axis=" + a + ", " + idx.length + " indices)",
        in -> {
          double[] out = new double[Shape.numel(shape)];
          int[] src = in[0].shapeRef();
          int outer = Shape.outer(src, a);
          int inner = Shape.inner(src, a);
          for (int o = 0; o < outer; o++) {
            for (int j = 0; j < idx.length; j++) {
              System.arraycopy(in[0].data(), (o * src[a] + idx[j]) * inner, out, (o * idx.length + j) * inner, inner);
            }
          }
          return Tensor.wrap(out, shape);
        },
        (in, y, g) -> new Tensor[] {Tensor.apply(indexAdd(g, a, idx, in[0].shapeRef()), g)});
  }

  static {
    OpTable.shaped(ROWS, "index", 1, null, List.of("axis", "indices..."),
        (in, r, i) -> indexSelect(in[0], i[0], Arrays.copyOfRange(i, 1, i.length)),
        Example.on(new int[] {0, 2, 0, 2}, new int[] {3, 4}), Example.on(new int[] {-1, 3}, new int[] {2, 3, 4}),
        Example.on(new int[] {1, 1, 0, 1}, new int[] {2, 3, 4}));
  }

  /** Zeros of {@code shape} with slice j of x added at index[j] along axis. Backward selects. */
  static Op indexAdd(Tensor x, int axis, int[] idx, int[] shape) {
    return Unit.of("indexAdd", "indexAdd",
        in -> {
          double[] out = new double[Shape.numel(shape)];
          double[] src = in[0].data();
          int outer = Shape.outer(shape, axis);
          int inner = Shape.inner(shape, axis);
          for (int o = 0; o < outer; o++) {
            for (int j = 0; j < idx.length; j++) {
              int from = (o * idx.length + j) * inner;
              int to = (o * shape[axis] + idx[j]) * inner;
              for (int i = 0; i < inner; i++) {
                out[to + i] += src[from + i];
              }
            }
          }
          return Tensor.wrap(out, shape);
        },
        (in, y, g) -> new Tensor[] {g.index(axis, idx)});
  }

  /**
   * One element along {@code axis} per position of the other axes, the axis removed: out[o, i] =
   * x[o, indices[o·inner + i], i]. Backward scatters the gradient back into zeros.
   */
  public static Op gather(Tensor x, int axis, int[] indices) {
    int a = Shape.axis("gather", axis, x.rank(), x);
    int[] shape = Shape.reduce(x.shapeRef(), a, false);
    if (indices.length != Shape.numel(shape)) {
      throw new IllegalArgumentException("gather: " + indices.length + " indices for " + x.label()
          + " of shape " + Shape.format(x.shapeRef()) + " along axis " + a + "; expected one per position of "
          + Shape.format(shape) + ", " + Shape.numel(shape) + " in all");
    }
    checkIndices("gather", x, a, indices);
    int[] idx = indices.clone();
    return Unit.of("gather", "gather(axis=" + a + ")",
        in -> {
          int[] src = in[0].shapeRef();
          int inner = Shape.inner(src, a);
          double[] data = in[0].data();
          double[] out = new double[idx.length];
          for (int p = 0; p < out.length; p++) {
            int o = p / inner;
            int i = p % inner;
            out[p] = data[(o * src[a] + idx[p]) * inner + i];
          }
          return Tensor.wrap(out, shape);
        },
        (in, y, g) -> new Tensor[] {Tensor.apply(scatter(g, a, idx, in[0].shapeRef()), g)});
  }

  static {
    OpTable.shaped(ROWS, "gather", 1, null, List.of("axis", "indices..."),
        (in, r, i) -> gather(in[0], i[0], Arrays.copyOfRange(i, 1, i.length)),
        Example.on(new int[] {1, 2, 0}, new int[] {2, 3}), Example.on(new int[] {0, 1, 0, 1}, new int[] {2, 3}),
        Example.on(new int[] {-1, 0, 3, 1, 2, 2, 0}, new int[] {2, 3, 4}), Example.on(new int[] {0, 4}, new int[] {5}));
  }

  /** The reverse of gather: zeros of {@code shape} with x's elements added at the gathered places. */
  static Op scatter(Tensor x, int axis, int[] idx, int[] shape) {
    return Unit.of("scatter", "scatter",
        in -> {
          int inner = Shape.inner(shape, axis);
          double[] src = in[0].data();
          double[] out = new double[Shape.numel(shape)];
          for (int p = 0; p < src.length; p++) {
            int o = p / inner;
            int i = p % inner;
            out[(o * shape[axis] + idx[p]) * inner + i] += src[p];
          }
          return Tensor.wrap(out, shape);
        },
        (in, y, g) -> new Tensor[] {g.gather(axis, idx)});
  }

  private static void checkIndices(String op, Tensor x, int axis, int[] indices) {
    int size = x.shapeRef()[axis];
    for (int j = 0; j < indices.length; j++) {
      if (indices[j] < 0 || indices[j] >= size) {
        throw new IllegalArgumentException(op + ": index " + indices[j] + " at position " + j
            + " is out of range [0, " + size + ") for axis " + axis + " of " + x.label() + ", shape "
            + Shape.format(x.shapeRef()) + (indices.length > 8 ? "" : "; indices " + Arrays.toString(indices)));
      }
    }
  }
}
