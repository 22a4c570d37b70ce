package io.github.chainrule.autodiff.kernels;

/**
 * Elementwise functions of one argument that the kernels evaluate in bulk. {@link #POW} and {@link
 * #LEAKY_RELU} read the kernel call's {@code param}; the others ignore it. Derivative masks such as
 * relu's step are not here: they are {@link Comparison}s.
 */
public enum Unary {
  NEG,
  ABS,
  SQUARE,
  SQRT,
  EXP,
  LOG,
  RELU,
  SIGMOID,
  TANH,
  SIN,
  COS,
  /** log(1 + e^x), evaluated as max(x, 0) + log1p(e^-|x|) so it never overflows. */
  SOFTPLUS,
  /** -1, 0 or 1; NaN stays NaN. */
  SIGN,
  /** x^param. */
  POW,
  /** x where x &gt; 0, otherwise param·x. */
  LEAKY_RELU;

  /** The scalar definition every kernel implementation must agree with. */
  public double apply(double x, double param) {
    switch (this) {
      case NEG: return -x;
      case ABS: return Math.abs(x);
      case SQUARE: return x * x;
      case SQRT: return Math.sqrt(x);
      case EXP: return Math.exp(x);
      case LOG: return Math.log(x);
      case RELU: return x <= 0 ? 0.0 : x; // NaN stays NaN, as in PyTorch: bad data must show
      case SIGMOID: return sigmoid(x);
      case TANH: return Math.tanh(x);
      case SIN: return Math.sin(x);
      case COS: return Math.cos(x);
      case SOFTPLUS: return Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
      case SIGN: return Math.signum(x);
      case POW: return pow(x, param);
      case LEAKY_RELU: return x > 0 ? x : param * x;
      default: throw new AssertionError(this);
    }
  }

  /** Logistic function, written in the branch that cannot overflow for either sign of x. */
  public static double sigmoid(double x) {
    if (x >= 0) {
      return 1.0 / (1.0 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1.0 + e);
  }

  /** Math.pow, with the integer powers that dominate real use (2, 3, 1, 0.5, -1) made exact and cheap. */
  public static double pow(double x, double p) {
    if (p == 2.0) {
      return x * x;
    } else if (p == 1.0) {
      return x;
    } else if (p == 3.0) {
      return x * x * x;
    } else if (p == 0.5) {
      return Math.sqrt(x);
    } else if (p == -1.0) {
      return 1.0 / x;
    }
    return Math.pow(x, p);
  }
}
