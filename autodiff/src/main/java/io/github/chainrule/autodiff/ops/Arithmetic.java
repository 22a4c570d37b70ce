package io.github.chainrule.autodiff.ops;

import static io.github.chainrule.autodiff.ops.Elementwise.binary;
import static io.github.chainrule.autodiff.ops.Elementwise.mask;
import static io.github.chainrule.autodiff.ops.Elementwise.masked;
import static io.github.chainrule.autodiff.ops.Elementwise.pairwise;
import static io.github.chainrule.autodiff.ops.Elementwise.ties;

import io.github.chainrule.autodiff.Kink;
import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.kernels.Binary;
import io.github.chainrule.autodiff.kernels.Comparison;
import io.github.chainrule.autodiff.kernels.Unary;
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

  /**
   * relu(a + b) as one op: a layer's bias and its activation, one output array and one pass over
   * memory instead of two of each, and nothing kept for backward but the output. The step is read
   * from y, since y &gt; 0 exactly where a + b &gt; 0 (relu maps −0 and everything below to +0, and
   * NaN to NaN). Values and gradients are the bits of {@code a.add(b).relu()}.
   */
  public static final Unit ADD_RELU = row(Unit.of("addRelu", "addRelu",
      in -> Elementwise.map2Then("addRelu", Binary.ADD, Unary.RELU, in[0], in[1]),
      (in, y, g) -> {
        Tensor gz = masked(Comparison.STEP, y, 0.0, g);
        return new Tensor[] {
          in[0].needsGrad() ? gz.sumTo(in[0].shapeRef()) : null,
          in[1].needsGrad() ? gz.sumTo(in[1].shapeRef()) : null
        };
      })
      .withScalarRules(2, (a, b) -> Unary.RELU.apply(Binary.ADD.apply(a, b), 0.0),
          (i, a, b, y, g) -> g * Comparison.STEP.apply(y, 0.0))
      .withForwardInto(in -> Shape.broadcast("addRelu", in[0], in[1]),
          (in, shape, out) -> Elementwise.map2Into(Binary.ADD, Unary.RELU, in[0], in[1], shape, out))
      .withKinks(pairwise((y, e, ia, a, ib, b, out) -> {
        if (a + b == 0.0) {
          String where = "a + b = 0 (a = " + a + ")";
          out.add(Kink.of(y, 0, ia, e, where, 0.0, 1.0));
          out.add(Kink.of(y, 1, ib, e, where, 0.0, 1.0));
        }
      })), null);

  private static Unit row(Unit op, String function) {
    return OpTable.row(ROWS, op, function, Domain.ANY);
  }
}
