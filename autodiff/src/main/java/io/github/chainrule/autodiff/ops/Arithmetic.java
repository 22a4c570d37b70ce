package io.github.chainrule.autodiff.ops;

import static io.github.chainrule.autodiff.ops.Elementwise.binary;
import static io.github.chainrule.autodiff.ops.Elementwise.mask;
import static io.github.chainrule.autodiff.ops.Elementwise.ties;

import io.github.chainrule.autodiff.kernels.Binary;
import io.github.chainrule.autodiff.kernels.Comparison;
import io.github.chainrule.autodiff.ops.OpTable.Domain;
import io.github.chainrule.autodiff.ops.OpTable.Entry;
import java.util.ArrayList;
import java.util.List;

/**
 * Broadcasting binary ops, one statement each and each a row of the {@link OpTable}: name, kernel,
 * then dL/da and dL/db from a, b, the output y and the upstream gradient g, each in tensor ops and
 * in doubles. {@link Elementwise#binary} sums each back to its input's shape.
 */
public final class Arithmetic {
  private Arithmetic() {}

  static final List<Entry> ROWS = new ArrayList<>(); // before the rows, which add themselves

  // Ties split the gradient in half between the two sides, as PyTorch does.
  private static final Comparison HALF_AT_TIES = new Comparison(0.0, 0.5, 1.0);

  public static final Unit ADD = row(binary("add", Binary.ADD,
      (a, b, y, g) -> g, (a, b, y, g) -> g,
      (a, b, y, g) -> g, (a, b, y, g) -> g), null);
  public static final Unit SUB = row(binary("sub", Binary.SUB,
      (a, b, y, g) -> g, (a, b, y, g) -> g,
      (a, b, y, g) -> g.neg(), (a, b, y, g) -> -g), null);
  public static final Unit MUL = row(binary("mul", Binary.MUL,
      (a, b, y, g) -> g.mul(b), (a, b, y, g) -> g * b,
      (a, b, y, g) -> g.mul(a), (a, b, y, g) -> g * a), null);
  // d(a/b)/db = -a/b² = -y/b
  public static final Unit DIV = OpTable.row(ROWS, binary("div", Binary.DIV,
      (a, b, y, g) -> g.div(b), (a, b, y, g) -> g / b,
      (a, b, y, g) -> g.mul(y).div(b).neg(), (a, b, y, g) -> -(g * y / b)), null, Domain.POSITIVE);
  // maximum's mask for b is its mask for a with the inputs swapped; minimum's are maximum's swapped.
  public static final Unit MAXIMUM = row(binary("maximum", Binary.MAX,
      (a, b, y, g) -> g.mul(mask("maximum", HALF_AT_TIES, a, b)), (a, b, y, g) -> g * HALF_AT_TIES.apply(a, b),
      (a, b, y, g) -> g.mul(mask("maximum", HALF_AT_TIES, b, a)), (a, b, y, g) -> g * HALF_AT_TIES.apply(b, a))
      .withKinks(ties(0.0, 1.0)), "max");
  public static final Unit MINIMUM = row(binary("minimum", Binary.MIN,
      (a, b, y, g) -> g.mul(mask("minimum", HALF_AT_TIES, b, a)), (a, b, y, g) -> g * HALF_AT_TIES.apply(b, a),
      (a, b, y, g) -> g.mul(mask("minimum", HALF_AT_TIES, a, b)), (a, b, y, g) -> g * HALF_AT_TIES.apply(a, b))
      .withKinks(ties(1.0, 0.0)), "min");

  private static Unit row(Unit op, String function) {
    return OpTable.row(ROWS, op, function, Domain.ANY);
  }
}
