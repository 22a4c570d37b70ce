package io.github.chainrule.autodiff;

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

  private GradMode() {}

  /** True if ops on this thread record the graph. */
  public static boolean isEnabled() {
    return ENABLED.get()[0];
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
    flag[0] = on;
    return new Scope(flag, previous);
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
        flag[0] = previous;
        closed = true;
      }
    }
  }
}
