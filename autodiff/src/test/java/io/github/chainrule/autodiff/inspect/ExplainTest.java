package io.github.chainrule.autodiff.inspect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.autodiff.Kink;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.inspect.Explanation.Nudge;
import io.github.chainrule.autodiff.inspect.Explanation.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Explanations of gradients add up to the gradients, and say what they predict. */
class ExplainTest {

  static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  /** The classic 2-2-1 network written one scalar per node, as micrograd users draw it. */
  static final class ScalarNet {
    final Tensor i1 = Tensor.scalar(1.0).named("I1");
    final Tensor i2 = Tensor.scalar(0.0).named("I2");
    final Tensor w11 = Tensor.scalar(-0.07).named("w_I1H1").requiresGrad();
    final Tensor w21 = Tensor.scalar(0.22).named("w_I2H1").requiresGrad();
    final Tensor b1 = Tensor.scalar(-0.46).named("w_B1H1").requiresGrad();
    final Tensor w12 = Tensor.scalar(0.95).named("w_I1H2").requiresGrad();
    final Tensor w22 = Tensor.scalar(0.46).named("w_I2H2").requiresGrad();
    final Tensor b2 = Tensor.scalar(0.10).named("w_B1H2").requiresGrad();
    final Tensor v1 = Tensor.scalar(-0.22).named("w_H1O1").requiresGrad();
    final Tensor v2 = Tensor.scalar(0.58).named("w_H2O1").requiresGrad();
    final Tensor c = Tensor.scalar(0.78).named("w_B2O1").requiresGrad();
    final Tensor s1 = w11.mul(i1).add(w21.mul(i2)).add(b1).named("s1");
    final Tensor h1 = s1.sigmoid().named("H1");
    final Tensor s2 = w12.mul(i1).add(w22.mul(i2)).add(b2).named("s2");
    final Tensor h2 = s2.sigmoid().named("H2");
    final Tensor s3 = v1.mul(h1).add(v2.mul(h2)).add(c).named("s3");
    final Tensor o = s3.sigmoid().named("O1");
    final Tensor loss = o.sub(1.0).square().mul(0.5).named("loss");

    List<Tensor> all() {
      return List.of(w11, w21, b1, w12, w22, b2, v1, v2, c, s1, h1, s2, h2, s3, o, loss);
    }
  }

  @Test
  void scalarNetworkExplanationsAddUpToTheGradientsAndToTheHandDerivation() {
    ScalarNet net = new ScalarNet();
    net.loss.backward();
    for (Tensor t : net.all()) {
      Explanation e = Explain.explain(t, net.loss);
      double g = t.grad().item();
      assertEquals(g, e.gradient()[0], 1e-12, t.label());
      assertEquals(g, e.contributionSum()[0], 1e-12, "one step for " + t.label());
      assertNotNull(e.paths(), t.label());
      assertTrue(e.paths().complete(), t.label());
      double byPaths = e.paths().top().stream().mapToDouble(Path::product).sum();
      assertEquals(g, byPaths, 1e-12, "paths for " + t.label());
      assertEquals(g, e.paths().sumOverAllPaths(), 1e-12, "path DP for " + t.label());
      for (Explanation.Contribution c : e.contributions()) {
        assertEquals(c.upstream()[0] * c.localDerivative(), c.contribution()[0], 1e-15, c.consumer());
      }
    }
    // By hand: dL/dw_H1O1 = (o - y)·o(1 - o)·h1, one path of three local derivatives after the weight.
    double h1 = sigmoid(-0.07 - 0.46);
    double h2 = sigmoid(0.95 + 0.10);
    double o = sigmoid(-0.22 * h1 + 0.58 * h2 + 0.78);
    Explanation v1 = Explain.explain(net.v1, net.loss);
    assertEquals((o - 1) * o * (1 - o) * h1, v1.gradient()[0], 1e-15);
    assertEquals(1, v1.paths().count());
    assertEquals(List.of("w_H1O1", "<mul>", "<add>", "s3", "O1", "<sub>", "<square>", "loss"), v1.paths().top().get(0).nodes());
    // The input I1 feeds both hidden units: the weight w_I1H1 reaches the loss through H1 only, while
    // the bias of the output has the simplest gradient: (o - y)·o(1 - o).
    assertEquals((o - 1) * o * (1 - o), Explain.explain(net.c, net.loss).gradient()[0], 1e-15);
    // dL/dH1 = (o - y)·o(1 - o)·w_H1O1: one consumer, whose contribution is the whole gradient.
    Explanation eh1 = Explain.explain(net.h1, net.loss);
    assertEquals(1, eh1.contributions().size());
    assertEquals((o - 1) * o * (1 - o) * -0.22, eh1.contributionSum()[0], 1e-15);
  }

  @Test
  void tensorNetworkOneStepContributionsAddUpToEveryGradient() {
    Tensor x = Tensor.vector(1.0, 0.0).named("x");
    Tensor w1 = Tensor.of(new double[][] {{-0.07, 0.22}, {0.95, 0.46}}).named("W1").requiresGrad();
    Tensor b1 = Tensor.vector(-0.46, 0.10).named("b1").requiresGrad();
    Tensor w2 = Tensor.of(new double[][] {{-0.22, 0.58}}).named("W2").requiresGrad();
    Tensor b2 = Tensor.vector(0.78).named("b2").requiresGrad();
    Tensor s1 = w1.matmul(x).add(b1).named("s1");
    Tensor h = s1.sigmoid().named("h");
    Tensor s2 = w2.matmul(h).add(b2).named("s2");
    Tensor o = s2.sigmoid().named("o");
    Tensor loss = o.sub(1.0).square().sum().mul(0.5).named("loss");
    loss.backward();
    for (Tensor t : List.of(w1, b1, w2, b2, s1, h, s2, o)) {
      Explanation e = Explain.explain(t, loss);
      assertArrayEquals(t.grad().toArray(), e.gradient(), 1e-12, t.label());
      assertArrayEquals(t.grad().toArray(), e.contributionSum(), 1e-12, t.label());
    }
    // h is a vector: no path decomposition, and the text says why.
    Explanation eh = Explain.explain(h, loss);
    assertNull(eh.paths());
    assertTrue(eh.noPathsReason().contains("h has shape [2]"), eh.noPathsReason());
    // The gradient passes through W2·h; h's contribution is W2ᵀ·dL/ds2.
    double gs2 = s2.grad().item();
    assertArrayEquals(new double[] {-0.22 * gs2, 0.58 * gs2}, eh.contributions().get(0).contribution(), 1e-15);
  }

  @Test
  void aNodeUsedTwiceByOneOpAndBroadcastAcrossABatchGetsOneContributionPerEdge() {
    Tensor b = Tensor.vector(0.5, -1.0).named("b").requiresGrad();
    Tensor x = Tensor.of(new double[][] {{1, 2}, {3, 4}, {5, 6}}).named("x");
    Tensor z = x.add(b).named("z");             // b broadcast over 3 rows
    Tensor sq = b.mul(b).named("bb");           // b twice in one op
    Tensor loss = z.tanh().sum().add(sq.sum()).named("L");
    loss.backward();
    Explanation e = Explain.explain(b, loss);
    assertEquals(3, e.contributions().size());
    assertEquals(List.of("z", "bb", "bb"), e.contributions().stream().map(Explanation.Contribution::consumer).toList());
    assertEquals(List.of(1, 0, 1), e.contributions().stream().map(Explanation.Contribution::inputIndex).toList());
    // Through mul, each edge carries upstream × the other factor, b itself: 1·b each.
    assertArrayEquals(b.toArray(), e.contributions().get(1).contribution(), 0);
    assertArrayEquals(b.toArray(), e.contributions().get(2).contribution(), 0);
    // Through the broadcast add, the contribution sums 1 - tanh² over the batch.
    double[] viaZ = new double[2];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 2; j++) {
        double t = Math.tanh(x.get(i, j) + b.get(j));
        viaZ[j] += 1 - t * t;
      }
    }
    assertArrayEquals(viaZ, e.contributions().get(0).contribution(), 1e-15);
    assertArrayEquals(b.grad().toArray(), e.contributionSum(), 1e-12);
  }

  @Test
  void predictionMatchesTheReplayedChangeToFirstOrder() {
    ScalarNet net = new ScalarNet();
    Explanation e = Explain.options().epsilons(1e-1, 1e-2, 1e-3).of(net.h1, net.loss);
    List<Nudge> n = e.nudges();
    // Recompute the actual change by hand with h1 moved: loss = ½(σ(v1·(h1+ε) + v2·h2 + c) - 1)².
    double h1 = sigmoid(-0.53);
    double h2 = sigmoid(1.05);
    double base = 0.5 * Math.pow(sigmoid(-0.22 * h1 + 0.58 * h2 + 0.78) - 1, 2);
    for (Nudge nudge : n) {
      double moved = 0.5 * Math.pow(sigmoid(-0.22 * (h1 + nudge.epsilon()) + 0.58 * h2 + 0.78) - 1, 2);
      assertEquals(moved - base, nudge.actual(), 1e-15);
      assertEquals(e.gradient()[0] * nudge.epsilon(), nudge.predicted(), 0);
    }
    // The error of the first-order prediction is second order: ten times smaller ε, ~100× smaller error.
    double r1 = Math.abs(n.get(0).difference() / n.get(1).difference());
    double r2 = Math.abs(n.get(1).difference() / n.get(2).difference());
    assertEquals(100, r1, 15);
    assertEquals(100, r2, 5);
    String text = e.toString();
    assertTrue(text.contains("Prediction against reality"), text);
    assertTrue(text.contains("nudging H1 by a small ε changes loss by about"), text);
  }

  /** A random scalar graph: leaves, then ops whose inputs are drawn from all earlier nodes. */
  static List<Tensor> randomScalarGraph(long seed, int ops) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Tensor> nodes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      nodes.add(Tensor.scalar(rng.nextDouble(-1, 1)).named("x" + i).requiresGrad());
    }
    for (int i = 0; i < ops; i++) {
      Tensor a = nodes.get(rng.nextInt(nodes.size()));
      Tensor b = nodes.get(rng.nextInt(nodes.size()));
      Tensor y = switch (rng.nextInt(8)) {
        case 0 -> a.add(b);
        case 1 -> a.mul(b);
        case 2 -> a.sub(b);
        case 3 -> a.tanh();
        case 4 -> a.sin();
        case 5 -> a.sigmoid().mul(b);
        case 6 -> a.mul(0.5).add(b.square());
        default -> a.div(b.square().add(1.0));
      };
      nodes.add(y.named("n" + i));
    }
    // The loss uses every node, so every node has at least one path to it.
    Tensor loss = nodes.get(0);
    for (int i = 1; i < nodes.size(); i++) {
      loss = loss.add(nodes.get(i).mul(0.1 * (i % 5 + 1)));
    }
    nodes.add(loss.named("L"));
    return nodes;
  }

  @Test
  void pathDecompositionEqualsOneStepDecompositionOnRandomScalarGraphs() {
    for (long seed = 1; seed <= 20; seed++) {
      List<Tensor> nodes = randomScalarGraph(seed, 12);
      Tensor loss = nodes.get(nodes.size() - 1);
      for (Tensor t : nodes.subList(0, nodes.size() - 1)) {
        Explanation e = Explain.options().topPaths(100_000).of(t, loss);
        double oneStep = e.contributionSum()[0];
        double scale = Math.max(1, Math.abs(oneStep));
        assertTrue(e.paths().complete(), "seed " + seed + " " + t.label() + " has " + e.paths().count() + " paths");
        double byPaths = e.paths().top().stream().mapToDouble(Path::product).sum();
        assertEquals(oneStep, byPaths, 1e-12 * scale, "seed " + seed + " " + t.label());
        assertEquals(oneStep, e.paths().sumOverAllPaths(), 1e-12 * scale);
        assertEquals(e.paths().count(), e.paths().top().size());
        // With only three paths listed, the remainder makes up the rest.
        Explanation few = Explain.options().topPaths(3).of(t, loss);
        assertEquals(oneStep, few.paths().topSum() + few.paths().remainder(), 1e-12 * scale);
        List<Path> top = few.paths().top();
        for (int i = 1; i < top.size(); i++) {
          assertTrue(Math.abs(top.get(i - 1).product()) >= Math.abs(top.get(i).product()));
        }
        // The top three are the three largest of all paths.
        double[] all = e.paths().top().stream().mapToDouble(p -> Math.abs(p.product())).sorted().toArray();
        for (int i = 0; i < top.size(); i++) {
          assertEquals(all[all.length - 1 - i], Math.abs(top.get(i).product()), 0);
        }
      }
    }
  }

  @Test
  void pathEnumerationIsBoundedOnGraphsWithAstronomicallyManyPaths() {
    // 60 diamonds in a row: 2^60 paths from x to the loss, enumerated never, counted exactly.
    // Each diamond multiplies by 0.6 on one side and 0.5 on the other, so dL/dx = 1.1^60.
    Tensor x = Tensor.scalar(0.3).named("x").requiresGrad();
    Tensor y = x;
    for (int i = 0; i < 60; i++) {
      y = y.mul(0.6).add(y.mul(0.5)).named("d" + i);
    }
    Tensor loss = y.named("L");
    loss.backward();
    Explanation e = Explain.explain(x, loss);
    assertEquals(Math.pow(2, 60), e.paths().count(), 0);
    assertEquals(5, e.paths().top().size());
    assertFalse(e.paths().complete());
    assertEquals(x.grad().item(), e.paths().topSum() + e.paths().remainder(), 1e-15);
    assertEquals(x.grad().item(), e.paths().sumOverAllPaths(), 1e-12 * Math.max(1, Math.abs(x.grad().item())));
    assertEquals(Math.pow(1.1, 60), x.grad().item(), 1e-10);
    // The largest path takes the 0.6 side every time.
    assertEquals(Math.pow(0.6, 60), e.paths().top().get(0).product(), 1e-25);
    String text = e.toString();
    assertTrue(text.contains("the other 1.15292e18 paths add"), text);
    assertTrue(text.contains("more steps"), text);
  }

  @Test
  void kinksAreLabelledWithTheSideAutodiffUsed() {
    Tensor x = Tensor.scalar(0.0).named("x").requiresGrad();
    Explanation relu = Explain.explain(x, x.relu().mul(3.0).named("L"));
    assertEquals(1, relu.kinks().size());
    Kink k = relu.kinks().get(0);
    assertEquals("relu", k.op());
    assertEquals(0.0, k.leftSlope());
    assertEquals(1.0, k.rightSlope());
    assertEquals(0.0, k.used());
    assertEquals("left", k.side());
    assertTrue(relu.toString().contains("relu at input = 0"), relu.toString());

    Explanation abs = Explain.explain(x, x.abs().named("L"));
    assertEquals("average", abs.kinks().get(0).side());
    assertEquals(-1.0, abs.kinks().get(0).leftSlope());

    Tensor a = Tensor.vector(2.0, 1.0).named("a").requiresGrad();
    Tensor b = Tensor.vector(2.0, 3.0).named("b").requiresGrad();
    Explanation max = Explain.explain(a, a.maximum(b).sum().named("L"));
    assertEquals(1, max.kinks().size());
    assertEquals(0, max.kinks().get(0).inputElement());
    assertEquals(0.5, max.kinks().get(0).used());
    assertEquals("average", max.kinks().get(0).side());
    Explanation min = Explain.explain(b, a.minimum(b).sum().named("L"));
    assertEquals(1.0, min.kinks().get(0).leftSlope());
    assertEquals(0.0, min.kinks().get(0).rightSlope());

    Tensor c = Tensor.vector(-1.0, 0.5, 1.0).named("c").requiresGrad();
    List<Kink> clamp = Explain.explain(c, c.clamp(-1, 1).sum().named("L")).kinks();
    assertEquals(2, clamp.size());
    assertEquals("right", clamp.get(0).side());   // at the lower bound the gradient passes: the inside slope
    assertEquals("left", clamp.get(1).side());    // at the upper bound, too: again the inside slope
    assertEquals(List.of(0, 2), clamp.stream().map(Kink::inputElement).toList());

    Tensor m = Tensor.of(new double[][] {{1, 3, 3}, {0, 2, 1}}).named("m").requiresGrad();
    List<Kink> ties = Explain.explain(m, m.max(1).sum().named("L")).kinks();
    assertEquals(List.of(1, 2), ties.stream().map(Kink::inputElement).toList());
    assertEquals(List.of("right", "left"), ties.stream().map(Kink::side).toList());

    Tensor z = Tensor.vector(0.0, 2.0).named("z").requiresGrad();
    List<Kink> leaky = Explain.explain(z, z.leakyRelu(0.1).sum().named("L")).kinks();
    assertEquals(1, leaky.size());
    assertEquals(0.1, leaky.get(0).leftSlope(), 1e-15);
    assertEquals("left", leaky.get(0).side());
  }

  @Test
  void theOutputExplainsItselfAndForeignNodesAreRejected() {
    Tensor x = Tensor.scalar(2.0).named("x").requiresGrad();
    Tensor loss = x.square().named("L");
    Explanation self = Explain.explain(loss, loss);
    assertEquals(1.0, self.gradient()[0]);
    assertTrue(self.toString().contains("is the output itself"));
    Tensor other = Tensor.scalar(1.0).named("other").requiresGrad();
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Explain.explain(other, loss));
    assertTrue(e.getMessage().contains("other is not part of the graph of L"), e.getMessage());
    IllegalArgumentException v = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Explain.explain(x, x.mul(Tensor.vector(1, 2)).named("y")));
    assertTrue(v.getMessage().contains("y has shape [2]"), v.getMessage());
  }
}
