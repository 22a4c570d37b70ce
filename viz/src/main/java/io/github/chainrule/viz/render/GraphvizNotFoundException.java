package io.github.chainrule.viz.render;

/**
 * The system's Graphviz {@code dot} was asked for ({@link Graphviz#system()}, or {@code -D}{@value
 * Graphviz#DOT_PROPERTY}) and is not installed, or not where it was said to be. The default engine,
 * {@link Graphviz#embedded()}, needs nothing installed.
 */
public final class GraphvizNotFoundException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  GraphvizNotFoundException(String where) {
    super("Graphviz's `dot` program was not found (" + where + "). The system's dot was asked for; the embedded "
        + "Graphviz (Graphviz.embedded(), the default without -D" + Graphviz.DOT_PROPERTY + ") needs nothing installed. "
        + "To use the system's: `sudo apt-get install graphviz` (Debian, Ubuntu), `brew install graphviz` "
        + "(macOS), `choco install graphviz` (Windows); or point -D" + Graphviz.DOT_PROPERTY
        + "=/path/to/dot at an installed one.");
  }
}
