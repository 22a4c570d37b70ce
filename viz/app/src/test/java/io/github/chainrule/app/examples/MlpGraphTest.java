package io.github.chainrule.app.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.viz.dot.DotExporter;
import io.github.chainrule.viz.dot.GradientColours;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The 2-16-16-1 network's graph reads on one screen: short nodes, the user's own ops, names, zeros and NaN apart. */
class MlpGraphTest {
  private static final Pattern NODE = Pattern.compile("(?m)^\\s*n\\d+ \\[.*label=<<TABLE.*?<B>([^<]*)</B>.*$");

  private static List<String> nodes(String dot) {
    return NODE.matcher(dot).results().map(java.util.regex.MatchResult::group).toList();
  }

  private static String title(String node) {
    Matcher m = NODE.matcher(node);
    assertTrue(m.find(), node);
    return m.group(1);
  }

  private static int lines(String node) {
    return node.split("<TR>", -1).length - 1 + node.split("<BR/>", -1).length - 1;
  }

  @Test
  void everyNodeIsAFewLinesAndEveryLayerIsNamedWithoutATransposeNode() {
    String dot = DotExporter.toDot(MlpGraph.lossAfterBackward(false));
    List<String> nodes = nodes(dot);
    List<String> titles = nodes.stream().map(MlpGraphTest::title).toList();
    // x, y, 3 × (weight, bias, matmul, out), 2 relu outputs, and the loss's sub, square and the loss (a mean).
    assertEquals(19, nodes.size(), titles.toString());
    for (String n : nodes) {
      // title, op and shape, value, gradient, and at most a row counting exact zeros
      assertTrue(lines(n) <= 5, title(n) + " has " + lines(n) + " lines: " + n);
    }
    assertFalse(dot.contains("transpose"), "Linear is one matmulNT, no transpose node");
    assertTrue(titles.containsAll(List.of("0.weight", "0.bias", "0.matmul", "0.out", "1.out", "2.matmul", "2.out",
        "3.out", "4.matmul", "4.out", "loss")), titles.toString());
    String output = nodes.stream().filter(n -> title(n).equals("4.out")).findFirst().orElseThrow();
    assertTrue(output.contains("value [8&#xD7;1] ["), "the [8, 1] output on one line: " + output);
  }

  @Test
  void deadUnitsShowAsExactZerosAndOverflowAsNonFinite() {
    String dot = DotExporter.toDot(MlpGraph.lossAfterBackward(false));
    String firstLayer = nodes(dot).stream().filter(n -> title(n).equals("0.bias")).findFirst().orElseThrow();
    Matcher zeros = Pattern.compile("BGCOLOR=\"" + GradientColours.ZERO + "\">(\\d+) of 16 exactly 0").matcher(firstLayer);
    assertTrue(zeros.find(), "units no row activates get exactly 0, counted on grey: " + firstLayer);
    assertTrue(Integer.parseInt(zeros.group(1)) >= 1);
    assertFalse(dot.contains("BGCOLOR=\"" + GradientColours.NON_FINITE + "\""), "all finite");

    String overflow = DotExporter.toDot(MlpGraph.lossAfterBackward(true));
    String weight = nodes(overflow).stream().filter(n -> title(n).equals("0.weight")).findFirst().orElseThrow();
    assertTrue(weight.contains("BGCOLOR=\"" + GradientColours.NON_FINITE + "\"><FONT COLOR=\"#ffffff\">grad {"),
        "the NaN gradient is black: " + weight);
    assertTrue(weight.contains("non-finite=") && weight.contains("Inf in grad"), weight);
  }
}
