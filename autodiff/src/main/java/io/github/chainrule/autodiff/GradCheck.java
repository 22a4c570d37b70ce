package io.github.chainrule.autodiff;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Compares autodiff with central finite differences, in float64, for every element of every input
 * that requires a gradient.
 *
 * <pre>{@code
 * GradCheck.Result r = GradCheck.check(xs -> xs[0].mul(xs[1]).sin().sum(), a, b);
 * r.passed();          // true
 * System.out.println(r);   // a table: input, index, analytic, numeric, errors, status
 * }</pre>
 *
 * <h2>Rule</h2>
 * An element passes when |a − n| ≤ atol + rtol·|n|, with a the autodiff value and n the central
 * difference (f(x+ε) − f(x−ε)) / 2ε. The defaults ε = 1e-6, atol = 1e-5, rtol = 1e-3 are those of
 * {@code torch.autograd.gradcheck}, so results can be compared with PyTorch's.
 *
 * <h2>Why these defaults</h2>
 * The central difference has truncation error ε²·|f'''|/6 and rounding error about u·|f|/ε (u =
 * 1.1e-16). Measured on f(x) = sin(x)·exp(x) at x = 0.7 (f' ≈ 2.84), the absolute error of the
 * central difference was: ε = 1e-2: 8.1e-6; 1e-3: 8.1e-8; 1e-4: 8.1e-10; 1e-5: 9.0e-12;
 * 1e-6: 3.5e-11; 1e-7: 8.5e-10; 1e-8: 1.0e-8 ({@code GradCheckTest#errorAgainstStep} prints this
 * table). The error falls as ε² down to ε ≈ 1e-5 and then grows as 1/ε. The default 1e-6 sits just
 * past the optimum, six orders of magnitude inside atol = 1e-5, and its perturbation is small
 * enough not to straddle most kinks.
 *
 * <h2>Kinks</h2>
 * Where the function is not differentiable (relu, abs, maximum or clamp exactly at a boundary) the
 * two one-sided differences disagree, and keep disagreeing when the step shrinks (on a smooth
 * function they differ by about ε·|f''|, which shrinks with ε). Such an element is reported as a
 * {@link Status#KINK} with both slopes when the autodiff value lies at or between them, and fails
 * otherwise.
 *
 * <h2>Non-scalar outputs</h2>
 * Their values are reduced to L = Σ wᵢ·yᵢ with fixed weights wᵢ drawn uniformly from [0.5, 1.5)
 * (seed 42), and L is checked: any wrong Jacobian entry changes L's gradient except on a set of
 * weights of measure zero.
 *
 * <h2>NaN</h2>
 * An element where either value is NaN fails, unless both are NaN.
 */
public final class GradCheck {
  /**
   * Outcome of one element, for this check and for {@code inspect.NodeCheck} alike; ordered from
   * best to worst, so the worst of several is their maximum.
   */
  public enum Status { PASS, KINK, FAIL }

  /** One element of one input. */
  public record Entry(String input, int[] index, double analytic, double numeric, double absError,
      double relError, Status status, double leftSlope, double rightSlope) {

    /** {@code x[1,0]}. */
    public String element() {
      return input + (index.length == 0 ? "" : Shape.format(index));
    }
  }

  private double eps = 1e-6;
  private double atol = 1e-5;
  private double rtol = 1e-3;

  private GradCheck() {}

  /** A check with the defaults, to adjust with {@link #eps}, {@link #atol}, {@link #rtol}. */
  public static GradCheck withDefaults() {
    return new GradCheck();
  }

  /** Checks f at the inputs with the default settings. */
  public static Result check(Autodiff.Fn f, Tensor... inputs) {
    return new GradCheck().run(f, inputs);
  }

  public GradCheck eps(double eps) {
    checkArgument(eps > 0 && Double.isFinite(eps), "gradcheck: eps must be positive and finite, got %s", eps);
    this.eps = eps;
    return this;
  }

  public GradCheck atol(double atol) {
    checkArgument(atol >= 0, "gradcheck: atol must be non-negative, got %s", atol);
    this.atol = atol;
    return this;
  }

  public GradCheck rtol(double rtol) {
    checkArgument(rtol >= 0, "gradcheck: rtol must be non-negative, got %s", rtol);
    this.rtol = rtol;
    return this;
  }

  /**
   * Checks f at the inputs. Inputs that require a gradient are checked; the others are held fixed.
   * The check runs on copies of the inputs, so their values and gradients are never changed.
   */
  public Result run(Autodiff.Fn f, Tensor... inputs) {
    List<Tensor> checked = new ArrayList<>();
    for (Tensor t : inputs) {
      if (t.needsGrad()) {
        checked.add(t);
      }
    }
    checkArgument(!checked.isEmpty(), "gradcheck: no input requires a gradient; call requiresGrad() "
        + "on the inputs to check");
    Tensor[] leaves = new Tensor[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      Tensor t = inputs[i].copy().named(inputs[i].name());
      leaves[i] = inputs[i].needsGrad() ? t.requiresGrad() : t;
    }
    Tensor y;
    try (GradMode.Scope scope = GradMode.enabled()) {
      y = f.apply(leaves);
    }
    double[] weights = projectionWeights(y);
    Tensor projected = weights == null ? y : y.mul(Tensor.wrap(weights, y.shapeRef())).sum();
    List<Tensor> checkedLeaves = new ArrayList<>();
    for (Tensor leaf : leaves) {
      if (leaf.needsGrad()) {
        checkedLeaves.add(leaf);
      }
    }
    Tensor[] analytic = projected.needsGrad()
        ? Backward.from(projected).gradients(checkedLeaves.toArray(new Tensor[0]))
        : checkedLeaves.stream().map(t -> Tensor.zeros(t.shapeRef())).toArray(Tensor[]::new);

    List<Entry> entries = new ArrayList<>();
    double base = evaluate(f, leaves, weights);
    for (int c = 0; c < checkedLeaves.size(); c++) {
      Tensor leaf = checkedLeaves.get(c);
      double[] values = leaf.data();
      int[] strides = Shape.strides(leaf.shapeRef());
      String label = leaf.name() != null ? leaf.name() : "input" + indexOf(inputs, checked.get(c));
      for (int e = 0; e < values.length; e++) {
        int element = e;
        Probe loss = delta -> {
          double original = values[element];
          values[element] = original + delta;
          double moved = evaluate(f, leaves, weights);
          values[element] = original;
          return moved;
        };
        Estimate estimate = estimate(loss, base, eps, atol, rtol);
        Entry entry = judge(label, unflatten(e, strides), analytic[c].data()[e], estimate);
        entries.add(entry);
      }
    }
    return new Result(entries, eps, atol, rtol, Rule.rounding(magnitude(f, leaves, weights), eps));
  }

  private Entry judge(String input, int[] index, double a, Estimate n) {
    double abs = Math.abs(a - n.numeric());
    double rel = abs / Math.max(Math.abs(n.numeric()), Double.MIN_NORMAL);
    Status status = new Rule(atol, rtol).judge(a, n.numeric(), n.leftSlope(), n.rightSlope());
    return new Entry(input, index, a, n.numeric(), abs, rel, status, n.leftSlope(), n.rightSlope());
  }

  /** L with one element moved by {@code delta} from its value, everything else as it was. */
  @FunctionalInterface
  public interface Probe {
    double lossAt(double delta);
  }

  /**
   * What finite differences say about one element: the central difference and the two one-sided
   * slopes, equal to it unless the element sits on a kink.
   */
  public record Estimate(double numeric, double leftSlope, double rightSlope) {}

  /**
   * The finite-difference core of this check and of {@code inspect.NodeCheck}: the central
   * difference (L(+ε) − L(−ε)) / 2ε and the one-sided slopes, with {@code base} = L(0). Where the
   * slopes are not {@link Rule#close}, they are measured again at ε/10: curvature separates them by
   * about ε·|f''|, which shrinks with the step, while a kink's stay apart. If they come closer by half
   * or more, the element is smooth and both slopes are reported as the central difference.
   */
  public static Estimate estimate(Probe loss, double base, double eps, double atol, double rtol) {
    double plus = loss.lossAt(eps);
    double minus = loss.lossAt(-eps);
    double numeric = (plus - minus) / (2 * eps);
    double right = (plus - base) / eps;
    double left = (base - minus) / eps;
    if (!new Rule(atol, rtol).close(left, right)) {
      double small = eps / 10;
      double right2 = (loss.lossAt(small) - base) / small;
      double left2 = (base - loss.lossAt(-small)) / small;
      if (Math.abs(right2 - left2) < 0.5 * Math.abs(right - left)) {
        return new Estimate(numeric, numeric, numeric);
      }
    }
    return new Estimate(numeric, left, right);
  }

  /**
   * The judging rule, in one place for every numerical check of the library (this one and {@code
   * inspect.NodeCheck}), so they can never disagree about the same numbers.
   *
   * @param atol absolute tolerance
   * @param rtol relative tolerance
   */
  public record Rule(double atol, double rtol) {
    /**
     * The status of one element with autodiff value {@code analytic}, central difference {@code
     * numeric} and one-sided slopes {@code leftSlope}, {@code rightSlope} (pass {@code numeric} for
     * both when they are known to agree):
     * <ul>
     *   <li>NaN on either side fails, unless both are NaN;
     *   <li>slopes that are not {@link #close} make a kink: KINK when the autodiff value lies at or
     *       between them, FAIL otherwise;
     *   <li>otherwise PASS when |a − n| ≤ atol + rtol·|n|.
     * </ul>
     */
    public Status judge(double analytic, double numeric, double leftSlope, double rightSlope) {
      if (Double.isNaN(analytic) || Double.isNaN(numeric)) {
        return Double.isNaN(analytic) && Double.isNaN(numeric) ? Status.PASS : Status.FAIL;
      }
      if (!close(leftSlope, rightSlope)) {
        return between(analytic, leftSlope, rightSlope) ? Status.KINK : Status.FAIL;
      }
      return Math.abs(analytic - numeric) <= atol + rtol * Math.abs(numeric) ? Status.PASS : Status.FAIL;
    }

    /** |x − y| ≤ atol + rtol·max(|x|, |y|): the two numbers agree within the tolerances. */
    public boolean close(double x, double y) {
      return Math.abs(x - y) <= atol + rtol * Math.max(Math.abs(x), Math.abs(y));
    }

    /**
     * For a failed check's report: a line saying that central differences are only good to about
     * {@code rounding} (u·|L|/ε) from rounding alone, where that reaches a tenth of atol, since a
     * failure there may be the numeric side's; otherwise the empty string.
     */
    public String roundingNote(double rounding) {
      if (!(rounding >= atol / 10)) {
        return "";
      }
      return String.format(Locale.ROOT, "%nnote: the loss is so large here that its central differences are only"
          + " good to about %.1e from rounding (u·|L|/eps), near or above atol=%g: a failure may be the numeric"
          + " side's. Scale the function down, or check with a larger eps.", rounding, atol);
    }

    /** The u·|L|/ε of {@link #roundingNote}: u = 2⁻⁵³, |L| the size of the loss's terms. */
    public static double rounding(double lossMagnitude, double eps) {
      return 0x1p-53 * lossMagnitude / eps;
    }

    /** a lies within the closed interval of the two slopes, or within tolerance of one of them. */
    private boolean between(double a, double s1, double s2) {
      return (a >= Math.min(s1, s2) && a <= Math.max(s1, s2)) || close(a, s1) || close(a, s2);
    }
  }

  /** Σ |wᵢ·yᵢ|: the size of the loss's terms, which its rounding follows even where they cancel. */
  private static double magnitude(Autodiff.Fn f, Tensor[] inputs, double[] weights) {
    try (GradMode.Scope scope = GradMode.disabled()) {
      double[] v = f.apply(inputs).data();
      double s = 0;
      for (int i = 0; i < v.length; i++) {
        s += Math.abs(weights == null ? v[i] : weights[i] * v[i]);
      }
      return s;
    }
  }

  private static double evaluate(Autodiff.Fn f, Tensor[] inputs, double[] weights) {
    try (GradMode.Scope scope = GradMode.disabled()) {
      Tensor y = f.apply(inputs);
      double[] v = y.data();
      if (weights == null) {
        return v[0];
      }
      double s = 0;
      for (int i = 0; i < v.length; i++) {
        s += weights[i] * v[i];
      }
      return s;
    }
  }

  private static double[] projectionWeights(Tensor y) {
    if (y.rank() == 0) {
      return null;
    }
    SplittableRandom rng = new SplittableRandom(42);
    double[] w = new double[y.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = 0.5 + rng.nextDouble();
    }
    return w;
  }

  private static int indexOf(Tensor[] all, Tensor t) {
    for (int i = 0; i < all.length; i++) {
      if (all[i] == t) {
        return i;
      }
    }
    return -1;
  }

  private static int[] unflatten(int flat, int[] strides) {
    int[] index = new int[strides.length];
    for (int i = 0; i < strides.length; i++) {
      index[i] = flat / strides[i];
      flat %= strides[i];
    }
    return index;
  }

  /** The outcome of a check: every element, the worst one, and whether all passed. */
  public static final class Result {
    private final List<Entry> entries;
    private final double eps;
    private final double atol;
    private final double rtol;
    private final double rounding;

    Result(List<Entry> entries, double eps, double atol, double rtol, double rounding) {
      this.entries = Collections.unmodifiableList(entries);
      this.eps = eps;
      this.atol = atol;
      this.rtol = rtol;
      this.rounding = rounding;
    }

    /**
     * About how far the central differences can be off from rounding alone: u·|L|/ε, with |L| the
     * size of the checked loss's terms (Σ |wᵢ·yᵢ| over the projected output) and u = 2⁻⁵³. Where it
     * approaches atol, a failure may be the numeric side's, not autodiff's: a loss of 10⁸ makes it
     * 10⁻², a thousand times atol.
     */
    public double roundingOfNumeric() {
      return rounding;
    }

    /** True if no element failed (kinks do not fail). */
    public boolean passed() {
      return entries.stream().noneMatch(e -> e.status() == Status.FAIL);
    }

    /** Every element checked, inputs in order, elements row-major. */
    public List<Entry> entries() {
      return entries;
    }

    /** The elements that failed. */
    public List<Entry> failures() {
      return entries.stream().filter(e -> e.status() == Status.FAIL).toList();
    }

    /** The elements at a kink. */
    public List<Entry> kinks() {
      return entries.stream().filter(e -> e.status() == Status.KINK).toList();
    }

    /** The element with the largest error relative to its allowance atol + rtol·|n|. */
    public Entry worst() {
      Entry worst = null;
      double worstRatio = -1;
      for (Entry e : entries) {
        double ratio = e.absError() / (atol + rtol * Math.abs(e.numeric()));
        if (Double.isNaN(ratio) || ratio > worstRatio) {
          worst = e;
          worstRatio = Double.isNaN(ratio) ? Double.POSITIVE_INFINITY : ratio;
        }
      }
      return worst;
    }

    /** A table of every element, then a verdict line. */
    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      sb.append(String.format(Locale.ROOT, "%-16s %15s %15s %10s %10s  %s%n",
          "element", "autodiff", "numeric", "abs err", "rel err", "status"));
      for (Entry e : entries) {
        sb.append(String.format(Locale.ROOT, "%-16s %15.8g %15.8g %10.2e %10.2e  %s",
            e.element(), e.analytic(), e.numeric(), e.absError(), e.relError(), e.status()));
        if (e.status() == Status.KINK) {
          sb.append(String.format(Locale.ROOT, " (one-sided slopes %.6g left, %.6g right)", e.leftSlope(), e.rightSlope()));
        }
        sb.append('\n');
      }
      Entry w = worst();
      sb.append(passed() ? "PASSED" : "FAILED").append(String.format(Locale.ROOT,
          ": %d elements, %d failed, %d at kinks; worst %s (abs err %.2e); eps=%g atol=%g rtol=%g",
          entries.size(), failures().size(), kinks().size(), w == null ? "-" : w.element(),
          w == null ? 0.0 : w.absError(), eps, atol, rtol));
      if (!passed()) {
        sb.append(new Rule(atol, rtol).roundingNote(rounding));
      }
      return sb.toString();
    }
  }
}
