package io.github.chainrule.viz.plot;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.List;
import java.util.Map;

/**
 * The charts of a training run, built from plain data: names and {@code double[]} series, so that
 * any training history can feed them. Each is a {@link Chart}; its {@link Chart#svg()} is the picture.
 *
 * <p>NaN and infinite points cannot be drawn; they are left out of a series (its other points stay).
 * On a logarithmic axis, zero and negative values are left out too.
 */
public final class Plots {
  private Plots() {}

  /**
   * Data as points and the model's prediction as a line.
   *
   * @param x inputs of the data points
   * @param y targets, one per input
   * @param modelX inputs at which the model was evaluated (a fine grid reads best)
   * @param modelY the model's outputs there
   */
  public static Chart dataVsPrediction(String title, double[] x, double[] y, double[] modelX, double[] modelY) {
    checkPairs("data vs prediction", "data", x, y);
    checkPairs("data vs prediction", "prediction", modelX, modelY);
    Chart chart = new Chart(title, "x", "y");
    chart.points("data", x, y).colour(Chart.PALETTE.get(0));
    chart.line("prediction", modelX, modelY).colour(Chart.PALETTE.get(2)).width(2.5).markers(false);
    return chart;
  }

  /**
   * Loss per step, one line per series ("train", "validation"), x the step index from 0.
   *
   * @param logScale a logarithmic loss axis, where slow late progress is visible
   */
  public static Chart lossCurves(String title, Map<String, double[]> series, boolean logScale) {
    return lines(title, "step", logScale ? "loss (log scale)" : "loss", series, logScale, "loss curves");
  }

  /**
   * Values per step of named quantities: parameters ("hidden.weight[0,1]") or their gradients,
   * one line each, x the step index from 0.
   */
  public static Chart trajectories(String title, String yTitle, Map<String, double[]> series) {
    return lines(title, "step", yTitle, series, false, "trajectories");
  }

  /** Two charts from one history: parameter values, then gradients, per step. */
  public static List<Chart> parameterAndGradientTrajectories(Map<String, double[]> parameters,
      Map<String, double[]> gradients) {
    return List.of(trajectories("Parameters during training", "value", parameters),
        trajectories("Gradients during training", "gradient", gradients));
  }

  /** 0, 1, ..., n - 1: the step or epoch index of a series of n values. */
  public static double[] indices(int n) {
    double[] steps = new double[n];
    for (int i = 0; i < n; i++) {
      steps[i] = i;
    }
    return steps;
  }

  private static Chart lines(String title, String xTitle, String yTitle, Map<String, double[]> series,
      boolean logY, String what) {
    checkNotNull(series, "%s: series map is null", what);
    checkArgument(!series.isEmpty(), "%s: no series to plot", what);
    Chart chart = new Chart(title, xTitle, yTitle).logY(logY);
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      double[] values = checkNotNull(e.getValue(), "%s: series '%s' is null", what, e.getKey());
      Chart.Series s = chart.line(e.getKey(), indices(values.length), values);
      checkArgument(s.drawn()[0].length > 0, "%s: series '%s' has no %s value to plot (%s values)", what, e.getKey(),
          logY ? "finite positive" : "finite", values.length);
    }
    return chart;
  }

  static void checkPairs(String plot, String series, double[] x, double[] y) {
    checkNotNull(x, "%s: %s x is null", plot, series);
    checkNotNull(y, "%s: %s y is null", plot, series);
    checkArgument(x.length == y.length, "%s: %s has %s x values but %s y values", plot, series, x.length, y.length);
    checkArgument(x.length > 0, "%s: %s is empty", plot, series);
  }
}
