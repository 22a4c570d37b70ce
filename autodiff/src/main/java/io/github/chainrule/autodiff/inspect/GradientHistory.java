package io.github.chainrule.autodiff.inspect;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.chainrule.autodiff.Format;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The total gradient norm across training steps, with exploding growth flagged: the number that
 * gradient clipping computes, kept for every step so its history can be read.
 *
 * <pre>{@code
 * GradientHistory h = GradientHistory.ofNamedSteps(history);   // List<Map<String, double[]>>
 * h.totalNorms();            // one per step
 * h.firstExplodingStep();    // -1 when none
 * }</pre>
 *
 * <h2>Rule</h2>
 * The baseline is the median total norm of the first {@code min(5, steps)} steps. A step explodes
 * when its total norm exceeds {@code explodeFactor} (default 10) times the baseline, or is not
 * finite. The total norm of a step is the L2 norm over all gradient values of that step, as in
 * PyTorch's {@code clip_grad_norm_}.
 */
public final class GradientHistory {
  private final double[] totals;
  private final Map<String, double[]> perParameter;
  private final double baseline;
  private final double explodeFactor;
  private final int firstExploding;
  private final int firstNonFinite;

  private GradientHistory(double[] totals, Map<String, double[]> perParameter, double explodeFactor) {
    checkArgument(totals.length > 0, "gradient history: no steps given");
    checkArgument(explodeFactor > 1, "gradient history: explodeFactor must be above 1, got %s", explodeFactor);
    this.totals = totals;
    this.perParameter = perParameter;
    this.explodeFactor = explodeFactor;
    double[] head = Arrays.stream(totals, 0, Math.min(5, totals.length)).filter(Double::isFinite).sorted().toArray();
    this.baseline = head.length == 0 ? Double.NaN : head.length % 2 == 1 ? head[head.length / 2]
        : (head[head.length / 2 - 1] + head[head.length / 2]) / 2;
    int exploding = -1;
    int nonFinite = -1;
    for (int t = 0; t < totals.length; t++) {
      if (!Double.isFinite(totals[t]) && nonFinite < 0) {
        nonFinite = t;
      }
      if ((!Double.isFinite(totals[t]) || totals[t] > explodeFactor * baseline) && exploding < 0) {
        exploding = t;
      }
    }
    this.firstExploding = exploding;
    this.firstNonFinite = nonFinite;
  }

  /** Total norms already computed, one per step. */
  public static GradientHistory ofTotalNorms(double[] totalNorms) {
    return new GradientHistory(totalNorms.clone(), Map.of(), 10);
  }

  /** Each step's gradient values, all parameters flattened into one array. */
  public static GradientHistory ofSteps(List<double[]> steps) {
    double[] totals = new double[steps.size()];
    for (int t = 0; t < totals.length; t++) {
      totals[t] = norm(steps.get(t));
    }
    return new GradientHistory(totals, Map.of(), 10);
  }

  /** Each step's gradients by parameter name ({@code "hidden.weight" -> values}). */
  public static GradientHistory ofNamedSteps(List<Map<String, double[]>> steps) {
    return ofNamedSteps(steps, 10);
  }

  public static GradientHistory ofNamedSteps(List<Map<String, double[]>> steps, double explodeFactor) {
    double[] totals = new double[steps.size()];
    Map<String, double[]> per = new LinkedHashMap<>();
    for (int t = 0; t < totals.length; t++) {
      double sq = 0;
      for (Map.Entry<String, double[]> e : steps.get(t).entrySet()) {
        double n = norm(e.getValue());
        sq += n * n;
        per.computeIfAbsent(e.getKey(), k -> nanArray(totals.length))[t] = n;
      }
      totals[t] = Math.sqrt(sq);
    }
    return new GradientHistory(totals, per, explodeFactor);
  }

  private static double[] nanArray(int n) {
    double[] a = new double[n];
    Arrays.fill(a, Double.NaN);
    return a;
  }

  private static double norm(double[] v) {
    double sq = 0;
    for (double x : v) {
      sq += x * x;
    }
    return Math.sqrt(sq);
  }

  /** The total gradient norm of every step. */
  public double[] totalNorms() {
    return totals.clone();
  }

  /** Each parameter's gradient norm per step (NaN where a step lacks it); empty unless given names. */
  public Map<String, double[]> parameterNorms() {
    Map<String, double[]> copy = new LinkedHashMap<>();
    perParameter.forEach((k, v) -> copy.put(k, v.clone()));
    return copy;
  }

  /** Median total norm of the first steps, the yardstick for exploding. */
  public double baseline() {
    return baseline;
  }

  /** The first step whose total norm exceeds explodeFactor × baseline or is not finite; -1 if none. */
  public int firstExplodingStep() {
    return firstExploding;
  }

  /** The first step with a non-finite total norm; -1 if none. */
  public int firstNonFiniteStep() {
    return firstNonFinite;
  }

  public boolean exploding() {
    return firstExploding >= 0;
  }

  /** The parameter whose norm grew the most from the first step to the exploding one (or the last); null without names. */
  public String fastestGrowing() {
    int until = firstExploding >= 0 ? firstExploding : totals.length - 1;
    String best = null;
    double bestRatio = Double.NEGATIVE_INFINITY;
    for (Map.Entry<String, double[]> e : perParameter.entrySet()) {
      double r = e.getValue()[until] / e.getValue()[0];
      if (Double.isNaN(r)) {
        continue;
      }
      if (best == null || r > bestRatio) {
        best = e.getKey();
        bestRatio = r;
      }
    }
    return best;
  }

  /** Steps sampled to at most 20 rows, then the verdict. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%6s %14s %10s%n", "step", "total norm", "× baseline"));
    int stride = Math.max(1, (totals.length + 19) / 20);
    for (int t = 0; t < totals.length; t++) {
      if (t % stride == 0 || t == firstExploding || t == totals.length - 1) {
        sb.append(String.format(Locale.ROOT, "%6d %14s %10s%s%n", t, Format.number(totals[t]), Format.number(totals[t] / baseline),
            t == firstExploding ? "  <- first exploding step" : ""));
      }
    }
    if (firstExploding < 0) {
      sb.append("no exploding gradients: every step's total norm stays within ×").append(Format.number(explodeFactor))
          .append(" of the baseline ").append(Format.number(baseline));
      return sb.toString();
    }
    sb.append("EXPLODING at step ").append(firstExploding).append(": total gradient norm ")
        .append(Format.number(totals[firstExploding])).append(" against a baseline of ").append(Format.number(baseline))
        .append(" (×").append(Format.number(totals[firstExploding] / baseline)).append(")");
    if (firstNonFinite >= 0) {
      sb.append("; not finite from step ").append(firstNonFinite);
    }
    String p = fastestGrowing();
    if (p != null) {
      sb.append("; fastest growing: ").append(p);
    }
    sb.append(".\nLarger gradients make larger steps, which can land where gradients are larger still. "
        + "Lower the learning rate, or clip the total norm near the baseline.");
    return sb.toString();
  }
}
