package io.github.chainrule.viz.examples;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.viz.dot.DotExporter;
import io.github.chainrule.viz.dot.DotOptions;
import io.github.chainrule.viz.render.Graphviz;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Regenerates the README's picture: the tiny network's graph with every value, gradient and edge
 * contribution, as {@code viz/docs/tiny-network.dot} and {@code .svg}.
 *
 * <pre>
 * mvn -q -pl viz -am process-classes -Preadme-picture
 * </pre>
 *
 * An optional argument names another output directory.
 */
public final class ReadmePicture {
  private ReadmePicture() {}

  /** The options the README picture is drawn with. */
  public static DotOptions options() {
    return DotOptions.defaults().withEdgeLabels(true)
        .withTitle("loss = \u00bd(sigmoid(W2\u00b7sigmoid(W1\u00b7x + b1) + b2) \u2212 1)\u00b2 after backward()");
  }

  /** The DOT text of the picture. */
  public static String dot() {
    Tensor loss = TinyNetworkGraph.lossAfterBackward();
    return DotExporter.toDot(loss, options());
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : defaultDirectory());
    Files.createDirectories(dir);
    Path dotFile = dir.resolve("tiny-network.dot");
    Files.writeString(dotFile, dot());
    Graphviz.Rendering svg = Graphviz.standard().renderFile(dotFile, Graphviz.Format.SVG, dir.resolve("tiny-network.svg"));
    System.out.println("wrote " + dotFile + " and " + svg.file() + ", drawn by " + svg.engine());
    if (!svg.warnings().isEmpty()) {
      System.out.println("Graphviz said: " + svg.warnings());
    }
  }

  /** viz/docs, whether Maven runs us from the repository root or from viz/. */
  private static String defaultDirectory() {
    return Files.isDirectory(Path.of("viz")) ? "viz/docs" : "docs";
  }
}
