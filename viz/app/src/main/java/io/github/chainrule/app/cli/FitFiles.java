package io.github.chainrule.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.chainrule.autodiff.Format;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.train.History;
import io.github.chainrule.app.gallery.Charts;
import io.github.chainrule.viz.plot.ChartFiles;
import io.github.chainrule.viz.plot.Plots;
import io.github.chainrule.viz.report.HtmlReport;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;

/** What {@code fit --report DIR} writes: the numbers first, then the pictures made from them. */
final class FitFiles {
  /** Points at which the model is drawn against the data. */
  private static final int CURVE_POINTS = 400;

  private FitFiles() {}

  static List<Path> writeAll(Path dir, FitRun run, History history, FitRun.Result result) throws IOException {
    List<Path> files = new ArrayList<>();
    files.add(writeParams(dir, run, history, result));
    files.add(writeTrajectory(dir, run, history));
    Map<String, XYChart> charts = charts(run, history);
    for (Map.Entry<String, XYChart> c : charts.entrySet()) {
      Path png = dir.resolve(c.getKey() + ".png");
      Files.write(png, ChartFiles.png(c.getValue()));
      files.add(png);
    }
    files.add(writeReport(dir, run, history, result, charts));
    return files;
  }

  /**
   * DIR/trajectory.csv: one row per step with the loss of the step's batch and the parameters and
   * gradients it computed that loss and took that update with (before the update).
   */
  static Path writeTrajectory(Path dir, FitRun run, History history) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("trajectory.csv");
    List<String> names = run.parameterNames();
    int perEpoch = Math.max(1, run.batches.count());
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      StringBuilder header = new StringBuilder("step,epoch,loss");
      names.forEach(n -> header.append(',').append(csvName(n)));
      names.forEach(n -> header.append(',').append(csvName("grad_" + n)));
      w.write(header.append('\n').toString());
      double[] losses = history.stepLosses();
      List<double[]> values = new ArrayList<>();
      List<double[]> grads = new ArrayList<>();
      for (String n : names) {
        values.add(history.valueSeries(n));
        grads.add(history.gradientSeries(n));
      }
      for (int s = 0; s < losses.length; s++) {
        StringBuilder row = new StringBuilder().append(s).append(',').append(s / perEpoch).append(',').append(losses[s]);
        for (double[] v : values) {
          row.append(',').append(v[s]);
        }
        for (double[] g : grads) {
          row.append(',').append(g[s]);
        }
        w.write(row.append('\n').toString());
      }
    }
    return file;
  }

  private static String csvName(String name) {
    return name.contains(",") || name.contains("\"") ? '"' + name.replace("\"", "\"\"") + '"' : name;
  }

  /** DIR/params.json: the final parameters, loss and gradients, and how the fit was run. */
  static Path writeParams(Path dir, FitRun run, History history, FitRun.Result result) throws IOException {
    Files.createDirectories(dir);
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("model", run.model.expression().source());
    root.put("data", run.source.toString());
    root.put("rows", run.dataset.size());
    root.put("target", run.target);
    root.putPOJO("inputs", run.model.inputNames());
    ObjectNode params = root.putObject("parameters");
    result.parameters().forEach(params::put);
    ObjectNode loss = root.putObject("loss");
    loss.put("name", run.lossName);
    loss.put("value", result.loss());
    ObjectNode grads = root.putObject("gradients");
    result.gradients().forEach(grads::put);
    ObjectNode initial = root.putObject("initial");
    run.initial.forEach(initial::put);
    root.putPOJO("optimizer", run.optimizer);
    root.put("epochs", run.epochs);
    root.put("steps", history.steps());
    root.put("batchSize", run.batches.batchSize());
    root.put("shuffled", run.batches.shuffled());
    Path file = dir.resolve("params.json");
    Files.writeString(file, mapper.writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
    return file;
  }

  /** Loss, parameter and gradient trajectories, and the model against the data when it has one input. */
  static Map<String, XYChart> charts(FitRun run, History history) {
    Map<String, XYChart> charts = new LinkedHashMap<>();
    double[] losses = history.stepLosses();
    if (losses.length == 0) {
      return charts;
    }
    boolean positive = true;
    for (double l : losses) {
      positive &= l > 0;
    }
    Map<String, double[]> loss = Map.of(run.lossName, losses);
    charts.put("loss", thin(Plots.lossCurves("Loss per step (" + run.lossName + ")", thinned(loss), positive), loss));
    Map<String, double[]> values = new LinkedHashMap<>();
    Map<String, double[]> grads = new LinkedHashMap<>();
    for (String n : run.parameterNames()) {
      values.put(n, history.valueSeries(n));
      grads.put(n, history.gradientSeries(n));
    }
    List<XYChart> both = Plots.parameterAndGradientTrajectories(thinned(values), thinned(grads));
    charts.put("parameters", thin(both.get(0), values));
    charts.put("gradients", thin(both.get(1), grads));
    if (run.model.inputNames().size() == 1) {
      charts.put("fit", dataVsFit(run));
    }
    return charts;
  }

  /*
   * A chart of a long run draws at most about MAX_POINTS points per series: drawing every one of
   * 100,000 steps took a minute and shows nothing more (see Charts.keep); the series are then given
   * their true step numbers.
   */
  private static final int MAX_POINTS = 2000;

  private static Map<String, double[]> thinned(Map<String, double[]> series) {
    Map<String, double[]> out = new LinkedHashMap<>();
    series.forEach((name, y) -> out.put(name, Charts.pick(y, Charts.keep(y, MAX_POINTS))));
    return out;
  }

  private static XYChart thin(XYChart chart, Map<String, double[]> series) {
    series.forEach((name, y) -> {
      int[] kept = Charts.keep(y, MAX_POINTS);
      if (kept.length < y.length) {
        double[] steps = new double[kept.length];
        for (int i = 0; i < kept.length; i++) {
          steps[i] = kept[i];
        }
        chart.updateXYSeries(name, steps, Charts.pick(y, kept), null);
      }
    });
    return chart;
  }

  private static XYChart dataVsFit(FitRun run) {
    String input = run.model.inputNames().get(0);
    int column = run.dataset.inputNames().indexOf(input);
    int width = run.dataset.inputNames().size();
    double[] all = run.dataset.inputs().toArray();
    int n = run.dataset.size();
    double[] x = new double[n];
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int r = 0; r < n; r++) {
      x[r] = all[r * width + column];
      lo = Math.min(lo, x[r]);
      hi = Math.max(hi, x[r]);
    }
    double[] y = run.dataset.targets().toArray();
    double[] gridX = new double[CURVE_POINTS];
    double[] grid = new double[CURVE_POINTS * width];
    for (int i = 0; i < CURVE_POINTS; i++) {
      gridX[i] = lo == hi ? lo : lo + (hi - lo) * i / (CURVE_POINTS - 1);
      grid[i * width + column] = gridX[i];
    }
    double[] gridY;
    try (var scope = Tensor.noGrad()) {
      gridY = run.model.forward(Tensor.wrap(grid, CURVE_POINTS, width)).toArray();
    }
    XYChart chart = Plots.dataVsPrediction(run.target + " against " + input + ": data and the fitted model", x, y, gridX, gridY);
    chart.setXAxisTitle(input);
    chart.setYAxisTitle(run.target);
    return chart;
  }

  /** DIR/index.html: settings, final numbers, plots, the graph of the final loss, the parameter table. */
  static Path writeReport(Path dir, FitRun run, History history, FitRun.Result result, Map<String, XYChart> charts)
      throws IOException {
    HtmlReport report = HtmlReport.titled("chainrule fit: " + run.target + " ~ " + run.model.expression().source());
    report.paragraph(run.describe().replace('\n', ' '));
    StringBuilder finals = new StringBuilder("Final parameters: ");
    List<String> parts = new ArrayList<>();
    result.parameters().forEach((n, v) -> parts.add(n + " = " + Numbers.full(v)));
    finals.append(String.join(", ", parts)).append(". Loss (").append(run.lossName).append(" over all ")
        .append(run.dataset.size()).append(" rows): ").append(Numbers.full(result.loss())).append(" after ")
        .append(history.steps()).append(" steps.");
    report.paragraph(finals.toString());
    Map<String, String> headings = Map.of("loss", "Loss per step", "parameters", "Parameters per step",
        "gradients", "Gradients per step", "fit", "Data and the fitted model");
    for (Map.Entry<String, XYChart> c : charts.entrySet()) {
      report.plot(headings.getOrDefault(c.getKey(), c.getKey()), c.getValue());
    }
    report.graph("The loss over all rows at the final parameters, after backward()", result.lossGraph(),
        GradCommand.dotOptions(run.model.expression()).withTitle(null));
    Map<String, Tensor> params = new LinkedHashMap<>(run.model.parameterTensors());
    report.parameters("Parameters at the end, with dL/dp over all rows", params);
    report.paragraph("Gradient norm at the end: " + Format.number(result.gradientNorm()) + ".");
    return report.write(dir.resolve("index.html"));
  }
}
