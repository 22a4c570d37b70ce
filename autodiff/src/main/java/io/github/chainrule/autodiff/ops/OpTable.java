package io.github.chainrule.autodiff.ops;

import io.github.chainrule.autodiff.Op;
import io.github.chainrule.autodiff.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The ops users call, one row per way of calling them: the elementwise functions of {@link Functions}
 * and {@link Arithmetic}, then the reductions, shaping, indexing and the matrix product ({@link
 * Reductions}, {@link Shaping}, {@link Indexing}, {@link MatMul}). Each row is declared next to its
 * op, in its own file, so adding an op there adds it here; this table then feeds the expression
 * language's functions ({@code expr.Builtin}), nn's activations and the gradient tests, which check
 * every row to first and second order.
 *
 * <p>A row takes tensors and, besides them, real parameters (pow's exponent, clamp's bounds) or
 * integer ones (an axis, keepDims as 0 or 1, slice bounds, a target shape, indices), never both. An op
 * that is called in several ways, such as {@code sum()} and {@code sum(axis)}, has a row for each.
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

  /** The op for the inputs it will be applied to and its parameters. */
  @FunctionalInterface
  public interface Maker {
    Op make(Tensor[] in, double[] reals, int[] ints);
  }

  /**
   * One set of parameters to test a row with.
   *
   * @param reals its real parameters (empty for a row with integer ones or none)
   * @param ints its integer parameters (empty for a row with real ones or none)
   * @param shapes the shapes of the inputs to test it on, or null for an elementwise row, which the
   *     tests try on every rank from 0 to 3 (two-input rows: on every broadcasting pattern)
   */
  public record Example(double[] reals, int[] ints, int[][] shapes) {

    /** Real parameters for an elementwise row. */
    public static Example of(double... reals) {
      return new Example(reals, new int[0], null);
    }

    /** Integer parameters and the input shapes to use them on. */
    public static Example on(int[] ints, int[]... shapes) {
      return new Example(new double[0], ints, shapes);
    }
  }

  /**
   * One row.
   *
   * @param name the op's name, as {@link Op#name()} gives it
   * @param arity how many tensors it takes, or -1 for any number ({@code concat})
   * @param function its name in expressions ({@code "max"} for maximum), or null when it has an
   *     operator there instead ({@code +}, {@code @}) or is not in the expression language
   * @param domain where its inputs may lie
   * @param ints the names of its integer parameters, in order ({@code "axis"}); a name ending in
   *     {@code ...} takes the rest ({@code "indices..."}); empty for a row without them
   * @param examples parameters to test it with; for an elementwise op without parameters, one
   *     example with none
   * @param defaults the real parameters it takes when a caller gives none, as PyTorch's module for
   *     the op has them (LeakyReLU's negative slope, 0.01): what {@code nn}'s activations use; empty
   *     for a row without real parameters, null for one whose parameters must be given (pow's
   *     exponent)
   * @param make the op for its inputs and parameters
   */
  public record Entry(String name, int arity, String function, Domain domain, List<String> ints,
      List<Example> examples, double[] defaults, Maker make) {

    /** The op for {@code in} and the parameters. */
    public Op op(Tensor[] in, double[] reals, int[] ints) {
      return make.make(in, reals, ints);
    }

    /** The op of an elementwise row for {@code reals} (none for an op without parameters). */
    public Op op(double... reals) {
      return make.make(new Tensor[0], reals, new int[0]);
    }

    /** Applies the op, as the {@link Tensor} method of the same name does. */
    public Tensor apply(Tensor[] args, double[] reals, int[] ints) {
      return Tensor.apply(op(args, reals, ints), args);
    }

    /** Applies the op of an elementwise row with real parameters, or none. */
    public Tensor apply(Tensor[] args, double... reals) {
      return apply(args, reals, new int[0]);
    }

    /** True for an elementwise op: its output has its inputs' broadcast shape, and it has scalar rules. */
    public boolean elementwise() {
      return examples.get(0).shapes() == null;
    }

    /** True if the op takes no parameters. */
    public boolean plain() {
      return ints.isEmpty() && examples.stream().allMatch(e -> e.reals().length == 0);
    }
  }

  /**
   * Read on first use, not when this class loads: the rows' own classes call {@link #row} while they
   * load, and a list copied then would miss the rows not yet declared.
   */
  private static final class All {
    static final List<Entry> ROWS = all();
  }

  private static List<Entry> all() {
    List<Entry> all = new ArrayList<>(Functions.ROWS);
    all.addAll(Arithmetic.ROWS);
    all.addAll(Reductions.ROWS);
    all.addAll(Shaping.ROWS);
    all.addAll(Indexing.ROWS);
    all.addAll(MatMul.ROWS);
    return List.copyOf(all);
  }

  /**
   * Every row: {@link Functions}', {@link Arithmetic}'s, {@link Reductions}', {@link Shaping}'s,
   * {@link Indexing}'s and {@link MatMul}'s, each in the order declared.
   */
  public static List<Entry> entries() {
    return All.ROWS;
  }

  /** The first row of the op called {@code name}, if there is one. */
  public static Optional<Entry> named(String name) {
    return All.ROWS.stream().filter(e -> e.name().equals(name)).findFirst();
  }

  /** Adds a row for an elementwise op without parameters to {@code rows}, and returns the op. */
  static <T extends Unit> T row(List<Entry> rows, T op, String function, Domain domain) {
    rows.add(new Entry(op.name(), op.arity(), function, domain, List.of(), List.of(Example.of()),
        new double[0], (in, reals, ints) -> op));
    return op;
  }

  /**
   * Adds a row for a family of elementwise ops with real parameters, tested with {@code examples}:
   * {@code defaults} are the parameters used when none are given, or null if they must be.
   */
  static void family(List<Entry> rows, String name, int arity, Domain domain, double[] defaults,
      Function<double[], Op> make, double[]... examples) {
    List<Example> list = new ArrayList<>();
    for (double[] e : examples) {
      list.add(Example.of(e));
    }
    rows.add(new Entry(name, arity, null, domain, List.of(), List.copyOf(list), defaults,
        (in, reals, ints) -> make.apply(reals)));
  }

  /**
   * Adds a row for an op that is not elementwise: {@code ints} names its integer parameters, {@code
   * function} its name in expressions (or null), and {@code examples} the parameters and input shapes
   * the tests try.
   */
  static void shaped(List<Entry> rows, String name, int arity, String function, List<String> ints,
      Maker make, Example... examples) {
    rows.add(new Entry(name, arity, function, Domain.ANY, ints, List.of(examples), new double[0], make));
  }

  /** An integer parameter that is a flag: 0 for false, 1 for true. */
  static boolean flag(String op, String name, int value) {
    if (value != 0 && value != 1) {
      throw new IllegalArgumentException(op + ": " + name + " is 0 (false) or 1 (true), got " + value);
    }
    return value == 1;
  }
}
