package io.github.chainrule.nn.train;

/**
 * Training stopped because the loss or a gradient became NaN or infinite. Carries where it
 * happened and the {@link History} of every completed step.
 */
public final class TrainingDivergedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final int step;
  private final int epoch;
  private final String culprit;
  private final transient History history;

  TrainingDivergedException(String message, int step, int epoch, String culprit, History history) {
    super(message);
    this.step = step;
    this.epoch = epoch;
    this.culprit = culprit;
    this.history = history;
  }

  /** The global step (from 0) whose loss or gradient was not finite; no update was made in it. */
  public int step() {
    return step;
  }

  public int epoch() {
    return epoch;
  }

  /** The name (or label) of the first parameter or node found non-finite. */
  public String culprit() {
    return culprit;
  }

  /** Every step completed before the failing one. */
  public History history() {
    return history;
  }
}
