package io.github.chainrule.viz.gallery;

import java.awt.Color;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The few charts the gallery needs that {@link io.github.chainrule.viz.plot.Plots} does not draw:
 * lines over an x of the caller's choosing (a step count sampled every thousand steps, a grid of
 * x), with the same look. Non-finite points, and on a log axis non-positive ones, are left out.
 *
 * <p>A series longer than {@value #MAX_POINTS} points is drawn from every k-th point (and the last):
 * XChart strokes each segment on its own, and a few thousand points per line cost seconds while
 * drawing nothing a reader can see at 800 pixels.
 */
final class Charts {
  /** Tableau 10, as the other plots use. */
  private static final Color[] PALETTE = {
      new Color(0x4e79a7), new Color(0xf28e2b), new Color(0xe15759), new Color(0x76b7b2), new Color(0x59a14f),
      new Color(0xedc948), new Color(0xb07aa1), new Color(0xff9da7), new Color(0x9c755f), new Color(0xbab0ac)};

  static final int MAX_POINTS = 400;

  private Charts() {}

  static XYChart empty(String title, String xTitle, String yTitle, boolean logY) {
    XYChart chart = new XYChartBuilder().width(800).height(450).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle)
        .build();
    XYStyler s = chart.getStyler();
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setPlotGridLinesColor(new Color(0xe0e0e0));
    s.setLegendPosition(Styler.LegendPosition.OutsideE);
    s.setLegendBorderColor(Color.WHITE);
    s.setSeriesColors(PALETTE);
    s.setAntiAlias(true);
    s.setYAxisLogarithmic(logY);
    return chart;
  }

  /** One line per named series, all over the same x. */
  static XYChart lines(String title, String xTitle, String yTitle, double[] x, Map<String, double[]> ys, boolean logY) {
    XYChart chart = empty(title, xTitle, yTitle, logY);
    for (Map.Entry<String, double[]> e : ys.entrySet()) {
      line(chart, e.getKey(), x, e.getValue(), logY);
    }
    return chart;
  }

  /** One line per named series over its own step index 0, 1, ...; series may differ in length. */
  static XYChart perStep(String title, String yTitle, Map<String, double[]> series, boolean logY) {
    return perIndex(title, "step", yTitle, series, logY);
  }

  /** One line per named series over its own index 0, 1, ... (steps, epochs); series may differ in length. */
  static XYChart perIndex(String title, String xTitle, String yTitle, Map<String, double[]> series, boolean logY) {
    XYChart chart = empty(title, xTitle, logY ? yTitle + " (log scale)" : yTitle, logY);
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      line(chart, e.getKey(), Pages.steps(e.getValue().length), e.getValue(), logY);
    }
    return chart;
  }

  /** A line, markers when it has few points; returns null when no point is drawable. */
  static XYSeries line(XYChart chart, String name, double[] x, double[] y, boolean logY) {
    double[][] kept = thin(drawable(x, y, logY));
    if (kept[0].length == 0) {
      return null;
    }
    XYSeries s = chart.addSeries(name, kept[0], kept[1]);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    s.setMarker(kept[0].length <= 40 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    s.setLineWidth(2f);
    return s;
  }

  /** Points without a line. */
  static XYSeries points(XYChart chart, String name, double[] x, double[] y) {
    double[][] kept = drawable(x, y, false);
    XYSeries s = chart.addSeries(name, kept[0], kept[1]);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    s.setMarker(SeriesMarkers.CIRCLE);
    return s;
  }

  private static double[][] thin(double[][] xy) {
    int n = xy[0].length;
    if (n <= MAX_POINTS) {
      return xy;
    }
    int every = (n + MAX_POINTS - 1) / MAX_POINTS;
    int m = (n - 1) / every + 1 + ((n - 1) % every == 0 ? 0 : 1);
    double[][] out = new double[2][m];
    for (int i = 0, k = 0; i < n; i += every, k++) {
      out[0][k] = xy[0][i];
      out[1][k] = xy[1][i];
    }
    out[0][m - 1] = xy[0][n - 1];
    out[1][m - 1] = xy[1][n - 1];
    return out;
  }

  private static double[][] drawable(double[] x, double[] y, boolean positive) {
    int n = 0;
    for (int i = 0; i < x.length; i++) {
      if (ok(x[i], y[i], positive)) {
        n++;
      }
    }
    double[][] out = new double[2][n];
    for (int i = 0, k = 0; i < x.length; i++) {
      if (ok(x[i], y[i], positive)) {
        out[0][k] = x[i];
        out[1][k++] = y[i];
      }
    }
    return out;
  }

  private static boolean ok(double x, double y, boolean positive) {
    return Double.isFinite(x) && Double.isFinite(y) && (!positive || y > 0);
  }
}
