package io.github.chainrule.app.gallery;

import static io.github.chainrule.app.gallery.Reports.assertClose;
import static io.github.chainrule.app.gallery.Reports.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * linear-stack against per-row SGD written out in plain doubles: the same rows in the same order,
 * squared error, the derivatives of each model by hand, and PyTorch's update rules for momentum,
 * RMSProp and Adam.
 */
class LinearStackTest {
  @TempDir static Path dir;
  static DemoResult result;
  static final double[] X = LinearStack.xs();

  @BeforeAll
  static void run() throws Exception {
    result = new LinearStack().run(dir);
  }

  /**
   * What a hand-written run ends with: the parameters (a, b, c, d), the step whose loss or gradient
   * was not finite (-1 if none), the parameters after three updates and the loss step 3 computed with
   * them, and the last step that gave a or b a non-zero gradient.
   */
  record ByHand(double[] p, int divergedAt, double[] afterThreeSteps, double lossAtStep3, int lastNonZeroAB) {}

  enum Kind { ONE, STACKED, RELU }

  enum Rule { SGD, MOMENTUM, RMSPROP, ADAM }

  static ByHand byHand(Kind kind, Rule rule, double lr) {
    double[] p = {1, 1, 1, 1};
    int n = kind == Kind.ONE ? 2 : 4;
    double[] m = new double[n];
    double[] v = new double[n];
    double[] afterThree = null;
    double loss3 = Double.NaN;
    int lastNonZero = -1;
    int step = 0;
    for (int epoch = 0; epoch < LinearStack.EPOCHS; epoch++) {
      for (double x : X) {
        double y = 2 * x + 30;
        double u = p[0] * x + p[1];
        double h = kind == Kind.RELU ? Math.max(0, u) : u;
        double pred = kind == Kind.ONE ? u : p[2] * h + p[3];
        double e = pred - y;
        double loss = e * e;
        if (step == 3) {
          loss3 = loss;
        }
        double de = 2 * e;
        double dh = kind == Kind.ONE ? de : de * p[2];
        double du = kind == Kind.RELU && u <= 0 ? 0 : dh;
        double[] g = kind == Kind.ONE ? new double[] {du * x, du} : new double[] {du * x, du, de * h, de};
        boolean finite = Double.isFinite(loss);
        for (double gi : g) {
          finite &= Double.isFinite(gi);
        }
        if (!finite) {
          return new ByHand(p, step, afterThree, loss3, lastNonZero);
        }
        if (g[0] != 0 || g[1] != 0) {
          lastNonZero = step;
        }
        int t = step + 1;
        for (int i = 0; i < n; i++) {
          switch (rule) {
            case SGD -> p[i] -= lr * g[i];
            case MOMENTUM -> {
              m[i] = step == 0 ? g[i] : 0.9 * m[i] + g[i];
              p[i] -= lr * m[i];
            }
            case RMSPROP -> {
              v[i] = 0.99 * v[i] + 0.01 * g[i] * g[i];
              p[i] -= lr * g[i] / (Math.sqrt(v[i]) + 1e-8);
            }
            case ADAM -> {
              m[i] = 0.9 * m[i] + 0.1 * g[i];
              v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
              double mHat = m[i] / (1 - Math.pow(0.9, t));
              double vHat = v[i] / (1 - Math.pow(0.999, t));
              p[i] -= lr * mHat / (Math.sqrt(vHat) + 1e-8);
            }
            default -> throw new AssertionError(rule);
          }
        }
        if (step == 2) {
          afterThree = p.clone();
        }
        step++;
      }
    }
    return new ByHand(p, -1, afterThree, loss3, lastNonZero);
  }

  static double mse(double a, double b) {
    double sum = 0;
    for (double x : X) {
      double e = a * x + b - (2 * x + 30);
      sum += e * e;
    }
    return sum / X.length;
  }

  @Test
  void theDataAre29IntegersFrom1To100() {
    assertEquals(29, X.length);
    for (double x : X) {
      assertTrue(x == Math.rint(x) && x >= 1 && x <= 100, "x = " + x);
    }
  }

  @Test
  void oneNeuronLearnsTheSlopeFastAndTheInterceptSlowly() {
    ByHand h = byHand(Kind.ONE, Rule.SGD, 1e-4);
    assertClose(h.p()[0], key(result, "one neuron a"), 1e-9, "a");
    assertClose(h.p()[1], key(result, "one neuron b"), 1e-9, "b");
    assertClose(mse(h.p()[0], h.p()[1]), key(result, "one neuron mse"), 1e-9, "MSE");
    assertTrue(Math.abs(h.p()[0] - 2) < 0.5 && h.p()[1] < 10, "a near 2, b far from 30");
  }

  @Test
  void stackedNeuronsExplodeWithinTheFirstEpoch() {
    ByHand h = byHand(Kind.STACKED, Rule.SGD, 1e-4);
    assertEquals(h.divergedAt(), (int) key(result, "stacked diverged at step"));
    assertTrue(h.divergedAt() > 0 && h.divergedAt() < 29, "first epoch: step " + h.divergedAt());
    String[] letters = {"a", "b", "c", "d"};
    for (int i = 0; i < 4; i++) {
      assertClose(h.afterThreeSteps()[i], key(result, "stacked " + letters[i] + " after 3 steps"), 1e-9, letters[i]);
    }
    assertClose(h.lossAtStep3(), key(result, "stacked loss at step 3"), 1e-9, "loss at step 3");
    assertTrue(key(result, "stacked loss at step 3") > 1e8, "the loss explodes");
  }

  @Test
  void theReluUnitDiesAndOnlyTheOutputBiasLearns() {
    ByHand h = byHand(Kind.RELU, Rule.SGD, 1e-4);
    assertEquals(h.lastNonZeroAB() + 1, (int) key(result, "relu dies at step"));
    String[] letters = {"a", "b", "c", "d"};
    for (int i = 0; i < 4; i++) {
      assertClose(h.p()[i], key(result, "relu final " + letters[i]), 1e-9, letters[i]);
    }
    // Dead: a x + b < 0 for every x in the data.
    for (double x : X) {
      assertTrue(key(result, "relu final a") * x + key(result, "relu final b") < 0);
    }
  }

  @Test
  void learningRateSweep() {
    ByHand fast = byHand(Kind.ONE, Rule.SGD, 1e-2);
    assertEquals(fast.divergedAt(), (int) key(result, "lr 1e-2 diverged at step"));
    assertTrue(fast.divergedAt() > 0);
    for (double lr : new double[] {1e-4, 1e-5}) {
      ByHand h = byHand(Kind.ONE, Rule.SGD, lr);
      String name = lr == 1e-4 ? "1e-4" : "1e-5";
      assertFalse(result.keyNumbers().containsKey("lr " + name + " diverged at step"), name + " does not diverge");
      assertClose(h.p()[0], key(result, "lr " + name + " a"), 1e-9, "a at " + name);
      assertClose(h.p()[1], key(result, "lr " + name + " b"), 1e-9, "b at " + name);
    }
  }

  @Test
  void momentumRmsPropAndAdamOnTheOneNeuron() {
    for (var e : List.of(new Object[] {"momentum", Rule.MOMENTUM, 1e-4}, new Object[] {"rmsprop", Rule.RMSPROP, 0.03},
        new Object[] {"adam", Rule.ADAM, 0.03})) {
      String id = (String) e[0];
      ByHand h = byHand(Kind.ONE, (Rule) e[1], (Double) e[2]);
      assertClose(h.p()[0], key(result, id + " a"), 1e-8, id + " a");
      assertClose(h.p()[1], key(result, id + " b"), 1e-8, id + " b");
      assertClose(mse(h.p()[0], h.p()[1]), key(result, id + " mse"), 1e-8, id + " MSE");
      // Each gets b much closer to 30 than plain SGD at the same number of steps.
      assertTrue(key(result, id + " b") > 4 * key(result, "one neuron b"), id);
    }
  }

  @Test
  void writesThePageWithItsPlotsGraphsAndOneCsvPerRun() throws Exception {
    List<String> links = Reports.assertComplete(result, dir, 9);
    assertTrue(links.contains("stacked-lr-1e-4.csv") && links.contains("adam.csv"), links.toString());
  }
}
