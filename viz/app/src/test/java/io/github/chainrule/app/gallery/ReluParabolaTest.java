package io.github.chainrule.app.gallery;

import static io.github.chainrule.app.gallery.Reports.assertClose;
import static io.github.chainrule.app.gallery.Reports.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** relu-parabola: its reported weights, evaluated here in plain doubles, give its reported MSE and kinks. */
class ReluParabolaTest {
  @TempDir static Path dir;
  static DemoResult result;
  static final java.util.List<long[]> progress = new java.util.ArrayList<>();

  @BeforeAll
  static void run() throws Exception {
    result = new ReluParabola().run(dir, (done, total) -> progress.add(new long[] {done, total}));
  }

  static double f(double x) {
    double sum = key(result, "c");
    for (int i = 1; i <= 5; i++) {
      sum += key(result, "w" + i) * Math.max(0, key(result, "a" + i) * x + key(result, "b" + i));
    }
    return sum;
  }

  @Test
  void theFinalMseFollowsFromTheReportedWeights() {
    double sse = 0;
    double sum = 0;
    double sumSquares = 0;
    for (int x = -5; x <= 4; x++) {
      sse += (f(x) - x * x) * (f(x) - x * x);
      sum += x * x;
      sumSquares += (double) x * x * x * x;
    }
    assertClose(sse / 10, key(result, "mse"), 1e-12, "MSE over x = -5..4");
    double variance = sumSquares / 10 - (sum / 10) * (sum / 10);
    assertTrue(key(result, "mse") < 1e-3 * variance, "the five hinges explain all but 0.1% of y's variance "
        + variance + ": MSE " + key(result, "mse"));
  }

  @Test
  void theKinksSitAtMinusBOverA() {
    double[] expected = new double[5];
    for (int i = 1; i <= 5; i++) {
      expected[i - 1] = -key(result, "b" + i) / key(result, "a" + i);
    }
    Arrays.sort(expected);
    for (int k = 0; k < 5; k++) {
      assertEquals(expected[k], key(result, "kink " + (k + 1)), 1e-15);
    }
  }

  @Test
  void eachPiecesSlopeIsTheSumOfTheActiveUnitsSlopes() {
    ReluParabola.Fit fit = ReluParabola.fit();
    double[] kinks = fit.curve().kinks();
    var pieces = ReluParabola.pieces(fit, kinks);
    assertEquals(kinks.length + 1, pieces.size());
    // Between two kinks the curve is straight: its slope measured from f matches the table.
    for (int p = 1; p + 1 < pieces.size(); p++) {
      double lo = kinks[p - 1];
      double hi = kinks[p];
      double slope = (f(hi - (hi - lo) * 0.25) - f(lo + (hi - lo) * 0.25)) / ((hi - lo) * 0.5);
      assertClose(slope, pieces.get(p).slope(), 1e-9, "slope of piece " + p);
    }
  }

  @Test
  void writesThePageWithItsPlotsAndData() throws Exception {
    Reports.assertComplete(result, dir, 3);
  }

  @Test
  void reportsItsProgressInStepsUpToTheTotal() {
    // One report every 20 steps up to all 2,000: enough for a smooth bar, few enough to cost nothing.
    assertEquals(100, progress.size());
    for (int k = 0; k < progress.size(); k++) {
      assertEquals(20 + 20L * k, progress.get(k)[0]);
      assertEquals(2000, progress.get(k)[1]);
    }
  }
}
