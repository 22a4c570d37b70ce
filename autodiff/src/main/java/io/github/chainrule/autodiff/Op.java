package io.github.chainrule.autodiff;

/**
 * One differentiable operation: its forward value and its vector-Jacobian product, side by side.
 *
 * <p>The backward engine, the graph exporter and the numerical checks treat every op alike through
 * this class; none of them knows an individual op. To add an op, subclass this (or use the one-line
 * builders in {@link io.github.chainrule.autodiff.ops.Elementwise}) and call {@link
 * Tensor#apply(Op, Tensor...)}.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #forward} reads only its inputs' values and returns a fresh tensor; it never records
 *       a graph and never changes its inputs. It may be called again later to replay the graph.
 *   <li>{@link #backward} is written in differentiable {@link Tensor} operations. With grad mode off
 *       this is plain computation; with it on (a backward pass that records its own graph), the
 *       result can be differentiated again, which is how second derivatives work.
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

  @Override
  public String toString() {
    return label();
  }
}
