package io.github.chainrule.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A scalar node holds its value in a field and its inputs in two fields until asked otherwise:
 * these say what users still see (the array behind {@link Tensor#data()}, the inputs in order) and
 * that the order graph readers get is a recursive walk's (a pass's own order is in {@link
 * PassOrderTest}).
 */
class ScalarNodeTest {

  @Test
  void aScalarsArrayOnceAskedForIsWhereItsValueLives() {
    Tensor p = Tensor.scalar(1.0).named("p").requiresGrad();
    double[] array = p.data();
    assertSame(array, p.data());
    array[0] = 3.0; // what an optimiser does
    assertEquals(3.0, p.item(), 0);
    Tensor y = p.mul(p);
    assertEquals(9.0, y.item(), 0);
    y.backward();
    assertEquals(6.0, p.grad().item(), 0);
  }

  @Test
  void aNodeMadeByAnOpOnScalarsHandsOutOneArrayThatTheEngineReads() {
    Tensor x = Tensor.scalar(2.0).named("x").requiresGrad();
    Tensor y = x.square().named("y");
    y.data()[0] = 5.0; // y's value read by the backward of the next op
    Tensor z = y.square();
    z.backward();
    assertEquals(10.0, y.grad().item(), 0);
    assertEquals(40.0, x.grad().item(), 0);
  }

  @Test
  void detachAndReshapeOfAScalarShareItsArray() {
    Tensor s = Tensor.scalar(1.5);
    Tensor d = s.detach();
    d.data()[0] = 4.0;
    assertEquals(4.0, s.item(), 0);
    Tensor v = s.reshape(1, 1);
    v.data()[0] = 7.0;
    assertEquals(7.0, s.item(), 0);
    assertEquals(7.0, d.item(), 0);
  }

  @Test
  void copyAndToArrayOfAScalarAreIndependentOfIt() {
    Tensor s = Tensor.scalar(1.5);
    double[] values = s.toArray();
    Tensor c = s.copy();
    values[0] = 9.0;
    c.data()[0] = 8.0;
    assertEquals(1.5, s.item(), 0);
    assertEquals(1, s.size());
    assertEquals("Tensor [] = 1.5", s.toString());
  }

  @Test
  void inputsAreListedInOrderForOneTwoAndMoreInputs() {
    Tensor a = Tensor.vector(1, 2).named("a").requiresGrad();
    Tensor b = Tensor.vector(3).named("b").requiresGrad();
    Tensor c = Tensor.vector(4, 5).named("c").requiresGrad();
    assertEquals(List.of(a), a.neg().inputs());
    assertEquals(List.of(a, c), a.mul(c).inputs());
    assertEquals(List.of(a, b, c), Tensor.concat(0, a, b, c).inputs());
    assertEquals(List.of(), a.inputs());
  }

  /**
   * The readers' order ({@link Backward#topologicalOrder}) places nodes exactly where a recursive
   * walk over inputs by index places them: graphs, reports and explanations list nodes that way.
   */
  @Test
  void theOrderIsTheOneARecursiveWalkGivesOnRandomGraphs() {
    SplittableRandom rng = new SplittableRandom(11);
    for (int trial = 0; trial < 200; trial++) {
      List<Tensor> nodes = new ArrayList<>();
      int leaves = 1 + rng.nextInt(4);
      for (int i = 0; i < leaves; i++) {
        Tensor leaf = Tensor.vector(rng.nextDouble(0.5, 1.5));
        nodes.add(rng.nextInt(4) == 0 ? leaf : leaf.requiresGrad()); // some constants
      }
      int ops = 1 + rng.nextInt(30);
      for (int i = 0; i < ops; i++) {
        Tensor a = nodes.get(rng.nextInt(nodes.size()));
        Tensor b = nodes.get(rng.nextInt(nodes.size()));
        Tensor c = nodes.get(rng.nextInt(nodes.size()));
        switch (rng.nextInt(4)) {
          case 0 -> nodes.add(a.sin());
          case 1 -> nodes.add(a.mul(b));
          case 2 -> nodes.add(a.add(b));
          default -> nodes.add(Tensor.concat(0, a, b, c).sum().reshape(1)); // more than two inputs
        }
      }
      Tensor root = nodes.get(nodes.size() - 1).sum();
      if (!root.needsGrad()) {
        continue;
      }
      List<Tensor> expected = new ArrayList<>();
      recursiveWalk(root, new IdentityHashMap<>(), expected);
      List<Tensor> actual = List.of(Backward.topologicalOrder(root));
      assertEquals(expected.size(), actual.size(), "trial " + trial);
      for (int i = 0; i < expected.size(); i++) {
        assertSame(expected.get(i), actual.get(i), "trial " + trial + ", position " + i);
      }
    }
  }

  private static void recursiveWalk(Tensor node, Map<Tensor, Boolean> seen, List<Tensor> out) {
    seen.put(node, true);
    for (Tensor in : node.inputs()) {
      if (in.needsGrad() && !seen.containsKey(in)) {
        recursiveWalk(in, seen, out);
      }
    }
    out.add(node);
  }
}
