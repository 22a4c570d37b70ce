package io.github.chainrule.autodiff.expr;

import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.ops.OpTable;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The functions an expression may call: the rows of the {@link OpTable} that have a name in
 * expressions, then the reductions and the transpose. Each builds exactly the {@link Tensor} op of
 * the same name, so a parsed expression and the same model written in Java give the same graph, and
 * an elementwise op added to the table is callable here.
 */
public final class Builtin {
  private static final List<Builtin> ALL = Stream.concat(
      OpTable.entries().stream()
          .filter(e -> e.function() != null && e.plain())
          .map(e -> new Builtin(e.function(), e.arity(), e::apply)),
      // Not elementwise, so not rows of the op table: the whole-tensor reductions and the transpose.
      Stream.of(
          new Builtin("sum", 1, args -> args[0].sum()),
          new Builtin("mean", 1, args -> args[0].mean()),
          new Builtin("transpose", 1, args -> transpose(args[0]))))
      .toList();

  private final String text;
  private final int arity;
  private final Function<Tensor[], Tensor> build;

  private Builtin(String text, int arity, Function<Tensor[], Tensor> build) {
    this.text = text;
    this.arity = arity;
    this.build = build;
  }

  /** Every function: the op table's, in its order, then sum, mean and transpose. */
  public static List<Builtin> values() {
    return ALL;
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
    return build.apply(args);
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
    for (Builtin b : ALL) {
      if (b.text().equals(text)) {
        return Optional.of(b);
      }
    }
    return Optional.empty();
  }

  /** "relu, sigmoid, ..., min": for messages. */
  static String list() {
    return ALL.stream().map(Builtin::text).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return text();
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
    for (Builtin b : ALL) {
      int d = Spelling.distance(lower, b.text());
      if (d < bestDistance) {
        best = b;
        bestDistance = d;
      }
    }
    boolean near = bestDistance <= 2 && 2 * bestDistance < Math.max(lower.length(), best.text().length());
    return near ? Optional.of(best) : Optional.empty();
  }
}
