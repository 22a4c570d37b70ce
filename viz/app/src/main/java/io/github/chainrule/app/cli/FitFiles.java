package io.github.chainrule.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.chainrule.autodiff.Format;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.train.History;
import io.github.chainrule.viz.plot.Chart;
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

/** What {@code fit --report DIR} writes: the numbers first, then the pictures made from them. */
final class FitFiles {
  /** Points at which the model is drawn against the data. */
  private static final int CURVE_POINTS = 400;

  private FitFiles() {}

  static List<Path> writeAll(Path dir, FitRun run, History history, FitRun.Result result) throws IOException {
    List<Path> files = new ArrayList<>();
    files.add(writeParams(dir, run, history, result));
    files.add(writeTrajectory(dir, run, history));
    Map<String, Chart> charts = charts(run, history);
    for (Map.Entry<String, Chart> c : charts.entrySet()) {
      files.add(Files.writeString(dir.resolve(c.getKey() + ".svg"), c.getValue().svg(), StandardCharsets.UTF_8));
    }
    files.add(writeReport(dir, run, history, result, charts));
    return files;
  }

  /**
   * DIR/trajectory.csv: one row per step with the loss of the step's batch and the parameters and
   * gradients it computed that loss and took that update with (before the update). A run longer
   * than the history's limit has one row per kept step, evenly spaced ({@link History#stride()}).
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
      int[] steps = history.stepNumbers();
      List<double[]> values = new ArrayList<>();
      List<double[]> grads = new ArrayList<>();
      for (String n : names) {
        values.add(history.valueSeries(n));
        grads.add(history.gradientSeries(n));
      }
      for (int s = 0; s < losses.length; s++) {
        StringBuilder row = new StringBuilder().append(steps[s]).append(',').append(steps[s] / perEpoch).append(',')
            .append(losses[s]);
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
  static Map<String, Chart> charts(FitRun run, History history) {
    Map<String, Chart> charts = new LinkedHashMap<>();
    double[] losses = history.stepLosses();
    if (losses.length == 0) {
      return charts;
    }
    boolean positive = true;
    for (double l : losses) {
      positive &= l > 0;
    }
    charts.put("loss", Plots.lossCurves("Loss per step (" + run.lossName + ")", Map.of(run.lossName, losses), positive));
    Map<String, double[]> values = new LinkedHashMap<>();
    Map<String, double[]> grads = new LinkedHashMap<>();
    for (String n : run.parameterNames()) {
      values.put(n, history.valueSeries(n));
      grads.put(n, history.gradientSeries(n));
    }
    List<Chart> both = Plots.parameterAndGradientTrajectories(values, grads);
    charts.put("parameters", both.get(0));
    charts.put("gradients", both.get(1));
    if (run.model.inputNames().size() == 1) {
      charts.put("fit", dataVsFit(run));
    }
    return charts;
  }

  private static Chart dataVsFit(FitRun run) {
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
    return Plots.dataVsPrediction(run.target + " against " + input + ": data and the fitted model", x, y, gridX, gridY)
        .xTitle(input).yTitle(run.target);
  }

  /** What a long run's record holds, for the report and the terminal. */
  static String thinning(History history) {
    return "The run took " + history.steps() + " steps, more than the " + history.limit() + " the record keeps one by "
        + "one, so trajectory.csv and the plots keep 1 step in " + history.stride() + " (" + history.stepNumbers().length
        + " steps, evenly spaced from step 0); the final values are exact.";
  }

  /** DIR/index.html: settings, final numbers, plots, the graph of the final loss, the parameter table. */
  static Path writeReport(Path dir, FitRun run, History history, FitRun.Result result, Map<String, Chart> charts)
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
    if (history.stride() > 1) {
      report.paragraph(thinning(history));
    }
    Map<String, String> headings = Map.of("loss", "Loss per step", "parameters", "Parameters per step",
        "gradients", "Gradients per step", "fit", "Data and the fitted model");
    for (Map.Entry<String, Chart> c : charts.entrySet()) {
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
