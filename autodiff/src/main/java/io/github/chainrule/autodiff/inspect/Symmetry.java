package io.github.chainrule.autodiff.inspect;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.chainrule.autodiff.Format;
import io.github.chainrule.autodiff.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Finds hidden units that gradient descent can never tell apart: groups of units of one layer with
 * identical incoming weights (and bias) and identical gradients. They are what a constant
 * initialisation produces, and they make a wide layer behave like a single unit.
 *
 * <pre>{@code
 * loss.backward();
 * Symmetry.Result r = Symmetry.find("hidden", hidden.weight, hidden.bias);   // weight [out, in]
 * r.groups();        // [[0, 1, 2, 3]]: four twins
 * System.out.println(r);
 * }</pre>
 *
 * <p>Units are compared exactly by default: twins made by a constant initialisation are bit-for-bit
 * equal and stay so. A tolerance compares with |a − b| ≤ tol·max(1, |a|, |b|).
 */
public final class Symmetry {
  /**
   * Units of one layer that are twins.
   *
   * @param units their indices (rows of the weight matrix), ascending
   * @param weights their common incoming weights
   * @param bias their common bias, NaN without a bias
   * @param weightGradient their common gradient of the incoming weights
   */
  public record Group(List<Integer> units, double[] weights, double bias, double[] weightGradient) {}

  /**
   * @param layer the layer's name
   * @param units how many units the layer has
   * @param groups the twin groups (two or more units each), by lowest unit
   * @param sameWeightsOnly groups with identical weights but different gradients: they are twins now
   *     but gradient descent will separate them
   */
  public record Result(String layer, int units, List<Group> groups, List<List<Integer>> sameWeightsOnly) {
    /** True if some units can never be separated. */
    public boolean hasTwins() {
      return !groups.isEmpty();
    }

    /** How many distinct units the layer effectively has. */
    public int effectiveUnits() {
      int n = units;
      for (Group g : groups) {
        n -= g.units().size() - 1;
      }
      return n;
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      if (groups.isEmpty()) {
        sb.append("Layer ").append(layer).append(": no twins among its ").append(units).append(" units.");
      }
      for (Group g : groups) {
        String list = g.units().stream().map(String::valueOf).collect(Collectors.joining(", "));
        sb.append("Layer ").append(layer).append(": units ").append(list).append(" are twins: identical incoming weights ")
            .append(Format.values(g.weights(), new int[] {g.weights().length}, 8))
            .append(Double.isNaN(g.bias()) ? "" : " and bias " + Format.number(g.bias()))
            .append(", and identical gradients ").append(Format.values(g.weightGradient(), new int[] {g.weightGradient().length}, 8))
            .append(".\n");
      }
      if (!groups.isEmpty()) {
        sb.append("Why gradient descent can never separate them: twins compute the same value for every input, "
            + "and since their gradients are identical too (their outgoing weights are alike), each update "
            + "w ← w − lr·grad moves them by exactly the same amount. After the step they are still twins, so by "
            + "the same argument after every step, whatever the data, the learning rate or the number of epochs "
            + "(momentum and Adam keep identical state for them too). The layer of ").append(units)
            .append(" units computes like ").append(effectiveUnits()).append(effectiveUnits() == 1 ? " unit" : " units")
            .append(". Only something that treats them differently breaks the tie: random initialisation (the usual "
                + "cure), or dropout.");
      }
      for (List<Integer> g : sameWeightsOnly) {
        sb.append("\nUnits ").append(g).append(" have identical weights but different gradients: they will separate.");
      }
      return sb.toString();
    }
  }

  private Symmetry() {}

  /** Twins in a layer whose weight [out, in] (and optional bias [out]) hold gradients from a backward pass. */
  public static Result find(String layer, Tensor weight, Tensor bias) {
    checkArgument(weight.rank() == 2, "symmetry: %s's weight %s must have shape [out, in], got %s", layer,
        weight.label(), java.util.Arrays.toString(weight.shapeRef()));
    checkArgument(weight.hasGrad(), "symmetry: %s's weight %s holds no gradient; call backward() first", layer, weight.label());
    int out = weight.shapeRef()[0];
    if (bias != null) {
      checkArgument(bias.size() == out, "symmetry: %s's bias %s has %s values for %s units", layer, bias.label(), bias.size(), out);
      checkArgument(bias.hasGrad(), "symmetry: %s's bias %s holds no gradient; call backward() first", layer, bias.label());
    }
    return find(layer, rows(weight.data(), out), bias == null ? null : bias.toArray(),
        rows(weight.grad().data(), out), bias == null ? null : bias.grad().toArray(), 0.0);
  }

  /** The same from plain arrays: weight[unit][input], bias[unit] (or null), and their gradients. */
  public static Result find(String layer, double[][] weight, double[] bias, double[][] weightGrad, double[] biasGrad,
      double tolerance) {
    checkArgument(weight.length == weightGrad.length, "symmetry: %s has %s weight rows but %s gradient rows", layer,
        weight.length, weightGrad.length);
    checkArgument((bias == null) == (biasGrad == null), "symmetry: %s: give both the bias and its gradient, or neither", layer);
    checkArgument(tolerance >= 0, "symmetry: tolerance must be non-negative, got %s", tolerance);
    int n = weight.length;
    boolean[] taken = new boolean[n];
    List<Group> groups = new ArrayList<>();
    List<List<Integer>> weightsOnly = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (taken[i]) {
        continue;
      }
      List<Integer> twins = new ArrayList<>(List.of(i));
      List<Integer> lookalikes = new ArrayList<>(List.of(i));
      for (int j = i + 1; j < n; j++) {
        if (taken[j] || !same(weight[i], weight[j], tolerance) || (bias != null && !same(bias[i], bias[j], tolerance))) {
          continue;
        }
        lookalikes.add(j);
        if (same(weightGrad[i], weightGrad[j], tolerance) && (bias == null || same(biasGrad[i], biasGrad[j], tolerance))) {
          twins.add(j);
        }
      }
      if (twins.size() > 1) {
        twins.forEach(t -> taken[t] = true);
        groups.add(new Group(List.copyOf(twins), weight[i].clone(), bias == null ? Double.NaN : bias[i], weightGrad[i].clone()));
      }
      if (lookalikes.size() > twins.size()) {
        weightsOnly.add(List.copyOf(lookalikes));
      }
    }
    return new Result(layer, n, List.copyOf(groups), List.copyOf(weightsOnly));
  }

  private static double[][] rows(double[] data, int out) {
    int in = out == 0 ? 0 : data.length / out;
    double[][] r = new double[out][in];
    for (int i = 0; i < out; i++) {
      System.arraycopy(data, i * in, r[i], 0, in);
    }
    return r;
  }

  private static boolean same(double[] a, double[] b, double tol) {
    if (a.length != b.length) {
      return false;
    }
    for (int k = 0; k < a.length; k++) {
      if (!same(a[k], b[k], tol)) {
        return false;
      }
    }
    return true;
  }

  private static boolean same(double a, double b, double tol) {
    return a == b || Math.abs(a - b) <= tol * Math.max(1, Math.max(Math.abs(a), Math.abs(b)));
  }
}
