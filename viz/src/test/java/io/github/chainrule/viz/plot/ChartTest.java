package io.github.chainrule.viz.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Which points of a long series a chart draws. */
class ChartTest {

  @Test
  void aShortRunIsDrawnWhole() {
    assertArrayEquals(new int[] {0, 1, 2, 3}, Chart.keep(new double[] {5, 1, 4, 2}, 2000));
  }

  @Test
  void aLongRunKeepsEveryBucketsExtremesInOrderAndTheLastStep() {
    SplittableRandom random = new SplittableRandom(3);
    double[] y = new double[100_001];
    for (int i = 0; i < y.length; i++) {
      y[i] = Math.exp(-i / 5000.0) + 0.01 * random.nextDouble();
    }
    y[77_777] = 50;    // one spike, as a diverging step would make
    y[12_345] = -50;
    int[] kept = Chart.keep(y, 2000);
    assertTrue(kept.length <= 2002, "at most about 2000 points, got " + kept.length);
    for (int i = 1; i < kept.length; i++) {
      assertTrue(kept[i] > kept[i - 1], "increasing steps at " + i);
    }
    assertEquals(y.length - 1, kept[kept.length - 1]);
    assertTrue(Arrays.stream(kept).anyMatch(k -> k == 77_777), "the high spike is drawn");
    assertTrue(Arrays.stream(kept).anyMatch(k -> k == 12_345), "the low spike is drawn");
    assertEquals(0, kept[0]);
  }
}
