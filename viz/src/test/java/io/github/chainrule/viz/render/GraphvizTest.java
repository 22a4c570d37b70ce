package io.github.chainrule.viz.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders with the embedded Graphviz, which every machine has; the tests of the system's {@code dot}
 * skip without one (and fail under CI=true, see {@link RequiresTool}).
 */
class GraphvizTest {
  @TempDir Path dir;

  /** Every DOT file the tests keep: the golden exports and the README picture. */
  static List<Path> committedDotFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(Golden.DIR)) {
      s.filter(p -> p.toString().endsWith(".dot")).sorted().forEach(files::add);
    }
    files.add(Path.of("docs/tiny-network.dot"));
    return files;
  }

  @TestFactory
  List<DynamicTest> everyGoldenGraphRendersWithoutAnyWarning() throws IOException {
    List<Path> files = committedDotFiles();
    assertTrue(files.size() >= Fixtures.goldenGraphs().size() + 1, "golden files: " + files);
    Graphviz graphviz = Graphviz.standard();
    return files.stream().map(f -> DynamicTest.dynamicTest(f.toString(), () -> {
      Path svg = dir.resolve(f.getFileName() + ".svg");
      Graphviz.Rendering r = graphviz.renderFile(f, Graphviz.Format.SVG, svg);
      assertEquals("", r.warnings(), "Graphviz warned about " + f);
      String text = Files.readString(svg, StandardCharsets.UTF_8);
      assertTrue(text.contains("<svg") && text.contains("</svg>"), text);
    })).toList();
  }

  @Test
  void theStandardGraphvizIsTheEmbeddedOneAndEverySvgNamesIt() throws IOException {
    Graphviz graphviz = Graphviz.standard();
    assertEquals(Optional.empty(), graphviz.executable(), "no program runs");
    assertTrue(graphviz.engine().matches("Graphviz \\d+\\.\\d+\\.\\d+ \\(embedded, WebAssembly via Chicory\\)"),
        graphviz.engine());
    String svg = graphviz.svg(ReadmePicture.dot());
    assertEquals(Optional.of(graphviz.engine()), Graphviz.engineOf(svg));
    assertTrue(svg.contains("<!-- drawn by " + graphviz.engine() + " -->\n<svg "), "the comment is just before <svg>");
    assertTrue(svg.contains("grad [&#45;0.244505]"), "o's gradient is drawn");
  }

  @Test
  void theSameDotGivesTheSameSvgEveryTime() throws IOException {
    String dot = ReadmePicture.dot();
    assertEquals(Graphviz.embedded().svg(dot), Graphviz.embedded().svg(dot));
  }

  @Test
  void malformedDotNamesTheLineAndGraphvizStaysUsable() throws IOException {
    Graphviz graphviz = Graphviz.embedded();
    GraphvizException e = assertThrows(GraphvizException.class,
        () -> graphviz.svg("digraph {\n  a -> b;\n  b -> ;\n}\n"));
    assertTrue(e.getMessage().contains("syntax error in line 3 near ';'"), e.getMessage());
    assertTrue(e.getMessage().contains("line 3: b -> ;"), "quotes the line: " + e.getMessage());
    assertTrue(e.stderr().contains("syntax error in line 3"), e.stderr());
    assertTrue(graphviz.svg("digraph { a -> b }").contains("<title>a&#45;&gt;b</title>"), "the next one renders");
  }

  @Test
  void warningsAreReturnedWithTheDrawing() throws IOException {
    Graphviz.Rendering r = Graphviz.embedded().render("digraph { a [shape=blob] }", Graphviz.Format.SVG,
        dir.resolve("w.svg"));
    assertEquals("Warning: using box for unknown shape blob", r.warnings());
    assertTrue(Files.readString(r.file()).contains("<title>a</title>"));
  }

  @Test
  void pngNeedsTheSystemDot() {
    GraphvizException e = assertThrows(GraphvizException.class,
        () -> Graphviz.embedded().renderBytes(ReadmePicture.dot(), Graphviz.Format.PNG));
    assertTrue(e.getMessage().contains("draws SVG only, not png") && e.getMessage().contains("Graphviz.system()"),
        e.getMessage());
  }

  @Test
  void theSystemDotDrawsPng() throws IOException {
    byte[] png = RequiresTool.systemDot().renderBytes(ReadmePicture.dot(), Graphviz.Format.PNG);
    assertTrue(png.length > 1000);
    assertEquals((byte) 0x89, png[0]);
    assertEquals('P', png[1]);
    assertEquals('N', png[2]);
    assertEquals('G', png[3]);
  }

  @Test
  void theSystemDotNamesItselfToo() throws IOException {
    Graphviz dot = RequiresTool.systemDot();
    assertTrue(dot.engine().matches("Graphviz \\S+ \\(system dot, .*dot\\)"), dot.engine());
    assertEquals(Optional.of(dot.engine()), Graphviz.engineOf(dot.svg("digraph { a -> b }")));
    GraphvizException e = assertThrows(GraphvizException.class, () -> dot.svg("digraph {\n a -> ;\n}"));
    assertTrue(e.getMessage().contains("exited with status") && e.getMessage().contains("line 2: a -> ;"),
        e.getMessage());
  }

  @Test
  void theCommittedReadmePictureIsUpToDate() throws IOException {
    assertEquals(Files.readString(Path.of("docs/tiny-network.dot"), StandardCharsets.UTF_8), ReadmePicture.dot(),
        "docs/tiny-network.dot is stale: regenerate with mvn -q -pl viz -am process-classes -Preadme-picture");
    String svg = Files.readString(Path.of("docs/tiny-network.svg"), StandardCharsets.UTF_8);
    assertTrue(svg.contains("<svg") && svg.contains("grad [&#45;0.244505]"), "the SVG shows o's gradient");
  }

  @Test
  void graphFilesWritesDotAndSvg() throws IOException {
    List<Path> files = GraphFiles.write(TinyNetworkGraph.lossAfterBackward(), DotOptions.defaults(),
        dir.resolve("out/tiny"), Graphviz.Format.SVG);
    assertEquals(List.of(dir.resolve("out/tiny.dot"), dir.resolve("out/tiny.svg")), files);
    assertTrue(Files.readString(files.get(0)).startsWith("digraph chainrule {"));
    assertTrue(Files.readString(files.get(1)).contains("</svg>"));
  }

  @Test
  void manyThreadsRenderAtOnceAndEachGetsItsOwnGraph() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<String>> svgs = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        String dot = "digraph { node" + i + " -> sink" + i + " }";
        svgs.add(pool.submit(() -> Graphviz.embedded().svg(dot)));
      }
      for (int i = 0; i < svgs.size(); i++) {
        String svg = svgs.get(i).get();
        assertTrue(svg.contains("<title>node" + i + "&#45;&gt;sink" + i + "</title>"), "graph " + i);
        assertEquals(2, svg.split("class=\"node\"").length - 1, "graph " + i + " has its own two nodes only");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aLayoutOverTheTimeLimitIsStoppedAndTheNextOneRenders() throws IOException {
    // 3,000 nodes in a dense lattice take seconds to lay out: far more than the 1 ms allowed here.
    StringBuilder big = new StringBuilder("digraph {\n");
    for (int i = 0; i < 3000; i++) {
      big.append("  n").append(i).append(" -> n").append((i * 7 + 1) % 3000).append(";\n");
    }
    String dot = big.append("}\n").toString();
    GraphvizException e = assertThrows(GraphvizException.class,
        () -> Graphviz.embedded().withTimeout(Duration.ofMillis(1)).svg(dot));
    assertTrue(e.getMessage().contains("did not finish laying out 3,002 lines of DOT within 1 ms and was stopped"),
        e.getMessage());
    assertTrue(e.getMessage().contains("withCollapsedChains"), "says what to do: " + e.getMessage());
    assertTrue(Graphviz.embedded().svg("digraph { after -> stop }").contains("<title>after</title>"));
  }

  @Test
  void aMissingDotSaysHowToInstallGraphviz() {
    GraphvizNotFoundException e = assertThrows(GraphvizNotFoundException.class,
        () -> Graphviz.find(dir.toString()));
    assertTrue(e.getMessage().contains("apt-get install graphviz"), e.getMessage());
    assertTrue(e.getMessage().contains("brew install graphviz"), e.getMessage());
    assertTrue(e.getMessage().contains("embedded"), "says the default needs nothing: " + e.getMessage());
    assertTrue(e.getMessage().contains(dir.toString()), "says where it looked: " + e.getMessage());
  }

  @Test
  void aConfiguredDotIsUsedAndOneThatIsNotThereIsReported() throws IOException {
    Path fake = dir.resolve("dot");
    Files.writeString(fake, "#!/bin/sh\necho 'dot - graphviz version 9.9.9 (0)' >&2\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    String previous = System.getProperty(Graphviz.DOT_PROPERTY);
    try {
      System.setProperty(Graphviz.DOT_PROPERTY, fake.toString());
      assertEquals(Optional.of(fake), Graphviz.standard().executable());
      assertEquals("Graphviz 9.9.9 (system dot, " + fake + ")", Graphviz.standard().engine());
      System.setProperty(Graphviz.DOT_PROPERTY, dir.resolve("no-such-dot").toString());
      GraphvizNotFoundException e = assertThrows(GraphvizNotFoundException.class, Graphviz::standard);
      assertTrue(e.getMessage().contains("no-such-dot is not an executable file"), e.getMessage());
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
