package io.github.chainrule.viz.render;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The embedded Graphviz and the system's {@code dot} draw the same graph from the same DOT: the same
 * nodes, the same edges and the same label texts (positions may differ between Graphviz versions).
 * Needs the system's {@code dot}: skipped without it, failed under CI=true.
 */
class EngineDifferentialTest {

  /** What a Graphviz SVG draws, read with an XML parser: titles of nodes and edges, and every text. */
  record Drawing(Map<String, Integer> nodes, Map<String, Integer> edges, Map<String, Integer> texts) {
    static Drawing of(String svg) throws Exception {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      // The DOCTYPE names the SVG 1.1 DTD online: never fetch it.
      f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
      Map<String, Integer> nodes = new TreeMap<>();
      Map<String, Integer> edges = new TreeMap<>();
      Map<String, Integer> texts = new TreeMap<>();
      NodeList groups = doc.getElementsByTagName("g");
      for (int i = 0; i < groups.getLength(); i++) {
        Element g = (Element) groups.item(i);
        NodeList title = g.getElementsByTagName("title");
        if (title.getLength() == 0) {
          continue;
        }
        String name = title.item(0).getTextContent();
        switch (g.getAttribute("class")) {
          case "node" -> nodes.merge(name, 1, Integer::sum);
          case "edge" -> edges.merge(name, 1, Integer::sum);
          default -> { }
        }
      }
      NodeList text = doc.getElementsByTagName("text");
      for (int i = 0; i < text.getLength(); i++) {
        texts.merge(text.item(i).getTextContent(), 1, Integer::sum);
      }
      return new Drawing(nodes, edges, texts);
    }
  }

  @Test
  void bothEnginesDrawTheSameNodesEdgesAndLabels() throws Exception {
    Graphviz system = RequiresTool.systemDot();
    Graphviz embedded = Graphviz.embedded();
    List<Executable> checks = new ArrayList<>();
    for (Path f : GraphvizTest.committedDotFiles()) {
      String dot = Files.readString(f, StandardCharsets.UTF_8);
      Drawing mine = Drawing.of(embedded.svg(dot));
      Drawing theirs = Drawing.of(system.svg(dot));
      checks.add(() -> assertFalse(mine.nodes().isEmpty(), "nodes drawn from " + f));
      checks.add(() -> assertEquals(theirs.nodes(), mine.nodes(), "nodes of " + f));
      checks.add(() -> assertEquals(theirs.edges(), mine.edges(), "edges of " + f));
      checks.add(() -> assertEquals(theirs.texts(), mine.texts(), "label texts of " + f));
    }
    assertAll(checks);
  }
}
