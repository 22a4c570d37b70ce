package io.github.chainrule.viz.render;

/** Graphviz's {@code dot} program is not installed (or not where it was said to be). */
public final class GraphvizNotFoundException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  GraphvizNotFoundException(String where) {
    super("Graphviz's `dot` program was not found (" + where + "). Rendering .svg/.png needs it; .dot files "
        + "do not. Install Graphviz: `sudo apt-get install graphviz` (Debian, Ubuntu), `brew install graphviz` "
        + "(macOS), `choco install graphviz` (Windows); or point -D" + Graphviz.DOT_PROPERTY
        + "=/path/to/dot at an installed one.");
  }
}
