package io.github.chainrule.autodiff.expr;

import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The functions an expression may call. Each one builds exactly the {@link Tensor} op of the same
 * name, so a parsed expression and the same model written in Java give the same graph.
 */
public enum Builtin {
  RELU("relu", 1),
  SIGMOID("sigmoid", 1),
  TANH("tanh", 1),
  EXP("exp", 1),
  LOG("log", 1),
  SQRT("sqrt", 1),
  ABS("abs", 1),
  SIN("sin", 1),
  COS("cos", 1),
  SOFTPLUS("softplus", 1),
  /** Elementwise maximum, {@link Tensor#maximum(Tensor)}. */
  MAX("max", 2),
  /** Elementwise minimum, {@link Tensor#minimum(Tensor)}. */
  MIN("min", 2),
  /** The sum of every element, a scalar: {@link Tensor#sum()}. */
  SUM("sum", 1),
  /** The mean of every element, a scalar: {@link Tensor#mean()}. */
  MEAN("mean", 1),
  /** A matrix with its last two axes swapped, {@link Tensor#transpose()}; refuses scalars and vectors. */
  TRANSPOSE("transpose", 1);

  private final String text;
  private final int arity;

  Builtin(String text, int arity) {
    this.text = text;
    this.arity = arity;
  }

  /** The name written in expressions: {@code "relu"}. */
  public String text() {
    return text;
  }

  /** How many arguments it takes. */
  public int arity() {
    return arity;
  }

  Tensor apply(Tensor... args) {
    switch (this) {
      case RELU: return args[0].relu();
      case SIGMOID: return args[0].sigmoid();
      case TANH: return args[0].tanh();
      case EXP: return args[0].exp();
      case LOG: return args[0].log();
      case SQRT: return args[0].sqrt();
      case ABS: return args[0].abs();
      case SIN: return args[0].sin();
      case COS: return args[0].cos();
      case SOFTPLUS: return args[0].softplus();
      case MAX: return args[0].maximum(args[1]);
      case MIN: return args[0].minimum(args[1]);
      case SUM: return args[0].sum();
      case MEAN: return args[0].mean();
      case TRANSPOSE: return transpose(args[0]);
      default: throw new AssertionError(this);
    }
  }

  /**
   * Tensor.transpose returns a scalar or vector as it is, which here would rename the operand after
   * the call; more to the point, a user transposing a vector usually expects a row or a column, and
   * matmul already reads a vector as the one it needs.
   */
  private static Tensor transpose(Tensor x) {
    if (x.rank() < 2) {
      throw new IllegalArgumentException("transpose: shape " + Shape.format(x.shapeRef()) + " (" + x.label()
          + ") has " + (x.rank() == 0 ? "no axes" : "one axis") + "; transpose swaps the last two axes of a matrix"
          + (x.rank() == 1 ? ", and '@' already reads a vector as a row on its left and as a column on its right" : ""));
    }
    return x.transpose();
  }

  /** The function written {@code text} (exact, lower case), if there is one. */
  public static Optional<Builtin> named(String text) {
    for (Builtin b : values()) {
      if (b.text.equals(text)) {
        return Optional.of(b);
      }
    }
    return Optional.empty();
  }

  /** "relu, sigmoid, ..., min": for messages. */
  static String list() {
    return Arrays.stream(values()).map(Builtin::text).collect(Collectors.joining(", "));
  }

  /**
   * The known name nearest to a mistyped one by {@link #editDistance}, if it is near enough to be a likely
   * typo: at most 2 edits, and fewer than half the letters (so "foo" suggests nothing). Case is
   * ignored, so "ReLU" suggests "relu".
   */
  static Optional<Builtin> nearest(String typed) {
    String lower = typed.toLowerCase(Locale.ROOT);
    Builtin best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (Builtin b : values()) {
      int d = Spelling.distance(lower, b.text);
      if (d < bestDistance) {
        best = b;
        bestDistance = d;
      }
    }
    boolean near = bestDistance <= 2 && 2 * bestDistance < Math.max(lower.length(), best.text.length());
    return near ? Optional.of(best) : Optional.empty();
  }
}
