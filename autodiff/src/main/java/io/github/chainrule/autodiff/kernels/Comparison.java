package io.github.chainrule.autodiff.kernels;

/**
 * A mask from comparing two numbers: {@code above} where a &gt; b, {@code equal} where a == b, and
 * {@code below} otherwise, that is where a &lt; b or either is NaN. The derivatives of piecewise
 * linear ops are such masks, stated once each: relu's step is {@code (0, 0, 1)} against 0,
 * leakyRelu's {@code (alpha, alpha, 1)}, maximum's {@code (0, 0.5, 1)} against the other input.
 *
 * @param below the value where a &lt; b, or a or b is NaN
 * @param equal the value where a == b
 * @param above the value where a &gt; b
 */
public record Comparison(double below, double equal, double above) {

  /** 1 where a &gt; b, else 0: the Heaviside step with H(0) = 0. */
  public static final Comparison STEP = new Comparison(0.0, 0.0, 1.0);

  /** The scalar definition every kernel implementation must agree with. */
  public double apply(double a, double b) {
    return a > b ? above : a == b ? equal : below;
  }
}
