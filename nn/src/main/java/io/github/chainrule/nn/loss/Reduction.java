package io.github.chainrule.nn.loss;

/** How per-element losses become one number. */
public enum Reduction {
  /** The average over elements (over examples, for cross-entropy). */
  MEAN,
  /** The sum over elements. */
  SUM
}
