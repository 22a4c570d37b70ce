package io.github.chainrule.autodiff.ops;

import static io.github.chainrule.autodiff.ops.Elementwise.kinkAt;
import static io.github.chainrule.autodiff.ops.Elementwise.map;
import static io.github.chainrule.autodiff.ops.Elementwise.mask;
import static io.github.chainrule.autodiff.ops.Elementwise.masked;
import static io.github.chainrule.autodiff.ops.Elementwise.pointwise;
import static io.github.chainrule.autodiff.ops.Elementwise.unary;

import io.github.chainrule.autodiff.Format;
import io.github.chainrule.autodiff.Kink;
import io.github.chainrule.autodiff.Op;
import io.github.chainrule.autodiff.kernels.Comparison;
import io.github.chainrule.autodiff.kernels.Unary;
import io.github.chainrule.autodiff.ops.OpTable.Domain;
import io.github.chainrule.autodiff.ops.OpTable.Entry;
import java.util.ArrayList;
import java.util.List;

/**
 * Elementwise functions of one tensor, one statement each and each a row of the {@link OpTable}:
 * name, kernel, and dL/dx from x, the output y and the upstream gradient g, in tensor ops and in
 * doubles; then, for the ops that have them, their kinks.
 *
 * <p>At non-differentiable points these follow PyTorch: relu'(0) = 0, |x|'(0) = 0, and clamp passes
 * the gradient on the closed interval [lo, hi]. The masks (relu's step and the like) are {@link
 * Comparison}s: constants, whose own derivative is zero almost everywhere, so second derivatives
 * stay correct.
 */
public final class Functions {
  private Functions() {}

  static final List<Entry> ROWS = new ArrayList<>(); // before the rows, which add themselves

  public static final Unit RELU = row(unary("relu", Unary.RELU,
      (x, y, g) -> masked(Comparison.STEP, x, 0.0, g), (x, y, g) -> g * Comparison.STEP.apply(x, 0.0))
      .withKinks(kinkAt(0.0, 0.0, 1.0)).withModuleName("ReLU").withFusedBias(Arithmetic.ADD_RELU), "relu");
  public static final Unit SIGMOID = row(unary("sigmoid", Unary.SIGMOID,
      (x, y, g) -> g.mul(y.mul(y.neg().add(1.0))), (x, y, g) -> g * (y * (-y + 1.0)))
      .withModuleName("Sigmoid"), "sigmoid");
  public static final Unit TANH = row(unary("tanh", Unary.TANH,
      (x, y, g) -> g.mul(y.square().neg().add(1.0)), (x, y, g) -> g * (-(y * y) + 1.0))
      .withModuleName("Tanh"), "tanh");
  public static final Unit EXP = row(unary("exp", Unary.EXP,
      (x, y, g) -> g.mul(y), (x, y, g) -> g * y), "exp");
  public static final Unit LOG = OpTable.row(ROWS, unary("log", Unary.LOG,
      (x, y, g) -> g.div(x), (x, y, g) -> g / x), "log", Domain.POSITIVE);
  public static final Unit SQRT = OpTable.row(ROWS, unary("sqrt", Unary.SQRT,
      (x, y, g) -> g.div(y.mul(2.0)), (x, y, g) -> g / (y * 2.0)), "sqrt", Domain.POSITIVE);
  public static final Unit ABS = row(unary("abs", Unary.ABS,
      (x, y, g) -> g.mul(map(Unary.SIGN, 0, x)), (x, y, g) -> g * Unary.SIGN.apply(x, 0))
      .withKinks(kinkAt(0.0, -1.0, 1.0)), "abs");
  public static final Unit SIN = row(unary("sin", Unary.SIN,
      (x, y, g) -> g.mul(x.cos()), (x, y, g) -> g * Math.cos(x)), "sin");
  public static final Unit COS = row(unary("cos", Unary.COS,
      (x, y, g) -> g.mul(x.sin()).neg(), (x, y, g) -> -(g * Math.sin(x))), "cos");
  public static final Unit SOFTPLUS = row(unary("softplus", Unary.SOFTPLUS,
      (x, y, g) -> g.mul(x.sigmoid()), (x, y, g) -> g * Unary.sigmoid(x)).withModuleName("Softplus"), "softplus");
  // No names in expressions: they have operators there (-x, x^2).
  public static final Unit NEG = row(unary("neg", Unary.NEG,
      (x, y, g) -> g.neg(), (x, y, g) -> -g), null);
  public static final Unit SQUARE = row(unary("square", Unary.SQUARE,
      (x, y, g) -> g.mul(x).mul(2.0), (x, y, g) -> g * x * 2.0), null);

  /** x^p for a constant p: d/dx = p·x^(p-1). */
  public static Op pow(double p) {
    return unary("pow", "pow(" + Format.number(p) + ")", Unary.POW, p,
        (x, y, g) -> p == 0.0 ? g.mul(0.0) : g.mul(x.pow(p - 1.0).mul(p)),
        (x, y, g) -> p == 0.0 ? g * 0.0 : g * (Unary.pow(x, p - 1.0) * p));
  }

  /** x for x &gt; 0, alpha·x otherwise. */
  public static Unit leakyRelu(double alpha) {
    Comparison step = new Comparison(alpha, alpha, 1.0);
    return unary("leakyRelu", "leakyRelu(" + Format.number(alpha) + ")", Unary.LEAKY_RELU, alpha,
        (x, y, g) -> masked(step, x, 0.0, g), (x, y, g) -> g * step.apply(x, 0.0))
        .withKinks(kinkAt(0.0, alpha, 1.0)).withModuleName("LeakyReLU(" + Format.number(alpha) + ")");
  }

  // clamp's mask, 1 where lo ≤ x ≤ hi, as the product of x ≥ lo and x ≤ hi (NaN fails the first).
  private static final Comparison AT_LEAST = new Comparison(0.0, 1.0, 1.0);
  private static final Comparison AT_MOST = new Comparison(1.0, 1.0, 0.0);

  /** min(max(x, lo), hi); the gradient passes where lo ≤ x ≤ hi. */
  public static Op clamp(double lo, double hi) {
    if (!(lo <= hi)) {
      throw new IllegalArgumentException("clamp: lower bound " + lo + " is above upper bound " + hi);
    }
    return unary("clamp", "clamp(" + Format.number(lo) + ", " + Format.number(hi) + ")", x -> clamp(x, lo, hi),
        (x, y, g) -> g.mul(mask(AT_LEAST, x, lo).mul(mask(AT_MOST, x, hi))),
        (x, y, g) -> g * (AT_LEAST.apply(x, lo) * AT_MOST.apply(x, hi)))
        .withKinks(pointwise((y, e, x) -> {
          if (lo == hi && x == lo) {
            return Kink.of(y, 0, e, e, "input = lo = hi = " + lo, 0.0, 0.0);
          } else if (x == lo) {
            return Kink.of(y, 0, e, e, "the lower bound, input = " + lo, 0.0, 1.0);
          } else if (x == hi) {
            return Kink.of(y, 0, e, e, "the upper bound, input = " + hi, 1.0, 0.0);
          }
          return null;
        }));
  }

  private static double clamp(double x, double lo, double hi) {
    return Math.min(Math.max(x, lo), hi);
  }

  static {
    OpTable.family(ROWS, "pow", 1, Domain.POSITIVE, null, p -> pow(p[0]), new double[] {3},
        new double[] {-1.5}, new double[] {0});
    // PyTorch's LeakyReLU() has negative_slope=0.01.
    OpTable.family(ROWS, "leakyRelu", 1, Domain.ANY, new double[] {0.01}, p -> leakyRelu(p[0]),
        new double[] {0.1});
    // Its bounds must be given. It states no module name: torch.nn.Hardtanh(lo, hi) clamps too, but
    // passes no gradient at the bounds, where clamp passes it.
    OpTable.family(ROWS, "clamp", 1, Domain.ANY, null, p -> clamp(p[0], p[1]), new double[] {-0.95, 0.97});
  }

  private static Unit row(Unit op, String function) {
    return OpTable.row(ROWS, op, function, Domain.ANY);
  }
}
