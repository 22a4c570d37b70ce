package io.github.chainrule.nn.optim;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import io.github.chainrule.nn.module.Module;
import io.github.chainrule.nn.module.Parameter;
import java.util.List;

/**
 * Parameters that share a learning rate and a weight decay, as one entry of {@code torch.optim}'s
 * {@code param_groups}. A group that sets neither takes the optimiser's own; every other setting
 * (momentum, betas, eps) is the optimiser's.
 *
 * <pre>{@code
 * Sgd opt = Sgd.builder(0.1).momentum(0.9).build(
 *     ParamGroup.of(net, "hidden"), ParamGroup.of(net, "output").lr(0.01).weightDecay(1e-4));
 * }</pre>
 *
 * Parameters are taken from the model as a whole, so they carry their full names
 * ({@code hidden.weight}): the optimiser's state is saved and loaded by those names.
 */
public final class ParamGroup {
  private final List<Parameter> params;
  private final double lr;
  private final double weightDecay;

  private ParamGroup(List<Parameter> params, double lr, double weightDecay) {
    this.params = List.copyOf(checkNotNull(params, "ParamGroup: params is null"));
    this.lr = lr;
    this.weightDecay = weightDecay;
  }

  public static ParamGroup of(List<Parameter> params) {
    return new ParamGroup(params, Double.NaN, Double.NaN);
  }

  /** Every parameter of {@code model}. */
  public static ParamGroup of(Module model) {
    return of(model.parameters());
  }

  /** The parameters of {@code model} inside its child {@code child}: those named {@code child.…}. */
  public static ParamGroup of(Module model, String child) {
    List<Parameter> inside = model.parameters().stream().filter(p -> p.name().startsWith(child + ".")).toList();
    checkArgument(!inside.isEmpty(), "ParamGroup: %s has no parameters under '%s' (its parameters are %s)",
        model.getClass().getSimpleName(), child, model.parameterNames());
    return of(inside);
  }

  /** This group with its own learning rate. */
  public ParamGroup lr(double lr) {
    checkArgument(lr >= 0 && Double.isFinite(lr), "ParamGroup: learning rate must be finite and >= 0, got %s", lr);
    return new ParamGroup(params, lr, weightDecay);
  }

  /** This group with its own weight decay (the optimiser's kind: L2 in the gradient, or decoupled for AdamW). */
  public ParamGroup weightDecay(double weightDecay) {
    checkArgument(weightDecay >= 0 && Double.isFinite(weightDecay),
        "ParamGroup: weight decay must be finite and >= 0, got %s", weightDecay);
    return new ParamGroup(params, lr, weightDecay);
  }

  public List<Parameter> parameters() {
    return params;
  }

  /** The group's own learning rate, or NaN for the optimiser's. */
  double ownLr() {
    return lr;
  }

  /** The group's own weight decay, or NaN for the optimiser's. */
  double ownWeightDecay() {
    return weightDecay;
  }
}
