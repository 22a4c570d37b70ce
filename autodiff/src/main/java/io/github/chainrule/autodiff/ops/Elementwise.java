package io.github.chainrule.autodiff.ops;

import io.github.chainrule.autodiff.Format;
import io.github.chainrule.autodiff.GradMode;
import io.github.chainrule.autodiff.Kink;
import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.kernels.Binary;
import io.github.chainrule.autodiff.kernels.Comparison;
import io.github.chainrule.autodiff.kernels.Kernels;
import io.github.chainrule.autodiff.kernels.Unary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * Builders for elementwise ops, so that each op in {@link Functions} and {@link Arithmetic} is one
 * line: a name, a kernel function, its derivative written in tensor ops and the same derivative in
 * doubles. Binary ops broadcast as NumPy does, and the builder reduces each input's gradient back
 * to that input's shape (the gradient of a broadcast is a sum over the broadcast axes).
 *
 * <p>The two derivatives must agree bit for bit on rank-0 inputs; {@code OpTableTest} checks that
 * for every op of the {@link OpTable}.
 */
public final class Elementwise {
  private static final Kernels K = Kernels.get();

  private Elementwise() {}

  /** dL/dx from x, the output y and dL/dy. */
  @FunctionalInterface
  public interface UnaryVjp {
    Tensor apply(Tensor x, Tensor y, Tensor g);
  }

  /** {@link UnaryVjp} in doubles, for rank-0 nodes. */
  @FunctionalInterface
  public interface ScalarUnaryVjp {
    double apply(double x, double y, double g);
  }

  /** dL/d(one input) from both inputs, the output y and dL/dy, before reduction to its shape. */
  @FunctionalInterface
  public interface BinaryVjp {
    Tensor apply(Tensor a, Tensor b, Tensor y, Tensor g);
  }

  /** {@link BinaryVjp} in doubles, for rank-0 nodes. */
  @FunctionalInterface
  public interface ScalarBinaryVjp {
    double apply(double a, double b, double y, double g);
  }

  /** An op y = f(x) evaluated by {@code kernel}, with derivative {@code vjp}, in tensors and in doubles. */
  public static Unit unary(String name, Unary kernel, UnaryVjp vjp, ScalarUnaryVjp scalarVjp) {
    return unary(name, name, kernel, 0.0, vjp, scalarVjp);
  }

  /** {@link #unary(String, Unary, UnaryVjp, ScalarUnaryVjp)} for a kernel with a parameter. */
  public static Unit unary(String name, String label, Unary kernel, double param, UnaryVjp vjp,
      ScalarUnaryVjp scalarVjp) {
    return Unit.of(name, label, in -> map(kernel, param, in[0]), (in, y, g) -> new Tensor[] {vjp.apply(in[0], y, g)})
        .withScalarRules(1, (a, b) -> kernel.apply(a, param), (i, a, b, y, g) -> scalarVjp.apply(a, y, g))
        .withForwardInto(in -> in[0].shapeRef(), (in, shape, out) -> mapInto(kernel, param, in[0], out));
  }

  /**
   * An op y = f(x) for a function no kernel has: the forward pass is a plain loop over {@code f}, and
   * the scalar forward is {@code f} itself. The way to add an op without touching the kernels; give
   * it a {@link Unary} kernel later if it turns out to be hot.
   */
  public static Unit unary(String name, String label, DoubleUnaryOperator f, UnaryVjp vjp,
      ScalarUnaryVjp scalarVjp) {
    return Unit.of(name, label,
        in -> Tensor.wrap(mapInto(f, in[0], new double[in[0].size()]), in[0].shapeRef()),
        (in, y, g) -> new Tensor[] {vjp.apply(in[0], y, g)})
        .withScalarRules(1, (a, b) -> f.applyAsDouble(a), (i, a, b, y, g) -> scalarVjp.apply(a, y, g))
        .withForwardInto(in -> in[0].shapeRef(), (in, shape, out) -> mapInto(f, in[0], out));
  }

  private static double[] mapInto(DoubleUnaryOperator f, Tensor x, double[] out) {
    double[] v = x.data();
    for (int i = 0; i < v.length; i++) {
      out[i] = f.applyAsDouble(v[i]);
    }
    return out;
  }

  /**
   * An op y = f(a, b) with broadcasting, evaluated by {@code kernel}, with each input's derivative
   * in tensors and in doubles.
   */
  public static Unit binary(String name, Binary kernel, BinaryVjp vjpA, ScalarBinaryVjp scalarVjpA,
      BinaryVjp vjpB, ScalarBinaryVjp scalarVjpB) {
    return Unit.of(name, name, in -> map2(name, kernel, in[0], in[1]), (in, y, g) -> {
      Tensor a = in[0];
      Tensor b = in[1];
      return new Tensor[] {
        a.needsGrad() ? vjpA.apply(a, b, y, g).sumTo(a.shapeRef()) : null,
        b.needsGrad() ? vjpB.apply(a, b, y, g).sumTo(b.shapeRef()) : null
      };
    }).withScalarRules(2, kernel::apply,
        (i, a, b, y, g) -> i == 0 ? scalarVjpA.apply(a, b, y, g) : scalarVjpB.apply(a, b, y, g))
        .withForwardInto(in -> Shape.broadcast(name, in[0], in[1]),
            (in, shape, out) -> map2Into(kernel, null, in[0], in[1], shape, out));
  }

  // ---------------------------------------------------------------- kinks

  /** Decides whether input element {@code element}, of value x, sits on a kink; null if not. */
  @FunctionalInterface
  public interface PointKink {
    Kink at(Tensor y, int element, double x);
  }

  /** The kinks of a one-input elementwise op, element by element. */
  public static Unit.Kinks pointwise(PointKink rule) {
    return (in, y) -> {
      List<Kink> out = new ArrayList<>();
      double[] v = in[0].data();
      for (int e = 0; e < v.length; e++) {
        Kink k = rule.at(y, e, v[e]);
        if (k != null) {
          out.add(k);
        }
      }
      return out;
    };
  }

  /** A kink where the input equals {@code at}, with the slopes below and above it. */
  public static Unit.Kinks kinkAt(double at, double leftSlope, double rightSlope) {
    String where = "input = " + Format.number(at);
    return pointwise((y, e, x) -> x == at ? Kink.of(y, 0, e, e, where, leftSlope, rightSlope) : null);
  }

  /** Adds to {@code out} the kinks at output element e, made from input elements ia = a and ib = b. */
  @FunctionalInterface
  public interface PairKink {
    void at(Tensor y, int e, int ia, double a, int ib, double b, List<Kink> out);
  }

  /** The kinks of a broadcasting binary op, visiting each output element with the inputs it reads. */
  public static Unit.Kinks pairwise(PairKink rule) {
    return (in, y) -> {
      int[] shape = y.shapeRef();
      int[] sa = Shape.broadcastStrides(in[0].shapeRef(), shape);
      int[] sb = Shape.broadcastStrides(in[1].shapeRef(), shape);
      int[] strides = Shape.strides(shape);
      double[] a = in[0].data();
      double[] b = in[1].data();
      List<Kink> out = new ArrayList<>();
      for (int e = 0; e < y.size(); e++) {
        int ia = 0;
        int ib = 0;
        int rest = e;
        for (int d = 0; d < shape.length; d++) {
          int i = rest / strides[d];
          rest %= strides[d];
          ia += i * sa[d];
          ib += i * sb[d];
        }
        rule.at(y, e, ia, a[ia], ib, b[ib], out);
      }
      return out;
    };
  }

  /**
   * Where both inputs of a binary op are equal: each input's slopes below and above the tie, for
   * maximum (0 below, 1 above) and minimum (1 below, 0 above).
   */
  public static Unit.Kinks ties(double leftSlope, double rightSlope) {
    return pairwise((y, e, ia, a, ib, b, out) -> {
      if (a == b) {
        String where = "a tie, both inputs = " + a;
        out.add(Kink.of(y, 0, ia, e, where, leftSlope, rightSlope));
        out.add(Kink.of(y, 1, ib, e, where, leftSlope, rightSlope));
      }
    });
  }

  // ---------------------------------------------------------------- evaluation

  /** f applied to every element of x: a new tensor, no graph. */
  public static Tensor map(Unary f, double param, Tensor x) {
    if (x.rank() == 0) {
      return Tensor.scalar(f.apply(x.data()[0], param));
    }
    return Tensor.wrap(mapInto(f, param, x, new double[x.size()]), x.shapeRef());
  }

  private static double[] mapInto(Unary f, double param, Tensor x, double[] out) {
    K.unary(f, param, x.data(), 0, out, 0, out.length);
    return out;
  }

  /**
   * f(a, b) under broadcasting: a new tensor, no graph. The innermost axis is walked by a kernel
   * call per row; the outer axes by an odometer, so no index arithmetic runs per element.
   */
  public static Tensor map2(String op, Binary f, Tensor a, Tensor b) {
    if (a.rank() == 0 && b.rank() == 0) {
      // Scalar graphs (micrograd style) are made of these: skip broadcasting and kernel dispatch.
      return Tensor.scalar(f.apply(a.data()[0], b.data()[0]));
    }
    int[] shape = Shape.broadcast(op, a, b);
    return Tensor.wrap(map2Into(f, null, a, b, shape, new double[Shape.numel(shape)]), shape);
  }

  /**
   * g(f(a, b)) under broadcasting, as {@link #map2} then {@link #map} with {@code g} would give it
   * (the same bits), but {@code g} runs on each block of the output while that block is still in
   * the L1 cache: one pass over memory instead of two. Bias plus activation is this.
   */
  public static Tensor map2Then(String op, Binary f, Unary g, Tensor a, Tensor b) {
    if (a.rank() == 0 && b.rank() == 0) {
      return Tensor.scalar(g.apply(f.apply(a.data()[0], b.data()[0]), 0.0));
    }
    int[] shape = Shape.broadcast(op, a, b);
    return Tensor.wrap(map2Into(f, g, a, b, shape, new double[Shape.numel(shape)]), shape);
  }

  // 2048 doubles are 16 KiB: half a 32 KiB L1, the rest for the inputs' lines in flight.
  private static final int BLOCK = 2048;

  /** {@link #map2} into {@code out}, of the broadcast {@code shape}'s size, then {@code g} if not null. */
  static double[] map2Into(Binary f, Unary g, Tensor a, Tensor b, int[] shape, double[] out) {
    double[] x = a.data();
    double[] y = b.data();
    int n = out.length;
    int step = g == null ? Math.max(n, 1) : BLOCK;
    // Equal sizes with different shapes differ only by axes of length 1 ([1, n] against [n]):
    // both walk the output in the same order, so no broadcasting machinery is needed.
    if (x.length == n && y.length == n) {
      for (int i = 0; i < n; i += step) {
        K.binary(f, x, i, y, i, out, i, Math.min(step, n - i));
        then(g, out, i, Math.min(step, n - i));
      }
    } else if (y.length == 1 && x.length == n) {
      for (int i = 0; i < n; i += step) {
        K.binaryScalarRight(f, x, i, y[0], out, i, Math.min(step, n - i));
        then(g, out, i, Math.min(step, n - i));
      }
    } else if (x.length == 1 && y.length == n) {
      for (int i = 0; i < n; i += step) {
        K.binaryScalarLeft(f, x[0], y, i, out, i, Math.min(step, n - i));
        then(g, out, i, Math.min(step, n - i));
      }
    } else if (x.length == n && y.length > 1 && isTrailingRow(b.shapeRef(), shape)) {
      // b is one row repeated down a ([N, F] + [F], a bias): one kernel call per block of rows.
      int len = y.length;
      int rowsPerStep = Math.max(1, step / len);
      for (int r = 0, rows = n / len; r < rows; r += rowsPerStep) {
        int count = Math.min(rowsPerStep, rows - r);
        K.binaryRows(f, x, r * len, y, 0, out, r * len, count, len);
        then(g, out, r * len, count * len);
      }
    } else {
      broadcastRows(shape, a.shapeRef(), b.shapeRef(), (row, aOff, aStep, bOff, bStep, len) -> {
        if (aStep == 1 && bStep == 1) {
          K.binary(f, x, aOff, y, bOff, out, row, len);
        } else if (aStep == 1) {
          K.binaryScalarRight(f, x, aOff, y[bOff], out, row, len);
        } else if (bStep == 1) {
          K.binaryScalarLeft(f, x[aOff], y, bOff, out, row, len);
        } else {
          Arrays.fill(out, row, row + len, f.apply(x[aOff], y[bOff]));
        }
        then(g, out, row, len);
      });
    }
    return out;
  }

  /**
   * True if {@code small}, without its leading axes of length 1, is the last axes of {@code shape}:
   * then it is one contiguous row that repeats down the output ([F] or [1, F] against [N, F]).
   */
  static boolean isTrailingRow(int[] small, int[] shape) {
    int lead = 0;
    while (lead < small.length && small[lead] == 1) {
      lead++;
    }
    int rank = small.length - lead;
    if (rank > shape.length) {
      return false;
    }
    for (int i = 0; i < rank; i++) {
      if (small[lead + i] != shape[shape.length - rank + i]) {
        return false;
      }
    }
    return true;
  }

  private static void then(Unary g, double[] out, int off, int len) {
    if (g != null) {
      K.unary(g, 0.0, out, off, out, off, len);
    }
  }

  /**
   * The mask c(a, b) under broadcasting: a constant, never part of the graph, because masks are
   * piecewise constant (their own derivative is zero almost everywhere, so second derivatives stay
   * correct).
   */
  public static Tensor mask(String op, Comparison c, Tensor a, Tensor b) {
    int[] shape = Shape.broadcast(op, a, b);
    double[] out = new double[Shape.numel(shape)];
    double[] x = a.data();
    double[] y = b.data();
    if (x.length == out.length && y.length == out.length) {
      K.compare(c, x, 0, y, 0, out, 0, out.length);
    } else if (y.length == 1 && x.length == out.length) {
      K.compareScalarRight(c, x, 0, y[0], out, 0, out.length);
    } else {
      broadcastRows(shape, a.shapeRef(), b.shapeRef(), (row, aOff, aStep, bOff, bStep, len) -> {
        for (int i = 0; i < len; i++) {
          out[row + i] = c.apply(x[aOff + i * aStep], y[bOff + i * bStep]);
        }
      });
    }
    return Tensor.wrap(out, shape);
  }

  /** The mask c(x, b) against one number, as relu's step against 0. */
  public static Tensor mask(Comparison c, Tensor x, double b) {
    if (x.rank() == 0) {
      return Tensor.scalar(c.apply(x.data()[0], b));
    }
    double[] out = new double[x.size()];
    K.compareScalarRight(c, x.data(), 0, b, out, 0, out.length);
    return Tensor.wrap(out, x.shapeRef());
  }

  /**
   * g·c(x, b): the upstream gradient through a mask, as relu's backward is g·step(x). When no graph
   * is being recorded (every pass without {@code createGraph(true)}) it is one kernel pass and no
   * mask array, one array of x's size fewer per call; the bits are those of {@code g.mul(mask(c, x,
   * b))}, which a recording pass still builds so that the product stays differentiable in g.
   */
  public static Tensor masked(Comparison c, Tensor x, double b, Tensor g) {
    if (GradMode.isEnabled() && g.needsGrad()) {
      return g.mul(mask(c, x, b));
    }
    if (x.rank() == 0) {
      return Tensor.scalar(g.data()[0] * c.apply(x.data()[0], b));
    }
    double[] out = new double[x.size()];
    K.maskScalarRight(c, x.data(), 0, b, g.data(), 0, out, 0, out.length);
    return Tensor.wrap(out, x.shapeRef());
  }

  /** One contiguous output row of a broadcast: where it starts, and where and how each input walks. */
  @FunctionalInterface
  interface RowVisitor {
    void row(int outOff, int aOff, int aStep, int bOff, int bStep, int len);
  }

  static void broadcastRows(int[] shape, int[] shapeA, int[] shapeB, RowVisitor visitor) {
    int rank = shape.length;
    if (rank == 0) {
      visitor.row(0, 0, 0, 0, 0, 1);
      return;
    }
    int[] sa = Shape.broadcastStrides(shapeA, shape);
    int[] sb = Shape.broadcastStrides(shapeB, shape);
    int len = shape[rank - 1];
    int rows = len == 0 ? 0 : Shape.numel(shape) / len;
    int[] index = new int[rank];
    int aOff = 0;
    int bOff = 0;
    for (int r = 0; r < rows; r++) {
      visitor.row(r * len, aOff, sa[rank - 1], bOff, sb[rank - 1], len);
      for (int d = rank - 2; d >= 0; d--) {
        index[d]++;
        aOff += sa[d];
        bOff += sb[d];
        if (index[d] < shape[d]) {
          break;
        }
        aOff -= sa[d] * shape[d];
        bOff -= sb[d] * shape[d];
        index[d] = 0;
      }
    }
  }
}
