package io.github.chainrule.app.gallery;

import static io.github.chainrule.app.gallery.Reports.assertClose;
import static io.github.chainrule.app.gallery.Reports.key;
import static io.github.chainrule.app.gallery.Reports.sigmoid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.nn.train.History;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * symmetry: the twins are bit-identical in weights and gradients at every recorded step, and both
 * runs' final losses agree with full-batch SGD with momentum written out in plain doubles.
 */
class SymmetryDemoTest {
  @TempDir static Path dir;
  static DemoResult result;

  @BeforeAll
  static void run() throws Exception {
    result = new SymmetryDemo().run(dir);
  }

  @Test
  void twinsStayBitIdenticalInWeightsAndGradientsAtEveryStep() {
    History h = SymmetryDemo.train("twins", SymmetryDemo.twins()).history();
    assertEquals(SymmetryDemo.EPOCHS, h.steps());
    double[][] w = h.values("hidden.weight");
    double[][] b = h.values("hidden.bias");
    double[][] gw = h.gradients("hidden.weight");
    double[][] gb = h.gradients("hidden.bias");
    double[][] v = h.values("output.weight");
    for (int s = 0; s < w.length; s++) {
      // Row 0 of hidden.weight is H1's (I1, I2) weights, row 1 is H2's.
      assertEquals(Double.doubleToRawLongBits(w[s][0]), Double.doubleToRawLongBits(w[s][2]), "step " + s);
      assertEquals(Double.doubleToRawLongBits(w[s][1]), Double.doubleToRawLongBits(w[s][3]), "step " + s);
      assertEquals(Double.doubleToRawLongBits(b[s][0]), Double.doubleToRawLongBits(b[s][1]), "step " + s);
      assertEquals(Double.doubleToRawLongBits(v[s][0]), Double.doubleToRawLongBits(v[s][1]), "step " + s);
      if (s < gw.length) {
        assertEquals(Double.doubleToRawLongBits(gw[s][0]), Double.doubleToRawLongBits(gw[s][2]), "grad step " + s);
        assertEquals(Double.doubleToRawLongBits(gw[s][1]), Double.doubleToRawLongBits(gw[s][3]), "grad step " + s);
        assertEquals(Double.doubleToRawLongBits(gb[s][0]), Double.doubleToRawLongBits(gb[s][1]), "grad step " + s);
      }
    }
    // And they did move: identical is not the same as frozen.
    assertTrue(Math.abs(w[w.length - 1][0] - w[0][0]) > 0.1, "the twins' weights changed");
    assertEquals(0.0, key(result, "twins max weight difference"));
    assertEquals(0.0, key(result, "twins max gradient difference"));
    assertEquals(1.0, key(result, "twins effective units"));
  }

  @Test
  void randomUnitsDifferentiateAndTheDetectorCountsTwoUnits() {
    assertTrue(key(result, "random final weight difference") > key(result, "random initial weight difference"));
    assertEquals(2.0, key(result, "random effective units"));
  }

  /** [w11, w12, b1, w21, w22, b2, v1, v2, c]: hidden weights by unit, biases, output weights and bias. */
  static double[] start(HeatonNetwork net) {
    double[] w = net.hidden.weight().data();
    double[] b = net.hidden.bias().data();
    double[] v = net.output.weight().data();
    return new double[] {w[0], w[1], b[0], w[2], w[3], b[1], v[0], v[1], net.output.bias().item()};
  }

  /** Full-batch SGD (lr 0.7, momentum 0.3, torch's buffer rule) on ½Σ(o − y)² over XOR; returns the final loss. */
  static double trainByHand(double[] p, int steps) {
    double[] buf = new double[p.length];
    for (int step = 0; step <= steps; step++) {
      double loss = 0;
      double[] g = new double[p.length];
      for (int r = 0; r < 4; r++) {
        double x1 = SymmetryDemo.XOR_INPUTS[r][0];
        double x2 = SymmetryDemo.XOR_INPUTS[r][1];
        double h1 = sigmoid(p[0] * x1 + p[1] * x2 + p[2]);
        double h2 = sigmoid(p[3] * x1 + p[4] * x2 + p[5]);
        double o = sigmoid(p[6] * h1 + p[7] * h2 + p[8]);
        double e = o - SymmetryDemo.XOR_TARGETS[r];
        loss += 0.5 * e * e;
        double dO = e * o * (1 - o);
        double d1 = dO * p[6] * h1 * (1 - h1);
        double d2 = dO * p[7] * h2 * (1 - h2);
        double[] add = {d1 * x1, d1 * x2, d1, d2 * x1, d2 * x2, d2, dO * h1, dO * h2, dO};
        for (int i = 0; i < p.length; i++) {
          g[i] += add[i];
        }
      }
      if (step == steps) {
        return loss;
      }
      for (int i = 0; i < p.length; i++) {
        buf[i] = step == 0 ? g[i] : 0.3 * buf[i] + g[i];
        p[i] -= 0.7 * buf[i];
      }
    }
    throw new AssertionError("unreachable");
  }

  @Test
  void finalLossesMatchSgdWrittenOutByHand() {
    assertClose(trainByHand(start(SymmetryDemo.twins()), SymmetryDemo.EPOCHS), key(result, "twins final loss"), 1e-9,
        "twins");
    assertClose(trainByHand(start(SymmetryDemo.random()), SymmetryDemo.EPOCHS), key(result, "random final loss"),
        1e-9, "random");
    // Two identical units are one: XOR stays out of reach, while the random start solves it.
    assertTrue(key(result, "twins final loss") > 0.25, "twins stall");
    assertTrue(key(result, "random final loss") < 0.01, "random start learns XOR");
  }

  @Test
  void writesThePageWithItsPlotsGraphAndTrajectory() throws Exception {
    assertTrue(Reports.assertComplete(result, dir, 5).contains("trajectory.csv"));
  }
}
