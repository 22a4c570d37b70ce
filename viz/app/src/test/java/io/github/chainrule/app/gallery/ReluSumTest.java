package io.github.chainrule.app.gallery;

import static io.github.chainrule.app.gallery.Reports.assertClose;
import static io.github.chainrule.app.gallery.Reports.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * relu-sum against plain doubles: linear regression from the covariance formula, the notebook's
 * 110,000 SGD steps on a, b and w (gradient [da, db, dw], update (a, b, w) .-= α·grad, one point a
 * step drawn with replacement) computed here element by element, the kinks −b/a they end with, and
 * the comparison with w alone trained.
 */
class ReluSumTest {
  @TempDir static Path dir;
  static DemoResult result;
  static final java.util.List<long[]> progress = new java.util.ArrayList<>();
  static ReluSum.Setup setup;

  @BeforeAll
  static void run() throws Exception {
    result = new ReluSum().run(dir, (done, total) -> progress.add(new long[] {done, total}));
    setup = ReluSum.setup();
  }

  @Test
  void theSetupIsTheSpecified() {
    assertEquals(256, setup.trainX().length);
    assertEquals(256, setup.testX().length);
    assertEquals(1024, setup.a0().length);
    for (int i = 0; i < 256; i++) {
      double x = setup.trainX()[i];
      assertTrue(x >= 0 && x < 1);
      // y is the target plus noise of standard deviation 0.1: never more than 6 of them off.
      assertTrue(Math.abs(setup.trainY()[i] - Math.cos(2 * x + 20 * x * x)) < 0.6);
    }
    for (int i = 0; i < 1024; i++) {
      assertTrue(setup.a0()[i] == 1 || setup.a0()[i] == -1);
      assertTrue(setup.b0()[i] >= -1 && setup.b0()[i] < 1);
    }
  }

  @Test
  void eachStepDrawsItsPointWithReplacement() {
    // rand(1:n) every step: uniform draws, independent of one another, not a shuffled pass.
    SplittableRandom draws = new SplittableRandom(2024 + 7);
    for (int step = 0; step < 110_000; step++) {
      assertEquals(draws.nextInt(256), setup.samples()[step], "step " + step);
    }
    Set<Integer> firstPass = new HashSet<>();
    for (int step = 0; step < 256; step++) {
      firstPass.add(setup.samples()[step]);
    }
    assertTrue(firstPass.size() < 256, "the first 256 steps repeat some points and miss others: " + firstPass.size());
  }

  @Test
  void linearRegressionIsTheLeastSquaresLine() {
    double[] x = setup.trainX();
    double[] y = setup.trainY();
    double mx = 0;
    double my = 0;
    for (int i = 0; i < x.length; i++) {
      mx += x[i] / x.length;
      my += y[i] / x.length;
    }
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
    }
    double slope = sxy / sxx;
    double intercept = my - slope * mx;
    assertClose(lineMse(intercept, slope, x, y), key(result, "linear train mse"), 1e-10, "train");
    assertClose(lineMse(intercept, slope, setup.testX(), setup.testY()), key(result, "linear test mse"), 1e-10, "test");
  }

  private static double lineMse(double intercept, double slope, double[] x, double[] y) {
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      double e = intercept + slope * x[i] - y[i];
      sum += e * e;
    }
    return sum / x.length;
  }

  /** The mean over the points of (Σ w relu(a x + b) − y)². */
  static double mse(double[] a, double[] b, double[] w, double[] x, double[] y) {
    double sum = 0;
    for (int n = 0; n < x.length; n++) {
      double h = 0;
      for (int i = 0; i < w.length; i++) {
        h += Math.max(0, a[i] * x[n] + b[i]) * w[i];
      }
      sum += (h - y[n]) * (h - y[n]) / x.length;
    }
    return sum;
  }

  private void assertMse(double[] a, double[] b, double[] w, String prefix, double tol) {
    assertClose(mse(a, b, w, setup.trainX(), setup.trainY()), key(result, prefix + " train mse"), tol, prefix + " train");
    assertClose(mse(a, b, w, setup.testX(), setup.testY()), key(result, prefix + " test mse"), tol, prefix + " test");
  }

  @Test
  void sgdOnABAndWMatchesPlainDoublesAtEveryStage() {
    double[] a = setup.a0().clone();
    double[] b = setup.b0().clone();
    double[] w = setup.w0().clone();
    assertMse(a, b, w, "init", 1e-10);
    double[] pre = new double[1024];
    for (int step = 0; step < 110_000; step++) {
      if (step == 10_000) {
        assertMse(a, b, w, "10k", 1e-8);
      }
      int n = setup.samples()[step];
      double x = setup.trainX()[n];
      double h = 0;
      for (int i = 0; i < 1024; i++) {
        pre[i] = a[i] * x + b[i];
        h += Math.max(0, pre[i]) * w[i];
      }
      // L = (h - y)^2: dL/dw = 2e relu(ax + b); dL/da = 2e w [ax + b > 0] x; dL/db = 2e w [ax + b > 0].
      double g = 2 * (h - setup.trainY()[n]);
      for (int i = 0; i < 1024; i++) {
        double open = pre[i] > 0 ? 1 : 0;
        double dw = g * Math.max(0, pre[i]);
        double da = g * w[i] * open * x;
        double db = g * w[i] * open;
        a[i] -= 1e-4 * da;
        b[i] -= 1e-4 * db;
        w[i] -= 1e-4 * dw;
      }
    }
    assertMse(a, b, w, "110k", 1e-8);
    assertTrue(key(result, "110k train mse") < key(result, "linear train mse"), "the ReLU sum beats the line");

    // The kinks -b/a, where they started and where training took them.
    int insideAtStart = 0;
    int insideAtEnd = 0;
    double meanMove = 0;
    double largestMove = 0;
    for (int i = 0; i < 1024; i++) {
      double k0 = -setup.b0()[i] / setup.a0()[i];
      double k1 = -b[i] / a[i];
      insideAtStart += k0 >= 0 && k0 <= 1 ? 1 : 0;
      insideAtEnd += k1 >= 0 && k1 <= 1 ? 1 : 0;
      meanMove += Math.abs(k1 - k0) / 1024;
      largestMove = Math.max(largestMove, Math.abs(k1 - k0));
    }
    assertEquals(insideAtStart, key(result, "kinks in [0, 1] at start"));
    assertEquals(insideAtEnd, key(result, "kinks in [0, 1] at end"));
    assertClose(meanMove, key(result, "mean kink move"), 1e-8, "mean kink move");
    assertClose(largestMove, key(result, "largest kink move"), 1e-8, "largest kink move");
    assertTrue(largestMove > 0.01, "training a and b moves the kinks: at most " + largestMove);
  }

  @Test
  void theComparisonTrainsWAloneOnTheSameDraws() {
    double[] a = setup.a0();
    double[] b = setup.b0();
    double[] w = setup.w0().clone();
    for (int step = 0; step < 110_000; step++) {
      int n = setup.samples()[step];
      double x = setup.trainX()[n];
      double h = 0;
      for (int i = 0; i < 1024; i++) {
        h += Math.max(0, a[i] * x + b[i]) * w[i];
      }
      double g = 2 * (h - setup.trainY()[n]);
      for (int i = 0; i < 1024; i++) {
        w[i] -= 1e-4 * g * Math.max(0, a[i] * x + b[i]);
      }
    }
    assertClose(mse(a, b, w, setup.trainX(), setup.trainY()), key(result, "w only: 110k train mse"), 1e-8, "train");
    assertClose(mse(a, b, w, setup.testX(), setup.testY()), key(result, "w only: 110k test mse"), 1e-8, "test");
  }

  @Test
  void writesThePageWithItsPlotsAndData() throws Exception {
    java.util.List<String> links = Reports.assertComplete(result, dir, 6);
    assertTrue(links.contains("kinks.csv"), links.toString());
    String html = java.nio.file.Files.readString(result.report());
    assertTrue(html.contains("Where the kinks started and where they ended"), "the kink plot");
    assertTrue(html.contains("comparison: 110,000 steps on w alone, a and b fixed"), "the comparison is labelled");
  }

  @Test
  void reportsItsProgressInStepsUpToTheTotal() {
    // One report every 1000 steps up to all 110,000: enough for a smooth bar, few enough to cost nothing.
    assertEquals(111, progress.size());
    for (int k = 0; k < progress.size(); k++) {
      assertEquals(1000L * k, progress.get(k)[0]);
      assertEquals(110000, progress.get(k)[1]);
    }
  }
}
