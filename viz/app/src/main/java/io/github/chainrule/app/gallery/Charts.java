package io.github.chainrule.app.gallery;

import io.github.chainrule.viz.plot.Chart;
import io.github.chainrule.viz.plot.Plots;
import java.util.Map;

/**
 * The few charts the gallery needs that {@link Plots} does not draw: lines over an x of the
 * caller's choosing (a step count sampled every thousand steps, a grid of x). Non-finite points,
 * and on a log axis non-positive ones, are left out; a series with none left is left out whole.
 */
final class Charts {
  private Charts() {}

  /** One line per named series, all over the same x. */
  static Chart lines(String title, String xTitle, String yTitle, double[] x, Map<String, double[]> ys, boolean logY) {
    Chart chart = new Chart(title, xTitle, yTitle).logY(logY);
    for (Map.Entry<String, double[]> e : ys.entrySet()) {
      line(chart, e.getKey(), x, e.getValue());
    }
    return chart;
  }

  /** One line per named series over its own step index 0, 1, ...; series may differ in length. */
  static Chart perStep(String title, String yTitle, Map<String, double[]> series, boolean logY) {
    return perIndex(title, "step", yTitle, series, logY);
  }

  /** One line per named series over its own index 0, 1, ... (steps, epochs); series may differ in length. */
  static Chart perIndex(String title, String xTitle, String yTitle, Map<String, double[]> series, boolean logY) {
    Chart chart = new Chart(title, xTitle, logY ? yTitle + " (log scale)" : yTitle).logY(logY);
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      line(chart, e.getKey(), Plots.indices(e.getValue().length), e.getValue());
    }
    return chart;
  }

  /** A line (markers when it has few points); returns null, adding nothing, when no point is drawable. */
  private static Chart.Series line(Chart chart, String name, double[] x, double[] y) {
    for (int i = 0; i < x.length; i++) {
      if (Double.isFinite(x[i]) && Double.isFinite(y[i]) && (!chart.isLogY() || y[i] > 0)) {
        return chart.line(name, x, y);
      }
    }
    return null;
  }
}
