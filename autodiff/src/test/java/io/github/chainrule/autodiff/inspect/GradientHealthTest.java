package io.github.chainrule.autodiff.inspect;

import io.github.chainrule.autodiff.testing.RandomTensors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.autodiff.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Gradient norms per tensor and layer, vanishing and growth with depth, and across training steps. */
class GradientHealthTest {

  @Test
  void layersGroupByNamePrefixAndGrowthIsFittedAgainstDepth() {
    // Input side first. Layer norms: l0 = 1/16, l1 = 1/4 (from 3-4-5 parts), l2 = 1: each layer further
    // from the output gets a quarter of the next one's gradient.
    Map<String, double[]> g = new LinkedHashMap<>();
    g.put("l0.weight", new double[] {1.0 / 16});
    g.put("l1.weight", new double[] {0.6 / 4, 0.0});
    g.put("l1.bias", new double[] {0.8 / 4});
    g.put("l2.weight", new double[] {1.0});
    GradientHealth h = GradientHealth.ofNamed(g, 1e-3, 2.0);
    assertEquals(List.of("l0", "l1", "l2"), h.layers().stream().map(GradientHealth.Layer::name).toList());
    assertEquals(List.of(2, 1, 0), h.layers().stream().map(GradientHealth.Layer::depth).toList());
    assertEquals(0.25, h.layers().get(1).norm(), 1e-15);
    assertEquals(2, h.layers().get(1).tensors());
    assertEquals(0.25, h.growthPerLayer(), 1e-12);
    assertFalse(h.healthy());
    assertTrue(h.flags().get(0).startsWith("vanishing with depth: each layer further from the output gets about ×0.25"),
        h.flags().toString());
    assertFalse(h.layers().get(0).vanishing());   // 1/16 of the largest is small, but not below 1e-3

    g.put("l0.weight", new double[] {1e-5});
    GradientHealth v = GradientHealth.ofNamed(g, 1e-3, 2.0);
    assertTrue(v.layers().get(0).vanishing());
    assertTrue(v.entries().get(0).vanishing());
    assertTrue(v.flags().stream().anyMatch(f -> f.startsWith("vanishing: layer l0 has gradient norm 1e-5")), v.flags().toString());
  }

  /** A deep sigmoid network: σ' ≤ 1/4 shrinks the gradient at every layer, the textbook vanishing case. */
  @Test
  void aDeepSigmoidNetworkIsFlaggedAsVanishingWithDepth() {
    List<Tensor> params = new ArrayList<>();
    Tensor a = RandomTensors.uniform(1, -1, 1, 8, 4).named("x");
    for (int i = 0; i < 8; i++) {
      Tensor w = RandomTensors.uniform(10 + i, -0.5, 0.5, 4, 4).named("layer" + i + ".weight").requiresGrad();
      Tensor b = Tensor.zeros(4).named("layer" + i + ".bias").requiresGrad();
      params.add(w);
      params.add(b);
      a = a.matmul(w.transpose()).add(b).sigmoid();
    }
    Tensor loss = a.square().mean().named("loss");
    loss.backward();
    GradientHealth h = GradientHealth.ofParameters(params);
    assertEquals(8, h.layers().size());
    assertTrue(h.growthPerLayer() < 0.5, h.toString());
    assertTrue(h.flags().stream().anyMatch(f -> f.startsWith("vanishing with depth")), h.toString());
    // The layer next to the input has the smallest gradient of all.
    double first = h.layers().get(0).norm();
    assertTrue(h.layers().stream().allMatch(l -> l.norm() >= first));
    // A layer's norm is the L2 norm over its weight and bias.
    Tensor w0 = params.get(0);
    Tensor b0 = params.get(1);
    double sq = 0;
    for (double v : w0.grad().toArray()) {
      sq += v * v;
    }
    for (double v : b0.grad().toArray()) {
      sq += v * v;
    }
    assertEquals(Math.sqrt(sq), first, 1e-15);
  }

  @Test
  void graphDepthsCountOpsToTheOutput() {
    Tensor x = Tensor.vector(1.0, 2.0).named("in.x").requiresGrad();
    Tensor h = x.mul(3.0).named("mid.h");
    Tensor loss = h.sum().named("loss");
    loss.backward();
    GradientHealth g = GradientHealth.ofGraph(loss);
    Map<String, Integer> depth = new LinkedHashMap<>();
    g.entries().forEach(e -> depth.put(e.name(), e.depth()));
    assertEquals(Map.of("in.x", 2, "mid.h", 1, "loss", 0), depth);
    assertEquals(3 * Math.sqrt(2), g.entries().get(0).norm(), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> {
      Tensor y = Tensor.scalar(1).requiresGrad();
      GradientHealth.ofGraph(y.mul(2.0));
    });
  }

  @Test
  void explodingGrowthAcrossStepsIsFlaggedAtTheFirstStepPastTenTimesTheBaseline() {
    List<Map<String, double[]>> steps = new ArrayList<>();
    List<double[]> flat = new ArrayList<>();
    double[] totals = new double[12];
    for (int t = 0; t < 12; t++) {
      double out = t < 5 ? 0.3 : 0.3 * Math.pow(2, t - 4);   // doubles every step from step 5
      Map<String, double[]> s = new LinkedHashMap<>();
      s.put("hidden.weight", new double[] {0.4, 0.0});
      s.put("out.weight", new double[] {out});
      steps.add(s);
      flat.add(new double[] {0.4, 0.0, out});
      totals[t] = Math.hypot(0.4, out);
    }
    GradientHistory h = GradientHistory.ofNamedSteps(steps);
    assertEquals(0.5, h.baseline(), 1e-15);
    // 10 × 0.5 = 5: step 8 stays under it (out = 0.3·16 = 4.8, total √(0.16 + 23.04) ≈ 4.82); step 9
    // exceeds it (out = 9.6, total √(0.16 + 92.16) ≈ 9.61).
    assertEquals(9, h.firstExplodingStep());
    assertEquals(Math.sqrt(0.16 + 92.16), h.totalNorms()[9], 1e-12);
    assertEquals("out.weight", h.fastestGrowing());
    assertEquals(-1, h.firstNonFiniteStep());
    assertTrue(h.toString().contains("EXPLODING at step 9"), h.toString());
    assertEquals(List.of(0.4, 0.4), List.of(h.parameterNorms().get("hidden.weight")[0], h.parameterNorms().get("hidden.weight")[11]));
    // The same history given as flat arrays, or as norms already computed.
    for (GradientHistory same : List.of(GradientHistory.ofSteps(flat), GradientHistory.ofTotalNorms(totals))) {
      assertEquals(9, same.firstExplodingStep());
      assertEquals(h.totalNorms()[11], same.totalNorms()[11], 1e-12);
    }
  }

  @Test
  void aSteadyHistoryIsNotFlaggedAndANonFiniteStepIs() {
    GradientHistory calm = GradientHistory.ofTotalNorms(new double[] {1.0, 0.8, 1.2, 0.9, 1.1, 2.0, 0.5});
    assertFalse(calm.exploding());
    assertTrue(calm.toString().contains("no exploding gradients"));
    GradientHistory nan = GradientHistory.ofTotalNorms(new double[] {1.0, 1.0, 1.0, Double.NaN, 1.0});
    assertEquals(3, nan.firstExplodingStep());
    assertEquals(3, nan.firstNonFiniteStep());
  }
}
