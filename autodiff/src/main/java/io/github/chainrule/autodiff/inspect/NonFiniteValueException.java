package io.github.chainrule.autodiff.inspect;

import java.util.List;
import java.util.Optional;

/**
 * Thrown in {@link AnomalyMode} by the first op that produces NaN or an infinity. The message says it
 * all for people; the accessors say it for code and tests.
 */
public final class NonFiniteValueException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final String phase;
  private final String op;
  private final String node;
  private final transient List<int[]> inputShapes;
  private final StackTraceElement creationSite;

  NonFiniteValueException(String message, String phase, String op, String node, List<int[]> inputShapes,
      StackTraceElement creationSite) {
    super(message);
    this.phase = phase;
    this.op = op;
    this.node = node;
    this.inputShapes = List.copyOf(inputShapes);
    this.creationSite = creationSite;
  }

  /** {@code "forward"} or {@code "backward"}. */
  public String phase() {
    return phase;
  }

  /** The op's label, e.g. {@code log}. */
  public String op() {
    return op;
  }

  /** The node's label. */
  public String node() {
    return node;
  }

  /** The shapes of the op's inputs. */
  public List<int[]> inputShapes() {
    return inputShapes;
  }

  /** The line of user code that created the node, when it was created in anomaly mode. */
  public Optional<StackTraceElement> creationSite() {
    return Optional.ofNullable(creationSite);
  }
}
