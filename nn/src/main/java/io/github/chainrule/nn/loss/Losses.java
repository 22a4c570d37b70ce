package io.github.chainrule.nn.loss;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.chainrule.autodiff.Op;
import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import java.util.Arrays;
import java.util.function.BinaryOperator;

/**
 * The losses, each matching its PyTorch counterpart in value and gradient.
 *
 * <p>Prediction and target must have the same shape: a [N, 1] prediction against a [N] target
 * would broadcast to [N, N] and silently compute something else (PyTorch only warns), so it is an
 * error here. Cross-entropy is the exception: logits [N, C] against N class labels.
 *
 * <h2>Numerical stability</h2>
 * <ul>
 *   <li>{@link #bce} takes log of probabilities and, like PyTorch, clamps each log at -100, so p = 0
 *       or 1 gives a finite loss (at most 100 per element);</li>
 *   <li>{@link #bceWithLogits} uses softplus(x) - x·y = max(x, 0) - x·y + log(1 + e^-|x|), finite for
 *       any finite logit;</li>
 *   <li>{@link #crossEntropy} uses logSoftmax, which subtracts the row maximum first.</li>
 * </ul>
 */
public final class Losses {
  private Losses() {}

  /** Mean squared error (PyTorch MSELoss). */
  public static Loss mse() {
    return mse(Reduction.MEAN);
  }

  public static Loss mse(Reduction r) {
    return elementwise("mse", r, (p, y) -> p.sub(y).square());
  }

  /** Sum of squared errors: mse with sum reduction. */
  public static Loss sse() {
    return elementwise("sse", Reduction.SUM, (p, y) -> p.sub(y).square());
  }

  /** Half the sum of squared errors, whose gradient is just (prediction − target). */
  public static Loss halfSse() {
    Loss sse = sse();
    return named("halfSse", (p, y) -> sse.compute(p, y).mul(0.5));
  }

  /** Mean absolute error (PyTorch L1Loss); the gradient at zero error is 0. */
  public static Loss mae() {
    return mae(Reduction.MEAN);
  }

  public static Loss mae(Reduction r) {
    return elementwise("mae", r, (p, y) -> p.sub(y).abs());
  }

  /** Binary hinge loss max(0, 1 − y·f) for labels y in {−1, +1} and raw scores f. */
  public static Loss hinge() {
    return hinge(Reduction.MEAN);
  }

  public static Loss hinge(Reduction r) {
    return elementwise("hinge", r, (f, y) -> {
      checkLabels("hinge", y, -1.0, 1.0);
      return f.mul(y).neg().add(1.0).relu();
    });
  }

  /** Binary cross-entropy from probabilities in [0, 1] (PyTorch BCELoss), logs clamped at −100. */
  public static Loss bce() {
    return bce(Reduction.MEAN);
  }

  public static Loss bce(Reduction r) {
    return elementwise("bce", r, (p, y) -> {
      double[] v = p.data();
      for (int i = 0; i < v.length; i++) {
        if (!(v[i] >= 0.0 && v[i] <= 1.0)) {
          throw new IllegalArgumentException("bce: prediction " + p.label() + " holds " + v[i]
              + " at flat index " + i + "; probabilities must lie in [0, 1]. For raw scores use bceWithLogits");
        }
      }
      return Tensor.apply(BCE, p, y);
    });
  }

  /**
   * Elementwise −(y·max(log p, −100) + (1 − y)·max(log(1 − p), −100)), with PyTorch's gradient
   * (p − y) / max(p(1 − p), ε) for the prediction, ε = 1e-12 (as a float, like PyTorch's).
   *
   * <p>An op of its own rather than a composition because at p = 0 or 1 the composed derivative
   * is 0·(1/0) = NaN: the clamp's zero mask meets log's infinite slope. (Found by the PyTorch golden
   * cases: PyTorch gives 0 for p = y and ±1e12 for p = 1 − y there.) Inside (0, 1) both formulas
   * are the same derivative. The target's gradient is the exact derivative of the clamped value,
   * max(log(1 − p), −100) − max(log p, −100), finite everywhere; PyTorch's is −logit(p), infinite at
   * p = 0 or 1.
   */
  private static final Op BCE = new Op() {
    /** PyTorch's floor for p(1 − p): its EPSILON is the float 1e-12, i.e. 9.99999996e-13 as a double. */
    private static final double P_TIMES_1MP_FLOOR = 1e-12f;


    @Override
    public String name() {
      return "bce";
    }

    @Override
    public Tensor forward(Tensor... in) {
      double[] p = in[0].data();
      double[] y = in[1].data();
      double[] out = new double[p.length];
      for (int i = 0; i < p.length; i++) {
        out[i] = -(y[i] * Math.max(Math.log(p[i]), -100.0) + (1.0 - y[i]) * Math.max(Math.log1p(-p[i]), -100.0));
      }
      return Tensor.wrap(out, in[0].shapeRef());
    }

    @Override
    public Tensor[] backward(Tensor[] in, Tensor out, Tensor g) {
      Tensor p = in[0];
      Tensor y = in[1];
      Tensor dp = p.needsGrad()
          ? g.mul(p.sub(y)).div(p.mul(p.neg().add(1.0)).clamp(P_TIMES_1MP_FLOOR, Double.POSITIVE_INFINITY)) : null;
      Tensor dy = y.needsGrad()
          ? g.mul(p.neg().add(1.0).log().clamp(-100.0, Double.POSITIVE_INFINITY)
              .sub(p.log().clamp(-100.0, Double.POSITIVE_INFINITY))) : null;
      return new Tensor[] {dp, dy};
    }
  };

  /** Binary cross-entropy from logits (PyTorch BCEWithLogitsLoss): softplus(x) − x·y. */
  public static Loss bceWithLogits() {
    return bceWithLogits(Reduction.MEAN);
  }

  public static Loss bceWithLogits(Reduction r) {
    return elementwise("bceWithLogits", r, (x, y) -> x.softplus().sub(x.mul(y)));
  }

  /**
   * Cross-entropy of logits [N, C] against integer class labels, given as a target tensor of N
   * values (shape [N] or [N, 1]) that are whole numbers in [0, C): −logSoftmax(x)[i, label_i],
   * averaged or summed over the N examples (PyTorch CrossEntropyLoss).
   */
  public static Loss crossEntropy() {
    return crossEntropy(Reduction.MEAN);
  }

  public static Loss crossEntropy(Reduction r) {
    String name = "crossEntropy" + suffix(r);
    return named(name, (logits, target) -> crossEntropy(logits, labels(name, logits, target), r));
  }

  /** Cross-entropy of logits [N, C] against labels in [0, C). */
  public static Tensor crossEntropy(Tensor logits, int[] labels, Reduction r) {
    int[] s = logits.shapeRef();
    checkArgument(s.length == 2, "crossEntropy: logits %s have shape %s; expected [N, C]",
        logits.label(), Shape.format(s));
    checkArgument(labels.length == s[0], "crossEntropy: %s labels for logits %s of shape %s",
        labels.length, logits.label(), Shape.format(s));
    for (int i = 0; i < labels.length; i++) {
      checkArgument(labels[i] >= 0 && labels[i] < s[1],
          "crossEntropy: label %s of example %s is outside [0, %s) for logits of shape %s",
          labels[i], i, s[1], Shape.format(s));
    }
    Tensor picked = logits.logSoftmax(1).gather(1, labels).neg();
    return r == Reduction.MEAN ? picked.mean() : picked.sum();
  }

  // ---------------------------------------------------------------- plumbing

  private static int[] labels(String name, Tensor logits, Tensor target) {
    int[] s = target.shapeRef();
    checkArgument(s.length == 1 || (s.length == 2 && s[1] == 1),
        "%s: target %s has shape %s; expected class labels of shape [N] or [N, 1]",
        name, target.label(), Shape.format(s));
    double[] v = target.data();
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      checkArgument(v[i] == Math.rint(v[i]) && Math.abs(v[i]) < Integer.MAX_VALUE,
          "%s: target %s holds %s for example %s; class labels must be whole numbers", name, target.label(), v[i], i);
      out[i] = (int) v[i];
    }
    return out;
  }

  private static void checkLabels(String name, Tensor y, double a, double b) {
    double[] v = y.data();
    for (int i = 0; i < v.length; i++) {
      checkArgument(v[i] == a || v[i] == b, "%s: target %s holds %s at flat index %s; labels must be %s or %s",
          name, y.label(), v[i], i, a, b);
    }
  }

  private static String suffix(Reduction r) {
    return r == Reduction.MEAN ? "" : "(sum)";
  }

  private static Loss elementwise(String base, Reduction r, BinaryOperator<Tensor> perElement) {
    String name = base + (base.equals("sse") ? "" : suffix(r));
    return named(name, (p, y) -> {
      if (!Arrays.equals(p.shapeRef(), y.shapeRef())) {
        throw new IllegalArgumentException(name + ": prediction " + p.label() + " has shape "
            + Shape.format(p.shapeRef()) + " but target " + y.label() + " has shape "
            + Shape.format(y.shapeRef()) + "; they must match (reshape one of them; broadcasting here "
            + "would silently compare every prediction with every target)");
      }
      Tensor e = perElement.apply(p, y);
      return r == Reduction.MEAN ? e.mean() : e.sum();
    });
  }

  private static Loss named(String name, BinaryOperator<Tensor> f) {
    return new Loss() {
      @Override
      public Tensor compute(Tensor prediction, Tensor target) {
        return f.apply(prediction, target).named(name);
      }

      @Override
      public String name() {
        return name;
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }
}
