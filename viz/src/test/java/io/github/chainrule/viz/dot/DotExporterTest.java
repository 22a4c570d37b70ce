package io.github.chainrule.viz.dot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.autodiff.Backward;
import io.github.chainrule.autodiff.Format;
import io.github.chainrule.autodiff.GradMode;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.viz.Fixtures;
import io.github.chainrule.viz.Golden;
import io.github.chainrule.viz.examples.TinyNetworkGraph;
import io.github.chainrule.viz.graph.EdgeContributions;
import io.github.chainrule.viz.graph.TensorGraph;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class DotExporterTest {

  /** The declaration line of node {@code id}. */
  private static String nodeLine(String dot, String id) {
    for (String line : dot.split("\n")) {
      if (line.strip().startsWith(id + " [")) {
        return line;
      }
    }
    throw new AssertionError("no node " + id + " in\n" + dot);
  }

  private static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @TestFactory
  List<DynamicTest> everyGoldenGraphMatchesItsFile() {
    return Fixtures.goldenGraphs().entrySet().stream()
        .map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
          String dot = e.getValue().get();
          assertTrue(dot.chars().allMatch(ch -> ch < 0x80), "DOT output is ASCII");
          Golden.assertMatches(e.getKey(), dot);
        }))
        .toList();
  }

  @Test
  void exportIsDeterministic() {
    for (Map.Entry<String, Supplier<String>> e : Fixtures.goldenGraphs().entrySet()) {
      assertEquals(e.getValue().get(), e.getValue().get(), e.getKey());
    }
  }

  @Test
  void beforeBackwardGradientsSayNotComputedNeverZero() {
    String dot = DotExporter.toDot(TinyNetworkGraph.loss());
    assertEquals(14, count(dot, "grad not computed"), "4 parameters and 10 ops");
    assertEquals(3, count(dot, "grad not required"), "x and the two constants");
    assertFalse(dot.contains("grad 0") || dot.contains("grad ["), dot);
  }

  @Test
  void afterBackwardEveryNodeShowsItsValueAndGradient() {
    String dot = DotExporter.toDot(TinyNetworkGraph.lossAfterBackward());
    // The README's numbers: o = 0.755495, dL/do = o - 1.
    String o = nodeLine(dot, "n10");
    assertTrue(o.contains("<B>o</B>") && o.contains("value [0.755495]") && o.contains("grad [-0.244505]"), o);
    String w1 = nodeLine(dot, "n1");
    assertTrue(w1.contains("value [[-0.07, 0.22],<BR/>") && w1.contains("[0.95, 0.46]]"), "a matrix one row per line: " + w1);
    assertEquals(0, count(dot, "not computed"));
  }

  @Test
  void exportingChangesNothingInTheGraph() {
    Tensor loss = TinyNetworkGraph.loss();
    List<Tensor> nodes = TensorGraph.of(loss).nodes();
    DotExporter.toDot(loss, DotOptions.defaults().withEdgeLabels(true));
    assertTrue(nodes.stream().noneMatch(Tensor::hasGrad), "no gradient appears before backward()");
    loss.backward();
    List<double[]> before = nodes.stream().filter(Tensor::hasGrad).map(t -> t.grad().toArray()).toList();
    DotExporter.toDot(loss, DotOptions.defaults().withEdgeLabels(true).withCollapsedModules(true));
    List<double[]> after = nodes.stream().filter(Tensor::hasGrad).map(t -> t.grad().toArray()).toList();
    assertEquals(before.size(), after.size());
    for (int i = 0; i < before.size(); i++) {
      assertArrayEquals(before.get(i), after.get(i));
    }
    assertTrue(GradMode.isEnabled(), "recording is back on after the export");
  }

  @Test
  void rolesHaveTheirOwnShapeAndColour() {
    String dot = DotExporter.toDot(TinyNetworkGraph.loss());
    assertTrue(nodeLine(dot, "n0").contains("shape=box3d, style=filled, fillcolor=\"#fde2c4\""), "W2 is a parameter");
    assertTrue(nodeLine(dot, "n2").contains("shape=box, style=filled, fillcolor=\"#d7e7f7\""), "x is an input");
    assertTrue(nodeLine(dot, "n11").contains("shape=note"), "the 1 in o - 1 is a constant");
    assertTrue(nodeLine(dot, "n3").contains("style=\"rounded,filled\""), "matmul is an op");
    assertTrue(nodeLine(dot, "n16").contains("peripheries=2"), "loss is the output");
  }

  @Test
  void edgeLabelsCarryEachContribution() {
    Tensor x = Tensor.scalar(3).named("x").requiresGrad();
    Tensor y = x.mul(x).named("y");
    y.backward();
    String dot = DotExporter.toDot(y, DotOptions.defaults().withEdgeLabels(true));
    // d(x·x)/dx = 2x = 6, carried as 3 along each of the two edges.
    assertEquals(2, count(dot, "n0 -> n1 \\[label=<3>\\];"), dot);
    assertTrue(nodeLine(dot, "n0").contains("grad 6"));
  }

  @Test
  void recordedContributionsLabelEdgesWhenIntermediatesKeepNoGradient() {
    Tensor loss = TinyNetworkGraph.loss();
    EdgeContributions.Recorder recorder = EdgeContributions.recorder();
    Backward.from(loss).keepIntermediateGrads(false).onEdge(recorder).run();
    String recomputed = DotExporter.toDot(loss, DotOptions.defaults().withEdgeLabels(true));
    String recorded = DotExporter.toDot(loss, DotOptions.defaults().withEdgeLabels(recorder.result()));
    // o -> error carries dL/do = o - 1; only the recording knows it, o kept no gradient.
    assertFalse(recomputed.contains("n10 -> n12 [label="), recomputed);
    assertTrue(recorded.contains("n10 -> n12 [label=<[-0.244505]>];"), recorded);
    assertTrue(nodeLine(recorded, "n10").contains("grad not computed"));
    assertEquals(13, count(recorded, "\\[label=<"));
  }

  @Test
  void gradientColoursGrowFromBlueToRedWithMagnitude() {
    GradientColours c = new GradientColours(1e-6, 1e3);
    assertEquals("#3b4cc0", c.fill(1e-9));
    assertEquals("#3b4cc0", c.fill(Double.MIN_VALUE));
    assertEquals("#b40426", c.fill(1e6));
    assertEquals(0.5, c.position(Math.pow(10, -1.5)), 1e-12);
    assertEquals("#f2f2f2", c.fill(Math.pow(10, -1.5)));
    assertTrue(c.position(1e-3) < c.position(1e-2) && c.position(1e-2) < c.position(10));
    assertEquals(7.0, GradientColours.magnitude(new double[] {1, -7, Double.NaN, Double.POSITIVE_INFINITY}));
    assertThrows(IllegalArgumentException.class, () -> new GradientColours(0, 1));
  }

  @Test
  void exactZerosAndNonFiniteGradientsAreOffTheScale() {
    GradientColours c = new GradientColours(1e-6, 1e3);
    // A dead unit's 0 is not the blue of 1e-6: grey, dark text; NaN or Inf anywhere is black.
    assertEquals(GradientColours.ZERO, c.fill(0));
    assertEquals(GradientColours.ZERO, c.fill(new double[] {0, -0.0}));
    assertEquals("#000000", c.text(0));
    assertEquals(GradientColours.NON_FINITE, c.fill(new double[] {1, Double.NaN}));
    assertEquals(GradientColours.NON_FINITE, c.fill(new double[] {0, Double.NEGATIVE_INFINITY}));
    assertEquals("#ffffff", c.text(new double[] {Double.NaN}));
    assertEquals(c.fill(2.0), c.fill(new double[] {0, -2, 1}));
    for (String on : List.of(c.fill(1e-6), c.fill(1e-3), c.fill(1), c.fill(1e3))) {
      assertNotEquals(GradientColours.ZERO, on);
      assertNotEquals(GradientColours.NON_FINITE, on);
    }

    Tensor dead = Tensor.vector(-1, 2, -3).named("w").requiresGrad();
    Tensor cut = Tensor.scalar(4).named("cut").requiresGrad();
    Tensor loss = dead.relu().sum().add(cut.mul(0)).named("loss");
    loss.backward();
    String dot = DotExporter.toDot(loss);
    String w = dot.lines().filter(l -> l.contains("<B>w</B>")).findFirst().orElseThrow();
    assertTrue(w.contains("grad [0, 1, 0]</FONT></TD></TR><TR><TD ALIGN=\"LEFT\" BGCOLOR=\"#9e9e9e\">2 of 3 exactly 0"),
        w);
    String cutLine = dot.lines().filter(l -> l.contains("<B>cut</B>")).findFirst().orElseThrow();
    assertTrue(cutLine.contains("BGCOLOR=\"#9e9e9e\"><FONT COLOR=\"#000000\">grad 0 (exactly)"), cutLine);
  }

  @Test
  void aColumnIsOneLineWithItsShape() {
    double[] v = new double[10];
    for (int i = 0; i < v.length; i++) {
      v[i] = i / 10.0;
    }
    Tensor column = Tensor.wrap(v, 10, 1).named("column").requiresGrad();
    Tensor loss = column.sum().named("loss");
    loss.backward();
    String line = nodeLine(DotExporter.toDot(loss, DotOptions.defaults().withValueLimit(12)), "n0");
    assertTrue(line.contains("value [10&#xD7;1] [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]"), line);
    assertTrue(line.contains("grad [10&#xD7;1] [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"), line);
    assertFalse(line.contains("<BR/>"), "no line breaks: " + line);
  }

  @Test
  void vanishingAndExplodingGradientsGetTheEndColours() {
    Tensor small = Tensor.scalar(1).named("small").requiresGrad();
    Tensor big = Tensor.scalar(1).named("big").requiresGrad();
    Tensor loss = small.mul(1e-9).add(big.mul(1e9)).named("loss");
    loss.backward();
    String dot = DotExporter.toDot(loss);
    assertTrue(nodeLine(dot, "n0").contains("BGCOLOR=\"#3b4cc0\""), nodeLine(dot, "n0"));
    assertTrue(nodeLine(dot, "n3").contains("BGCOLOR=\"#b40426\""), nodeLine(dot, "n3"));
  }

  @Test
  void nanAndInfNodesAreMarked() {
    String dot = DotExporter.toDot(Fixtures.nonFiniteLoss());
    assertEquals(5, count(dot, "penwidth=3"), "log(a), 1/b, their sum, the loss, and b whose grad is -Inf\n" + dot);
    assertTrue(dot.contains("NaN in value"));
    assertTrue(dot.contains("Inf in value"), "1/b holds Inf");
    assertTrue(dot.contains("Inf in grad"), "b's gradient -1/b^2 is -Inf at b = 0");
    assertFalse(nodeLine(dot, "n0").contains("penwidth=3"), "a is finite, and so is its gradient 1/a");
  }

  @Test
  void collapsedAndElidedNodesSayWhenTheyHideNaNOrInf() {
    Tensor w = Tensor.vector(-1.0, 1.0).named("layer.weight").requiresGrad();
    Tensor hidden = w.log(); // NaN at -1, inside the layer module
    Tensor t = hidden.sum();
    for (int i = 0; i < 10; i++) {
      t = t.tanh();
    }
    Tensor loss = t.named("loss");
    loss.backward();
    String collapsed = DotExporter.toDot(loss, DotOptions.defaults().withCollapsedModules(true));
    String module = collapsed.lines().filter(l -> l.contains("<B>layer</B>")).findFirst().orElseThrow();
    assertTrue(module.contains("penwidth=3") && module.contains("2 nodes with NaN or Inf"), module);
    String elided = DotExporter.toDot(loss, DotOptions.defaults().withMaxNodes(4));
    String summary = nodeLine(elided, "elided");
    // log(w) and everything after it hold NaN; the three nearest the output are drawn, the rest elided.
    assertTrue(summary.contains("penwidth=3") && summary.contains("nodes with NaN or Inf"), summary);
  }

  @Test
  void namesAreEscapedInsideHtmlLabels() {
    String dot = DotExporter.toDot(Fixtures.nastyLoss());
    assertTrue(dot.contains("<B>quote&quot;d</B>"));
    assertTrue(dot.contains("<B>&lt;tag&gt;</B>"));
    assertTrue(dot.contains("<B>a &amp; b</B>"));
    assertTrue(dot.contains("<B>{brace}|bar</B>"));
    assertTrue(dot.contains("<B>back\\slash</B>"));
    assertTrue(dot.contains("<B>caf&#xE9; &#x3B8; &#x4E2D; &#x1F600;</B>"));
    assertTrue(dot.contains("<B>new\\u000Aline</B>"));
    assertTrue(dot.contains("<B>&quot;&quot;</B>"), "an empty name is shown as \"\"");
    assertTrue(dot.contains("label=<<B>la&lt;y&gt;er{0}</B>>"), "the module cluster label is escaped too");
    assertTrue(dot.chars().allMatch(ch -> ch < 0x80), "ASCII only");
  }

  @Test
  void modulesBecomeClusters() {
    String dot = DotExporter.toDot(Fixtures.mlpLoss(true));
    assertEquals(2, count(dot, "subgraph cluster_"));
    int hidden = dot.indexOf("label=<<B>hidden</B>>");
    int out = dot.indexOf("label=<<B>out</B>>");
    assertTrue(hidden > 0 && out > hidden);
    String hiddenCluster = dot.substring(hidden, out);
    assertTrue(hiddenCluster.contains("<B>hidden.weight</B>") && hiddenCluster.contains("<B>hidden.bias</B>")
        && hiddenCluster.contains("<B>hidden.out</B>"), hiddenCluster);
    assertFalse(hiddenCluster.contains("<B>out.weight</B>"));
  }

  @Test
  void nestedModulesNestTheirClusters() {
    Tensor a = Tensor.scalar(1).named("encoder.layer1.weight").requiresGrad();
    Tensor b = Tensor.scalar(2).named("encoder.layer2.weight").requiresGrad();
    Tensor c = Tensor.scalar(3).named("decoder.weight").requiresGrad();
    String dot = DotExporter.toDot(a.mul(b).mul(c).named("loss"));
    String expectedOrder = "(?s).*cluster_0 \\{\\n\\s*label=<<B>decoder</B>>.*\\}\\n"
        + "\\s*subgraph cluster_1 \\{\\n\\s*label=<<B>encoder</B>>.*"
        + "subgraph cluster_2 \\{\\n\\s*label=<<B>encoder.layer1</B>>.*\\}\\n"
        + "\\s*subgraph cluster_3 \\{\\n\\s*label=<<B>encoder.layer2</B>>.*\\}\\n\\s*\\}\\n.*";
    assertTrue(dot.matches(expectedOrder), dot);
  }

  @Test
  void collapsingByModuleDrawsOneNodePerModule() {
    String dot = DotExporter.toDot(Fixtures.mlpLoss(true), DotOptions.defaults().withCollapsedModules(true));
    assertFalse(dot.contains("hidden.weight"));
    String hidden = dot.lines().filter(l -> l.contains("<B>hidden</B></TD>")).findFirst().orElseThrow();
    // hidden.weight, hidden.bias, x·W1, +b1 and hidden.out (relu, named).
    assertTrue(hidden.contains("module &#xB7; 5 nodes") && hidden.contains("2 parameters, 8 values")
        && hidden.contains("max |grad|"), hidden);
    // x feeds the hidden module, which feeds the out module; edges between modules are drawn once.
    assertTrue(dot.contains("  n0 -> m1;\n  m1 -> m6;\n  m6 -> n11;\n"), dot);
  }

  @Test
  void aLongChainCollapsesToItsEndsAndOneBox() {
    Tensor out = Fixtures.tanhChain(30);
    String dot = DotExporter.toDot(out, DotOptions.defaults().withCollapsedChains(5));
    // x, the first tanh, the 28 inner ones as one box, the last tanh.
    assertEquals(4, count(dot, "(?m)^  [nr]\\d+ \\["), dot);
    assertTrue(dot.contains("  n0 -> n1;\n  n1 -> r2;\n  r2 -> n30;\n"), dot);
    String box = nodeLine(dot, "r2");
    assertTrue(box.contains("&#x2026; 28 nodes in a chain") && box.contains("tanh &#xD7;28"), box);
    // d tanh^k(x)/d... shrinks along the chain: the box shows the range of its 28 gradients.
    double smallest = Double.MAX_VALUE;
    double largest = 0;
    Tensor t = out.inputs().get(0);
    for (int i = 0; i < 28; i++, t = t.inputs().get(0)) {
      smallest = Math.min(smallest, Math.abs(t.grad().item()));
      largest = Math.max(largest, Math.abs(t.grad().item()));
    }
    assertTrue(box.contains("|grad| from " + Format.number(smallest) + " to "
        + Format.number(largest)), box);
    assertEquals(DotExporter.toDot(out), DotExporter.toDot(out, DotOptions.defaults().withCollapsedChains(29)),
        "a run with fewer inner nodes than asked is drawn in full");
  }

  @Test
  void aChainTakesItsOwnConstantsAlongAndStopsAtABranch() {
    Tensor x = Tensor.scalar(0.3).named("x").requiresGrad();
    Tensor a = x;
    for (int i = 0; i < 10; i++) {
      a = a.mul(1.5).sin(); // each mul has its own constant 1.5
    }
    Tensor shared = a.named("shared");
    Tensor out = shared.sin().add(shared.cos()).named("out");
    out.backward();
    String dot = DotExporter.toDot(out, DotOptions.defaults().withCollapsedChains(3));
    // The run is mul, sin, ..., sin = shared: 20 ops; its first and last stay, 18 ops and the 9 inner
    // constants go inside. shared has two consumers, so the run stops there.
    String box = dot.lines().filter(l -> l.startsWith("  r")).findFirst().orElseThrow();
    assertTrue(box.contains("&#x2026; 27 nodes in a chain") && box.contains("sin &#xD7;9") && box.contains("mul &#xD7;9"), box);
    assertEquals(1, count(dot, "(?m)^  r\\d+ \\["), "one run");
    assertTrue(dot.contains("<B>shared</B>") && dot.contains("<B>out</B>"), dot);
    assertEquals(1, count(dot, "value 1.5<"), "only the first mul's constant is drawn: " + dot);
  }

  @Test
  void aLoneLeafIsAGraphOfOneNode() {
    String dot = DotExporter.toDot(Tensor.zeros(0).named("empty"), DotOptions.defaults().withTitle(""));
    assertEquals(1, count(dot, "(?m)^  n\\d+ \\["));
    String node = nodeLine(dot, "n0");
    assertTrue(node.contains("output &#xB7; shape [0]") && node.contains("value []")
        && node.contains("grad not required"), node);
    assertFalse(dot.contains("->"));
    assertFalse(dot.contains("label=<<B></B>>"), "no empty title");
  }

  @Test
  void optionsRejectNonsense() {
    assertThrows(IllegalArgumentException.class, () -> DotOptions.defaults().withValueLimit(0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DotOptions.defaults().withMaxNodes(1));
    assertTrue(e.getMessage().contains("max nodes"));
    e = assertThrows(IllegalArgumentException.class, () -> DotOptions.defaults().withCollapsedChains(0));
    assertTrue(e.getMessage().contains("collapsed chain"));
  }
}
