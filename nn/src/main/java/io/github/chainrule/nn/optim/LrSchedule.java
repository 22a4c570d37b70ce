package io.github.chainrule.nn.optim;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.function.IntToDoubleFunction;

/**
 * A learning-rate schedule over epochs, in PyTorch's closed forms. The schedule sets the
 * optimiser's learning rate to {@code lr(0)} when created; each {@link #step()} (once per epoch,
 * after the epoch's updates, as with {@code scheduler.step()}) moves to the next epoch.
 * <ul>
 *   <li>step: lr₀·γ^⌊e / stepSize⌋ (StepLR)</li>
 *   <li>exponential: lr₀·γ^e (ExponentialLR)</li>
 *   <li>cosine: ηmin + (lr₀ − ηmin)·(1 + cos(π·e / T))/2 (CosineAnnealingLR's closed form; PyTorch's
 *       recursive update agrees with it to rounding for e ≤ T)</li>
 * </ul>
 */
public final class LrSchedule {
  private final Optimizer optimizer;
  private final IntToDoubleFunction lrAtEpoch;
  private final String name;
  private int epoch;

  private LrSchedule(Optimizer optimizer, String name, IntToDoubleFunction lrAtEpoch) {
    this.optimizer = optimizer;
    this.name = name;
    this.lrAtEpoch = lrAtEpoch;
    optimizer.setLr(lrAtEpoch.applyAsDouble(0));
  }

  public static LrSchedule step(Optimizer opt, int stepSize, double gamma) {
    checkArgument(stepSize > 0, "step schedule: stepSize must be positive, got %s", stepSize);
    double base = opt.lr();
    return new LrSchedule(opt, "step(" + stepSize + ", " + gamma + ")", e -> base * Math.pow(gamma, e / stepSize));
  }

  public static LrSchedule exponential(Optimizer opt, double gamma) {
    double base = opt.lr();
    return new LrSchedule(opt, "exponential(" + gamma + ")", e -> base * Math.pow(gamma, e));
  }

  public static LrSchedule cosine(Optimizer opt, int tMax, double etaMin) {
    checkArgument(tMax > 0, "cosine schedule: tMax must be positive, got %s", tMax);
    double base = opt.lr();
    return new LrSchedule(opt, "cosine(" + tMax + ", " + etaMin + ")",
        e -> etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * e / tMax)) / 2);
  }

  /** Moves to the next epoch and sets the optimiser's learning rate for it. */
  public void step() {
    epoch++;
    optimizer.setLr(lrAtEpoch.applyAsDouble(epoch));
  }

  /** The learning rate for epoch {@code e} (0-based). */
  public double lrAt(int e) {
    return lrAtEpoch.applyAsDouble(e);
  }

  public int epoch() {
    return epoch;
  }

  @Override
  public String toString() {
    return name;
  }
}
