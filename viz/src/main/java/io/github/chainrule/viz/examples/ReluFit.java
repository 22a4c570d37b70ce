package io.github.chainrule.viz.examples;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.viz.plot.ReluCurve;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A one-input network with one hidden ReLU layer fitted to y = x² by plain gradient descent, using
 * autodiff directly, keeping a history of the loss, some parameters and their gradients. It feeds
 * the example report and the plot tests with real training data.
 */
public final class ReluFit {
  public final double[] x;
  public final double[] y;
  public final Tensor a;
  public final Tensor b;
  public final Tensor w;
  public final Tensor c;
  public final Tensor loss;
  public final double[] losses;
  public final Map<String, double[]> parameterHistory = new LinkedHashMap<>();
  public final Map<String, double[]> gradientHistory = new LinkedHashMap<>();

  private ReluFit(double[] x, double[] y, Tensor a, Tensor b, Tensor w, Tensor c, Tensor loss, double[] losses) {
    this.x = x;
    this.y = y;
    this.a = a;
    this.b = b;
    this.w = w;
    this.c = c;
    this.loss = loss;
    this.losses = losses;
  }

  /**
   * Fits {@code units} hidden units for {@code steps} steps with learning rate {@code lr}; the
   * returned {@link #loss} is the last step's graph, after its backward pass.
   */
  public static ReluFit fit(int units, int steps, double lr, long seed) {
    int n = 21;
    double[] xs = new double[n];
    double[] ys = new double[n];
    for (int i = 0; i < n; i++) {
      xs[i] = -2 + 4.0 * i / (n - 1);
      ys[i] = xs[i] * xs[i];
    }
    Tensor xt = Tensor.of(xs, n, 1).named("x");
    Tensor yt = Tensor.of(ys, n, 1).named("y");
    Tensor a = uniform(seed, -2, 2, 1, units).named("hidden.weight").requiresGrad();
    Tensor b = uniform(seed + 1, -2, 2, units).named("hidden.bias").requiresGrad();
    Tensor w = uniform(seed + 2, -1, 1, units, 1).named("out.weight").requiresGrad();
    Tensor c = Tensor.vector(0.0).named("out.bias").requiresGrad();
    List<Tensor> params = List.of(a, b, w, c);
    String[] tracked = {"hidden.weight[0]", "hidden.bias[0]", "out.weight[0]", "out.bias"};
    double[][] values = new double[tracked.length][steps];
    double[][] grads = new double[tracked.length][steps];
    double[] losses = new double[steps];
    Tensor loss = null;
    for (int step = 0; step < steps; step++) {
      for (Tensor p : params) {
        p.zeroGrad();
      }
      loss = forward(xt, yt, a, b, w, c);
      loss.backward();
      losses[step] = loss.item();
      for (int k = 0; k < params.size(); k++) {
        values[k][step] = params.get(k).data()[0];
        grads[k][step] = params.get(k).grad().data()[0];
      }
      if (step < steps - 1) {
        for (Tensor p : params) {
          double[] d = p.data();
          double[] g = p.grad().data();
          for (int i = 0; i < d.length; i++) {
            d[i] -= lr * g[i];
          }
        }
      }
    }
    ReluFit fit = new ReluFit(xs, ys, a, b, w, c, loss, losses);
    for (int k = 0; k < tracked.length; k++) {
      fit.parameterHistory.put(tracked[k], values[k]);
      fit.gradientHistory.put(tracked[k], grads[k]);
    }
    return fit;
  }

  static Tensor forward(Tensor x, Tensor y, Tensor a, Tensor b, Tensor w, Tensor c) {
    Tensor h = x.matmul(a).add(b).relu().named("hidden.out");
    Tensor prediction = h.matmul(w).add(c).named("prediction");
    return prediction.sub(y).square().mean().named("loss");
  }

  /** The fitted network's pieces for the "how the curve is built" plot. */
  public ReluCurve curve() {
    return new ReluCurve(a.toArray(), b.toArray(), w.toArray(), c.item());
  }

  /** The fitted network on a grid over [lo, hi], as {xs, ys}. */
  public double[][] predictionGrid(double lo, double hi, int points) {
    List<double[]> out = new ArrayList<>();
    ReluCurve curve = curve();
    double[] gx = new double[points];
    double[] gy = new double[points];
    for (int i = 0; i < points; i++) {
      gx[i] = lo + (hi - lo) * i / (points - 1);
      gy[i] = curve.output(gx[i]);
    }
    out.add(gx);
    out.add(gy);
    return out.toArray(new double[0][]);
  }

  /** Seeded uniform draws in [lo, hi): the viz library has no initialisers of its own (those are nn's). */
  private static Tensor uniform(long seed, double lo, double hi, int... shape) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    double[] data = new double[io.github.chainrule.autodiff.Shape.numel(shape)];
    for (int i = 0; i < data.length; i++) {
      data[i] = random.nextDouble(lo, hi);
    }
    return Tensor.of(data, shape);
  }
}
