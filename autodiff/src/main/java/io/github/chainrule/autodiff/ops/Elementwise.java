package io.github.chainrule.autodiff.ops;

import io.github.chainrule.autodiff.Op;
import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.kernels.Binary;
import io.github.chainrule.autodiff.kernels.Kernels;
import io.github.chainrule.autodiff.kernels.Unary;
import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;

/**
 * Builders for elementwise ops, so that each op in {@link Functions} and {@link Arithmetic} is one
 * line: a name, a kernel function, and its derivative written in tensor ops. Binary ops broadcast
 * as NumPy does, and the builder reduces each input's gradient back to that input's shape (the
 * gradient of a broadcast is a sum over the broadcast axes).
 */
public final class Elementwise {
  private static final Kernels K = Kernels.get();

  private Elementwise() {}

  /** dL/dx from x, the output y and dL/dy. */
  @FunctionalInterface
  public interface UnaryVjp {
    Tensor apply(Tensor x, Tensor y, Tensor g);
  }

  /** dL/d(one input) from both inputs, the output y and dL/dy, before reduction to its shape. */
  @FunctionalInterface
  public interface BinaryVjp {
    Tensor apply(Tensor a, Tensor b, Tensor y, Tensor g);
  }

  /** An op y = f(x) evaluated by a kernel, with derivative {@code vjp}. */
  public static Op unary(String label, Unary f, double param, UnaryVjp vjp) {
    String name = label.contains("(") ? label.substring(0, label.indexOf('(')) : label;
    return new Op() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String label() {
        return label;
      }

      @Override
      public Tensor forward(Tensor... in) {
        return map(f, param, in[0]);
      }

      @Override
      public Tensor[] backward(Tensor[] in, Tensor y, Tensor g) {
        return new Tensor[] {vjp.apply(in[0], y, g)};
      }
    };
  }

  /** An op y = f(a, b) with broadcasting, evaluated by a kernel, with one derivative per input. */
  public static Op binary(String name, Binary f, BinaryVjp vjpA, BinaryVjp vjpB) {
    return new Op() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Tensor forward(Tensor... in) {
        return map2(name, f, in[0], in[1]);
      }

      @Override
      public Tensor[] backward(Tensor[] in, Tensor y, Tensor g) {
        Tensor a = in[0];
        Tensor b = in[1];
        return new Tensor[] {
          a.needsGrad() ? vjpA.apply(a, b, y, g).sumTo(a.shapeRef()) : null,
          b.needsGrad() ? vjpB.apply(a, b, y, g).sumTo(b.shapeRef()) : null
        };
      }
    };
  }

  /** f applied to every element of x: a new tensor, no graph. */
  public static Tensor map(Unary f, double param, Tensor x) {
    if (x.rank() == 0) {
      return Tensor.scalar(f.apply(x.data()[0], param));
    }
    double[] out = new double[x.size()];
    K.unary(f, param, x.data(), 0, out, 0, out.length);
    return Tensor.wrap(out, x.shapeRef());
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
    double[] out = new double[Shape.numel(shape)];
    double[] x = a.data();
    double[] y = b.data();
    // Equal sizes with different shapes differ only by axes of length 1 ([1, n] against [n]):
    // both walk the output in the same order, so no broadcasting machinery is needed.
    if (x.length == out.length && y.length == out.length) {
      K.binary(f, x, 0, y, 0, out, 0, out.length);
    } else if (y.length == 1 && x.length == out.length) {
      K.binaryScalarRight(f, x, 0, y[0], out, 0, out.length);
    } else if (x.length == 1 && y.length == out.length) {
      K.binaryScalarLeft(f, x[0], y, 0, out, 0, out.length);
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
      });
    }
    return Tensor.wrap(out, shape);
  }

  /**
   * f(a, b) under broadcasting for functions no kernel has (the masks some derivatives need):
   * a constant, never part of the graph, because these masks are piecewise constant.
   */
  public static Tensor zip(String op, Tensor a, Tensor b, DoubleBinaryOperator f) {
    int[] shape = Shape.broadcast(op, a, b);
    double[] out = new double[Shape.numel(shape)];
    double[] x = a.data();
    double[] y = b.data();
    broadcastRows(shape, a.shapeRef(), b.shapeRef(), (row, aOff, aStep, bOff, bStep, len) -> {
      for (int i = 0; i < len; i++) {
        out[row + i] = f.applyAsDouble(x[aOff + i * aStep], y[bOff + i * bStep]);
      }
    });
    return Tensor.wrap(out, shape);
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
