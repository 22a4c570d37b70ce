package io.github.chainrule.nn.optim;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.module.Parameter;
import java.util.List;

/**
 * Updates parameters in place from their gradients, following the single-tensor code path of
 * {@code torch.optim} (PyTorch 1.13) operation for operation, so the same inputs give the same
 * trajectory to rounding.
 *
 * <p>{@link #step()} runs under no-grad and writes into each parameter's {@link Tensor#data()}.
 * Parameters without a gradient (not reached by the last backward pass) are skipped and their
 * state is left as it is, as in PyTorch. Per-parameter state is created on first use.
 */
public abstract class Optimizer {
  private final List<Parameter> params;
  private double lr;
  private long steps;

  protected Optimizer(List<Parameter> params, double lr) {
    checkArgument(!params.isEmpty(), "%s: no parameters to optimise", getClass().getSimpleName());
    checkArgument(lr >= 0 && Double.isFinite(lr), "%s: learning rate must be finite and >= 0, got %s",
        getClass().getSimpleName(), lr);
    this.params = List.copyOf(params);
    this.lr = lr;
  }

  /**
   * One update of every parameter that has a gradient.
   *
   * @throws IllegalStateException if no parameter has one: backward() was not called since the
   *     gradients were last cleared, and the step would silently change nothing
   */
  public final void step() {
    if (params.stream().noneMatch(Parameter::hasGrad)) {
      throw new IllegalStateException(getClass().getSimpleName() + ".step: none of the " + params.size()
          + " parameters has a gradient (" + names() + "); call backward() on the loss before step()");
    }
    steps++;
    try (var scope = Tensor.noGrad()) {
      for (int i = 0; i < params.size(); i++) {
        Parameter p = params.get(i);
        if (p.hasGrad()) {
          update(i, p.data(), p.grad().data());
        }
      }
    }
  }

  /**
   * Updates parameter {@code index} in place.
   *
   * @param param its live values
   * @param grad its gradient (read only)
   */
  protected abstract void update(int index, double[] param, double[] grad);

  /** Forgets every parameter's gradient. */
  public final void zeroGrad() {
    for (Parameter p : params) {
      p.tensor().zeroGrad();
    }
  }

  public final double lr() {
    return lr;
  }

  /** Sets the learning rate used by the next steps (schedules call this). */
  public final void setLr(double lr) {
    checkArgument(lr >= 0 && Double.isFinite(lr), "%s: learning rate must be finite and >= 0, got %s",
        getClass().getSimpleName(), lr);
    this.lr = lr;
  }

  /** Number of {@link #step()} calls so far. */
  public final long steps() {
    return steps;
  }

  public final List<Parameter> parameters() {
    return params;
  }

  /** The parameters' names, the first ten, for messages. */
  private String names() {
    List<String> names = params.stream().limit(10).map(Parameter::name).toList();
    return String.join(", ", names) + (params.size() > 10 ? ", …" : "");
  }

  protected final int parameterCount() {
    return params.size();
  }

  static void checkRange(String opt, String name, double v, double lo, boolean loInclusive, double hi, boolean hiInclusive) {
    boolean ok = (loInclusive ? v >= lo : v > lo) && (hiInclusive ? v <= hi : v < hi);
    checkArgument(ok, "%s: %s must be in %s%s, %s%s, got %s", opt, name, loInclusive ? "[" : "(", lo, hi,
        hiInclusive ? "]" : ")", v);
  }
}
