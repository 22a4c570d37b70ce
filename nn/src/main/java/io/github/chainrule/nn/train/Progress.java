package io.github.chainrule.nn.train;

import io.github.chainrule.autodiff.Format;
import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The progress display of a training run.
 * <ul>
 *   <li>{@link Mode#AUTO} (the default): a progress bar (me.tongfei:progressbar) when standard output
 *       is an interactive terminal and the run is long ({@value #LONG_RUN_STEPS} steps or more);
 *       nothing otherwise, so logs, tests and CI stay clean;</li>
 *   <li>{@link Mode#TEXT}: a plain line per tenth of the run on a given stream, for logs;</li>
 *   <li>{@link Mode#OFF}: nothing.</li>
 * </ul>
 * The progress bar library is an optional dependency of chainrule-nn: when it is not on the class
 * path, or fails to start (no usable terminal), the display falls back to nothing rather than
 * failing the run.
 */
public final class Progress {
  /** Runs with at least this many steps count as long. */
  public static final int LONG_RUN_STEPS = 2000;

  public enum Mode { AUTO, TEXT, OFF }

  private final Mode mode;
  private final PrintStream out;
  private ProgressBar bar;
  private long total;
  private long nextReport;
  private long barStride = 1;

  private Progress(Mode mode, PrintStream out) {
    this.mode = mode;
    this.out = out;
  }

  public static Progress auto() {
    return new Progress(Mode.AUTO, System.out);
  }

  public static Progress off() {
    return new Progress(Mode.OFF, null);
  }

  /** Plain text lines on {@code out}. */
  public static Progress text(PrintStream out) {
    return new Progress(Mode.TEXT, out);
  }

  void start(long totalSteps) {
    total = totalSteps;
    nextReport = Math.max(1, totalSteps / 10);
    barStride = Math.max(1, totalSteps / 1000);
    if (mode == Mode.AUTO && totalSteps >= LONG_RUN_STEPS && isTerminal()) {
      try {
        bar = new ProgressBarBuilder().setTaskName("fit").setInitialMax(totalSteps)
            .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).build();
      } catch (RuntimeException | LinkageError e) {
        bar = null;
      }
    }
  }

  void step(long done, int epoch, double loss) {
    if (bar != null) {
      // The bar redraws 4 times a second anyway; feeding it every step costs more than a small step.
      if (done % barStride != 0 && done != total) {
        return;
      }
      bar.stepTo(done);
      bar.setExtraMessage("epoch " + (epoch + 1) + " loss " + Format.number(loss));
    } else if (mode == Mode.TEXT && (done >= nextReport || done == total)) {
      out.println("fit: step " + done + "/" + total + ", epoch " + (epoch + 1) + ", loss " + Format.number(loss));
      nextReport = done + Math.max(1, total / 10);
    }
  }

  void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }

  /**
   * True when standard output is an interactive terminal. Before JDK 22 a console exists only
   * then; from JDK 22 on {@code System.console()} may exist for redirected output too, and {@code
   * Console.isTerminal()} (looked up reflectively, since the baseline is 17) tells.
   */
  public static boolean isTerminal() {
    Console c = System.console();
    if (c == null) {
      return false;
    }
    try {
      Method m = Console.class.getMethod("isTerminal");
      return (Boolean) m.invoke(c);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }
}
