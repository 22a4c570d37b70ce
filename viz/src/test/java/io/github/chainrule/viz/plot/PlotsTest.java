package io.github.chainrule.viz.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.w3c.dom.Document;

class PlotsTest {
  /** Kept after the build so people can look at them. */
  static final Path OUT = Path.of("target/plots");

  /** Data from y = x² with a small deterministic wobble, and a model line. */
  static XYChart sampleDataVsPrediction() {
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

  private static void assertReadablePngAndSvg(List<Path> files) throws Exception {
    assertEquals(2, files.size());
    BufferedImage img = ImageIO.read(files.get(0).toFile());
    assertEquals(Plots.WIDTH, img.getWidth());
    assertEquals(Plots.HEIGHT, img.getHeight());
    int dark = 0;
    for (int y = 0; y < img.getHeight(); y += 2) {
      for (int x = 0; x < img.getWidth(); x += 2) {
        int rgb = img.getRGB(x, y);
        if (((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff) < 600) {
          dark++;
        }
      }
    }
    assertTrue(dark > 500, "the PNG has drawing on it: " + dark + " non-white samples");
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    // The SVG names its DTD by URL; parse offline.
    factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    Document svg = factory.newDocumentBuilder().parse(files.get(1).toFile());
    assertEquals("svg", svg.getDocumentElement().getNodeName());
    assertTrue(svg.getElementsByTagName("path").getLength() + svg.getElementsByTagName("polyline").getLength() > 5);
    String text = Files.readString(files.get(1), StandardCharsets.UTF_8);
    assertTrue(text.length() > 2000);
  }

  @Test
  void vectorGraphics2dIsOnTheClassPathForSvg() throws ClassNotFoundException {
    Class.forName("de.erichseifert.vectorgraphics2d.VectorGraphics2D");
  }

  @Test
  void dataVsPredictionIsWrittenAsPngAndSvg() throws Exception {
    XYChart chart = sampleDataVsPrediction();
    assertEquals(XYSeries.XYSeriesRenderStyle.Scatter, chart.getSeriesMap().get("data").getXYSeriesRenderStyle());
    assertEquals(XYSeries.XYSeriesRenderStyle.Line, chart.getSeriesMap().get("prediction").getXYSeriesRenderStyle());
    assertReadablePngAndSvg(ChartFiles.writePngAndSvg(chart, OUT.resolve("data-vs-prediction")));
  }

  @Test
  void lossCurvesOnLinearAndLogScales() throws Exception {
    XYChart linear = Plots.lossCurves("Loss", sampleLosses(), false);
    XYChart log = Plots.lossCurves("Loss", sampleLosses(), true);
    assertTrue(log.getStyler().isYAxisLogarithmic());
    assertEquals(200, linear.getSeriesMap().get("train").getXData().length);
    assertReadablePngAndSvg(ChartFiles.writePngAndSvg(linear, OUT.resolve("loss")));
    assertReadablePngAndSvg(ChartFiles.writePngAndSvg(log, OUT.resolve("loss-log")));
  }

  @Test
  void aLogScaleLeavesOutPointsItCannotDraw() {
    Map<String, double[]> m = Map.of("train", new double[] {1, 0, Double.NaN, 0.1, -2, 0.01});
    XYChart chart = Plots.lossCurves("Loss", m, true);
    XYSeries s = chart.getSeriesMap().get("train");
    assertArrayEquals(new double[] {0, 3, 5}, s.getXData());
    assertArrayEquals(new double[] {1, 0.1, 0.01}, s.getYData());
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
    List<XYChart> charts = Plots.parameterAndGradientTrajectories(params, grads);
    assertEquals(List.of("hidden.weight[0,0]", "hidden.bias[0]"), List.copyOf(charts.get(1).getSeriesMap().keySet()));
    assertReadablePngAndSvg(ChartFiles.writePngAndSvg(charts.get(0), OUT.resolve("parameters")));
    assertReadablePngAndSvg(ChartFiles.writePngAndSvg(charts.get(1), OUT.resolve("gradients")));
  }

  @Test
  void badSeriesAreRejectedWithTheirNames() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Plots.dataVsPrediction("t", new double[] {1, 2}, new double[] {1}, new double[] {1}, new double[] {1}));
    assertTrue(e.getMessage().contains("data vs prediction: data has 2 x values but 1 y values"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Plots.trajectories("t", "v", Map.of()));
  }

  @Test
  void svgAndPngBytesInMemory() throws IOException {
    XYChart chart = sampleDataVsPrediction();
    assertTrue(ChartFiles.svg(chart).contains("<svg"));
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(ChartFiles.png(chart)));
    assertEquals(Plots.WIDTH, img.getWidth());
  }
}
