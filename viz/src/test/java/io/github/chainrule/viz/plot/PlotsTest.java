package io.github.chainrule.viz.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class PlotsTest {
  /** Kept after the build so people can look at them. */
  static final Path OUT = Path.of("target/plots");

  /** Data from y = x² with a small deterministic wobble, and a model line. */
  static Chart sampleDataVsPrediction() {
    double[] x = new double[21];
    double[] y = new double[21];
    for (int i = 0; i < x.length; i++) {
      x[i] = -2 + 0.2 * i;
      y[i] = x[i] * x[i] + 0.3 * Math.sin(7 * x[i]);
    }
    double[] mx = new double[101];
    double[] my = new double[101];
    for (int i = 0; i < mx.length; i++) {
      mx[i] = -2 + 0.04 * i;
      my[i] = mx[i] * mx[i];
    }
    return Plots.dataVsPrediction("Data and the model's prediction", x, y, mx, my);
  }

  static Map<String, double[]> sampleLosses() {
    double[] train = new double[200];
    double[] validation = new double[200];
    for (int i = 0; i < train.length; i++) {
      train[i] = 2.0 * Math.exp(-i / 25.0) + 1e-3;
      validation[i] = 2.2 * Math.exp(-i / 30.0) + 5e-3;
    }
    Map<String, double[]> m = new LinkedHashMap<>();
    m.put("train", train);
    m.put("validation", validation);
    return m;
  }

  /** Sample curve: three hinges making a bump. */
  static ReluCurve sampleReluCurve() {
    return new ReluCurve(new double[] {1.0, 1.0, -0.5}, new double[] {1.0, -0.5, 0.75}, new double[] {0.8, -1.6, 1.2},
        -0.3);
  }

  /** The SVG parses, draws lines, and its tick labels neither touch nor take odd values. */
  static void assertReadable(Chart chart, String file) throws Exception {
    // Written for people to look at after the build.
    Files.createDirectories(OUT);
    Path svgFile = Files.writeString(OUT.resolve(file + ".svg"), chart.svg(), StandardCharsets.UTF_8);
    String svg = chart.svg();
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    Document doc = factory.newDocumentBuilder().parse(svgFile.toFile());
    assertEquals("svg", doc.getDocumentElement().getNodeName());
    assertTrue(doc.getElementsByTagName("polyline").getLength() + doc.getElementsByTagName("circle").getLength() > 0,
        "something is drawn");
    assertEquals(List.of(), TickLabels.problems(svg), file);
  }

  @Test
  void dataVsPredictionDrawsPointsAndALine() throws Exception {
    Chart chart = sampleDataVsPrediction();
    assertFalse(chart.series().get("data").isLine());
    assertTrue(chart.series().get("prediction").isLine());
    assertReadable(chart, "data-vs-prediction");
    String svg = chart.svg();
    assertEquals(21, svg.split("<circle ", -1).length - 1 - 1, "21 data points and one legend marker");
  }

  @Test
  void lossCurvesOnLinearAndLogScales() throws Exception {
    Chart linear = Plots.lossCurves("Loss", sampleLosses(), false);
    Chart log = Plots.lossCurves("Loss", sampleLosses(), true);
    assertTrue(log.isLogY());
    assertEquals(200, linear.series().get("train").drawn()[0].length);
    assertReadable(linear, "loss");
    assertReadable(log, "loss-log");
    // About 1.7e-3 to 2.2 spans three decades: 1, 2 and 5 of each decade are labelled.
    assertEquals(List.of("0.002", "0.005", "0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1", "2"),
        texts(log.svg(), "y"));
  }

  @Test
  void aLogAxisOverAHundredAndFiftyDecadesLabelsEveryFewDecadesApart() throws Exception {
    // linear-stack's diverging run: 1e3 to 1e152. Every decade labelled was a black smear.
    double[] loss = new double[40];
    for (int i = 0; i < loss.length; i++) {
      loss[i] = Math.pow(10, 3 + i * 149.0 / (loss.length - 1));
    }
    Chart chart = Plots.lossCurves("Diverging", Map.of("lr 0.01", loss, "lr 1e-4", new double[] {1e3, 900, 800}),
        true);
    assertReadable(chart, "loss-150-decades");
    // The axis reaches from about 1e-4 to 1e159: every twentieth decade is labelled, 40 pixels apart.
    List<String> every20th = new ArrayList<>(List.of("1"));
    for (int e = 20; e <= 150; e += 20) {
      every20th.add("1e" + e);
    }
    assertEquals(every20th, texts(chart.svg(), "y"));
  }

  @Test
  void stepAxesOfFitRunsGetRoundTicksThatDoNotCollide() throws Exception {
    // fit's reports had "1,0001,1251,2501,375" (steps 1,000 to 1,375 jammed) and "0 134 268 402".
    for (int steps : new int[] {403, 1376, 110_001}) {
      double[] y = new double[steps];
      for (int i = 0; i < steps; i++) {
        y[i] = 1 + Math.exp(-i / 100.0);
      }
      Chart chart = Plots.trajectories("Run of " + steps + " steps", "value", Map.of("a", y));
      assertReadable(chart, "steps-" + steps);
      List<String> x = texts(chart.svg(), "x");
      assertEquals("0", x.get(0));
      assertTrue(x.size() >= 4, "enough ticks to read: " + x);
    }
    Chart chart = Plots.trajectories("403 steps", "value", Map.of("a", new double[403]));
    assertEquals(List.of("0", "50", "100", "150", "200", "250", "300", "350", "400"), texts(chart.svg(), "x"));
  }

  @Test
  void aLongTitleAndLongLegendEntriesStayInThePicture() throws Exception {
    String title = "Each unit's relu(a x + b), its weighted contribution w relu(a x + b), and f(x)";
    Chart chart = new ReluCurve(new double[] {1.42602, -1.48513}, new double[] {-3.67275, -5.19804},
        new double[] {1.88653, 2.69292}, 0.500039).chart(title, -5.5, 4.5);
    assertTrue(chart.width() > Chart.WIDTH, "the legend widens the chart: " + chart.width());
    assertReadable(chart, "long-title");
    String svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"300\" height=\"200\">"
        + "<text class=\"title\" x=\"150\" y=\"26\" font-size=\"15\" text-anchor=\"middle\">" + title + "</text>"
        + tick("x", 100, "0") + tick("x", 200, "1") + tick("y", 100, "0") + tick("y", 150, "1") + "</svg>";
    assertEquals(List.of("title '" + title + "' reaches outside the 300x200 picture"), TickLabels.problems(svg));
  }

  @Test
  void overlappingOrOddTicksAreReported() {
    String svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"400\" height=\"300\">"
        + tick("x", 100, "1,000") + tick("x", 120, "1,200") + tick("x", 300, "1,400")
        + tick("y", 100, "0") + tick("y", 150, "134") + tick("y", 200, "268") + "</svg>";
    List<String> problems = TickLabels.problems(svg);
    assertTrue(problems.contains("x tick labels '1,000' and '1,200' overlap"), problems.toString());
    assertTrue(problems.contains("the y axis ticks [0, 134, 268] are not evenly spaced by 1, 2 or 5 times a power "
        + "of ten"), problems.toString());
    assertEquals(2, problems.size(), problems.toString());
  }

  private static String tick(String axis, double at, String text) {
    return axis.equals("x")
        ? "<text class=\"tick x\" x=\"" + at + "\" y=\"180\" font-size=\"12\" text-anchor=\"middle\">" + text
            + "</text>"
        : "<text class=\"tick y\" x=\"50\" y=\"" + at + "\" font-size=\"12\" text-anchor=\"end\">" + text
            + "</text>";
  }

  static List<String> texts(String svg, String axis) {
    return TickLabels.read(svg).stream().filter(l -> l.axis().equals(axis)).map(TickLabels.Label::text).toList();
  }

  @Test
  void aLogScaleLeavesOutPointsItCannotDraw() {
    Map<String, double[]> m = Map.of("train", new double[] {1, 0, Double.NaN, 0.1, -2, 0.01});
    Chart chart = Plots.lossCurves("Loss", m, true);
    double[][] drawn = chart.series().get("train").drawn();
    assertArrayEquals(new double[] {0, 3, 5}, drawn[0]);
    assertArrayEquals(new double[] {1, 0.1, 0.01}, drawn[1]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Plots.lossCurves("Loss", Map.of("diverged", new double[] {Double.NaN, 0}), true));
    assertTrue(e.getMessage().contains("diverged"), e.getMessage());
  }

  @Test
  void parameterAndGradientTrajectories() throws Exception {
    Map<String, double[]> params = new LinkedHashMap<>();
    Map<String, double[]> grads = new LinkedHashMap<>();
    double[] w = new double[50];
    double[] g = new double[50];
    double[] bias = new double[50];
    double[] gb = new double[50];
    for (int i = 0; i < 50; i++) {
      w[i] = 1.5 * Math.exp(-i / 10.0) - 0.5;
      g[i] = -0.15 * Math.exp(-i / 10.0);
      bias[i] = 0.2 * Math.cos(i / 5.0);
      gb[i] = -0.04 * Math.sin(i / 5.0);
    }
    params.put("hidden.weight[0,0]", w);
    params.put("hidden.bias[0]", bias);
    grads.put("hidden.weight[0,0]", g);
    grads.put("hidden.bias[0]", gb);
    List<Chart> charts = Plots.parameterAndGradientTrajectories(params, grads);
    assertEquals(List.of("hidden.weight[0,0]", "hidden.bias[0]"), List.copyOf(charts.get(1).series().keySet()));
    assertReadable(charts.get(0), "parameters");
    assertReadable(charts.get(1), "gradients");
  }

  @Test
  void badSeriesAreRejectedWithTheirNames() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Plots.dataVsPrediction("t", new double[] {1, 2}, new double[] {1}, new double[] {1}, new double[] {1}));
    assertTrue(e.getMessage().contains("data vs prediction: data has 2 x values but 1 y values"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Plots.trajectories("t", "v", Map.of()));
  }
}
