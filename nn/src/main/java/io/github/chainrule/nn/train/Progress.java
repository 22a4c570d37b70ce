package io.github.chainrule.nn.train;

import io.github.chainrule.autodiff.Format;
import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The progress display of a training run.
 * <ul>
 *   <li>{@link Mode#AUTO} (the default): a progress bar (me.tongfei:progressbar) when standard output
 *       is an interactive terminal and the run is long ({@value #LONG_RUN_STEPS} steps or more);
 *       nothing otherwise, so logs, tests and CI stay clean;</li>
 *   <li>{@link Mode#TEXT}: a plain line per tenth of the run on a given stream, for logs, and at
 *       least every {@value #TEXT_EVERY_SECONDS} seconds, so that a very long run shows it is alive;</li>
 *   <li>{@link Mode#OFF}: nothing.</li>
 * </ul>
 * The bar moves at least every {@value #BAR_EVERY_MILLIS} ms, however small a step is of the whole.
 * The progress bar library is an optional dependency of chainrule-nn: when it is not on the class
 * path, or fails to start (no usable terminal), the display falls back to nothing rather than
 * failing the run.
 */
public final class Progress {
  /** Runs with at least this many steps count as long. */
  public static final int LONG_RUN_STEPS = 2000;
  static final long BAR_EVERY_MILLIS = 200;
  static final long TEXT_EVERY_SECONDS = 30;

  public enum Mode { AUTO, TEXT, OFF }

  private final Mode mode;
  private final PrintStream out;
  private ProgressBar bar;
  private long total;
  private long nextReport;
  private long barStride = 1;
  private final LongSupplier nanoTime;
  private long lastShown;

  private Progress(Mode mode, PrintStream out) {
    this(mode, out, System::nanoTime);
  }

  /** With a clock of its own, for tests. */
  Progress(Mode mode, PrintStream out, LongSupplier nanoTime) {
    this.mode = mode;
    this.out = out;
    this.nanoTime = nanoTime;
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
    lastShown = nanoTime.getAsLong();
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
      // Feeding the bar every step costs more than a small step; a thousandth of a long run can take
      // minutes, though, so it is fed at least every BAR_EVERY_MILLIS too.
      if (done % barStride != 0 && done != total && !waited(TimeUnit.MILLISECONDS.toNanos(BAR_EVERY_MILLIS))) {
        return;
      }
      bar.stepTo(done);
      bar.setExtraMessage("epoch " + (epoch + 1) + " loss " + Format.number(loss));
    } else if (mode == Mode.TEXT
        && (done >= nextReport || done == total || waited(TimeUnit.SECONDS.toNanos(TEXT_EVERY_SECONDS)))) {
      out.println("fit: step " + done + "/" + total + ", epoch " + (epoch + 1) + ", loss " + Format.number(loss));
      if (done >= nextReport) {
        nextReport = done + Math.max(1, total / 10);
      }
      lastShown = nanoTime.getAsLong();
    }
  }

  /** True, and the clock restarted, when {@code nanos} have passed since the display last moved. */
  private boolean waited(long nanos) {
    long now = nanoTime.getAsLong();
    if (now - lastShown < nanos) {
      return false;
    }
    lastShown = now;
    return true;
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
