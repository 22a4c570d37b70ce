package io.github.chainrule.viz.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.autodiff.Backward;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.viz.Fixtures;
import io.github.chainrule.viz.examples.TinyNetworkGraph;
import java.util.List;
import org.junit.jupiter.api.Test;

class EdgeContributionsTest {

  /** For every node with a gradient (but the output), the contributions on its outgoing edges sum to it. */
  private static int assertContributionsSumToGradients(Tensor output, EdgeContributions c) {
    TensorGraph g = TensorGraph.of(output);
    int checked = 0;
    for (Tensor node : g.nodes()) {
      if (node == output || !node.needsGrad()) {
        continue;
      }
      double[] sum = new double[node.size()];
      int edges = 0;
      for (Tensor consumer : g.nodes()) {
        List<Tensor> inputs = consumer.inputs();
        for (int j = 0; j < inputs.size(); j++) {
          if (inputs.get(j) == node) {
            Tensor contribution = c.get(consumer, j);
            assertNotNull(contribution, "edge " + node.label() + " -> " + consumer.label() + " has no contribution");
            assertArrayEquals(node.shapeRef(), contribution.shapeRef());
            double[] d = contribution.data();
            for (int k = 0; k < sum.length; k++) {
              sum[k] += d[k];
            }
            edges++;
          }
        }
      }
      assertTrue(edges > 0);
      assertArrayEquals(node.grad().data(), sum, 1e-12, "contributions into " + node.label());
      checked++;
    }
    return checked;
  }

  @Test
  void contributionsIntoEachNodeAddUpToItsGradient() {
    Tensor loss = TinyNetworkGraph.lossAfterBackward();
    assertEquals(13, assertContributionsSumToGradients(loss, EdgeContributions.recompute(TensorGraph.of(loss))));
    Tensor mlp = Fixtures.mlpLoss(true);
    assertTrue(assertContributionsSumToGradients(mlp, EdgeContributions.recompute(TensorGraph.of(mlp))) > 10);
  }

  @Test
  void aNodeUsedSeveralTimesSumsOverItsEdges() {
    Tensor x = Tensor.vector(0.5, -2).named("x").requiresGrad();
    // x used four times: in mul twice, in exp, and in the final add.
    Tensor y = x.mul(x).add(x.exp()).add(x).sum().named("y");
    y.backward();
    EdgeContributions c = EdgeContributions.recompute(TensorGraph.of(y));
    assertContributionsSumToGradients(y, c);
    // dy/dx = 2x + e^x + 1: each edge carries one term; the mul's two edges carry x each.
    assertArrayEquals(new double[] {2 * 0.5 + Math.exp(0.5) + 1, -4 + Math.exp(-2) + 1}, x.grad().data(), 1e-12);
  }

  @Test
  void broadcastContributionsAreReducedToTheInputShape() {
    Tensor a = Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}}).named("a").requiresGrad();
    Tensor b = Tensor.vector(10, 20, 30).named("b").requiresGrad();
    Tensor y = a.add(b).square().sum().named("y");
    y.backward();
    EdgeContributions c = EdgeContributions.recompute(TensorGraph.of(y));
    assertContributionsSumToGradients(y, c);
  }

  @Test
  void recomputationMatchesWhatTheEngineReportsAndSurvivesAccumulation() {
    Tensor loss = TinyNetworkGraph.loss();
    EdgeContributions.Recorder recorder = EdgeContributions.recorder();
    Backward.from(loss).onEdge(recorder).run();
    EdgeContributions recorded = recorder.result();
    EdgeContributions recomputed = EdgeContributions.recompute(TensorGraph.of(loss));
    TensorGraph g = TensorGraph.of(loss);
    int compared = 0;
    for (Tensor consumer : g.nodes()) {
      for (int j = 0; j < consumer.inputs().size(); j++) {
        Tensor r = recorded.get(consumer, j);
        Tensor q = recomputed.get(consumer, j);
        assertEquals(r == null, q == null, consumer.label() + " input " + j);
        if (r != null) {
          assertArrayEquals(r.data(), q.data(), 1e-15);
          compared++;
        }
      }
    }
    assertEquals(13, compared); // one per edge into a node that needs a gradient
    // A second pass doubles every gradient; recomputed contributions still add up.
    loss.backward();
    assertContributionsSumToGradients(loss, EdgeContributions.recompute(TensorGraph.of(loss)));
  }

  @Test
  void nothingBeforeBackwardAndNothingIntoConstants() {
    Tensor loss = TinyNetworkGraph.loss();
    TensorGraph g = TensorGraph.of(loss);
    EdgeContributions before = EdgeContributions.recompute(g);
    for (Tensor consumer : g.nodes()) {
      for (int j = 0; j < consumer.inputs().size(); j++) {
        assertNull(before.get(consumer, j));
      }
    }
    loss.backward();
    EdgeContributions after = EdgeContributions.recompute(g);
    // error = o - 1: the constant 1 (input 1) receives nothing.
    Tensor error = g.nodes().stream().filter(t -> "error".equals(t.name())).findFirst().orElseThrow();
    assertNotNull(after.get(error, 0));
    assertNull(after.get(error, 1));
  }
}
