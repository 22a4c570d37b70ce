package io.github.chainrule.viz.render;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.viz.dot.DotExporter;
import io.github.chainrule.viz.dot.DotOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a graph as {@code .dot} and, through Graphviz, as {@code .svg} and/or {@code .png}, in one
 * call.
 *
 * <pre>{@code
 * GraphFiles.write(loss, DotOptions.defaults(), Path.of("out/loss"), Graphviz.Format.SVG, Graphviz.Format.PNG);
 * // out/loss.dot, out/loss.svg, out/loss.png
 * }</pre>
 */
public final class GraphFiles {
  private GraphFiles() {}

  /**
   * Writes {@code base}.dot, then one file per format, drawn by {@link Graphviz#standard()}; a graph
   * too large to lay out is collapsed ({@link LayoutBudget}).
   *
   * @return the files written, .dot first
   * @throws GraphvizException when Graphviz fails, or PNG was asked of the embedded engine (SVG only)
   */
  public static List<Path> write(Tensor output, DotOptions options, Path base, Graphviz.Format... formats)
      throws IOException {
    Path dotFile = base.resolveSibling(base.getFileName() + ".dot");
    try {
      Path parent = base.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      DotExporter.with(LayoutBudget.plan(output, options).options()).write(output, dotFile);
    } catch (IOException e) {
      // The JDK's message is often only a path (the directory in the way), not the file or the cause.
      throw new IOException("graph files: cannot write " + dotFile + ": " + e, e);
    }
    List<Path> written = new ArrayList<>(List.of(dotFile));
    if (formats.length == 0) {
      return written;
    }
    Graphviz graphviz = Graphviz.standard();
    for (Graphviz.Format f : formats) {
      written.add(graphviz.renderFile(dotFile, f, base.resolveSibling(base.getFileName() + "." + f.extension())).file());
    }
    return written;
  }
}
