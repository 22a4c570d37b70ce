package io.github.chainrule.viz.dot;

import java.util.Locale;

/**
 * Colours for gradient magnitudes on a log scale, so that vanishing (blue) and exploding (red)
 * gradients stand out while ordinary ones stay pale. The magnitude of a gradient is the largest
 * absolute value of its finite elements. Two cases are not on the scale and look like nothing on
 * it: a gradient that is exactly zero (a dead unit, a cut path) is mid grey, and one with a NaN or
 * an infinity is black.
 */
public final class GradientColours {
  // Diverging blue–grey–red (Moreland's "cool to warm" end points): readable in print and for the
  // common red–green colour blindness.
  private static final int[] LOW = {0x3b, 0x4c, 0xc0};
  private static final int[] MID = {0xf2, 0xf2, 0xf2};
  private static final int[] HIGH = {0xb4, 0x04, 0x26};
  /** Exactly zero: darker than the scale's pale middle, without its hue. */
  public static final String ZERO = "#9e9e9e";
  /** NaN or infinite somewhere. */
  public static final String NON_FINITE = "#000000";

  private final double logLow;
  private final double logHigh;

  /**
   * @param low magnitude drawn fully blue, and anything smaller (zero included)
   * @param high magnitude drawn fully red, and anything larger
   */
  public GradientColours(double low, double high) {
    if (!(low > 0 && high > low && Double.isFinite(high))) {
      throw new IllegalArgumentException("gradient colours: need 0 < low < high < Inf, got low=" + low + ", high=" + high);
    }
    this.logLow = Math.log10(low);
    this.logHigh = Math.log10(high);
  }

  /** max |g| over finite elements; 0 when there are none. */
  public static double magnitude(double[] g) {
    double m = 0;
    for (double v : g) {
      if (Double.isFinite(v)) {
        m = Math.max(m, Math.abs(v));
      }
    }
    return m;
  }

  /** Position of {@code magnitude} on the scale, 0 (low or less) to 1 (high or more). */
  public double position(double magnitude) {
    if (!(magnitude > 0)) {
      return 0;
    }
    double t = (Math.log10(magnitude) - logLow) / (logHigh - logLow);
    return Math.max(0, Math.min(1, t));
  }

  /** {@code #rrggbb} for {@code magnitude}; {@link #ZERO} for exactly 0. */
  public String fill(double magnitude) {
    if (magnitude == 0) {
      return ZERO;
    }
    double t = position(magnitude);
    int[] from = t < 0.5 ? LOW : MID;
    int[] to = t < 0.5 ? MID : HIGH;
    double u = t < 0.5 ? t * 2 : (t - 0.5) * 2;
    return String.format(Locale.ROOT, "#%02x%02x%02x", mix(from[0], to[0], u), mix(from[1], to[1], u), mix(from[2], to[2], u));
  }

  /** Black or white, whichever reads better on {@link #fill}. */
  public String text(double magnitude) {
    if (magnitude == 0) {
      return "#000000";
    }
    double t = position(magnitude);
    return t < 0.2 || t > 0.8 ? "#ffffff" : "#000000";
  }

  /** The fill for a whole gradient: {@link #NON_FINITE} if any element is, else by {@link #magnitude}. */
  public String fill(double[] g) {
    return finite(g) ? fill(magnitude(g)) : NON_FINITE;
  }

  /** Black or white, whichever reads better on {@link #fill(double[])}. */
  public String text(double[] g) {
    return finite(g) ? text(magnitude(g)) : "#ffffff";
  }

  private static boolean finite(double[] g) {
    for (double v : g) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  private static int mix(int a, int b, double u) {
    return (int) Math.round(a + (b - a) * u);
  }
}
