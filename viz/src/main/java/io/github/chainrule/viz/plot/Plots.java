package io.github.chainrule.viz.plot;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The charts of a training run, built with XChart from plain data: names and {@code double[]}
 * series, so that any training history can feed them. Write them with {@link ChartFiles}.
 *
 * <p>NaN and infinite points cannot be drawn; they are left out of a series (its other points stay).
 * On a logarithmic axis, zero and negative values are left out too.
 */
public final class Plots {
  static final int WIDTH = 800;
  static final int HEIGHT = 500;
  /** Tableau 10: distinct, colour-blind-friendlier than Java's defaults. */
  static final Color[] PALETTE = {
      new Color(0x4e79a7), new Color(0xf28e2b), new Color(0xe15759), new Color(0x76b7b2), new Color(0x59a14f),
      new Color(0xedc948), new Color(0xb07aa1), new Color(0xff9da7), new Color(0x9c755f), new Color(0xbab0ac)};

  private Plots() {}

  /** An empty chart with the project's style. */
  static XYChart chart(String title, String xTitle, String yTitle) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
        .yAxisTitle(yTitle).build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotGridLinesColor(new Color(0xe0e0e0));
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setLegendBorderColor(Color.WHITE);
    chart.getStyler().setSeriesColors(PALETTE);
    chart.getStyler().setAntiAlias(true);
    return chart;
  }

  /**
   * Data as points and the model's prediction as a line.
   *
   * @param x inputs of the data points
   * @param y targets, one per input
   * @param modelX inputs at which the model was evaluated (a fine grid reads best)
   * @param modelY the model's outputs there
   */
  public static XYChart dataVsPrediction(String title, double[] x, double[] y, double[] modelX, double[] modelY) {
    checkPairs("data vs prediction", "data", x, y);
    checkPairs("data vs prediction", "prediction", modelX, modelY);
    XYChart chart = chart(title, "x", "y");
    double[][] data = finitePoints(x, y, false);
    XYSeries points = chart.addSeries("data", data[0], data[1]);
    points.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    points.setMarker(SeriesMarkers.CIRCLE);
    points.setMarkerColor(PALETTE[0]);
    double[][] line = finitePoints(modelX, modelY, false);
    XYSeries prediction = chart.addSeries("prediction", line[0], line[1]);
    prediction.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    prediction.setMarker(SeriesMarkers.NONE);
    prediction.setLineColor(PALETTE[2]);
    prediction.setLineWidth(2.5f);
    return chart;
  }

  /**
   * Loss per step, one line per series ("train", "validation"), x the step index from 0.
   *
   * @param logScale a logarithmic loss axis, where slow late progress is visible
   */
  public static XYChart lossCurves(String title, Map<String, double[]> series, boolean logScale) {
    XYChart chart = lines(title, "step", logScale ? "loss (log scale)" : "loss", series, logScale, "loss curves");
    chart.getStyler().setYAxisLogarithmic(logScale);
    return chart;
  }

  /**
   * Values per step of named quantities: parameters ("hidden.weight[0,1]") or their gradients,
   * one line each, x the step index from 0.
   */
  public static XYChart trajectories(String title, String yTitle, Map<String, double[]> series) {
    return lines(title, "step", yTitle, series, false, "trajectories");
  }

  /** Two charts from one history: parameter values, then gradients, per step. */
  public static List<XYChart> parameterAndGradientTrajectories(Map<String, double[]> parameters,
      Map<String, double[]> gradients) {
    return List.of(trajectories("Parameters during training", "value", parameters),
        trajectories("Gradients during training", "gradient", gradients));
  }

  private static XYChart lines(String title, String xTitle, String yTitle, Map<String, double[]> series,
      boolean positiveOnly, String what) {
    checkNotNull(series, "%s: series map is null", what);
    checkArgument(!series.isEmpty(), "%s: no series to plot", what);
    XYChart chart = chart(title, xTitle, yTitle);
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      double[] values = checkNotNull(e.getValue(), "%s: series '%s' is null", what, e.getKey());
      double[] steps = new double[values.length];
      for (int i = 0; i < steps.length; i++) {
        steps[i] = i;
      }
      double[][] kept = finitePoints(steps, values, positiveOnly);
      checkArgument(kept[0].length > 0, "%s: series '%s' has no %s value to plot (%s values)", what, e.getKey(),
          positiveOnly ? "finite positive" : "finite", values.length);
      XYSeries s = chart.addSeries(e.getKey(), kept[0], kept[1]);
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
      s.setMarker(kept[0].length <= 30 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
      s.setLineWidth(2f);
    }
    return chart;
  }

  static void checkPairs(String plot, String series, double[] x, double[] y) {
    checkNotNull(x, "%s: %s x is null", plot, series);
    checkNotNull(y, "%s: %s y is null", plot, series);
    checkArgument(x.length == y.length, "%s: %s has %s x values but %s y values", plot, series, x.length, y.length);
    checkArgument(x.length > 0, "%s: %s is empty", plot, series);
  }

  /** The points whose coordinates are finite (and y positive when asked), as {xs, ys}. */
  static double[][] finitePoints(double[] x, double[] y, boolean positiveOnly) {
    List<double[]> kept = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      if (Double.isFinite(x[i]) && Double.isFinite(y[i]) && (!positiveOnly || y[i] > 0)) {
        kept.add(new double[] {x[i], y[i]});
      }
    }
    double[][] out = new double[2][kept.size()];
    for (int i = 0; i < kept.size(); i++) {
      out[0][i] = kept.get(i)[0];
      out[1][i] = kept.get(i)[1];
    }
    return out;
  }

  static BasicStroke dashed(float width) {
    return new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);
  }

  static BasicStroke dotted(float width) {
    return new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {2f, 3f}, 0f);
  }
}
