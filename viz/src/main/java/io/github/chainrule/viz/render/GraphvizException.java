package io.github.chainrule.viz.render;

/** {@code dot} failed or timed out; {@link #stderr()} holds what it printed. */
public final class GraphvizException extends IllegalStateException {
  private static final long serialVersionUID = 1L;
  private final String stderr;

  GraphvizException(String message, String stderr) {
    super(message);
    this.stderr = stderr;
  }

  /** What dot printed on standard error. */
  public String stderr() {
    return stderr;
  }
}
