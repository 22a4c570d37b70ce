package io.github.chainrule.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the backward engine walks graphs and where gradients end up. */
class BackwardEngineTest {

  @Test
  void topologicalOrderListsEachDifferentiableNodeOnceAfterItsInputsWithTheRootLast() {
    Tensor x = Tensor.scalar(2).named("x").requiresGrad();
    Tensor c = Tensor.scalar(3).named("c");
    Tensor a = x.mul(c).named("a");
    Tensor b = x.sin().named("b");
    Tensor y = a.add(b).mul(a).named("y");
    Tensor[] order = Backward.topologicalOrder(y);
    List<String> names = new ArrayList<>();
    for (Tensor t : order) {
      names.add(t.label());
    }
    // Depth first over inputs in order: the constant c needs no gradient and is left out.
    assertEquals(List.of("x", "a", "b", "<add>", "y"), names);
  }

  /**
   * A graph of scalars takes the pass in plain doubles; with a recorded graph, the tensor pass.
   * Both give every node the same gradient, bit for bit, for every op of the table.
   */
  @Test
  void aGraphOfScalarsGetsTheTensorPathsGradientsBitForBit() {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(7);
    List<io.github.chainrule.autodiff.ops.OpTable.Entry> ops = io.github.chainrule.autodiff.ops.OpTable.entries()
        .stream().filter(io.github.chainrule.autodiff.ops.OpTable.Entry::elementwise).toList();
    for (int graph = 0; graph < 50; graph++) {
      List<Tensor> nodes = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        nodes.add(Tensor.scalar(i == 0 ? -0.0 : rng.nextDouble(-2, 2)).named("x" + i).requiresGrad());
      }
      nodes.add(Tensor.scalar(0.0).named("zero"));
      for (int k = 0; k < 40; k++) {
        var e = ops.get(rng.nextInt(ops.size()));
        double[] params = e.examples().get(0).reals();
        Tensor[] args = new Tensor[e.arity()];
        for (int i = 0; i < args.length; i++) {
          args[i] = nodes.get(rng.nextInt(nodes.size()));
        }
        nodes.add(e.apply(args, params));
      }
      Tensor loss = nodes.get(3);
      for (Tensor t : nodes.subList(nodes.size() - 10, nodes.size())) {
        loss = loss.add(t);
      }
      List<Tensor> reached = new ArrayList<>(List.of(Backward.topologicalOrder(loss)));
      Tensor[] expected = Backward.from(loss).createGraph(true).gradients(reached.toArray(new Tensor[0]));
      loss.backward();
      for (int i = 0; i < reached.size(); i++) {
        assertEquals(Double.doubleToLongBits(expected[i].item()), Double.doubleToLongBits(reached.get(i).grad().item()),
            "graph " + graph + ", node " + reached.get(i).label());
      }
    }
  }

  @Test
  void aNodeUsedTwiceReceivesTheSumOfBothContributions() {
    // b = a + a; c = b·b  =>  dc/db = 2b, dc/da = 2·(2b) = 4b
    Tensor a = Tensor.scalar(1.5).named("a").requiresGrad();
    Tensor b = a.add(a).named("b");
    Tensor c = b.mul(b).named("c");
    c.backward();
    assertEquals(2 * 3.0, b.grad().item(), 0);
    assertEquals(4 * 3.0, a.grad().item(), 0);
  }

  @Test
  void diamondSumsPathsOnce() {
    // x -> (sin x, x²) -> sum: d/dx = cos x + 2x, and x is visited once per pass
    Tensor x = Tensor.scalar(0.3).named("x").requiresGrad();
    Tensor left = x.sin();
    Tensor right = x.square();
    Tensor y = left.add(right).mul(left);   // y = (sin x + x²)·sin x
    y.backward();
    double s = Math.sin(0.3);
    double expected = (Math.cos(0.3) + 0.6) * s + (s + 0.09) * Math.cos(0.3);
    assertEquals(expected, x.grad().item(), 1e-15);
  }

  @Test
  void everyIntermediateKeepsItsGradient() {
    Tensor x = Tensor.vector(1, 2, 3).named("x").requiresGrad();
    Tensor y = x.mul(2.0).named("y");
    Tensor z = y.exp().named("z");
    Tensor loss = z.sum().named("loss");
    loss.backward();
    assertArrayEquals(new double[] {1, 1, 1}, z.grad().toArray(), 0);
    assertArrayEquals(new double[] {Math.exp(2), Math.exp(4), Math.exp(6)}, y.grad().toArray(), 1e-12);
    assertEquals(1.0, loss.grad().item(), 0);
  }

  @Test
  void aMillionOpChainBackPropagatesWithoutRecursion() {
    Tensor x = Tensor.scalar(1.0).named("x").requiresGrad();
    Tensor y = x;
    for (int i = 0; i < 1_000_000; i++) {
      y = y.add(1e-6);
    }
    y.backward();
    assertEquals(2.0, y.item(), 1e-9);
    assertEquals(1.0, x.grad().item(), 0);
  }

  @Test
  void secondBackwardOnTheSameGraphDoublesEveryGradientConsistently() {
    Tensor w = Tensor.scalar(2.0).named("w").requiresGrad();
    Tensor h = w.square().named("h");
    Tensor loss = h.mul(3.0).named("loss");
    loss.backward();
    assertEquals(12.0, w.grad().item(), 0);   // 3·2w
    assertEquals(3.0, h.grad().item(), 0);
    loss.backward();
    assertEquals(24.0, w.grad().item(), 0);
    assertEquals(6.0, h.grad().item(), 0);
    // The chain rule still holds between h and w: dL/dw = dL/dh · 2w
    assertEquals(h.grad().item() * 2 * 2.0, w.grad().item(), 0);
  }

  @Test
  void leavesAccumulateAcrossGraphsUntilZeroGrad() {
    Tensor w = Tensor.scalar(2.0).named("w").requiresGrad();
    w.mul(3.0).backward();
    w.mul(5.0).backward();
    assertEquals(8.0, w.grad().item(), 0);
    w.zeroGrad();
    assertFalse(w.hasGrad());
    w.mul(7.0).backward();
    assertEquals(7.0, w.grad().item(), 0);
  }

  @Test
  void zeroGradGraphClearsEveryNodeBelowTheOutput() {
    Tensor w = Tensor.scalar(2.0).named("w").requiresGrad();
    Tensor h = w.exp();
    Tensor loss = h.mul(2.0);
    loss.backward();
    loss.zeroGradGraph();
    assertFalse(w.hasGrad());
    assertFalse(h.hasGrad());
    assertFalse(loss.hasGrad());
  }

  @Test
  void leavesOnlyModeKeepsNoIntermediateGradient() {
    Tensor w = Tensor.vector(1, 2).named("w").requiresGrad();
    Tensor h = w.square();
    Tensor loss = h.sum();
    Backward.from(loss).keepIntermediateGrads(false).run();
    assertArrayEquals(new double[] {2, 4}, w.grad().toArray(), 0);
    assertFalse(h.hasGrad());
    assertFalse(loss.hasGrad());
  }

  @Test
  void gradientsForReturnsValuesWithoutTouchingGrad() {
    Tensor w = Tensor.vector(1, 2).named("w").requiresGrad();
    Tensor unused = Tensor.vector(5).named("unused").requiresGrad();
    Tensor loss = w.square().sum();
    Tensor[] g = Backward.from(loss).gradients(w, unused);
    assertArrayEquals(new double[] {2, 4}, g[0].toArray(), 0);
    assertArrayEquals(new double[] {0}, g[1].toArray(), 0);
    assertFalse(w.hasGrad());
  }

  @Test
  void nonScalarOutputTakesASeed() {
    Tensor x = Tensor.vector(1, 2, 3).named("x").requiresGrad();
    Tensor y = x.square();
    y.backward(Tensor.vector(1, 10, 100));
    assertArrayEquals(new double[] {2, 40, 600}, x.grad().toArray(), 0);
  }

  @Test
  void edgeListenerSeesContributionsThatAddUpToEachGradient() {
    Tensor a = Tensor.scalar(2.0).named("a").requiresGrad();
    Tensor y = a.mul(a).add(a.sin());
    List<Double> intoA = new ArrayList<>();
    Backward.from(y).onEdge((consumer, i, c) -> {
      if (consumer.inputs().get(i) == a) {
        intoA.add(c.item());
      }
    }).run();
    assertEquals(3, intoA.size());   // a·a gives two edges, sin(a) one
    assertEquals(a.grad().item(), intoA.stream().mapToDouble(Double::doubleValue).sum(), 1e-15);
  }

  @Test
  void noGradScopeRecordsNothingAndRestoresTheMode() {
    Tensor w = Tensor.scalar(2.0).requiresGrad();
    Tensor y;
    try (var scope = Tensor.noGrad()) {
      y = w.mul(3.0);
      assertFalse(GradMode.isEnabled());
    }
    assertTrue(GradMode.isEnabled());
    assertFalse(y.needsGrad());
    assertTrue(y.isLeaf());
    assertThrows(IllegalStateException.class, y::backward);
  }

  @Test
  void noGradIsPerThread() throws InterruptedException {
    boolean[] seenInOtherThread = new boolean[1];
    try (var scope = Tensor.noGrad()) {
      Thread t = new Thread(() -> seenInOtherThread[0] = GradMode.isEnabled());
      t.start();
      t.join();
    }
    assertTrue(seenInOtherThread[0]);
  }

  @Test
  void detachCutsTheGraphButKeepsValues() {
    Tensor w = Tensor.scalar(2.0).requiresGrad();
    Tensor h = w.square();
    Tensor frozen = h.detach();
    Tensor loss = frozen.mul(w);      // d/dw treats h as the constant 4
    loss.backward();
    assertEquals(4.0, frozen.item(), 0);
    assertEquals(4.0, w.grad().item(), 0);
    assertFalse(frozen.needsGrad());
  }

  @Test
  void leafGradientIsACopyThatMayBeChangedInPlace() {
    // add passes g through unchanged to both inputs; a leaf must not share that tensor.
    Tensor w = Tensor.scalar(1.0).requiresGrad();
    Tensor v = Tensor.scalar(1.0).requiresGrad();
    Tensor y = w.add(v);
    y.backward();
    w.grad().data()[0] = 100;
    assertEquals(1.0, v.grad().item(), 0);
    assertEquals(1.0, y.grad().item(), 0);
  }

  @Test
  void constantsAndInputsGetNoGradient() {
    Tensor x = Tensor.vector(1, 2).named("x");
    Tensor w = Tensor.vector(3, 4).named("w").requiresGrad();
    w.mul(x).sum().backward();
    assertFalse(x.hasGrad());
    IllegalStateException e = assertThrows(IllegalStateException.class, x::grad);
    assertTrue(e.getMessage().contains("x does not require a gradient"), e.getMessage());
  }

  @Test
  void reshapeIsAViewOfItsInput() {
    Tensor w = Tensor.vector(1, 2, 3, 4);
    Tensor m = w.reshape(2, 2);
    assertSame(w.data(), m.data());
    assertNull(m.name());
  }
}
