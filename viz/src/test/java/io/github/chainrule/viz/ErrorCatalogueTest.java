package io.github.chainrule.viz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.viz.dot.DotExporter;
import io.github.chainrule.viz.dot.DotOptions;
import io.github.chainrule.viz.dot.GradientColours;
import io.github.chainrule.viz.plot.Chart;
import io.github.chainrule.viz.plot.Plots;
import io.github.chainrule.viz.render.GraphFiles;
import io.github.chainrule.viz.render.Graphviz;
import io.github.chainrule.viz.render.GraphvizException;
import io.github.chainrule.viz.render.GraphvizNotFoundException;
import io.github.chainrule.viz.report.HtmlReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees when they hand viz something wrong: one case per public entry point, each
 * asserting that the message names what is needed to fix it — the operation, the series or node
 * names, the lengths, the file, and what Graphviz said.
 */
class ErrorCatalogueTest {
  @TempDir
  Path dir;

  private static <T extends Throwable> String names(Class<T> type, Executable call, String... fragments) {
    T e = assertThrows(type, call);
    String m = e.getMessage();
    for (String f : fragments) {
      assertTrue(m != null && m.contains(f), () -> "the message should name '" + f + "': " + m);
    }
    return m;
  }

  private static String badArgument(Executable call, String... fragments) {
    return names(IllegalArgumentException.class, call, fragments);
  }

  /** A path that cannot be written: its parent is a regular file. */
  private Path unwritable(String name) throws IOException {
    Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
    return file.resolve(name);
  }

  /** A fake {@code dot} running {@code script}, found through {@link Graphviz#DOT_PROPERTY} while {@code body} runs. */
  private <T> T withFakeDot(String script, Callable<T> body) throws Exception {
    Path fake = dir.resolve("dot");
    Files.writeString(fake, "#!/bin/sh\n" + script + "\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    String previous = System.getProperty(Graphviz.DOT_PROPERTY);
    System.setProperty(Graphviz.DOT_PROPERTY, fake.toString());
    try {
      return body.call();
    } finally {
      if (previous == null) {
        System.clearProperty(Graphviz.DOT_PROPERTY);
      } else {
        System.setProperty(Graphviz.DOT_PROPERTY, previous);
      }
    }
  }

  // ---------------------------------------------------------------- plots

  @Test
  void lossCurvesWithNoSeries() {
    badArgument(() -> Plots.lossCurves("Training", Map.of(), false), "loss curves", "no series");
  }

  @Test
  void lossCurvesWhoseSeriesHoldsOnlyNaN() {
    Map<String, double[]> s = new LinkedHashMap<>();
    s.put("train", new double[] {0.5, 0.4});
    s.put("validation", new double[] {Double.NaN, Double.NaN, Double.POSITIVE_INFINITY});
    badArgument(() -> Plots.lossCurves("Training", s, false), "loss curves", "'validation'", "no finite value", "3 values");
  }

  @Test
  void lossCurvesOnALogScaleWithNoPositiveLoss() {
    badArgument(() -> Plots.lossCurves("Training", Map.of("train", new double[] {0, -1}), true),
        "loss curves", "'train'", "finite positive", "2 values");
  }

  @Test
  void lossCurvesWithAnEmptySeries() {
    badArgument(() -> Plots.lossCurves("Training", Map.of("train", new double[0]), false), "loss curves", "'train'",
        "0 values");
  }

  @Test
  void trajectoriesWithAMissingSeries() {
    Map<String, double[]> s = new LinkedHashMap<>();
    s.put("hidden.weight[0,1]", null);
    names(NullPointerException.class, () -> Plots.trajectories("Parameters", "value", s), "trajectories",
        "'hidden.weight[0,1]'", "null");
  }

  @Test
  void dataVsPredictionWithMismatchedOrEmptySeries() {
    double[] three = {1, 2, 3};
    double[] two = {1, 2};
    badArgument(() -> Plots.dataVsPrediction("Fit", three, two, three, three), "data vs prediction", "data",
        "3 x values", "2 y values");
    badArgument(() -> Plots.dataVsPrediction("Fit", three, three, two, three), "data vs prediction", "prediction",
        "2 x values", "3 y values");
    badArgument(() -> Plots.dataVsPrediction("Fit", new double[0], new double[0], three, three), "data vs prediction",
        "data", "empty");
  }

  @Test
  void dataVsPredictionLeavesNaNPointsOutRatherThanFailing() {
    // Documented: NaN points cannot be drawn and are left out; the other points stay.
    Chart c = Plots.dataVsPrediction("Fit", new double[] {1, Double.NaN, 3}, new double[] {1, 2, Double.NaN},
        new double[] {1, 2}, new double[] {1, 2});
    assertTrue(c.series().get("data").drawn()[0].length == 1);
  }

  // ---------------------------------------------------------------- the report

  @Test
  void reportWrittenWhereNoFileCanBe() throws IOException {
    Path target = unwritable("report.html");
    names(IOException.class, () -> HtmlReport.titled("Run 7").paragraph("hello").write(target), "report 'Run 7'",
        target.toString(), "not-a-directory");
  }

  @Test
  void reportGivenSomethingThatIsNotSvg() {
    badArgument(() -> HtmlReport.titled("Run 7").graphSvg("Tiny network", "<html>not svg</html>", false), "report",
        "'Tiny network'", "not an SVG document");
    badArgument(() -> HtmlReport.titled("Run 7").withValueLimit(0), "report", "value limit", "0");
  }

  @Test
  void reportGraphWhenGraphvizFailsSaysWhichGraphAndWhatDotSaid() throws Exception {
    Tensor loss = Fixtures.mlpLoss(true);
    String m = withFakeDot("echo 'Error: syntax error in line 3 near ->' >&2\nexit 2", () -> names(GraphvizException.class,
        () -> HtmlReport.titled("Run 7").withGraphviz(Graphviz.standard()).graph("Tiny network", loss, DotOptions.defaults()),
        "report 'Run 7'", "'Tiny network'", "status 2", "syntax error in line 3"));
    assertFalse(m.isBlank());
  }

  @Test
  void reportGraphWhenGraphvizIsMissingSaysHowToInstallIt() throws Exception {
    Tensor loss = Fixtures.mlpLoss(true);
    String previous = System.getProperty(Graphviz.DOT_PROPERTY);
    System.setProperty(Graphviz.DOT_PROPERTY, dir.resolve("no-dot-here").toString());
    try {
      names(GraphvizNotFoundException.class,
          () -> HtmlReport.titled("Run 7").graph("Tiny network", loss, DotOptions.defaults()),
          "no-dot-here", "apt-get install graphviz");
    } finally {
      if (previous == null) {
        System.clearProperty(Graphviz.DOT_PROPERTY);
      } else {
        System.setProperty(Graphviz.DOT_PROPERTY, previous);
      }
    }
  }

  // ---------------------------------------------------------------- graphs and Graphviz

  @Test
  void graphFilesWhenDotHangsAreStoppedWithTheLimitInTheMessage() throws Exception {
    Tensor loss = Fixtures.mlpLoss(true);
    withFakeDot("exec sleep 30", () -> names(GraphvizException.class,
        () -> Graphviz.standard().withTimeout(Duration.ofMillis(300))
            .render(DotExporter.toDot(loss), Graphviz.Format.SVG, dir.resolve("never.svg")),
        "did not finish", "300 ms", "withMaxNodes"));
    badArgument(() -> Graphviz.standard().withTimeout(Duration.ZERO), "graphviz", "timeout", "PT0S");
  }

  @Test
  void graphFilesWrittenWhereNoFileCanBe() throws IOException {
    Tensor loss = Fixtures.mlpLoss(true);
    Path target = unwritable("graph");
    names(IOException.class, () -> GraphFiles.write(loss, DotOptions.defaults(), target), target.toString());
  }

  @Test
  void dotExportOfNoTensor() {
    names(NullPointerException.class, () -> DotExporter.toDot(null), "output", "null");
  }

  @Test
  void dotExportWrittenWhereNoFileCanBe() throws IOException {
    Tensor loss = Fixtures.mlpLoss(true);
    Path target = unwritable("graph.dot");
    names(IOException.class, () -> DotExporter.with(DotOptions.defaults()).write(loss, target), target.toString());
  }

  @Test
  void dotOptionsOutOfRange() {
    badArgument(() -> DotOptions.defaults().withMaxNodes(1), "dot options", "max nodes", "1");
    badArgument(() -> DotOptions.defaults().withValueLimit(0), "dot options", "value limit", "0");
    badArgument(() -> DotOptions.defaults().withGradientColours(1, 1e-3), "gradient colours", "low=1.0", "high=0.001");
    badArgument(() -> new GradientColours(0, 1), "gradient colours", "low=0.0");
  }
}
