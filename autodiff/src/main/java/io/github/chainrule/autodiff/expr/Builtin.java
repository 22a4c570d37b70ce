package io.github.chainrule.autodiff.expr;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.ops.OpTable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The functions an expression may call: the rows of the {@link OpTable} that have a name in
 * expressions, in the table's order, and nothing else. Each builds exactly the op of its row, so a
 * parsed expression and the same model written in Java give the same graph, and an op added to the
 * table with a function name is callable here.
 *
 * <p>A row with integer parameters, such as {@code sum} along an axis, takes them after its tensors
 * as whole numbers written in the text: {@code sum(x, 0)}, {@code mean(W, -1)}. A name may have
 * several rows that differ in how many arguments they take ({@code sum(x)} and {@code sum(x, axis)});
 * each is one {@code Builtin}.
 */
public final class Builtin {
  private static final List<Builtin> ALL = OpTable.entries().stream()
      .filter(e -> e.function() != null)
      .map(Builtin::new)
      .toList();

  private final OpTable.Entry row;

  private Builtin(OpTable.Entry row) {
    this.row = row;
  }

  /** Every function, in the op table's order. */
  public static List<Builtin> values() {
    return ALL;
  }

  /** The name written in expressions: {@code "relu"}. */
  public String text() {
    return row.function();
  }

  /** How many arguments it takes: its tensors, then its integer parameters. */
  public int arity() {
    return row.arity() + row.ints().size();
  }

  /** How many of its arguments are tensors, the first ones. */
  public int tensors() {
    return row.arity();
  }

  /** The names of the integer parameters that follow its tensors ({@code "axis"}), if any. */
  public List<String> ints() {
    return row.ints();
  }

  /** How a call is written: {@code relu(x)}, {@code max(a, b)}, {@code sum(x, axis)}. */
  public String signature() {
    List<String> args = new java.util.ArrayList<>(tensors() == 1 ? List.of("x") : List.of("a", "b"));
    args.addAll(ints());
    return text() + "(" + String.join(", ", args) + ")";
  }

  Tensor apply(Tensor[] tensors, int[] ints) {
    return row.apply(tensors, new double[0], ints);
  }

  /** The first function written {@code text} (exact, lower case), if there is one. */
  public static Optional<Builtin> named(String text) {
    return ALL.stream().filter(b -> b.text().equals(text)).findFirst();
  }

  /** The function written {@code text} that takes {@code arguments} arguments, if there is one. */
  public static Optional<Builtin> named(String text, int arguments) {
    return ALL.stream().filter(b -> b.text().equals(text) && b.arity() == arguments).findFirst();
  }

  /** Every function written {@code text}, fewest arguments first as the table declares them. */
  static List<Builtin> overloads(String text) {
    return ALL.stream().filter(b -> b.text().equals(text)).toList();
  }

  /** "relu, sigmoid, ..., transpose": each name once, for messages. */
  static String list() {
    Set<String> names = new LinkedHashSet<>();
    ALL.forEach(b -> names.add(b.text()));
    return String.join(", ", names);
  }

  @Override
  public String toString() {
    return signature();
  }

  /**
   * The known name nearest to a mistyped one by {@link Spelling#distance}, if it is near enough to be a likely
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

  /** "sum(x) or sum(x, axis)": every way to call {@code text}, for messages. */
  static String signatures(String text) {
    return overloads(text).stream().map(Builtin::signature).collect(Collectors.joining(" or "));
  }
}
