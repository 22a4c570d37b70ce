package io.github.chainrule.autodiff.ops;

import static io.github.chainrule.autodiff.ops.Elementwise.binary;
import static io.github.chainrule.autodiff.ops.Elementwise.zip;

import io.github.chainrule.autodiff.Op;
import io.github.chainrule.autodiff.kernels.Binary;

/**
 * Broadcasting binary ops, one line each: name, kernel, then dL/da and dL/db from a, b, the output y
 * and the upstream gradient g. {@link Elementwise#binary} sums each back to its input's shape.
 */
public final class Arithmetic {
  private Arithmetic() {}

  public static final Op ADD = binary("add", Binary.ADD, (a, b, y, g) -> g, (a, b, y, g) -> g);
  public static final Op SUB = binary("sub", Binary.SUB, (a, b, y, g) -> g, (a, b, y, g) -> g.neg());
  public static final Op MUL = binary("mul", Binary.MUL, (a, b, y, g) -> g.mul(b), (a, b, y, g) -> g.mul(a));
  // d(a/b)/db = -a/b² = -y/b
  public static final Op DIV = binary("div", Binary.DIV, (a, b, y, g) -> g.div(b), (a, b, y, g) -> g.mul(y).div(b).neg());
  // Ties split the gradient in half between the two sides, as PyTorch does.
  public static final Op MAXIMUM = binary("maximum", Binary.MAX,
      (a, b, y, g) -> g.mul(zip("maximum", a, b, (p, q) -> p > q ? 1.0 : p == q ? 0.5 : 0.0)),
      (a, b, y, g) -> g.mul(zip("maximum", a, b, (p, q) -> q > p ? 1.0 : p == q ? 0.5 : 0.0)));
  public static final Op MINIMUM = binary("minimum", Binary.MIN,
      (a, b, y, g) -> g.mul(zip("minimum", a, b, (p, q) -> p < q ? 1.0 : p == q ? 0.5 : 0.0)),
      (a, b, y, g) -> g.mul(zip("minimum", a, b, (p, q) -> q < p ? 1.0 : p == q ? 0.5 : 0.0)));
}
