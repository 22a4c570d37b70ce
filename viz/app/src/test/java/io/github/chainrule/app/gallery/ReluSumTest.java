package io.github.chainrule.app.gallery;

import static io.github.chainrule.app.gallery.Reports.assertClose;
import static io.github.chainrule.app.gallery.Reports.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * relu-sum against plain doubles: linear regression from the covariance formula, and the 110,000
 * SGD steps on the output weights with the features relu(a x + b) computed here, in the demo's
 * sample order.
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
    assertEquals(1024, setup.a().length);
    for (int i = 0; i < 256; i++) {
      double x = setup.trainX()[i];
      assertTrue(x >= 0 && x < 1);
      // y is the target plus noise of standard deviation 0.1: never more than 6 of them off.
      assertTrue(Math.abs(setup.trainY()[i] - Math.cos(2 * x + 20 * x * x)) < 0.6);
    }
    for (int i = 0; i < 1024; i++) {
      assertTrue(setup.a()[i] == 1 || setup.a()[i] == -1);
      assertTrue(setup.b()[i] >= -1 && setup.b()[i] < 1);
    }
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

  static double[][] features(double[] x) {
    double[][] f = new double[x.length][1024];
    for (int n = 0; n < x.length; n++) {
      for (int i = 0; i < 1024; i++) {
        f[n][i] = Math.max(0, setup.a()[i] * x[n] + setup.b()[i]);
      }
    }
    return f;
  }

  static double mse(double[][] f, double[] y, double[] w) {
    double sum = 0;
    for (int n = 0; n < f.length; n++) {
      double h = 0;
      for (int i = 0; i < w.length; i++) {
        h += f[n][i] * w[i];
      }
      sum += (h - y[n]) * (h - y[n]) / f.length;
    }
    return sum;
  }

  @Test
  void sgdWithBatchOneMatchesPlainDoublesAtEveryStage() {
    double[][] train = features(setup.trainX());
    double[][] test = features(setup.testX());
    double[] w = setup.w0().clone();
    assertClose(mse(train, setup.trainY(), w), key(result, "init train mse"), 1e-10, "init train");
    assertClose(mse(test, setup.testY(), w), key(result, "init test mse"), 1e-10, "init test");
    int[] order = null;
    for (int step = 0; step < 110_000; step++) {
      if (step == 10_000) {
        assertClose(mse(train, setup.trainY(), w), key(result, "10k train mse"), 1e-8, "10k train");
        assertClose(mse(test, setup.testY(), w), key(result, "10k test mse"), 1e-8, "10k test");
      }
      if (step % 256 == 0) {
        order = setup.order(step / 256);
      }
      double[] f = train[order[step % 256]];
      double h = 0;
      for (int i = 0; i < 1024; i++) {
        h += f[i] * w[i];
      }
      // d/dw of (h - y)^2 is 2 (h - y) relu(a x + b).
      double g = 2 * (h - setup.trainY()[order[step % 256]]);
      for (int i = 0; i < 1024; i++) {
        w[i] -= 1e-4 * g * f[i];
      }
    }
    assertClose(mse(train, setup.trainY(), w), key(result, "110k train mse"), 1e-8, "110k train");
    assertClose(mse(test, setup.testY(), w), key(result, "110k test mse"), 1e-8, "110k test");
    assertTrue(key(result, "110k train mse") < key(result, "linear train mse"), "the ReLU sum beats the line");
  }

  @Test
  void eachEpochVisitsEveryTrainingPointOnce() {
    int[] order = setup.order(3);
    boolean[] seen = new boolean[256];
    for (int i : order) {
      seen[i] = true;
    }
    for (boolean s : seen) {
      assertTrue(s);
    }
  }

  @Test
  void writesThePageWithItsPlotsAndData() throws Exception {
    Reports.assertComplete(result, dir, 5);
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
