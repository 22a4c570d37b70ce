package io.github.chainrule.autodiff.properties;

import io.github.chainrule.autodiff.testing.RandomTensors;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.autodiff.Autodiff;
import io.github.chainrule.autodiff.GradCheck;
import io.github.chainrule.autodiff.Tensor;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * On random expression graphs — random ops, random broadcasting shapes, random values kept away
 * from kinks — autodiff agrees with numerical differentiation, to first and second order. A failure
 * shrinks to a minimal graph, printed as an expression.
 */
class RandomGraphPropertyTest {
  private static final AtomicInteger FIRST_ORDER_CHECKED = new AtomicInteger();
  private static final AtomicInteger SECOND_ORDER_CHECKED = new AtomicInteger();

  @Provide
  Arbitrary<RandomGraph> graphs() {
    return RandomGraph.arbitrary();
  }

  @Property(tries = 15_000, maxDiscardRatio = 20)
  void autodiffAgreesWithCentralDifferencesOnRandomGraphs(@ForAll("graphs") RandomGraph graph) {
    Assume.that(graph.awayFromKinks());
    GradCheck.Result r = GradCheck.withDefaults().atol(resolvableAtol(graph)).run(graph::build, graph.leaves());
    FIRST_ORDER_CHECKED.incrementAndGet();
    assertTrue(r.passed(), () -> graph + "\n" + r);
  }

  /**
   * GradCheck's default atol, or the finest difference central differences can resolve on this
   * graph if that is coarser: f(x ± ε) are each rounded to about ulp(|f|), so their difference
   * over 2ε is only good to about ulp(|f|) / 2ε. Nested powers reach |f| ≈ 10⁸, where that is
   * about 10⁻², and an element with a small gradient then failed against the default 10⁻⁵ with
   * autodiff right and the numeric side wrong (seed -25374651760587205). |f| is bounded by the
   * check's projection, Σ wᵢ·|yᵢ| with weights below 1.5, and the margin of 16 ulps covers the
   * rounding of the ops that compute it.
   */
  static double resolvableAtol(RandomGraph graph) {
    double scale = 0;
    for (double y : graph.build(graph.leaves()).toArray()) {
      scale += 1.5 * Math.abs(y);
    }
    double resolution = 16 * Math.ulp(scale) / (2 * DEFAULT_EPS);
    if (resolution > DEFAULT_ATOL) {
      COARSE.incrementAndGet();
      return resolution;
    }
    return DEFAULT_ATOL;
  }

  private static final double DEFAULT_EPS = 1e-6;
  private static final double DEFAULT_ATOL = 1e-5;
  private static final AtomicInteger COARSE = new AtomicInteger();

  @Property(tries = 2_000, maxDiscardRatio = 20)
  void hessianVectorProductsAgreeWithDifferencesOfGradients(@ForAll("graphs") RandomGraph graph) {
    Assume.that(graph.awayFromKinks());
    // Differentiate twice with respect to the first leaf; the others are held as constants.
    Tensor[] leaves = graph.leaves();
    Tensor x = leaves[0];
    Tensor v = RandomTensors.uniform(graph.valueSeed() + 1, -1, 1, x.shape());
    Autodiff.Fn f = xs -> {
      Tensor[] all = leaves.clone();
      for (int i = 1; i < all.length; i++) {
        all[i] = all[i].detach();
      }
      all[0] = xs[0];
      return graph.build(all).sum();
    };
    Tensor hv = Autodiff.hvp(t -> f.apply(t), x, v);
    double eps = 1e-5;
    double[] plus = Autodiff.grad(f, x.add(v.mul(eps)))[0].toArray();
    double[] minus = Autodiff.grad(f, x.sub(v.mul(eps)))[0].toArray();
    SECOND_ORDER_CHECKED.incrementAndGet();
    for (int i = 0; i < plus.length; i++) {
      double numeric = (plus[i] - minus[i]) / (2 * eps);
      double error = Math.abs(numeric - hv.data()[i]);
      int element = i;
      assertTrue(error <= 1e-6 + 1e-4 * Math.abs(numeric),
          () -> graph + "\nH·v[" + element + "] autodiff " + hv.data()[element] + " numeric " + numeric);
    }
  }

  @AfterContainer
  static void report() {
    System.out.println("random graphs checked: " + FIRST_ORDER_CHECKED.get() + " first order ("
        + COARSE.get() + " of them with values so large that atol followed their rounding), "
        + SECOND_ORDER_CHECKED.get() + " second order");
  }
}
