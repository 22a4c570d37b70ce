package io.github.chainrule.app.gallery;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A demo's page shows its graph drawn by the Graphviz built into the library: nothing to install. */
class GraphOnEveryMachineTest {
  @TempDir Path dir;

  @Test
  void thePageEmbedsTheGraphAndSaysWhichGraphvizDrewIt() throws Exception {
    DemoResult r = new NodeGradients().run(dir);
    String html = Files.readString(r.report());
    assertTrue(html.matches("(?s).*<section class=\"graph\"[^>]*>.*?<svg[^>]*>.*?</svg>.*"), "an inline SVG graph");
    assertTrue(html.matches("(?s).*<p class=\"engine\">Drawn by Graphviz \\d+\\.\\d+\\.\\d+ \\(embedded, "
        + "WebAssembly via Chicory\\)\\.</p>.*"), "names the engine");
    assertTrue(Files.readString(dir.resolve("graph.svg")).contains("<!-- drawn by Graphviz"), "graph.svg too");
    assertTrue(Files.size(dir.resolve("graph.dot")) > 0);
    Reports.assertComplete(r, dir, 0);
  }
}
