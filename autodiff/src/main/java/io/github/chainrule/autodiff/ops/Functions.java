package io.github.chainrule.autodiff.ops;

import static io.github.chainrule.autodiff.ops.Elementwise.map;
import static io.github.chainrule.autodiff.ops.Elementwise.unary;

import io.github.chainrule.autodiff.Format;
import io.github.chainrule.autodiff.Op;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.kernels.Unary;

/**
 * Elementwise functions of one tensor, one line each: name, kernel, and dL/dx from x, the output y
 * and the upstream gradient g. Masks such as relu's step are constants: their own derivative is
 * zero almost everywhere, so second derivatives stay correct.
 *
 * <p>At non-differentiable points these follow PyTorch: relu'(0) = 0, |x|'(0) = 0, and clamp passes
 * the gradient on the closed interval [lo, hi].
 */
public final class Functions {
  private Functions() {}

  public static final Op NEG = unary("neg", Unary.NEG, 0, (x, y, g) -> g.neg());
  public static final Op SQUARE = unary("square", Unary.SQUARE, 0, (x, y, g) -> g.mul(x).mul(2.0));
  public static final Op SQRT = unary("sqrt", Unary.SQRT, 0, (x, y, g) -> g.div(y.mul(2.0)));
  public static final Op EXP = unary("exp", Unary.EXP, 0, (x, y, g) -> g.mul(y));
  public static final Op LOG = unary("log", Unary.LOG, 0, (x, y, g) -> g.div(x));
  public static final Op ABS = unary("abs", Unary.ABS, 0, (x, y, g) -> g.mul(map(Unary.SIGN, 0, x)));
  public static final Op RELU = unary("relu", Unary.RELU, 0, (x, y, g) -> g.mul(map(Unary.STEP, 0, x)));
  public static final Op SIGMOID = unary("sigmoid", Unary.SIGMOID, 0, (x, y, g) -> g.mul(y.mul(y.neg().add(1.0))));
  public static final Op TANH = unary("tanh", Unary.TANH, 0, (x, y, g) -> g.mul(y.square().neg().add(1.0)));
  public static final Op SIN = unary("sin", Unary.SIN, 0, (x, y, g) -> g.mul(x.cos()));
  public static final Op COS = unary("cos", Unary.COS, 0, (x, y, g) -> g.mul(x.sin()).neg());
  public static final Op SOFTPLUS = unary("softplus", Unary.SOFTPLUS, 0, (x, y, g) -> g.mul(x.sigmoid()));

  /** x^p for a constant p: d/dx = p·x^(p-1). */
  public static Op pow(double p) {
    return unary("pow(" + Format.number(p) + ")", Unary.POW, p,
        (x, y, g) -> p == 0.0 ? g.mul(0.0) : g.mul(x.pow(p - 1.0).mul(p)));
  }

  /** x for x &gt; 0, alpha·x otherwise. */
  public static Op leakyRelu(double alpha) {
    return unary("leakyRelu(" + Format.number(alpha) + ")", Unary.LEAKY_RELU, alpha,
        (x, y, g) -> g.mul(map(Unary.LEAKY_STEP, alpha, x)));
  }

  /** min(max(x, lo), hi); the gradient passes where lo ≤ x ≤ hi. */
  public static Op clamp(double lo, double hi) {
    if (!(lo <= hi)) {
      throw new IllegalArgumentException("clamp: lower bound " + lo + " is above upper bound " + hi);
    }
    String label = "clamp(" + Format.number(lo) + ", "
        + Format.number(hi) + ")";
    return new Op() {
      @Override
      public String name() {
        return "clamp";
      }

      @Override
      public String label() {
        return label;
      }

      @Override
      public Tensor forward(Tensor... in) {
        double[] x = in[0].data();
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
          out[i] = Math.min(Math.max(x[i], lo), hi);
        }
        return Tensor.wrap(out, in[0].shapeRef());
      }

      @Override
      public Tensor[] backward(Tensor[] in, Tensor y, Tensor g) {
        double[] x = in[0].data();
        double[] mask = new double[x.length];
        for (int i = 0; i < x.length; i++) {
          mask[i] = x[i] >= lo && x[i] <= hi ? 1.0 : 0.0;
        }
        return new Tensor[] {g.mul(Tensor.wrap(mask, in[0].shapeRef()))};
      }
    };
  }
}
