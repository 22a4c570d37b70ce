package io.github.chainrule.autodiff;

import java.util.List;

/**
 * One differentiable operation, and everything chainrule knows about it: its name and label, its
 * forward value, its vector-Jacobian product in tensor ops, for rank-0 nodes the same two in plain
 * doubles, and the points where it is not differentiable.
 *
 * <p>The backward engine, the graph exporter, the kink finder and the numerical checks treat every
 * op alike through this class; none of them knows an individual op. Elementwise ops are built in
 * one line each with {@link io.github.chainrule.autodiff.ops.Elementwise}, other ops with {@link
 * io.github.chainrule.autodiff.ops.Unit}; {@link io.github.chainrule.autodiff.ops.OpTable} lists
 * the ones users call by name.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #forward} reads only its inputs' values and returns a fresh tensor; it never records
 *       a graph and never changes its inputs. It may be called again later to replay the graph.
 *   <li>{@link #backward} is written in differentiable {@link Tensor} operations. With grad mode off
 *       this is plain computation; with it on (a backward pass that records its own graph), the
 *       result can be differentiated again, which is how second derivatives work.
 *   <li>{@link #scalarForward} and {@link #scalarVjp}, where {@link #hasScalarRules} says they exist,
 *       give bit for bit what {@code forward} and {@code backward} give on rank-0 inputs. The engine
 *       uses them for graphs of scalars, where a tensor per number would cost more than the number.
 * </ul>
 */
public abstract class Op {

  /** Short name shown in graphs and error messages, e.g. {@code "mul"}. */
  public abstract String name();

  /** Name with parameters, e.g. {@code "pow(3)"} or {@code "sum(axis=1)"}. */
  public String label() {
    return name();
  }

  /** Computes the output value from the inputs' values, checking shapes with clear messages. */
  public abstract Tensor forward(Tensor... inputs);

  /**
   * Given dL/d(output), returns dL/d(input i) for each input, each of exactly that input's shape.
   * An entry may be {@code null} where the input does not require a gradient.
   *
   * @param inputs the op's inputs, as recorded
   * @param output the op's output node (its value is often the cheapest way to the derivative)
   * @param gradOutput dL/d(output), of the output's shape
   */
  public abstract Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput);

  /**
   * True if this op, taking one or two inputs, has {@link #scalarForward} and {@link #scalarVjp}:
   * an elementwise op, whose output is rank 0 exactly when its inputs are.
   */
  public boolean hasScalarRules() {
    return false;
  }

  /** The output for rank-0 inputs of values {@code a} and {@code b} ({@code b} unused by one-input ops). */
  public double scalarForward(double a, double b) {
    throw new UnsupportedOperationException(label() + " has no scalar rules");
  }

  /**
   * dL/d(input {@code input}) for rank-0 inputs of values {@code a} and {@code b}, output {@code y}
   * and upstream gradient {@code g}: what {@link #backward} returns, as a double.
   */
  public double scalarVjp(int input, double a, double b, double y, double g) {
    throw new UnsupportedOperationException(label() + " has no scalar rules");
  }

  /**
   * The points among the recorded {@code inputs} where this op is not differentiable, each with its
   * two one-sided slopes, read from the op's own parameters; {@link Kink#used()} is left NaN. Empty
   * for a smooth op (the default).
   */
  public List<Kink> kinks(Tensor[] inputs, Tensor output) {
    return List.of();
  }

  @Override
  public String toString() {
    return label();
  }
}
