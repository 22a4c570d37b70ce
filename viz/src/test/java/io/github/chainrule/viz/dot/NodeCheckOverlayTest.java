package io.github.chainrule.viz.dot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.autodiff.Format;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.inspect.NodeCheck;
import io.github.chainrule.viz.examples.NodeCheckOverlay;
import io.github.chainrule.viz.examples.NodeCheckOverlay.WrongCube;
import io.github.chainrule.viz.examples.TinyNetworkGraph;
import io.github.chainrule.viz.graph.TensorGraph;
import io.github.chainrule.viz.render.Graphviz;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node-check overlay: a planted wrong derivative shows up red exactly where NodeCheck says, its
 * op is marked as the suspect, and a relu sitting on its kink is labelled with both one-sided slopes.
 * The graph is {@link NodeCheckOverlay#loss()}: relu(x·w + b).sum() + cube(tanh(z)).sum() with
 * x·w + b = [0, 1.75] and a cube whose backward uses 2x instead of 3x².
 */
class NodeCheckOverlayTest {
  private static final String PASS = "fillcolor=\"#c7e9c0\"";
  private static final String KINK = "fillcolor=\"#fdd49e\"";
  private static final String SUSPECT_BORDER = "color=\"#67000d\", penwidth=4";

  @TempDir Path dir;

  private final Tensor loss = NodeCheckOverlay.loss();
  private final NodeCheck.Result check = NodeCheck.check(loss);
  private final String dot = DotExporter.toDot(loss, NodeCheckOverlay.options(check));
  private final TensorGraph graph = TensorGraph.of(loss);

  private String line(String name) {
    for (Tensor t : graph.nodes()) {
      if (name.equals(t.name())) {
        return line(graph.id(t));
      }
    }
    throw new AssertionError("no node named " + name);
  }

  private String line(int id) {
    for (String l : dot.split("\n")) {
      if (l.strip().startsWith("n" + id + " [")) {
        return l;
      }
    }
    throw new AssertionError("no node n" + id + " in\n" + dot);
  }

  /** Labels of the drawn nodes whose declaration contains {@code attribute}. */
  private Set<String> nodesWith(String attribute) {
    Set<String> out = new TreeSet<>();
    for (int id = 0; id < graph.size(); id++) {
      if (line(id).contains(attribute)) {
        out.add(graph.node(id).label());
      }
    }
    return out;
  }

  private static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @Test
  void theWrongGradientIsRedExactlyWhereNodeCheckFindsItAndTheBrokenOpIsTheSuspect() {
    // cube's backward is wrong, so dL/dq is wrong, and so is dL/dz, which is built from it.
    assertEquals(Set.of("q", "z"), nodesWith("FAIL"));
    assertEquals(Set.of("q", "z"), nodesWith("color=\"#a50f15\""), "the failing nodes' red border");
    // Relative error 1.88 is past 1: the strongest red.
    assertTrue(line("q").contains("fillcolor=\"#ef3b2c\"") && line("z").contains("fillcolor=\"#ef3b2c\""), dot);
    // r = cube(q) itself receives the right gradient: it passes, and is the suspect.
    assertTrue(line("r").contains(PASS), line("r"));
    assertEquals(Set.of("r"), nodesWith(SUSPECT_BORDER));
    assertTrue(line("r").contains("suspect: backward of cube gives a wrong gradient for its input 0 (q)"), line("r"));
    assertEquals(1, check.suspects().size());
    assertEquals("r", check.suspects().get(0).node(), "NodeCheck blames the same op");
    // The edge q -> r is the wrong gradient's way back: drawn dark red, and no other edge is.
    int r = graph.id(graph.nodes().stream().filter(t -> "r".equals(t.name())).findFirst().orElseThrow());
    int q = graph.inputId(r, 0);
    assertEquals("q", graph.node(q).name());
    assertTrue(dot.contains("  n" + q + " -> n" + r + " [color=\"#67000d\", penwidth=2.5];"), dot);
    assertEquals(1, count(dot, "-> n\\d+ \\[color="));
  }

  @Test
  void aFailingNodeNamesItsWorstElementWithBothValues() {
    double q1 = Math.tanh(-1.0);
    // The wrong rule sends 2·q back, the truth is 3·q²; element 1 has the larger relative error.
    String expected = "dL/dq[1]: autodiff " + Format.number(2 * q1) + ", numeric " + Format.number(3 * q1 * q1);
    assertTrue(line("q").contains(expected), expected + " in " + line("q"));
    assertTrue(line("q").contains("<B>FAIL</B> &#xB7; max rel err 1.9e+00 &#xB7; 2 elements checked"), line("q"));
  }

  @Test
  void reluAtExactlyZeroIsAKinkLabelledWithItsTwoSlopes() {
    // s = x·w + b = [0, 1.75]; relu(s)[0] sits on the kink.
    assertTrue(line("s").contains(KINK) && line("s").contains("<B>KINK</B> &#xB7; 1 of 2 elements checked on a kink"),
        line("s"));
    assertTrue(line("s").contains("dL/ds[0]: one-sided 0 (left), 1 (right); autodiff took 0"), line("s"));
    // Upstream, the slopes scale: ds/dw[0] = x[0] = 2.
    assertTrue(line("w").contains(KINK) && line("w").contains("dL/dw[0]: one-sided 0 (left), 2 (right); autodiff took 0"),
        line("w"));
    assertEquals(Set.of("<mul>", "b", "s", "w"), nodesWith(KINK));
    // The relu node's own gradient is fine; its label says where relu is not differentiable and
    // which side's derivative its backward rule used.
    assertTrue(line("h").contains(PASS), line("h"));
    assertTrue(line("h").contains("relu not differentiable at input = 0 (input 0 element 0): slopes 0 (left), "
        + "1 (right); backward used 0 (left)"), line("h"));
  }

  @Test
  void nodesThatNeedNoGradientAreNotCheckedAndKeepTheirColour() {
    assertTrue(line("x").contains("fillcolor=\"#d7e7f7\"") && !line("x").contains("checked"), line("x"));
    assertEquals(Set.of("<sum>", "h", "loss", "r"), nodesWith(PASS));
    // The fill shows the check, so gradient cells are no longer coloured by magnitude.
    assertEquals(0, count(dot, "BALIGN=\"LEFT\" BGCOLOR="), dot);
  }

  @Test
  void theLegendExplainsTheColoursAndGivesTheVerdict() {
    assertTrue(dot.contains("subgraph cluster_legend {"), dot);
    for (String word : new String[] {"PASS", "KINK", "FAIL", "suspect", "no fill"}) {
      assertTrue(dot.contains("<B>" + word + "</B></TD>"), word);
    }
    assertTrue(dot.contains("FAILED: 11 nodes checked, 5 pass, 4 at a kink, 2 fail; 1 suspect op"), dot);
  }

  @Test
  void aCorrectGraphIsGreenThroughout() {
    Tensor tiny = TinyNetworkGraph.lossAfterBackward();
    NodeCheck.Result ok = NodeCheck.check(tiny);
    assertTrue(ok.passed());
    String green = DotExporter.toDot(tiny, DotOptions.defaults().withNodeCheck(ok));
    assertEquals(ok.byNode().size(), count(green, PASS), "every checked node is green");
    assertEquals(0, count(green, "<B>FAIL</B> &#xB7;") + count(green, KINK) + count(green, "penwidth=4"));
    assertTrue(green.contains("PASSED: 14 nodes checked, 14 pass, 0 at a kink, 0 fail; 0 suspect ops"), green);
  }

  @Test
  void failFillDeepensWithTheRelativeError() {
    assertEquals("#fee0d2", CheckOverlay.failFill(0));
    assertEquals("#ef3b2c", CheckOverlay.failFill(1));
    assertEquals("#ef3b2c", CheckOverlay.failFill(7), "clamped");
    int greenAtSmallError = Integer.parseInt(CheckOverlay.failFill(0.625).substring(3, 5), 16);
    int greenAtLargeError = Integer.parseInt(CheckOverlay.failFill(0.9).substring(3, 5), 16);
    assertTrue(greenAtLargeError < greenAtSmallError, "less green, so redder, as the error grows");
    assertEquals("1.9e+00", CheckOverlay.relError(1.88));
    assertEquals("NaN", CheckOverlay.relError(Double.NaN));
  }

  @Test
  void kinkLabelsWorkWithoutACheck() {
    String plain = DotExporter.toDot(loss, DotOptions.defaults().withKinkLabels(true));
    assertTrue(plain.contains("relu not differentiable at input = 0"), plain);
    assertFalse(plain.contains("cluster_legend") || plain.contains(PASS) || plain.contains("checked"), plain);
    assertFalse(DotExporter.toDot(loss).contains("not differentiable"), "off by default");
    assertFalse(DotOptions.defaults().withNodeCheck(check).withNodeCheck(null).withKinkLabels(false).kinkLabels());
  }

  @Test
  void anElidedPartCountsTheFailuresItHides() {
    Tensor x = Tensor.scalar(0.7).named("x").requiresGrad();
    Tensor t = Tensor.apply(new WrongCube(), x.sin());
    for (int i = 0; i < 20; i++) {
      t = t.tanh();
    }
    t.backward();
    NodeCheck.Result r = NodeCheck.check(t);
    String small = DotExporter.toDot(t, DotOptions.defaults().withNodeCheck(r).withMaxNodes(6));
    // x and sin(x) lie behind the wrong cube; both are elided.
    String elided = small.lines().filter(l -> l.startsWith("  elided [")).findFirst().orElseThrow();
    assertTrue(elided.contains("2 nodes FAIL") && elided.contains("tanh &#xD7;15"), elided);
  }

  @Test
  void aCheckOfAnotherGraphIsRejected() {
    NodeCheck.Result other = NodeCheck.check(TinyNetworkGraph.lossAfterBackward());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DotExporter.toDot(loss, DotOptions.defaults().withNodeCheck(other)));
    assertTrue(e.getMessage().contains("another graph") && e.getMessage().contains("graph of loss"), e.getMessage());
  }

  @Test
  void theCommittedPictureIsUpToDate() throws IOException {
    // Relative errors of passing nodes are rounding noise (1e-11), which may differ in the last bits
    // between JDKs' tanh; everything else must match exactly.
    String committed = Files.readString(Path.of("docs/node-check-overlay.dot"), StandardCharsets.UTF_8);
    assertEquals(withoutNoise(committed), withoutNoise(dot),
        "docs/node-check-overlay.dot is stale: rerun examples.NodeCheckOverlay from the repository root");
    String svg = Files.readString(Path.of("docs/node-check-overlay.svg"), StandardCharsets.UTF_8);
    assertTrue(svg.contains("suspect: backward of cube gives a wrong gradient for its input 0 (q)"), "the SVG is drawn");
  }

  private static String withoutNoise(String text) {
    return text.replaceAll("max rel err \\d\\.\\de-(0[5-9]|1\\d)", "max rel err (noise)");
  }

  @Test
  void theRealDotDrawsTheColoursAndLabels() throws IOException {
    Graphviz.Rendering r = Graphviz.standard().render(dot, Graphviz.Format.SVG, dir.resolve("overlay.svg"));
    assertEquals("", r.warnings());
    String svg = Files.readString(r.file(), StandardCharsets.UTF_8);
    assertTrue(svg.contains("fill=\"#ef3b2c\""), "FAIL fill");
    assertTrue(svg.contains("fill=\"#fdd49e\""), "KINK fill");
    assertTrue(svg.contains("fill=\"#c7e9c0\""), "PASS fill");
    assertTrue(svg.contains("stroke=\"#67000d\""), "suspect border and edge");
    assertTrue(svg.contains("suspect: backward of cube gives a wrong gradient for its input 0 (q)"), "suspect label");
    // dot writes a hyphen as &#45; in SVG text.
    assertTrue(svg.contains("dL/ds[0]: one&#45;sided 0 (left), 1 (right); autodiff took 0"), "kink slopes");
    assertTrue(svg.contains("FAILED: 11 nodes checked"), "legend");
  }
}
