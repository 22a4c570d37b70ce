package io.github.chainrule.app.cli;

import io.github.chainrule.nn.train.Progress;
import io.github.chainrule.app.gallery.Demo;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * One demo's progress as a bar, under the same rule as {@code fit}'s (nn's {@link Progress}): drawn
 * only when standard output is an interactive terminal, so pipes, logs and tests get none. The bar
 * starts at the demo's first report (demos that finish in well under a second report nothing) and
 * is cleared when the demo ends, leaving the summary alone on screen.
 */
final class DemoBar implements Demo.ProgressSink, AutoCloseable {
  private final String name;
  private boolean enabled;
  private ProgressBar bar;

  private DemoBar(String name, boolean enabled) {
    this.name = name;
    this.enabled = enabled;
  }

  /** A bar for the demo {@code name} when standard output is a terminal, else one that draws nothing. */
  static DemoBar forTerminal(String name) {
    return new DemoBar(name, Progress.isTerminal());
  }

  @Override
  public void done(long done, long total) {
    if (!enabled) {
      return;
    }
    if (bar == null) {
      try {
        bar = new ProgressBarBuilder().setTaskName(name).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
            .setUpdateIntervalMillis(250).clearDisplayOnFinish().build();
      } catch (RuntimeException | LinkageError e) {
        // As fit does: a terminal the library cannot drive costs the bar, never the run.
        enabled = false;
        return;
      }
    }
    bar.maxHint(total);
    bar.stepTo(done);
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
