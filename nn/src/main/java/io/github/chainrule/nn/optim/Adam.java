package io.github.chainrule.nn.optim;

import io.github.chainrule.nn.module.Module;
import io.github.chainrule.nn.module.Parameter;
import java.util.List;
import java.util.Map;

/**
 * Adam and AdamW with the semantics of {@code torch.optim.Adam} and {@code torch.optim.AdamW}.
 * At step t (from 1), per element:
 * <pre>
 *   Adam:  g = g + weightDecay·p            (L2 penalty in the gradient)
 *   AdamW: p = p·(1 − lr·weightDecay)        (decoupled decay, before the update)
 *   m = β1·m + (1 − β1)·g
 *   v = β2·v + (1 − β2)·g²
 *   vmax = max(vmax, v)   and use vmax for v   (amsgrad)
 *   p = p − (lr / (1 − β1^t)) · m / (sqrt(v) / sqrt(1 − β2^t) + eps)
 * </pre>
 * With bias correction switched off (not a PyTorch option: the original paper's correction
 * removed, to show what it does) both factors 1 − β^t are replaced by 1.
 */
public final class Adam extends Optimizer {
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final boolean decoupled;
  private final boolean amsgrad;
  private final boolean biasCorrection;

  private Adam(List<ParamGroup> groups, Builder b) {
    super(b.name(), List.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq"), groups, b.lr, b.weightDecay);
    checkRange(b.name(), "beta1", b.beta1, 0, true, 1, false);
    checkRange(b.name(), "beta2", b.beta2, 0, true, 1, false);
    checkRange(b.name(), "eps", b.eps, 0, true, Double.MAX_VALUE, true);
    this.beta1 = b.beta1;
    this.beta2 = b.beta2;
    this.eps = b.eps;
    this.decoupled = b.decoupled;
    this.amsgrad = b.amsgrad;
    this.biasCorrection = b.biasCorrection;
  }

  @Override
  protected Map<String, Double> settings() {
    return Map.of("beta1", beta1, "beta2", beta2, "eps", eps, "amsgrad", amsgrad ? 1.0 : 0.0,
        "bias_correction", biasCorrection ? 1.0 : 0.0);
  }

  /** Adam with PyTorch's defaults: β = (0.9, 0.999), eps = 1e-8, no weight decay. */
  public static Adam of(Module model, double lr) {
    return builder(lr).build(model);
  }

  public static Builder builder(double lr) {
    return new Builder(lr, false);
  }

  /** AdamW with PyTorch's defaults: β = (0.9, 0.999), eps = 1e-8, weight decay 0.01. */
  public static Builder adamW(double lr) {
    return new Builder(lr, true).weightDecay(0.01);
  }

  @Override
  protected void update(State state, double[] p, double[] g, double lr, double weightDecay) {
    double[] mi = state.buffer(0, p.length, 0);
    double[] vi = state.buffer(1, p.length, 0);
    double[] vm = amsgrad ? state.buffer(2, p.length, 0) : null;
    long step = state.step();
    double bc1 = biasCorrection ? 1 - Math.pow(beta1, step) : 1.0;
    double bc2 = biasCorrection ? 1 - Math.pow(beta2, step) : 1.0;
    double stepSize = lr / bc1;
    double bc2Sqrt = Math.sqrt(bc2);
    for (int i = 0; i < p.length; i++) {
      double gi = g[i];
      if (decoupled) {
        p[i] = p[i] * (1 - lr * weightDecay);
      } else if (weightDecay != 0) {
        gi = gi + weightDecay * p[i];
      }
      mi[i] = mi[i] * beta1 + (1 - beta1) * gi;
      vi[i] = vi[i] * beta2 + (1 - beta2) * (gi * gi);
      double second = vi[i];
      if (amsgrad) {
        vm[i] = Math.max(vm[i], vi[i]);
        second = vm[i];
      }
      double denom = Math.sqrt(second) / bc2Sqrt + eps;
      p[i] = p[i] + -stepSize * (mi[i] / denom);
    }
  }

  /** Options. */
  public static final class Builder {
    private final double lr;
    private final boolean decoupled;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double eps = 1e-8;
    private double weightDecay;
    private boolean amsgrad;
    private boolean biasCorrection = true;

    private Builder(double lr, boolean decoupled) {
      this.lr = lr;
      this.decoupled = decoupled;
    }

    private String name() {
      return decoupled ? "AdamW" : "Adam";
    }

    public Builder betas(double beta1, double beta2) {
      this.beta1 = beta1;
      this.beta2 = beta2;
      return this;
    }

    public Builder eps(double eps) {
      this.eps = eps;
      return this;
    }

    /** Adam: L2 penalty added to the gradient. AdamW: decoupled decay of the weights. */
    public Builder weightDecay(double wd) {
      this.weightDecay = wd;
      return this;
    }

    public Builder amsgrad(boolean amsgrad) {
      this.amsgrad = amsgrad;
      return this;
    }

    /** On by default; off replaces 1 − β1^t and 1 − β2^t by 1. */
    public Builder biasCorrection(boolean on) {
      this.biasCorrection = on;
      return this;
    }

    public Adam build(Module model) {
      return build(model.parameters());
    }

    public Adam build(List<Parameter> params) {
      return build(ParamGroup.of(params));
    }

    /** An optimiser over groups that may set their own learning rate and weight decay. */
    public Adam build(ParamGroup... groups) {
      return new Adam(List.of(groups), this);
    }
  }
}
