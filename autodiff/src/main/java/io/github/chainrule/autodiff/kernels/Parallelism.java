package io.github.chainrule.autodiff.kernels;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How many threads the kernels may use, and the pool they run on. Only large GEMMs use more than
 * the calling thread: below {@link #GEMM_PARALLEL_MIN_WORK} multiply-adds, handing work to another
 * thread costs more than it saves (a wake-up and join is some 10–30 µs here, the time of a
 * single-threaded 100×100×100 product).
 *
 * <p>The count comes from the system property {@code chainrule.threads} at start-up, defaulting to
 * the available cores, and can be changed at run time with {@link #setThreads(int)} (benchmarks do
 * this to compare 1 and 2 threads in one JVM).
 */
public final class Parallelism {
  /** m·n·k at or above which a GEMM is split across threads. */
  public static final long GEMM_PARALLEL_MIN_WORK = 1L << 20;

  private static volatile int threads = initialThreads();
  private static ExecutorService pool;
  private static int poolSize;

  private Parallelism() {}

  private static int initialThreads() {
    int cores = Runtime.getRuntime().availableProcessors();
    String configured = System.getProperty("chainrule.threads", "");
    if (configured.isEmpty()) {
      return cores;
    }
    try {
      int t = Integer.parseInt(configured.trim());
      if (t >= 1) {
        return t;
      }
    } catch (NumberFormatException e) {
      // Reported below, as for a non-positive count.
    }
    System.err.println("chainrule: ignoring -Dchainrule.threads=" + configured
        + " (needs a whole number >= 1); using " + cores);
    return cores;
  }

  /** The number of threads large kernels split their work over (the calling thread included). */
  public static int threads() {
    return threads;
  }

  /**
   * Sets the thread count for all later kernel calls.
   *
   * @throws IllegalArgumentException if {@code n < 1}
   */
  public static void setThreads(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("setThreads: " + n + " threads; need at least 1");
    }
    threads = n;
  }

  /**
   * Runs {@code task.run(0) … task.run(parts - 1)}, part 0 on the calling thread and the others on
   * the pool, and returns when all are done. A failure in any part is rethrown here.
   */
  static void run(int parts, Part task) {
    if (parts <= 1) {
      task.run(0);
      return;
    }
    ExecutorService executor = pool(parts - 1);
    @SuppressWarnings("unchecked")
    Future<?>[] futures = new Future<?>[parts - 1];
    for (int i = 1; i < parts; i++) {
      int part = i;
      futures[i - 1] = executor.submit(() -> task.run(part));
    }
    RuntimeException failure = null;
    try {
      task.run(0);
    } catch (RuntimeException e) {
      failure = e;
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (failure == null) {
          failure = e.getCause() instanceof RuntimeException
              ? (RuntimeException) e.getCause() : new IllegalStateException(e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        if (failure == null) {
          failure = new IllegalStateException("kernel interrupted while waiting for its threads", e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** One slice of a parallel kernel. */
  @FunctionalInterface
  interface Part {
    void run(int part);
  }

  private static synchronized ExecutorService pool(int size) {
    if (pool == null || poolSize < size) {
      if (pool != null) {
        pool.shutdown();
      }
      // Daemon threads: an idle kernel pool must never keep a program from exiting.
      pool = Executors.newFixedThreadPool(size, r -> {
        Thread t = new Thread(r, "chainrule-kernel");
        t.setDaemon(true);
        return t;
      });
      poolSize = size;
    }
    return pool;
  }
}
