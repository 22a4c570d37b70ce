package io.github.chainrule.viz.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ReluCurveTest {

  @Test
  void kinksSitAtMinusBOverA() {
    ReluCurve curve = PlotsTest.sampleReluCurve();
    // -1/1, 0.5/1, -0.75/-0.5 = 1.5
    assertArrayEquals(new double[] {-1.0, 0.5, 1.5}, curve.kinks(), 1e-15);
    ReluCurve flat = new ReluCurve(new double[] {0, 2}, new double[] {1, 1}, new double[] {1, 1}, 0);
    assertArrayEquals(new double[] {-0.5}, flat.kinks(), "a unit with a = 0 never bends");
  }

  @Test
  void theOutputIsTheWeightedSumOfTheUnitsPlusTheBias() {
    ReluCurve curve = PlotsTest.sampleReluCurve();
    // At x = 1: h = relu(2)=2, relu(0.5)=0.5, relu(0.25)=0.25 → 0.8·2 - 1.6·0.5 + 1.2·0.25 - 0.3 = 0.8
    assertEquals(2.0, curve.unit(0, 1), 1e-15);
    assertEquals(-0.8, curve.weighted(1, 1), 1e-15);
    assertEquals(0.8, curve.output(1), 1e-12);
  }

  @Test
  void theSlopeChangesOnlyAtTheKinks() {
    ReluCurve curve = PlotsTest.sampleReluCurve();
    double[] kinks = curve.kinks();
    double h = 1e-4;
    for (double x = -3; x <= 3; x += 0.01) {
      double left = (curve.output(x) - curve.output(x - h)) / h;
      double right = (curve.output(x + h) - curve.output(x)) / h;
      final double at = x;
      boolean nearKink = Arrays.stream(kinks).anyMatch(k -> Math.abs(k - at) <= h);
      if (!nearKink) {
        assertEquals(left, right, 1e-8, "no bend at x=" + x);
      }
    }
    for (double k : kinks) {
      double left = (curve.output(k) - curve.output(k - h)) / h;
      double right = (curve.output(k + h) - curve.output(k)) / h;
      assertTrue(Math.abs(left - right) > 0.1, "a bend at the kink x=" + k);
    }
  }

  @Test
  void theChartDrawsUnitsWeightedUnitsTheSumAndKinks() throws Exception {
    ReluCurve curve = PlotsTest.sampleReluCurve();
    Chart chart = curve.chart("How the curve is built", -3, 3);
    // 3 units × (hinge + weighted) + sum + 3 kink lines + kink markers
    assertEquals(3 * 2 + 1 + 3 + 1, chart.series().size());
    double[][] sum = chart.series().get("f(x) = sum - 0.3").drawn();
    double[] xs = sum[0];
    for (double k : curve.kinks()) {
      assertTrue(Arrays.stream(xs).anyMatch(x -> x == k), "the grid passes exactly through the kink " + k);
    }
    for (int i = 0; i < xs.length; i++) {
      assertEquals(curve.output(xs[i]), sum[1][i], 1e-12);
    }
    assertArrayEquals(curve.kinks(), chart.series().get("kinks at x = -b/a").drawn()[0]);
    assertTrue(chart.series().containsKey("h1 = relu(1x + 1), kink at -1"));
    assertTrue(chart.series().containsKey("h3 = relu(-0.5x + 0.75), kink at 1.5"));
    assertTrue(chart.series().containsKey("-1.6 \u00b7 h2"));
    assertFalse(chart.svg().contains("kink line 1"), "the kink lines are not in the legend");
    PlotsTest.assertReadable(chart, "relu-curve");
  }

  @Test
  void mismatchedUnitsAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ReluCurve(new double[] {1, 2}, new double[] {1}, new double[] {1, 2}, 0));
    assertTrue(e.getMessage().contains("got 2, 1 and 2"), e.getMessage());
  }
}
