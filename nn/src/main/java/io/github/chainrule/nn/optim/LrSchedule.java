package io.github.chainrule.nn.optim;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * A learning-rate schedule over epochs, in PyTorch's closed forms, applied to each parameter group
 * from the learning rate the group had when the schedule was made (lr₀ below). The schedule sets the
 * learning rates for epoch 0 when created; each {@link #step()} (once per epoch,
 * after the epoch's updates, as with {@code scheduler.step()}) moves to the next epoch.
 * <ul>
 *   <li>step: lr₀·γ^⌊e / stepSize⌋ (StepLR)</li>
 *   <li>exponential: lr₀·γ^e (ExponentialLR)</li>
 *   <li>cosine: ηmin + (lr₀ − ηmin)·(1 + cos(π·e / T))/2 (CosineAnnealingLR's closed form; PyTorch's
 *       recursive update agrees with it to rounding for e ≤ T)</li>
 * </ul>
 */
public final class LrSchedule {
  /** The learning rate at an epoch for a group whose learning rate was {@code base} when the schedule was made. */
  private interface Rule {
    double lr(double base, int epoch);
  }

  private final Optimizer optimizer;
  private final Rule rule;
  /** Each group's learning rate when the schedule was made, as torch's initial_lr. */
  private final double[] bases;
  private final String name;
  private int epoch;

  private LrSchedule(Optimizer optimizer, String name, Rule rule) {
    this.optimizer = optimizer;
    this.name = name;
    this.rule = rule;
    this.bases = new double[optimizer.groupCount()];
    for (int g = 0; g < bases.length; g++) {
      bases[g] = optimizer.lr(g);
    }
    apply();
  }

  public static LrSchedule step(Optimizer opt, int stepSize, double gamma) {
    checkArgument(stepSize > 0, "step schedule: stepSize must be positive, got %s", stepSize);
    return new LrSchedule(opt, "step(" + stepSize + ", " + gamma + ")", (base, e) -> base * Math.pow(gamma, e / stepSize));
  }

  public static LrSchedule exponential(Optimizer opt, double gamma) {
    return new LrSchedule(opt, "exponential(" + gamma + ")", (base, e) -> base * Math.pow(gamma, e));
  }

  public static LrSchedule cosine(Optimizer opt, int tMax, double etaMin) {
    checkArgument(tMax > 0, "cosine schedule: tMax must be positive, got %s", tMax);
    return new LrSchedule(opt, "cosine(" + tMax + ", " + etaMin + ")",
        (base, e) -> etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * e / tMax)) / 2);
  }

  /** Moves to the next epoch and sets each group's learning rate for it. */
  public void step() {
    epoch++;
    apply();
  }

  /** Moves to epoch {@code e} (0-based), as after {@code e} calls of {@link #step()}: for resuming a run. */
  public void seek(int e) {
    checkArgument(e >= 0, "schedule %s: epoch must be >= 0, got %s", name, e);
    epoch = e;
    apply();
  }

  private void apply() {
    for (int g = 0; g < bases.length; g++) {
      optimizer.setLr(g, rule.lr(bases[g], epoch));
    }
  }

  /** The learning rate of the first group for epoch {@code e} (0-based). */
  public double lrAt(int e) {
    return rule.lr(bases[0], e);
  }

  public int epoch() {
    return epoch;
  }

  @Override
  public String toString() {
    return name;
  }
}
