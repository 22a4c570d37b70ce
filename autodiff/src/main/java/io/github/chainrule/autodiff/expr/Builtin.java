package io.github.chainrule.autodiff.expr;

import io.github.chainrule.autodiff.Op;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.ops.OpTable;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The functions an expression may call: the rows of the {@link OpTable} that have a name in
 * expressions. Each builds exactly the {@link Tensor} op of that row, so a parsed expression and the
 * same model written in Java give the same graph, and an op added to the table is callable here.
 */
public final class Builtin {
  private static final List<Builtin> ALL = OpTable.entries().stream()
      .filter(e -> e.function() != null && e.plain())
      .map(Builtin::new)
      .toList();

  private final OpTable.Entry entry;

  private Builtin(OpTable.Entry entry) {
    this.entry = entry;
  }

  /** Every function, in the table's order. */
  public static List<Builtin> values() {
    return ALL;
  }

  /** The name written in expressions: {@code "relu"}. */
  public String text() {
    return entry.function();
  }

  /** How many arguments it takes. */
  public int arity() {
    return entry.arity();
  }

  /** The op it builds. */
  public Op op() {
    return entry.op();
  }

  Tensor apply(Tensor... args) {
    return entry.apply(args);
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
