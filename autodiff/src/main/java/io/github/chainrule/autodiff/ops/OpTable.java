package io.github.chainrule.autodiff.ops;

import io.github.chainrule.autodiff.Op;
import io.github.chainrule.autodiff.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The ops users call by name, one row each: the elementwise functions of {@link Functions} and
 * {@link Arithmetic}. Each row is declared next to its op, in the same statement, so adding an op
 * there adds it here; this table then feeds the expression language's functions ({@code
 * expr.Builtin}), nn's activations and the gradient test that checks every row.
 */
public final class OpTable {
  private OpTable() {}

  /** Where an op's inputs may lie, for tests that sample them. */
  public enum Domain {
    /** Any real number (kinks aside). */
    ANY,
    /** Positive numbers only (sqrt, log, a negative power; div's divisor). */
    POSITIVE
  }

  /**
   * One row.
   *
   * @param name the op's name, as {@link Op#name()} gives it
   * @param arity how many tensors it takes
   * @param function its name in expressions ({@code "max"} for maximum), or null when it has an
   *     operator there instead ({@code +}) or takes parameters
   * @param domain where its inputs may lie
   * @param examples parameter lists to test it with; one empty list for an op without parameters
   * @param make the op for a parameter list
   */
  public record Entry(String name, int arity, String function, Domain domain, List<double[]> examples,
      Function<double[], Op> make) {

    /** The op for {@code params} (none for an op without parameters). */
    public Op op(double... params) {
      return make.apply(params);
    }

    /** Applies the op, as the {@link Tensor} method of the same name does. */
    public Tensor apply(Tensor[] args, double... params) {
      return Tensor.apply(op(params), args);
    }

    /** True if the op takes no parameters. */
    public boolean plain() {
      return examples.size() == 1 && examples.get(0).length == 0;
    }
  }

  /** Every row: {@link Functions}', then {@link Arithmetic}'s, each in the order declared. */
  public static List<Entry> entries() {
    List<Entry> all = new ArrayList<>(Functions.ROWS);
    all.addAll(Arithmetic.ROWS);
    return List.copyOf(all);
  }

  /** The row of the op called {@code name}, if there is one. */
  public static Optional<Entry> named(String name) {
    return entries().stream().filter(e -> e.name().equals(name)).findFirst();
  }

  /** Adds a row for an op without parameters to {@code rows}, and returns the op. */
  static <T extends Unit> T row(List<Entry> rows, T op, String function, Domain domain) {
    rows.add(new Entry(op.name(), op.arity(), function, domain, List.of(new double[0]), params -> op));
    return op;
  }

  /** Adds a row for a family of ops with parameters, tested with {@code examples}. */
  static void family(List<Entry> rows, String name, int arity, Domain domain, Function<double[], Op> make,
      double[]... examples) {
    rows.add(new Entry(name, arity, null, domain, List.of(examples), make));
  }
}
