package io.github.chainrule.autodiff;

/**
 * A point where an op is not differentiable (relu or abs at 0, maximum or minimum at a tie, clamp at
 * a bound, max over a tied slice), seen from one element of one of its inputs.
 *
 * <p>There the op has two one-sided slopes: {@code leftSlope} as the input element approaches from
 * below, {@code rightSlope} from above. Autodiff has to pick one number, {@code used}; this record
 * says which side that was.
 *
 * @param op the op's label, e.g. {@code relu}
 * @param node the label of the node the op produced
 * @param inputIndex which input of the op
 * @param inputElement flat index of the element of that input sitting on the kink
 * @param outputElement flat index of the output element whose derivative has the kink
 * @param where the condition in words, e.g. {@code "input = 0"}
 * @param leftSlope d(output element)/d(input element) just below the kink
 * @param rightSlope the same just above
 * @param used the derivative autodiff's backward rule uses exactly at the kink; NaN in the kinks an
 *     op states ({@link Op#kinks}), filled in by {@code inspect.Kinks} from the op's backward rule
 */
public record Kink(String op, String node, int inputIndex, int inputElement, int outputElement,
    String where, double leftSlope, double rightSlope, double used) {

  /** A kink of the op that produced {@code output}, as the op states it: {@code used} not yet known. */
  public static Kink of(Tensor output, int inputIndex, int inputElement, int outputElement, String where,
      double leftSlope, double rightSlope) {
    return new Kink(output.op().label(), output.label(), inputIndex, inputElement, outputElement, where,
        leftSlope, rightSlope, Double.NaN);
  }

  /** This kink with the slope autodiff used filled in. */
  public Kink withUsed(double usedSlope) {
    return new Kink(op, node, inputIndex, inputElement, outputElement, where, leftSlope, rightSlope, usedSlope);
  }

  /** {@code "left"}, {@code "right"}, {@code "average"} (both sides' mean) or {@code "neither"}. */
  public String side() {
    boolean left = used == leftSlope;
    boolean right = used == rightSlope;
    if (left && right) {
      return "both";
    }
    if (left) {
      return "left";
    }
    if (right) {
      return "right";
    }
    return used == (leftSlope + rightSlope) / 2 ? "average" : "neither";
  }

  /** One line for people: where the kink is, the two slopes, and which one autodiff used. */
  public String describe() {
    String choice = switch (side()) {
      case "left" -> "the left-hand slope";
      case "right" -> "the right-hand slope";
      case "average" -> "the average of the two";
      case "both" -> "the common value";
      default -> "neither one-sided slope";
    };
    return op + " at " + where + " (node " + node + ", input " + inputIndex + " element " + inputElement
        + "): one-sided slopes " + Format.number(leftSlope) + " (left) and " + Format.number(rightSlope)
        + " (right); autodiff used " + Format.number(used) + ", " + choice;
  }

  @Override
  public String toString() {
    return describe();
  }
}
