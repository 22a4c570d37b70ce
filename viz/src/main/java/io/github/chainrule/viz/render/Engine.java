package io.github.chainrule.viz.render;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** One way of running Graphviz: the embedded WebAssembly build, or the system's {@code dot}. */
interface Engine {
  /** What drew it, as outputs name it: "Graphviz 15.1.1 (embedded, WebAssembly via Chicory)". */
  String description();

  /**
   * Lays out and renders {@code dot}, within {@code timeout}.
   *
   * @throws GraphvizException when Graphviz rejects the text, fails or runs out of time
   */
  Output render(String dot, Graphviz.Format format, Duration timeout) throws IOException;

  /** The rendered bytes and Graphviz's warnings (one a line; empty when there were none). */
  record Output(byte[] bytes, List<String> warnings) {}
}
