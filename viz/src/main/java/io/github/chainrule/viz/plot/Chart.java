package io.github.chainrule.viz.plot;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static io.github.chainrule.viz.Markup.escape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An x-y chart of lines and points, drawn as SVG with text as text: tick labels are round (steps of
 * 1, 2 or 5 times a power of ten; decades on a logarithmic axis) and spaced so that they never touch
 * ({@link TickLabels} reads them back and checks).
 *
 * <pre>{@code
 * Chart chart = new Chart("Loss", "step", "loss").logY(true);
 * chart.line("train", steps, losses);
 * Files.writeString(Path.of("loss.svg"), chart.svg());
 * }</pre>
 *
 * <p>Points that cannot be drawn are left out of their series (its other points stay): non-finite
 * ones, and on a logarithmic axis zero and negative y. A series longer than {@value #MAX_POINTS}
 * points is drawn from about that many ({@link #keep}), which at this size shows everything.
 */
public final class Chart {
  /** Width of a chart whose legend is narrow; a wide legend widens the chart, not the plot narrower. */
  public static final int WIDTH = 800;
  public static final int HEIGHT = 450;
  /** Tableau 10: distinct, colour-blind-friendlier than most defaults. */
  public static final List<String> PALETTE = List.of("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
      "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac");
  public static final int MAX_POINTS = 1000;
  /** A line with at most this many points also gets a marker at each. */
  static final int MARKED_POINTS = 40;
  static final double TICK_FONT = 12;
  static final String FONT_FAMILY = "DejaVu Sans, Helvetica, Arial, sans-serif";
  private static final double TITLE_FONT = 15;
  private static final double LEGEND_FONT = 12;
  private static final double LEGEND_ROW = 18;
  /** Space kept free between two tick labels, in pixels. */
  private static final double LABEL_GAP = 12;

  private final String title;
  private String xTitle;
  private String yTitle;
  private boolean logY;
  private final Map<String, Series> series = new LinkedHashMap<>();

  public Chart(String title, String xTitle, String yTitle) {
    this.title = checkNotNull(title, "chart: title is null");
    this.xTitle = xTitle == null ? "" : xTitle;
    this.yTitle = yTitle == null ? "" : yTitle;
  }

  /** A logarithmic y axis, where slow late progress and values over many decades are visible. */
  public Chart logY(boolean on) {
    this.logY = on;
    return this;
  }

  public boolean isLogY() {
    return logY;
  }

  public Chart xTitle(String text) {
    this.xTitle = text == null ? "" : text;
    return this;
  }

  public Chart yTitle(String text) {
    this.yTitle = text == null ? "" : text;
    return this;
  }

  public String title() {
    return title;
  }

  public String xTitle() {
    return xTitle;
  }

  public String yTitle() {
    return yTitle;
  }

  /** A line through the points in the order given. */
  public Series line(String name, double[] x, double[] y) {
    return add(name, x, y, true);
  }

  /** Points without a line. */
  public Series points(String name, double[] x, double[] y) {
    return add(name, x, y, false);
  }

  private Series add(String name, double[] x, double[] y, boolean line) {
    checkNotNull(name, "chart '%s': series name is null", title);
    checkNotNull(x, "chart '%s': series '%s' x is null", title, name);
    checkNotNull(y, "chart '%s': series '%s' y is null", title, name);
    checkArgument(x.length == y.length, "chart '%s': series '%s' has %s x values but %s y values", title, name,
        x.length, y.length);
    checkArgument(!series.containsKey(name), "chart '%s': two series named '%s'", title, name);
    Series s = new Series(name, x.clone(), y.clone(), line, PALETTE.get(series.size() % PALETTE.size()));
    series.put(name, s);
    return s;
  }

  /** The series by name, in the order added. */
  public Map<String, Series> series() {
    return java.util.Collections.unmodifiableMap(series);
  }

  /** One named series of points and how it is drawn. */
  public final class Series {
    private final String name;
    private final double[] x;
    private final double[] y;
    private final boolean line;
    private String colour;
    private double width = 2;
    private String dash;
    private Boolean markers;
    private boolean inLegend = true;

    private Series(String name, double[] x, double[] y, boolean line, String colour) {
      this.name = name;
      this.x = x;
      this.y = y;
      this.line = line;
      this.colour = colour;
    }

    public String name() {
      return name;
    }

    /** A CSS colour, e.g. {@code "#4e79a7"} or {@code "black"}. */
    public Series colour(String css) {
      this.colour = checkNotNull(css, "chart '%s': series '%s' colour is null", title, name);
      return this;
    }

    /** Line width in pixels. */
    public Series width(double pixels) {
      checkArgument(pixels > 0, "chart '%s': series '%s' needs a positive line width, got %s", title, name, pixels);
      this.width = pixels;
      return this;
    }

    public Series dashed() {
      this.dash = "6 4";
      return this;
    }

    public Series dotted() {
      this.dash = "2 3";
      return this;
    }

    /** A marker at every point (default: only on lines of at most {@value #MARKED_POINTS} points). */
    public Series markers(boolean on) {
      this.markers = on;
      return this;
    }

    public Series inLegend(boolean on) {
      this.inLegend = on;
      return this;
    }

    public boolean isLine() {
      return line;
    }

    /** The points drawn, as {xs, ys}: drawable ones, thinned to about {@value #MAX_POINTS}. */
    public double[][] drawn() {
      int n = 0;
      for (int i = 0; i < x.length; i++) {
        n += drawable(x[i], y[i]) ? 1 : 0;
      }
      double[] xs = new double[n];
      double[] ys = new double[n];
      for (int i = 0, k = 0; i < x.length; i++) {
        if (drawable(x[i], y[i])) {
          xs[k] = x[i];
          ys[k++] = y[i];
        }
      }
      int[] kept = keep(ys, MAX_POINTS);
      return kept.length == n ? new double[][] {xs, ys} : new double[][] {pick(xs, kept), pick(ys, kept)};
    }

    private boolean drawable(double px, double py) {
      return Double.isFinite(px) && Double.isFinite(py) && (!logY || py > 0);
    }

    private boolean marked(int points) {
      return !line || (markers != null ? markers : points <= MARKED_POINTS);
    }
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

  /** The chart's width in pixels: {@value #WIDTH}, more when the legend needs it. */
  public int width() {
    double titleWidth = TickLabels.textWidth(title, TITLE_FONT) * 1.08 + 16;
    return (int) Math.ceil(Math.max(titleWidth, WIDTH + Math.max(0, legendWidth() - 220)));
  }

  public int height() {
    return HEIGHT;
  }

  private double legendWidth() {
    double widest = 0;
    for (Series s : series.values()) {
      if (s.inLegend) {
        widest = Math.max(widest, TickLabels.textWidth(s.name, LEGEND_FONT));
      }
    }
    return widest == 0 ? 0 : 40 + widest;
  }

  /** The chart as a standalone SVG document. */
  public String svg() {
    List<double[][]> drawn = new ArrayList<>();
    double xMin = Double.POSITIVE_INFINITY;
    double xMax = Double.NEGATIVE_INFINITY;
    double yMin = Double.POSITIVE_INFINITY;
    double yMax = Double.NEGATIVE_INFINITY;
    for (Series s : series.values()) {
      double[][] p = s.drawn();
      drawn.add(p);
      for (int i = 0; i < p[0].length; i++) {
        xMin = Math.min(xMin, p[0][i]);
        xMax = Math.max(xMax, p[0][i]);
        yMin = Math.min(yMin, p[1][i]);
        yMax = Math.max(yMax, p[1][i]);
      }
    }
    Axis xAxis = Axis.linear(xMin, xMax, 0);
    Axis yAxis = logY ? Axis.log(yMin, yMax) : Axis.linear(yMin, yMax, 0.05);

    int width = width();
    double top = 44;
    double bottom = HEIGHT - 54.0;
    List<Axis.Tick> yTicks = yAxis.ticks(bottom - top, false, LABEL_GAP);
    double yLabels = 0;
    for (Axis.Tick t : yTicks) {
      yLabels = Math.max(yLabels, TickLabels.textWidth(t.label(), TICK_FONT));
    }
    double left = 34 + yLabels + 8;
    double legend = legendWidth();
    double right = width - 20 - (legend == 0 ? 0 : legend + 16);
    List<Axis.Tick> xTicks = xAxis.ticks(right - left, true, LABEL_GAP);

    StringBuilder svg = new StringBuilder(8192);
    svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
        .append(HEIGHT).append("\" viewBox=\"0 0 ").append(width).append(' ').append(HEIGHT)
        .append("\" font-family=\"").append(FONT_FAMILY).append("\">\n")
        .append("<title>").append(escape(title)).append("</title>\n")
        .append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    // Over the plot when it fits there, else as far left as it needs.
    double titleHalf = TickLabels.textWidth(title, TITLE_FONT) * 1.08 / 2;
    double titleAt = Math.max(Math.min((left + right) / 2, width - titleHalf - 8), titleHalf + 8);
    text(svg, "title", titleAt, 26, TITLE_FONT, "middle", "font-weight=\"bold\"", title);
    for (Axis.Tick t : xTicks) {
      double px = left + xAxis.fraction(t.value()) * (right - left);
      svg.append(line(px, top, px, bottom, "#e6e6e6", 1, null));
      text(svg, "tick x", px, bottom + 18, TICK_FONT, "middle", null, t.label());
    }
    for (Axis.Tick t : yTicks) {
      double py = bottom - yAxis.fraction(t.value()) * (bottom - top);
      svg.append(line(left, py, right, py, "#e6e6e6", 1, null));
      text(svg, logY ? "tick y log" : "tick y", left - 8, py + 0.35 * TICK_FONT, TICK_FONT, "end", null, t.label());
    }
    svg.append("<rect x=\"").append(n(left)).append("\" y=\"").append(n(top)).append("\" width=\"")
        .append(n(right - left)).append("\" height=\"").append(n(bottom - top))
        .append("\" fill=\"none\" stroke=\"#888\"/>\n");
    text(svg, "axis-title x", (left + right) / 2, HEIGHT - 14.0, 13, "middle", null, xTitle);
    double yMid = (top + bottom) / 2;
    text(svg, "axis-title y", 18, yMid, 13, "middle", "transform=\"rotate(-90 18 " + n(yMid) + ")\"", yTitle);

    svg.append("<clipPath id=\"plot-area\"><rect x=\"").append(n(left - 4)).append("\" y=\"").append(n(top - 4))
        .append("\" width=\"").append(n(right - left + 8)).append("\" height=\"").append(n(bottom - top + 8))
        .append("\"/></clipPath>\n<g clip-path=\"url(#plot-area)\">\n");
    int k = 0;
    for (Series s : series.values()) {
      double[][] p = drawn.get(k++);
      StringBuilder points = new StringBuilder();
      for (int i = 0; i < p[0].length; i++) {
        points.append(i > 0 ? " " : "").append(n(left + xAxis.fraction(p[0][i]) * (right - left))).append(',')
            .append(n(bottom - yAxis.fraction(p[1][i]) * (bottom - top)));
      }
      if (s.line && p[0].length > 1) {
        svg.append("<polyline class=\"series\" fill=\"none\" stroke=\"").append(escape(s.colour))
            .append("\" stroke-width=\"").append(n(s.width)).append('"')
            .append(s.dash == null ? "" : " stroke-dasharray=\"" + s.dash + "\"")
            .append(" stroke-linejoin=\"round\" points=\"").append(points).append("\"/>\n");
      }
      if (s.marked(p[0].length) || p[0].length == 1) {
        for (int i = 0; i < p[0].length; i++) {
          svg.append("<circle cx=\"").append(n(left + xAxis.fraction(p[0][i]) * (right - left))).append("\" cy=\"")
              .append(n(bottom - yAxis.fraction(p[1][i]) * (bottom - top))).append("\" r=\"3.5\" fill=\"")
              .append(escape(s.colour)).append("\"/>\n");
        }
      }
    }
    svg.append("</g>\n");
    double row = top + 10;
    double lx = right + 16;
    for (Series s : series.values()) {
      if (!s.inLegend) {
        continue;
      }
      if (s.line) {
        svg.append(line(lx, row, lx + 24, row, s.colour, s.width, s.dash));
      }
      if (s.marked(MARKED_POINTS + 1)) {
        svg.append("<circle cx=\"").append(n(lx + 12)).append("\" cy=\"").append(n(row)).append("\" r=\"3.5\" fill=\"")
            .append(escape(s.colour)).append("\"/>\n");
      }
      text(svg, "legend", lx + 32, row + 0.35 * LEGEND_FONT, LEGEND_FONT, "start", null, s.name);
      row += LEGEND_ROW;
    }
    return svg.append("</svg>\n").toString();
  }

  private static String line(double x1, double y1, double x2, double y2, String colour, double width, String dash) {
    return "<line x1=\"" + n(x1) + "\" y1=\"" + n(y1) + "\" x2=\"" + n(x2) + "\" y2=\"" + n(y2) + "\" stroke=\""
        + escape(colour) + "\" stroke-width=\"" + n(width) + "\"" + (dash == null ? "" : " stroke-dasharray=\"" + dash
        + "\"") + "/>\n";
  }

  private static void text(StringBuilder svg, String cls, double x, double y, double size, String anchor,
      String extra, String text) {
    svg.append("<text class=\"").append(cls).append("\" x=\"").append(n(x)).append("\" y=\"").append(n(y))
        .append("\" font-size=\"").append(n(size)).append("\" text-anchor=\"").append(anchor).append('"')
        .append(extra == null ? "" : " " + extra).append('>').append(escape(text)).append("</text>\n");
  }

  private static String n(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
