package io.github.chainrule.app.gallery;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.viz.render.Graphviz;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without Graphviz a demo still writes its page and the graph as DOT, and says how to render it. */
class WithoutGraphvizTest {
  @TempDir Path dir;

  @Test
  void theGraphIsLeftAsDotWithTheCommandThatRendersIt() throws Exception {
    String before = System.getProperty(Graphviz.DOT_PROPERTY);
    System.setProperty(Graphviz.DOT_PROPERTY, dir.resolve("no-such-dot").toString());
    try {
      DemoResult r = new NodeGradients().run(dir);
      String html = Files.readString(r.report());
      assertTrue(html.contains("dot -Tsvg graph.dot -o graph.svg"), "says how to render the graph");
      assertFalse(html.contains("<section class=\"graph\""), "no inline graph");
      assertTrue(Files.size(dir.resolve("graph.dot")) > 0);
      assertFalse(Files.exists(dir.resolve("graph.svg")));
      Reports.assertComplete(r, dir, 0);
    } finally {
      if (before == null) {
        System.clearProperty(Graphviz.DOT_PROPERTY);
      } else {
        System.setProperty(Graphviz.DOT_PROPERTY, before);
      }
    }
  }
}
