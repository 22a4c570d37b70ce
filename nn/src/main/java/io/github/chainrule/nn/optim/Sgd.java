package io.github.chainrule.nn.optim;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.chainrule.nn.module.Module;
import io.github.chainrule.nn.module.Parameter;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with the semantics of {@code torch.optim.SGD}:
 * <pre>
 *   d = g + weightDecay·p
 *   if momentum ≠ 0:
 *     buf = d                                   at the first step
 *     buf = momentum·buf + (1 − dampening)·d    afterwards
 *     d = nesterov ? d + momentum·buf : buf
 *   p = p − lr·d
 * </pre>
 * Note PyTorch's convention: the first step copies the gradient into the buffer without dampening,
 * and the learning rate multiplies the buffer (not the gradient inside it).
 */
public final class Sgd extends Optimizer {
  private final double momentum;
  private final double dampening;
  private final boolean nesterov;

  private Sgd(List<ParamGroup> groups, double lr, double momentum, double dampening, boolean nesterov,
      double weightDecay) {
    super("SGD", List.of("momentum_buffer"), groups, lr, weightDecay);
    checkRange("SGD", "momentum", momentum, 0, true, Double.MAX_VALUE, true);
    checkArgument(!nesterov || (momentum > 0 && dampening == 0),
        "SGD: nesterov needs momentum > 0 and dampening = 0 (got momentum %s, dampening %s)", momentum, dampening);
    this.momentum = momentum;
    this.dampening = dampening;
    this.nesterov = nesterov;
  }

  @Override
  protected Map<String, Double> settings() {
    return Map.of("momentum", momentum, "dampening", dampening, "nesterov", nesterov ? 1.0 : 0.0);
  }

  /** Plain SGD: p = p − lr·g. */
  public static Sgd of(Module model, double lr) {
    return builder(lr).build(model);
  }

  public static Builder builder(double lr) {
    return new Builder(lr);
  }

  @Override
  protected void update(State state, double[] p, double[] g, double lr, double weightDecay) {
    // As torch: the buffer's absence, not the step count, marks the first step.
    boolean first = !state.has(0);
    double[] buf = momentum != 0 ? state.buffer(0, p.length, 0) : null;
    for (int i = 0; i < p.length; i++) {
      double d = weightDecay != 0 ? g[i] + weightDecay * p[i] : g[i];
      if (momentum != 0) {
        buf[i] = first ? d : buf[i] * momentum + (1 - dampening) * d;
        d = nesterov ? d + momentum * buf[i] : buf[i];
      }
      p[i] = p[i] + -lr * d;
    }
  }

  /** Options, with PyTorch's defaults (all zero/false). */
  public static final class Builder {
    private final double lr;
    private double momentum;
    private double dampening;
    private boolean nesterov;
    private double weightDecay;

    private Builder(double lr) {
      this.lr = lr;
    }

    public Builder momentum(double m) {
      this.momentum = m;
      return this;
    }

    public Builder dampening(double d) {
      this.dampening = d;
      return this;
    }

    public Builder nesterov(boolean n) {
      this.nesterov = n;
      return this;
    }

    /** L2 penalty added to the gradient: g + weightDecay·p. */
    public Builder weightDecay(double wd) {
      this.weightDecay = wd;
      return this;
    }

    public Sgd build(Module model) {
      return build(model.parameters());
    }

    public Sgd build(List<Parameter> params) {
      return build(ParamGroup.of(params));
    }

    /** An optimiser over groups that may set their own learning rate and weight decay. */
    public Sgd build(ParamGroup... groups) {
      return new Sgd(List.of(groups), lr, momentum, dampening, nesterov, weightDecay);
    }
  }
}
