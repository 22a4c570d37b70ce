package io.github.chainrule.app.gallery;

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

  /**
   * As {@link #run(Path)}, telling {@code progress} how far the run has got. A demo that runs longer
   * than about a second overrides this; the others keep this default, which reports nothing.
   */
  default DemoResult run(Path outDir, ProgressSink progress) throws IOException {
    return run(outDir);
  }

  /** Where a long demo reports its progress; {@code chainrule demo} draws it as a bar on a terminal. */
  @FunctionalInterface
  interface ProgressSink {
    ProgressSink NONE = (done, total) -> {};

    /** {@code done} units of work out of {@code total}; called from the demo's thread, a few hundred times at most. */
    void done(long done, long total);
  }
}
