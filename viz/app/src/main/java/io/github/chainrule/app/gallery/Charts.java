package io.github.chainrule.app.gallery;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
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
 * <p>A series longer than {@value #MAX_POINTS} points is drawn from about that many ({@link #keep}):
 * XChart strokes each segment on its own, and a few thousand points per line cost seconds while
 * drawing nothing a reader can see at 800 pixels. {@code fit}'s charts thin the same way.
 */
public final class Charts {
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
    int[] kept = keep(xy[1], MAX_POINTS);
    return kept.length == xy[1].length ? xy : new double[][] {pick(xy[0], kept), pick(xy[1], kept)};
  }

  /**
   * The indices of {@code y} a chart draws: all of a short series; of a long one, the first, the
   * lowest and the highest of each of about {@code maxPoints / 2} buckets (so spikes survive), and
   * the last, in order.
   */
  public static int[] keep(double[] y, int maxPoints) {
    if (y.length <= maxPoints) {
      int[] all = new int[y.length];
      for (int i = 0; i < all.length; i++) {
        all[i] = i;
      }
      return all;
    }
    int bucket = (int) Math.ceil(y.length / (maxPoints / 2.0));
    List<Integer> kept = new ArrayList<>(List.of(0));
    for (int start = 0; start < y.length; start += bucket) {
      int end = Math.min(y.length, start + bucket);
      int lo = start;
      int hi = start;
      for (int i = start; i < end; i++) {
        lo = y[i] < y[lo] ? i : lo;
        hi = y[i] > y[hi] ? i : hi;
      }
      if (Math.min(lo, hi) != 0) {
        kept.add(Math.min(lo, hi));
      }
      if (lo != hi) {
        kept.add(Math.max(lo, hi));
      }
    }
    if (kept.get(kept.size() - 1) != y.length - 1) {
      kept.add(y.length - 1);
    }
    return kept.stream().mapToInt(Integer::intValue).toArray();
  }

  /** {@code values} at the indices {@code kept}. */
  public static double[] pick(double[] values, int[] kept) {
    double[] out = new double[kept.length];
    for (int i = 0; i < kept.length; i++) {
      out[i] = values[kept[i]];
    }
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
