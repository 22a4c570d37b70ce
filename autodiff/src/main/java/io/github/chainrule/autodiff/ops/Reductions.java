package io.github.chainrule.autodiff.ops;

import io.github.chainrule.autodiff.Kink;
import io.github.chainrule.autodiff.Op;
import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.kernels.Kernels;
import io.github.chainrule.autodiff.ops.OpTable.Entry;
import io.github.chainrule.autodiff.ops.OpTable.Example;
import java.util.ArrayList;
import java.util.List;

/**
 * Reductions along an axis and the softmax family. Each works on the {@code [outer, len, inner]}
 * view around its axis. The gradient of a reduction is broadcast back over the reduced axis.
 *
 * <p>Each op's rows of the {@link OpTable} follow it: integer parameters are the axis, then keepDims
 * as 0 or 1. The expression language writes {@code sum(x)} and {@code sum(x, axis)}; keepDims has
 * no spelling there, so those rows have no function name.
 */
public final class Reductions {
  private static final Kernels K = Kernels.get();

  private Reductions() {}

  static final List<Entry> ROWS = new ArrayList<>(); // before the rows, which add themselves

  /** The shapes the reductions' rows are tested on, for every axis of the rank-3 one, negative too. */
  private static final Example[] ALONG_EVERY_AXIS = {
    Example.on(new int[] {0, 0}, new int[] {2, 3, 4}), Example.on(new int[] {1, 1}, new int[] {2, 3, 4}),
    Example.on(new int[] {2, 0}, new int[] {2, 3, 4}), Example.on(new int[] {-1, 1}, new int[] {2, 3, 4}),
    Example.on(new int[] {0, 0}, new int[] {5}), Example.on(new int[] {-2, 0}, new int[] {3, 1}),
  };
  private static final Example[] WHOLE = {
    Example.on(new int[0], new int[0]), Example.on(new int[0], new int[] {5}),
    Example.on(new int[0], new int[] {2, 3, 4}),
  };
  private static final Example[] ALONG = {
    Example.on(new int[] {1}, new int[] {2, 3, 4}), Example.on(new int[] {-1}, new int[] {3, 4}),
    Example.on(new int[] {0}, new int[] {5}),
  };

  /** Σ of all elements, a scalar. Backward: every element gets g. */
  public static final Op SUM_ALL = Unit.of("sum", "sum",
      in -> Tensor.scalar(K.sum(in[0].data(), 0, in[0].size())),
      (in, y, g) -> new Tensor[] {g.expand(in[0].shapeRef())});

  static {
    OpTable.shaped(ROWS, "sum", 1, "sum", List.of(), (in, r, i) -> SUM_ALL, WHOLE);
    OpTable.shaped(ROWS, "sum", 1, "sum", List.of("axis"), (in, r, i) -> sum(in[0], i[0], false), ALONG);
    OpTable.shaped(ROWS, "sum", 1, null, List.of("axis", "keepDims"),
        (in, r, i) -> sum(in[0], i[0], OpTable.flag("sum", "keepDims", i[1])), ALONG_EVERY_AXIS);
  }

  /** Σ along one axis. Backward: g broadcast back over the axis. */
  public static Op sum(Tensor x, int axis, boolean keepDims) {
    int a = Shape.axis("sum", axis, x.rank(), x);
    int[] shape = Shape.reduce(x.shapeRef(), a, keepDims);
    int[] kept = Shape.reduce(x.shapeRef(), a, true);
    return Unit.of("sum", "sum(axis=" + a + ")",
        in -> {
          int[] s = in[0].shapeRef();
          double[] out = new double[Shape.numel(shape)];
          K.sumAxis(in[0].data(), 0, Shape.outer(s, a), s[a], Shape.inner(s, a), out, 0);
          return Tensor.wrap(out, shape);
        },
        (in, y, g) -> new Tensor[] {g.reshape(kept).expand(in[0].shapeRef())});
  }

  /**
   * Σ/n of all elements, a scalar; an empty tensor's is its sum, 0, divided by 1. Backward: every
   * element gets g/n. These are the divisions {@code sum().div(n)} made before mean was an op of its
   * own, in the same order, so values and gradients keep their bits; the graph has one node instead of
   * three.
   */
  public static final Op MEAN_ALL = Unit.of("mean", "mean",
      in -> Tensor.scalar(K.sum(in[0].data(), 0, in[0].size()) / Math.max(1, in[0].size())),
      (in, y, g) -> new Tensor[] {g.div(Math.max(1, in[0].size())).expand(in[0].shapeRef())});

  /** Σ/n along one axis. Backward: g/n broadcast back over the axis. */
  public static Op mean(Tensor x, int axis, boolean keepDims) {
    int a = Shape.axis("mean", axis, x.rank(), x);
    int[] shape = Shape.reduce(x.shapeRef(), a, keepDims);
    int[] kept = Shape.reduce(x.shapeRef(), a, true);
    int n = x.shapeRef()[a];
    return Unit.of("mean", "mean(axis=" + a + ")",
        in -> {
          int[] s = in[0].shapeRef();
          double[] out = new double[Shape.numel(shape)];
          K.sumAxis(in[0].data(), 0, Shape.outer(s, a), n, Shape.inner(s, a), out, 0);
          for (int i = 0; i < out.length; i++) {
            out[i] /= n;
          }
          return Tensor.wrap(out, shape);
        },
        (in, y, g) -> new Tensor[] {g.div(n).reshape(kept).expand(in[0].shapeRef())});
  }

  static {
    OpTable.shaped(ROWS, "mean", 1, "mean", List.of(), (in, r, i) -> MEAN_ALL, WHOLE);
    OpTable.shaped(ROWS, "mean", 1, "mean", List.of("axis"), (in, r, i) -> mean(in[0], i[0], false), ALONG);
    OpTable.shaped(ROWS, "mean", 1, null, List.of("axis", "keepDims"),
        (in, r, i) -> mean(in[0], i[0], OpTable.flag("mean", "keepDims", i[1])), ALONG_EVERY_AXIS);
  }

  /**
   * Maximum along one axis. The gradient goes to the first maximal element (PyTorch's choice); where
   * the maximum is shared, each tied element sits on a kink.
   */
  public static Op max(Tensor x, int axis, boolean keepDims) {
    int a = Shape.axis("max", axis, x.rank(), x);
    if (x.shapeRef()[a] == 0) {
      throw new IllegalArgumentException("max: axis " + a + " of " + x.label() + " is empty, shape "
          + Shape.format(x.shapeRef()));
    }
    int[] shape = Shape.reduce(x.shapeRef(), a, keepDims);
    int[] kept = Shape.reduce(x.shapeRef(), a, true);
    return Unit.of("max", "max(axis=" + a + ")",
        in -> {
          int[] arg = argmax(in[0], a);
          double[] data = in[0].data();
          double[] out = new double[arg.length];
          for (int p = 0; p < arg.length; p++) {
            out[p] = data[arg[p]];
          }
          return Tensor.wrap(out, shape);
        },
        (in, y, g) -> {
          double[] mask = new double[in[0].size()];
          for (int p : argmax(in[0], a)) {
            mask[p] = 1.0;
          }
          return new Tensor[] {g.reshape(kept).expand(in[0].shapeRef()).mul(Tensor.wrap(mask, in[0].shapeRef()))};
        })
        .withKinks((in, y) -> maxTies(y, in[0], a));
  }

  // Not in expressions: there max(a, b) is the elementwise maximum, so max(x, 0) is relu, not a reduction.
  static {
    OpTable.shaped(ROWS, "max", 1, null, List.of("axis", "keepDims"),
        (in, r, i) -> max(in[0], i[0], OpTable.flag("max", "keepDims", i[1])), ALONG_EVERY_AXIS);
  }

  /** max over an axis where the maximum is shared: raising a tied element makes it the maximum. */
  private static List<Kink> maxTies(Tensor node, Tensor x, int axis) {
    int[] s = x.shapeRef();
    int outer = Shape.outer(s, axis);
    int inner = Shape.inner(s, axis);
    int len = s[axis];
    double[] d = x.data();
    List<Kink> out = new ArrayList<>();
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        double best = Double.NEGATIVE_INFINITY;
        int count = 0;
        for (int j = 0; j < len; j++) {
          double v = d[(o * len + j) * inner + i];
          if (v > best) {
            best = v;
            count = 1;
          } else if (v == best) {
            count++;
          }
        }
        if (count < 2) {
          continue;
        }
        for (int j = 0; j < len; j++) {
          int p = (o * len + j) * inner + i;
          if (d[p] == best) {
            out.add(Kink.of(node, 0, p, o * inner + i,
                "a tie for the maximum (" + count + " elements = " + best + ")", 0.0, 1.0));
          }
        }
      }
    }
    return out;
  }

  /** Flat offsets of the first maximum along axis a for each output position; NaN wins, as in PyTorch. */
  static int[] argmax(Tensor x, int a) {
    int[] s = x.shapeRef();
    int outer = Shape.outer(s, a);
    int inner = Shape.inner(s, a);
    int len = s[a];
    double[] d = x.data();
    int[] arg = new int[outer * inner];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        int best = o * len * inner + i;
        for (int j = 1; j < len && !Double.isNaN(d[best]); j++) {
          int p = (o * len + j) * inner + i;
          if (d[p] > d[best] || Double.isNaN(d[p])) {
            best = p;
          }
        }
        arg[o * inner + i] = best;
      }
    }
    return arg;
  }

  /** softmax(x) = exp(x - max) / Σ exp(x - max). Backward: y·(g - Σ g·y). */
  public static Op softmax(Tensor x, int axis) {
    int a = Shape.axis("softmax", axis, x.rank(), x);
    return Unit.of("softmax", "softmax(axis=" + a + ")",
        in -> Tensor.wrap(softmaxValues(in[0], a, false), in[0].shapeRef()),
        (in, y, g) -> new Tensor[] {y.mul(g.sub(g.mul(y).sum(a, true)))});
  }

  /** logSoftmax(x) = x - max - log Σ exp(x - max). Backward: g - softmax·Σ g. */
  public static Op logSoftmax(Tensor x, int axis) {
    int a = Shape.axis("logSoftmax", axis, x.rank(), x);
    return Unit.of("logSoftmax", "logSoftmax(axis=" + a + ")",
        in -> Tensor.wrap(softmaxValues(in[0], a, true), in[0].shapeRef()),
        (in, y, g) -> new Tensor[] {g.sub(y.exp().mul(g.sum(a, true)))});
  }

  static {
    Example[] alongAxes = {
      Example.on(new int[] {1}, new int[] {2, 3, 4}), Example.on(new int[] {-1}, new int[] {3, 4}),
      Example.on(new int[] {0}, new int[] {5}),
    };
    OpTable.shaped(ROWS, "softmax", 1, null, List.of("axis"), (in, r, i) -> softmax(in[0], i[0]), alongAxes);
    OpTable.shaped(ROWS, "logSoftmax", 1, null, List.of("axis"), (in, r, i) -> logSoftmax(in[0], i[0]), alongAxes);
  }

  private static double[] softmaxValues(Tensor x, int a, boolean log) {
    int[] s = x.shapeRef();
    int outer = Shape.outer(s, a);
    int inner = Shape.inner(s, a);
    int len = s[a];
    double[] d = x.data();
    double[] out = new double[d.length];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        int base = o * len * inner + i;
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < len; j++) {
          max = Math.max(max, d[base + j * inner]);
        }
        if (max == Double.NEGATIVE_INFINITY) {
          max = 0; // all -Inf: keep exp(-Inf - 0) = 0 rather than NaN from -Inf - -Inf
        }
        double sum = 0;
        for (int j = 0; j < len; j++) {
          double e = Math.exp(d[base + j * inner] - max);
          out[base + j * inner] = e;
          sum += e;
        }
        double logSum = Math.log(sum);
        for (int j = 0; j < len; j++) {
          int p = base + j * inner;
          out[p] = log ? d[p] - max - logSum : out[p] / sum;
        }
      }
    }
    return out;
  }
}
