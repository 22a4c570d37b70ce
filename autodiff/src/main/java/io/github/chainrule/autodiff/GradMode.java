package io.github.chainrule.autodiff;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether ops record the graph on the current thread. On by default; each thread has its own mode,
 * so a no-grad scope in one thread never affects another.
 *
 * <pre>{@code
 * try (var scope = GradMode.disabled()) {
 *   Tensor y = model.forward(x);   // computed, not recorded
 * }
 * }</pre>
 */
public final class GradMode {
  private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});
  // How many threads have their mode off right now. Every recorded op asks isEnabled(), and a
  // thread-local lookup per op was a visible share of a scalar graph's build; while no thread is
  // in a no-grad scope (the whole forward pass of a training loop) one field read answers it.
  // A thread counts itself before its flag goes off and uncounts after it comes back on, so the
  // count is never below the number of threads whose flag is off, as each thread sees it.
  private static final AtomicInteger DISABLED_THREADS = new AtomicInteger();

  private GradMode() {}

  /** True if ops on this thread record the graph. */
  public static boolean isEnabled() {
    return DISABLED_THREADS.get() == 0 || ENABLED.get()[0];
  }

  /** Turns recording off until the returned scope is closed, then restores the previous mode. */
  public static Scope disabled() {
    return set(false);
  }

  /** Turns recording on until the returned scope is closed (used by backward passes that record). */
  public static Scope enabled() {
    return set(true);
  }

  private static Scope set(boolean on) {
    boolean[] flag = ENABLED.get();
    boolean previous = flag[0];
    change(flag, on);
    return new Scope(flag, previous);
  }

  /** Sets a thread's flag, keeping {@link #DISABLED_THREADS} in step with it. */
  private static void change(boolean[] flag, boolean on) {
    if (flag[0] == on) {
      return;
    }
    if (!on) {
      DISABLED_THREADS.incrementAndGet();
      flag[0] = false;
    } else {
      flag[0] = true;
      DISABLED_THREADS.decrementAndGet();
    }
  }

  /** Restores the previous grad mode when closed. Closing twice is harmless. */
  public static final class Scope implements AutoCloseable {
    private final boolean[] flag;
    private final boolean previous;
    private boolean closed;

    private Scope(boolean[] flag, boolean previous) {
      this.flag = flag;
      this.previous = previous;
    }

    @Override
    public void close() {
      if (!closed) {
        change(flag, previous);
        closed = true;
      }
    }
  }
}
