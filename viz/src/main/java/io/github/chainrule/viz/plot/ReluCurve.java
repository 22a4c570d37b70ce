package io.github.chainrule.viz.plot;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.chainrule.autodiff.Format;
import java.util.Arrays;

/**
 * "How the curve is built": a one-input, one-output network with one hidden ReLU layer,
 * f(x) = Σᵢ wᵢ·relu(aᵢx + bᵢ) + c, drawn piece by piece. Each hidden unit is a hinge that bends at
 * x = −bᵢ/aᵢ; scaled by its output weight and added up, the hinges make a piecewise-linear curve
 * whose kinks sit exactly at those points.
 *
 * <pre>{@code
 * Chart chart = new ReluCurve(a, b, w, c).chart("How the curve is built", -3, 3);
 * }</pre>
 */
public final class ReluCurve {
  private final double[] a;
  private final double[] b;
  private final double[] w;
  private final double c;

  /**
   * @param a each hidden unit's input weight
   * @param b each hidden unit's bias
   * @param w each hidden unit's output weight
   * @param c the output bias
   */
  public ReluCurve(double[] a, double[] b, double[] w, double c) {
    checkArgument(a.length > 0, "relu curve: no hidden units");
    checkArgument(a.length == b.length && a.length == w.length,
        "relu curve: a, b and w need one value per hidden unit, got %s, %s and %s", a.length, b.length, w.length);
    this.a = a.clone();
    this.b = b.clone();
    this.w = w.clone();
    this.c = c;
  }

  /** Number of hidden units. */
  public int units() {
    return a.length;
  }

  /** relu(aᵢx + bᵢ): what hidden unit {@code i} outputs. */
  public double unit(int i, double x) {
    return Math.max(0, a[i] * x + b[i]);
  }

  /** wᵢ·relu(aᵢx + bᵢ): what hidden unit {@code i} adds to the output. */
  public double weighted(int i, double x) {
    return w[i] * unit(i, x);
  }

  /** The network's output f(x). */
  public double output(double x) {
    double sum = c;
    for (int i = 0; i < a.length; i++) {
      sum += weighted(i, x);
    }
    return sum;
  }

  /**
   * Where each unit bends, −bᵢ/aᵢ, sorted; a unit with aᵢ = 0 is constant and has no kink.
   */
  public double[] kinks() {
    return Arrays.stream(kinkOfUnit()).filter(Double::isFinite).sorted().toArray();
  }

  /** −bᵢ/aᵢ per unit, NaN where aᵢ = 0. */
  private double[] kinkOfUnit() {
    double[] k = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      k[i] = a[i] == 0 ? Double.NaN : -b[i] / a[i];
    }
    return k;
  }

  /** The grid the curves are drawn on: {@code points} evenly spaced x plus every kink inside the range. */
  double[] grid(double xMin, double xMax, int points) {
    double[] kinks = Arrays.stream(kinks()).filter(k -> k > xMin && k < xMax).toArray();
    double[] xs = new double[points + kinks.length];
    for (int i = 0; i < points; i++) {
      xs[i] = xMin + (xMax - xMin) * i / (points - 1);
    }
    System.arraycopy(kinks, 0, xs, points, kinks.length);
    Arrays.sort(xs);
    return xs;
  }

  /**
   * The chart: each unit's relu(aᵢx + bᵢ) dashed, the same times wᵢ solid in the same colour, their
   * sum plus c thick and black, and a dotted vertical line with a marker at every kink in range.
   */
  public Chart chart(String title, double xMin, double xMax) {
    checkArgument(xMin < xMax && Double.isFinite(xMin) && Double.isFinite(xMax),
        "relu curve: need a finite range xMin < xMax, got [%s, %s]", xMin, xMax);
    // The curves are piecewise linear: the ends and the kinks draw them exactly, and dashes stay visible.
    double[] xs = grid(xMin, xMax, 2);
    Chart chart = new Chart(title, "x", "y");
    double yMin = Double.POSITIVE_INFINITY;
    double yMax = Double.NEGATIVE_INFINITY;
    double[] kinkOf = kinkOfUnit();
    for (int i = 0; i < a.length; i++) {
      String colour = Chart.PALETTE.get(i % Chart.PALETTE.size());
      double[] hinge = new double[xs.length];
      double[] scaled = new double[xs.length];
      for (int p = 0; p < xs.length; p++) {
        hinge[p] = unit(i, xs[p]);
        scaled[p] = weighted(i, xs[p]);
        yMin = Math.min(yMin, Math.min(hinge[p], scaled[p]));
        yMax = Math.max(yMax, Math.max(hinge[p], scaled[p]));
      }
      String unit = "h" + (i + 1);
      String kink = Double.isFinite(kinkOf[i]) ? ", kink at " + number(kinkOf[i]) : "";
      line(chart, unit + " = relu(" + affine(a[i], b[i]) + ")" + kink, xs, hinge, colour, 1.5).dashed();
      line(chart, number(w[i]) + " \u00b7 " + unit, xs, scaled, colour, 1.5);
    }
    double[] f = new double[xs.length];
    for (int p = 0; p < xs.length; p++) {
      f[p] = output(xs[p]);
      yMin = Math.min(yMin, f[p]);
      yMax = Math.max(yMax, f[p]);
    }
    line(chart, "f(x) = sum " + (c < 0 ? "- " + number(-c) : "+ " + number(c)), xs, f, "black", 3.5);
    double[] inRange = Arrays.stream(kinks()).filter(k -> k >= xMin && k <= xMax).toArray();
    if (inRange.length > 0) {
      double pad = (yMax - yMin) * 0.05 + 1e-12;
      for (int k = 0; k < inRange.length; k++) {
        line(chart, "kink line " + (k + 1), new double[] {inRange[k], inRange[k]},
            new double[] {yMin - pad, yMax + pad}, "gray", 1).dotted().inLegend(false);
      }
      double[] fk = Arrays.stream(inRange).map(this::output).toArray();
      chart.points("kinks at x = -b/a", inRange, fk).colour("black");
    }
    return chart;
  }

  private static Chart.Series line(Chart chart, String name, double[] x, double[] y, String colour, double width) {
    return chart.line(name, x, y).colour(colour).width(width).markers(false);
  }

  private static String number(double v) {
    return Format.number(v);
  }

  /** "0.5x - 1" rather than "0.5x + -1". */
  private static String affine(double a, double b) {
    return number(a) + "x " + (b < 0 ? "- " + number(-b) : "+ " + number(b));
  }
}
