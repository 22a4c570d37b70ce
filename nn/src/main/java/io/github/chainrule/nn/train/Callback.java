package io.github.chainrule.nn.train;

/** Hooks called by {@link Trainer} after each step and each epoch. Both default to doing nothing. */
public interface Callback {
  /** After step {@code step} (its update done). */
  default void onStep(StepEnd step) {}

  /** After each epoch (and after its learning-rate schedule step). */
  default void onEpoch(EpochEnd epoch) {}

  /**
   * @param step global step index from 0
   * @param epoch epoch index from 0
   * @param batch batch index within the epoch
   * @param loss this step's loss
   */
  record StepEnd(int step, int epoch, int batch, double loss, Trainer trainer) {
    /** Asks the trainer to stop after this step. */
    public void stop() {
      trainer.requestStop();
    }
  }

  /** @param loss the epoch's loss as {@link History#epochLosses()} defines it */
  record EpochEnd(int epoch, double loss, History history, Trainer trainer) {
    /** Asks the trainer to stop after this epoch. */
    public void stop() {
      trainer.requestStop();
    }
  }
}
