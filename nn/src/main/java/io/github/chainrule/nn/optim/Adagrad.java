package io.github.chainrule.nn.optim;

import io.github.chainrule.nn.module.Module;
import io.github.chainrule.nn.module.Parameter;
import java.util.List;
import java.util.Map;

/**
 * Adagrad with the semantics of {@code torch.optim.Adagrad}, at step t (from 1), per element:
 * <pre>
 *   g = g + weightDecay·p
 *   clr = lr / (1 + (t − 1)·lrDecay)
 *   s = s + g²                 (s starts at initialAccumulatorValue)
 *   p = p − clr · g / (sqrt(s) + eps)
 * </pre>
 */
public final class Adagrad extends Optimizer {
  private final double lrDecay;
  private final double initialAccumulator;
  private final double eps;

  private Adagrad(List<ParamGroup> groups, Builder b) {
    super("Adagrad", List.of("sum"), groups, b.lr, b.weightDecay);
    checkRange("Adagrad", "lrDecay", b.lrDecay, 0, true, Double.MAX_VALUE, true);
    checkRange("Adagrad", "initialAccumulatorValue", b.initialAccumulator, 0, true, Double.MAX_VALUE, true);
    checkRange("Adagrad", "eps", b.eps, 0, true, Double.MAX_VALUE, true);
    this.lrDecay = b.lrDecay;
    this.initialAccumulator = b.initialAccumulator;
    this.eps = b.eps;
  }

  @Override
  protected Map<String, Double> settings() {
    return Map.of("lr_decay", lrDecay, "initial_accumulator_value", initialAccumulator, "eps", eps);
  }

  /** PyTorch's defaults: no lr decay, no weight decay, accumulator starting at 0, eps = 1e-10. */
  public static Adagrad of(Module model, double lr) {
    return builder(lr).build(model);
  }

  public static Builder builder(double lr) {
    return new Builder(lr);
  }

  @Override
  protected void update(State state, double[] p, double[] g, double lr, double weightDecay) {
    double[] s = state.buffer(0, p.length, initialAccumulator);
    long step = state.step();
    double clr = lr / (1 + (step - 1) * lrDecay);
    for (int i = 0; i < p.length; i++) {
      double gi = weightDecay != 0 ? g[i] + weightDecay * p[i] : g[i];
      s[i] = s[i] + gi * gi;
      double std = Math.sqrt(s[i]) + eps;
      p[i] = p[i] + -clr * (gi / std);
    }
  }

  /** Options. */
  public static final class Builder {
    private final double lr;
    private double lrDecay;
    private double weightDecay;
    private double initialAccumulator;
    private double eps = 1e-10;

    private Builder(double lr) {
      this.lr = lr;
    }

    public Builder lrDecay(double d) {
      this.lrDecay = d;
      return this;
    }

    public Builder weightDecay(double wd) {
      this.weightDecay = wd;
      return this;
    }

    public Builder initialAccumulatorValue(double v) {
      this.initialAccumulator = v;
      return this;
    }

    public Builder eps(double eps) {
      this.eps = eps;
      return this;
    }

    public Adagrad build(Module model) {
      return build(model.parameters());
    }

    public Adagrad build(List<Parameter> params) {
      return build(ParamGroup.of(params));
    }

    /** An optimiser over groups that may set their own learning rate and weight decay. */
    public Adagrad build(ParamGroup... groups) {
      return new Adagrad(List.of(groups), this);
    }
  }
}
