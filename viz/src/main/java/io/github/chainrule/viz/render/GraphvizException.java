package io.github.chainrule.viz.render;

/** Graphviz rejected the DOT text, failed or timed out; {@link #stderr()} holds what it said. */
public final class GraphvizException extends IllegalStateException {
  private static final long serialVersionUID = 1L;
  private final String stderr;

  GraphvizException(String message, String stderr) {
    super(message);
    this.stderr = stderr;
  }

  /**
   * The same failure with {@code context} (what was being drawn, such as a report's graph) in front
   * of the message, for callers that know more than the renderer.
   */
  public GraphvizException in(String context) {
    GraphvizException e = new GraphvizException(context + ": " + getMessage(), stderr);
    e.initCause(this);
    return e;
  }

  /** What Graphviz said (its error and warning lines). */
  public String stderr() {
    return stderr;
  }
}
