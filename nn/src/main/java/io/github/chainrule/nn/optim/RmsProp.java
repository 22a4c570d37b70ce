package io.github.chainrule.nn.optim;

import io.github.chainrule.nn.module.Module;
import io.github.chainrule.nn.module.Parameter;
import java.util.List;
import java.util.Map;

/**
 * RMSprop with the semantics of {@code torch.optim.RMSprop}, per element:
 * <pre>
 *   g = g + weightDecay·p
 *   s = α·s + (1 − α)·g²
 *   centered: a = α·a + (1 − α)·g;  d = sqrt(s − a²) + eps     else d = sqrt(s) + eps
 *   momentum > 0: buf = momentum·buf + g/d;  p = p − lr·buf     else p = p − lr·g/d
 * </pre>
 * eps is added outside the square root, as PyTorch does (TensorFlow adds it inside).
 */
public final class RmsProp extends Optimizer {
  private final double alpha;
  private final double eps;
  private final double momentum;
  private final boolean centered;

  private RmsProp(List<ParamGroup> groups, Builder b) {
    super("RMSprop", List.of("square_avg", "grad_avg", "momentum_buffer"), groups, b.lr, b.weightDecay);
    checkRange("RMSprop", "alpha", b.alpha, 0, true, 1, true);
    checkRange("RMSprop", "eps", b.eps, 0, true, Double.MAX_VALUE, true);
    checkRange("RMSprop", "momentum", b.momentum, 0, true, Double.MAX_VALUE, true);
    this.alpha = b.alpha;
    this.eps = b.eps;
    this.momentum = b.momentum;
    this.centered = b.centered;
  }

  @Override
  protected Map<String, Double> settings() {
    return Map.of("alpha", alpha, "eps", eps, "momentum", momentum, "centered", centered ? 1.0 : 0.0);
  }

  /** PyTorch's defaults: α = 0.99, eps = 1e-8, no momentum, not centered. */
  public static RmsProp of(Module model, double lr) {
    return builder(lr).build(model);
  }

  public static Builder builder(double lr) {
    return new Builder(lr);
  }

  @Override
  protected void update(State state, double[] p, double[] g, double lr, double weightDecay) {
    double[] s = state.buffer(0, p.length, 0);
    double[] a = centered ? state.buffer(1, p.length, 0) : null;
    double[] b = momentum > 0 ? state.buffer(2, p.length, 0) : null;
    for (int i = 0; i < p.length; i++) {
      double gi = weightDecay != 0 ? g[i] + weightDecay * p[i] : g[i];
      s[i] = s[i] * alpha + (1 - alpha) * (gi * gi);
      double d;
      if (centered) {
        a[i] = a[i] * alpha + (1 - alpha) * gi;
        d = Math.sqrt(s[i] + -1 * (a[i] * a[i])) + eps;
      } else {
        d = Math.sqrt(s[i]) + eps;
      }
      if (momentum > 0) {
        b[i] = b[i] * momentum + gi / d;
        p[i] = p[i] + -lr * b[i];
      } else {
        p[i] = p[i] + -lr * (gi / d);
      }
    }
  }

  /** Options. */
  public static final class Builder {
    private final double lr;
    private double alpha = 0.99;
    private double eps = 1e-8;
    private double weightDecay;
    private double momentum;
    private boolean centered;

    private Builder(double lr) {
      this.lr = lr;
    }

    /** Smoothing constant of the running average of g². */
    public Builder alpha(double alpha) {
      this.alpha = alpha;
      return this;
    }

    public Builder eps(double eps) {
      this.eps = eps;
      return this;
    }

    public Builder weightDecay(double wd) {
      this.weightDecay = wd;
      return this;
    }

    public Builder momentum(double momentum) {
      this.momentum = momentum;
      return this;
    }

    /** Normalise by an estimate of the gradient's variance instead of its second moment. */
    public Builder centered(boolean centered) {
      this.centered = centered;
      return this;
    }

    public RmsProp build(Module model) {
      return build(model.parameters());
    }

    public RmsProp build(List<Parameter> params) {
      return build(ParamGroup.of(params));
    }

    /** An optimiser over groups that may set their own learning rate and weight decay. */
    public RmsProp build(ParamGroup... groups) {
      return new RmsProp(List.of(groups), this);
    }
  }
}
