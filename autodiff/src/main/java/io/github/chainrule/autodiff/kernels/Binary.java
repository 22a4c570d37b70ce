package io.github.chainrule.autodiff.kernels;

/** Elementwise functions of two arguments that the kernels evaluate in bulk. */
public enum Binary {
  ADD,
  SUB,
  MUL,
  DIV,
  /** Math.max semantics: NaN if either is NaN. */
  MAX,
  /** Math.min semantics: NaN if either is NaN. */
  MIN;

  /** The scalar definition every kernel implementation must agree with. */
  public double apply(double a, double b) {
    switch (this) {
      case ADD: return a + b;
      case SUB: return a - b;
      case MUL: return a * b;
      case DIV: return a / b;
      case MAX: return Math.max(a, b);
      case MIN: return Math.min(a, b);
      default: throw new AssertionError(this);
    }
  }
}
