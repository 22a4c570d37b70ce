package io.github.chainrule.viz.render;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Graphviz compiled to WebAssembly, inside this JVM: nothing to install. Thread-safe: renderings
 * run on a few daemon worker threads ({@link #WORKERS}), each with its own {@link WasmGraphviz}
 * instance (each holds 16 MiB or more of wasm memory), so no instance is ever used by two threads.
 * Callers wait for their result up to the time limit, counted from the call; then the worker is
 * interrupted (the compiled module checks for that on every branch and call) and its instance is
 * discarded, as it is after any failure that may have left it inconsistent.
 */
final class EmbeddedEngine implements Engine {
  /** How many renderings run at once; further ones wait in line. */
  static final int WORKERS = Math.max(2, Runtime.getRuntime().availableProcessors());

  // After WORKERS, which the constructor reads.
  static final EmbeddedEngine INSTANCE = new EmbeddedEngine();

  private final ExecutorService workers = Executors.newFixedThreadPool(WORKERS, daemonThreads());
  /** Each worker's instance, created on its first rendering; null again after a fatal failure. */
  private final ThreadLocal<WasmGraphviz> instance = new ThreadLocal<>();
  private volatile String description;

  private EmbeddedEngine() {}

  @Override
  public String description() {
    String d = description;
    if (d == null) {
      d = description = "Graphviz " + run(() -> graphviz().version(), Duration.ofSeconds(60), "starting Graphviz")
          + " (embedded, WebAssembly via Chicory)";
    }
    return d;
  }

  @Override
  public Output render(String dot, Graphviz.Format format, Duration timeout) {
    if (format != Graphviz.Format.SVG) {
      throw new GraphvizException("graphviz: the embedded Graphviz draws SVG only, not " + format.extension()
          + " (the WebAssembly build has no raster back end); for " + format.extension() + " use the system's dot: "
          + "Graphviz.system(), or -D" + Graphviz.DOT_PROPERTY + "=/path/to/dot", "");
    }
    WasmGraphviz.Output out = run(() -> graphviz().render(dot, format.extension()), timeout,
        String.format(Locale.ROOT, "laying out %,d lines of DOT", dot.lines().count()));
    // This build measures text with built-in metrics for ASCII only and says so for every other
    // character (×, …, ·, Greek letters): the label is drawn all the same, its box a little narrower.
    return new Output(out.text().getBytes(StandardCharsets.UTF_8),
        out.warnings().stream().filter(w -> !w.contains("no value for width of non-ASCII character")).toList());
  }

  private interface Job<T> {
    T run();
  }

  /** Runs {@code job} on a worker, discarding the worker's instance when the job failed fatally. */
  private <T> T run(Job<T> job, Duration timeout, String what) {
    Future<T> result = workers.submit(() -> {
      try {
        return job.run();
      } catch (WasmGraphviz.Failure f) {
        if (f.fatal) {
          instance.remove();
        }
        throw f;
      } catch (RuntimeException | Error e) {
        instance.remove();
        throw e;
      }
    });
    try {
      return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      result.cancel(true);
      throw new GraphvizException("graphviz: the embedded Graphviz did not finish " + what + " within "
          + Graphviz.seconds(timeout) + " and was stopped; draw fewer nodes (DotOptions.withMaxNodes, "
          + "DotOptions.withCollapsedChains)", "");
    } catch (InterruptedException e) {
      result.cancel(true);
      Thread.currentThread().interrupt();
      throw new GraphvizException("graphviz: interrupted while " + what, "");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WasmGraphviz.Failure f) {
        String said = String.join("\n", f.messages);
        throw new GraphvizException("graphviz: " + f.getMessage() + (said.isEmpty() ? "" : ": " + said), said);
      }
      throw new GraphvizException("graphviz: the embedded Graphviz failed " + what + ": " + e.getCause(), "");
    }
  }

  private WasmGraphviz graphviz() {
    WasmGraphviz g = instance.get();
    if (g == null) {
      HugeMethods.hintOnce();
      g = new WasmGraphviz();
      instance.set(g);
    }
    return g;
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      // Graphviz recurses deeply on long chains, and the compiled module's Java frames are large.
      Thread t = new Thread(null, r, "chainrule-graphviz-" + n.incrementAndGet(), 64L << 20);
      t.setDaemon(true);
      return t;
    };
  }
}
