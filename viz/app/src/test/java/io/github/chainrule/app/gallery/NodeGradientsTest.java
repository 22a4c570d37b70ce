package io.github.chainrule.app.gallery;

import static io.github.chainrule.app.gallery.Reports.assertClose;
import static io.github.chainrule.app.gallery.Reports.key;
import static io.github.chainrule.app.gallery.Reports.sigmoid;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * node-gradients against the book's formulas worked by hand in plain doubles: forward pass, output
 * delta (y − o)·o(1 − o), hidden deltas h(1 − h)·w·δ_O, gradients δ × input, and the update
 * w + 0.7·gradient (+ 0.3·previous change).
 */
class NodeGradientsTest {
  @TempDir static Path dir;
  static DemoResult result;

  // The book's weights, in the demo's order: I1->H1, I2->H1, B1->H1, I1->H2, I2->H2, B1->H2, H1->O1, H2->O1, B2->O1.
  static final double[] W = {-0.07, 0.22, -0.46, 0.95, 0.46, 0.10, -0.22, 0.58, 0.78};
  static final double I1 = 1;
  static final double I2 = 0;
  static final double Y = 1;

  @BeforeAll
  static void run() throws Exception {
    result = new NodeGradients().run(dir);
  }

  /** {o, h1, h2, δO, δH1, δH2} for weights w. */
  static double[] forwardAndDeltas(double[] w) {
    double h1 = sigmoid(I1 * w[0] + I2 * w[1] + w[2]);
    double h2 = sigmoid(I1 * w[3] + I2 * w[4] + w[5]);
    double o = sigmoid(h1 * w[6] + h2 * w[7] + w[8]);
    double deltaO = (Y - o) * o * (1 - o);
    return new double[] {o, h1, h2, deltaO, h1 * (1 - h1) * w[6] * deltaO, h2 * (1 - h2) * w[7] * deltaO};
  }

  /** The book's gradient (δ of the neuron fed × what flows along the weight), per weight. */
  static double[] bookGradients(double[] w) {
    double[] f = forwardAndDeltas(w);
    double h1 = f[1];
    double h2 = f[2];
    return new double[] {f[4] * I1, f[4] * I2, f[4], f[5] * I1, f[5] * I2, f[5], f[3] * h1, f[3] * h2, f[3]};
  }

  static double loss(double[] w) {
    double o = forwardAndDeltas(w)[0];
    return 0.5 * (o - Y) * (o - Y);
  }

  @Test
  void outputLossAndNodeDeltasMatchTheBooksFormulas() {
    double[] f = forwardAndDeltas(W);
    assertClose(f[0], key(result, "output"), 1e-14, "o");
    assertClose(loss(W), key(result, "loss"), 1e-14, "loss");
    assertClose(f[3], key(result, "delta O1"), 1e-14, "delta O1");
    assertClose(f[4], key(result, "delta H1"), 1e-14, "delta H1");
    assertClose(f[5], key(result, "delta H2"), 1e-14, "delta H2");
    // The published example's numbers, to the digits the README prints.
    assertEquals(0.755495, key(result, "output"), 5e-7);
    assertEquals(0.0451656, key(result, "delta O1"), 5e-8);
  }

  @Test
  void bookGradientsAreDeltaTimesWhatFlowsAlongTheWeightAndMinusDlDw() {
    double[] g = bookGradients(W);
    for (int i = 0; i < 9; i++) {
      assertClose(g[i], key(result, "gradient " + NodeGradients.WEIGHT_NAMES[i]), 1e-14, NodeGradients.WEIGHT_NAMES[i]);
    }
    NodeGradients.Numbers n = new NodeGradients().compute();
    for (int i = 0; i < 9; i++) {
      assertEquals(-n.bookGradients()[i], n.dLdw()[i], 1e-17, "the book's sign is the opposite of autodiff's");
    }
    assertEquals(0.0, key(result, "gradient I2->H1"), "I2 = 0 carries nothing");
  }

  @Test
  void oneSgdUpdateAddsLearningRateTimesTheBooksGradientAndMomentumActsFromTheSecond() {
    double[] g1 = bookGradients(W);
    double[] w1 = new double[9];
    for (int i = 0; i < 9; i++) {
      w1[i] = W[i] + 0.7 * g1[i];
      assertClose(w1[i], key(result, "updated " + NodeGradients.WEIGHT_NAMES[i]), 1e-14, "updated weight " + i);
    }
    assertClose(loss(w1), key(result, "loss after update"), 1e-14, "loss after one update");
    double[] g2 = bookGradients(w1);
    double[] w2 = new double[9];
    for (int i = 0; i < 9; i++) {
      w2[i] = w1[i] + 0.7 * g2[i] + 0.3 * (w1[i] - W[i]);
    }
    assertClose(loss(w2), key(result, "loss after second update"), 1e-13, "loss after the momentum update");
  }

  @Test
  void writesThePageWithItsGraph() throws Exception {
    Reports.assertComplete(result, dir, 0);
  }
}
