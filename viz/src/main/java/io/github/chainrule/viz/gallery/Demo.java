package io.github.chainrule.viz.gallery;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One experiment of the gallery: it builds its model with the public API, trains or evaluates it
 * with embedded defaults and a fixed seed, and writes an HTML report with its graph, plots and
 * tables into a directory of its own.
 */
public interface Demo {

  /** The name users type: {@code chainrule demo relu-parabola}. Lower-case, dash separated. */
  String name();

  /** One line saying which question the demo answers, for {@code chainrule demo --list}. */
  String title();

  /**
   * Runs the experiment and writes {@code outDir/index.html} and the files it links to. The
   * directory is created if missing. Runs are reproducible: the same result every time.
   */
  DemoResult run(Path outDir) throws IOException;
}
