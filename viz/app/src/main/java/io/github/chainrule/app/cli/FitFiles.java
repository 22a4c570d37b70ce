package io.github.chainrule.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
  /**
   * Elements of one parameter that trajectory.csv traces one by one; a larger parameter is traced by
   * the 2-norm of its values and of its gradient, two columns however large it is (its final values
   * are all in params.json).
   */
  static final int TRACED_ELEMENTS = 64;
  /** Lines a chart draws one element each; when the parameters have more elements, tensors are drawn as their norms. */
  static final int CHART_LINES = 12;
  /**
   * Parameter values the history may hold (and as many gradients): 2^22, 32 MiB each. A model with
   * more than 64 values keeps fewer steps one by one, so a 10k-value parameter keeps 418.
   */
  static final int RECORDED_VALUES = 1 << 22;

  private FitFiles() {}

  /** The steps {@code model}'s history keeps one by one: {@link History#DEFAULT_LIMIT}, fewer for many parameter values. */
  static int historyLimit(ExpressionModel model) {
    long values = 0;
    for (Tensor p : model.parameterTensors().values()) {
      values += p.size();
    }
    long steps = Math.min(History.DEFAULT_LIMIT, RECORDED_VALUES / Math.max(1, values));
    return (int) Math.max(2, steps & ~1L);
  }

  /**
   * A column of trajectory.csv and a line of a chart: one element of a parameter ({@code a},
   * {@code W[0,1]}), or, with {@code flat} −1, its 2-norm ({@code |W|}).
   */
  record Trace(String parameter, int flat, String label) {
    String gradientLabel() {
      return flat < 0 ? "|grad_" + parameter + "|" : "grad_" + label;
    }

    /** This trace through rows of a parameter's values or gradients ({@link History#values}). */
    double[] of(double[][] rows) {
      double[] out = new double[rows.length];
      for (int k = 0; k < rows.length; k++) {
        if (flat >= 0) {
          out[k] = rows[k][flat];
        } else {
          double sq = 0;
          for (double v : rows[k]) {
            sq += v * v;
          }
          out[k] = Math.sqrt(sq);
        }
      }
      return out;
    }
  }

  /** Every parameter's elements, row by row, when it has at most {@code elements}; else its norm. */
  static List<Trace> traces(FitRun run, int elements) {
    List<Trace> traces = new ArrayList<>();
    for (Map.Entry<String, Tensor> p : run.model.parameterTensors().entrySet()) {
      String n = p.getKey();
      int[] shape = p.getValue().shapeRef();
      if (shape.length == 0) {
        traces.add(new Trace(n, 0, n));
      } else if (p.getValue().size() > elements) {
        traces.add(new Trace(n, -1, "|" + n + "|"));
      } else {
        int[] index = new int[shape.length];
        for (int flat = 0; flat < p.getValue().size(); flat++) {
          StringBuilder label = new StringBuilder(n).append('[');
          for (int a = 0; a < shape.length; a++) {
            label.append(a == 0 ? "" : ",").append(index[a]);
          }
          traces.add(new Trace(n, flat, label.append(']').toString()));
          for (int a = shape.length - 1; a >= 0 && ++index[a] == shape[a]; a--) {
            index[a] = 0;
          }
        }
      }
    }
    return traces;
  }

  /** The traces a chart draws: every element while there are at most {@link #CHART_LINES}, else tensors' norms. */
  static List<Trace> chartTraces(FitRun run) {
    int values = 0;
    for (Tensor p : run.model.parameterTensors().values()) {
      values += p.size();
    }
    return traces(run, values <= CHART_LINES ? CHART_LINES : 0);
  }

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
   * gradients it computed that loss and took that update with (before the update): a column per
   * element ({@code W[0,1]}, {@code grad_W[0,1]}) up to {@link #TRACED_ELEMENTS} per parameter, else
   * the parameter's norms ({@code |W|}, {@code |grad_W|}). A run longer than the history's limit has
   * one row per kept step, evenly spaced ({@link History#stride()}).
   */
  static Path writeTrajectory(Path dir, FitRun run, History history) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("trajectory.csv");
    List<Trace> traces = traces(run, TRACED_ELEMENTS);
    int perEpoch = Math.max(1, run.batches.count());
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      StringBuilder header = new StringBuilder("step,epoch,loss");
      traces.forEach(t -> header.append(',').append(csvName(t.label())));
      traces.forEach(t -> header.append(',').append(csvName(t.gradientLabel())));
      w.write(header.append('\n').toString());
      double[] losses = history.stepLosses();
      int[] steps = history.stepNumbers();
      List<double[]> values = series(traces, history, false);
      List<double[]> grads = series(traces, history, true);
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

  /** Each trace's values (one more than the kept steps) or gradients, reading each parameter's record once. */
  private static List<double[]> series(List<Trace> traces, History history, boolean gradients) {
    Map<String, double[][]> rows = new LinkedHashMap<>();
    List<double[]> out = new ArrayList<>();
    for (Trace t : traces) {
      out.add(t.of(rows.computeIfAbsent(t.parameter(), n -> gradients ? history.gradients(n) : history.values(n))));
    }
    return out;
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
    ObjectNode inputColumns = root.putObject("inputColumns");
    run.model.inputs().forEach((n, in) -> {
      ArrayNode cs = inputColumns.putArray(n);
      for (int c : in.columns()) {
        cs.add(run.dataset.inputNames().get(c));
      }
    });
    ObjectNode params = root.putObject("parameters");
    result.parameters().forEach((n, t) -> params.set(n, GradJson.jsonValue(mapper, t)));
    ObjectNode loss = root.putObject("loss");
    loss.put("name", run.lossName);
    loss.put("value", result.loss());
    ObjectNode grads = root.putObject("gradients");
    result.gradients().forEach((n, t) -> grads.set(n, GradJson.jsonValue(mapper, t)));
    ObjectNode initial = root.putObject("initial");
    run.initial.forEach((n, t) -> initial.set(n, GradJson.jsonValue(mapper, t)));
    root.putPOJO("optimizer", run.optimizer);
    root.put("epochs", run.epochs);
    root.put("steps", history.steps());
    root.put("batchSize", run.batches.batchSize());
    root.put("shuffled", run.batches.shuffled());
    Path file = dir.resolve("params.json");
    Files.writeString(file, mapper.writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
    return file;
  }

  /** Loss, parameter and gradient trajectories, and the model against the data when it reads one column. */
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
    List<Trace> traces = chartTraces(run);
    List<double[]> valueSeries = series(traces, history, false);
    List<double[]> gradientSeries = series(traces, history, true);
    Map<String, double[]> values = new LinkedHashMap<>();
    Map<String, double[]> grads = new LinkedHashMap<>();
    for (int i = 0; i < traces.size(); i++) {
      values.put(traces.get(i).label(), valueSeries.get(i));
      grads.put(traces.get(i).gradientLabel(), gradientSeries.get(i));
    }
    List<Chart> both = Plots.parameterAndGradientTrajectories(values, grads);
    charts.put("parameters", both.get(0));
    charts.put("gradients", both.get(1));
    if (!run.model.inputNames().isEmpty() && run.dataset.inputNames().size() == 1) {
      charts.put("fit", dataVsFit(run));
    }
    return charts;
  }

  private static Chart dataVsFit(FitRun run) {
    String input = run.dataset.inputNames().get(0);
    int column = 0;
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
        + " steps, evenly spaced from step 0)" + (history.limit() < History.DEFAULT_LIMIT ? ", fewer than for a small"
        + " model, to bound the memory of recording every parameter value" : "") + "; the final values are exact.";
  }

  /** DIR/index.html: settings, final numbers, plots, the graph of the final loss, the parameter table. */
  static Path writeReport(Path dir, FitRun run, History history, FitRun.Result result, Map<String, Chart> charts)
      throws IOException {
    HtmlReport report = HtmlReport.titled("chainrule fit: " + run.target + " ~ " + run.model.expression().source());
    report.paragraph(run.describe().replace('\n', ' '));
    StringBuilder finals = new StringBuilder("Final parameters: ");
    List<String> parts = new ArrayList<>();
    result.parameters().forEach((n, v) -> parts.add(n + " = " + FitRun.full(v)));
    finals.append(String.join(", ", parts)).append(". Loss (").append(run.lossName).append(" over all ")
        .append(run.dataset.size()).append(" rows): ").append(Numbers.full(result.loss())).append(" after ")
        .append(history.steps()).append(" steps.");
    report.paragraph(finals.toString());
    if (history.stride() > 1) {
      report.paragraph(thinning(history));
    }
    // Past CHART_LINES values, a tensor is drawn as its 2-norm, and the heading says so.
    String norms = chartTraces(run).stream().anyMatch(t -> t.flat() < 0) ? " (a tensor as its 2-norm, |W|)" : "";
    Map<String, String> headings = Map.of("loss", "Loss per step", "parameters", "Parameters per step" + norms,
        "gradients", "Gradients per step" + norms, "fit", "Data and the fitted model");
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
