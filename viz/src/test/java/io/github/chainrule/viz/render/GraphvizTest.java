package io.github.chainrule.viz.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.viz.Fixtures;
import io.github.chainrule.viz.Golden;
import io.github.chainrule.viz.dot.DotOptions;
import io.github.chainrule.viz.examples.ReadmePicture;
import io.github.chainrule.viz.examples.TinyNetworkGraph;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders with the real {@code dot}. These tests fail (they do not skip) when Graphviz is missing:
 * CI installs it, and a silent skip would hide broken DOT.
 */
class GraphvizTest {
  @TempDir Path dir;

  static Graphviz dot() {
    try {
      return Graphviz.onPath();
    } catch (GraphvizNotFoundException e) {
      throw new AssertionError("These tests need Graphviz: " + e.getMessage(), e);
    }
  }

  @TestFactory
  List<DynamicTest> everyGoldenGraphRendersWithoutAnyWarning() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(Golden.DIR)) {
      s.filter(p -> p.toString().endsWith(".dot")).sorted().forEach(files::add);
    }
    files.add(Path.of("docs/tiny-network.dot"));
    assertTrue(files.size() >= Fixtures.goldenGraphs().size() + 1, "golden files: " + files);
    Graphviz dot = dot();
    return files.stream().map(f -> DynamicTest.dynamicTest(f.toString(), () -> {
      Path svg = dir.resolve(f.getFileName() + ".svg");
      Graphviz.Rendering r = dot.renderFile(f, Graphviz.Format.SVG, svg);
      assertEquals("", r.warnings(), "dot printed warnings for " + f);
      String text = Files.readString(svg, StandardCharsets.UTF_8);
      assertTrue(text.contains("<svg") && text.contains("</svg>"), text);
    })).toList();
  }

  @Test
  void pngOutputIsAPng() throws IOException {
    byte[] png = dot().renderBytes(ReadmePicture.dot(), Graphviz.Format.PNG);
    assertTrue(png.length > 1000);
    assertEquals((byte) 0x89, png[0]);
    assertEquals('P', png[1]);
    assertEquals('N', png[2]);
    assertEquals('G', png[3]);
  }

  @Test
  void theCommittedReadmePictureIsUpToDate() throws IOException {
    assertEquals(Files.readString(Path.of("docs/tiny-network.dot"), StandardCharsets.UTF_8), ReadmePicture.dot(),
        "docs/tiny-network.dot is stale: regenerate with mvn -q -pl viz -am process-classes -Preadme-picture");
    String svg = Files.readString(Path.of("docs/tiny-network.svg"), StandardCharsets.UTF_8);
    assertTrue(svg.contains("<svg") && svg.contains("grad [&#45;0.244505]"), "the SVG shows o's gradient");
  }

  @Test
  void graphFilesWritesDotSvgAndPng() throws IOException {
    dot();
    List<Path> files = GraphFiles.write(TinyNetworkGraph.lossAfterBackward(), DotOptions.defaults(),
        dir.resolve("out/tiny"), Graphviz.Format.SVG, Graphviz.Format.PNG);
    assertEquals(List.of(dir.resolve("out/tiny.dot"), dir.resolve("out/tiny.svg"), dir.resolve("out/tiny.png")), files);
    assertTrue(Files.readString(files.get(0)).startsWith("digraph chainrule {"));
    assertTrue(Files.readString(files.get(1)).contains("</svg>"));
    assertTrue(Files.size(files.get(2)) > 1000);
  }

  @Test
  void invalidDotFailsWithWhatDotSaid() {
    GraphvizException e = assertThrows(GraphvizException.class,
        () -> dot().render("digraph { a -> ; }", Graphviz.Format.SVG, dir.resolve("bad.svg")));
    assertTrue(e.getMessage().contains("exited with status") && e.stderr().toLowerCase().contains("syntax error"),
        e.getMessage());
  }

  @Test
  void aMissingDotSaysHowToInstallGraphviz() {
    GraphvizNotFoundException e = assertThrows(GraphvizNotFoundException.class,
        () -> Graphviz.find(dir.toString()));
    assertTrue(e.getMessage().contains("apt-get install graphviz"), e.getMessage());
    assertTrue(e.getMessage().contains("brew install graphviz"), e.getMessage());
    assertTrue(e.getMessage().contains(dir.toString()), "says where it looked: " + e.getMessage());
  }

  @Test
  void aConfiguredDotThatIsNotThereIsReported() {
    String previous = System.getProperty(Graphviz.DOT_PROPERTY);
    System.setProperty(Graphviz.DOT_PROPERTY, dir.resolve("no-such-dot").toString());
    try {
      GraphvizNotFoundException e = assertThrows(GraphvizNotFoundException.class, Graphviz::onPath);
      assertTrue(e.getMessage().contains("no-such-dot is not an executable file"), e.getMessage());
      assertFalse(Graphviz.isInstalled());
    } finally {
      if (previous == null) {
        System.clearProperty(Graphviz.DOT_PROPERTY);
      } else {
        System.setProperty(Graphviz.DOT_PROPERTY, previous);
      }
    }
  }

  @Test
  void aHangingDotIsStoppedAtTheTimeLimit() throws IOException {
    Path fake = dir.resolve("dot");
    Files.writeString(fake, "#!/bin/sh\nexec sleep 30\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    Graphviz slow = Graphviz.find(dir.toString()).withTimeout(Duration.ofMillis(300));
    GraphvizException e = assertThrows(GraphvizException.class,
        () -> slow.render("digraph { a }", Graphviz.Format.SVG, dir.resolve("never.svg")));
    assertTrue(e.getMessage().contains("did not finish"), e.getMessage());
  }
}
