package io.github.chainrule.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A backward pass visits nodes in the reverse of the order their ops were recorded in, as PyTorch's
 * engine does, so a node used several times sums its contributions latest-recorded consumer first.
 * Floating-point addition is not associative, so the order is visible in the bits, and it is the
 * same whichever way the pass runs.
 */
class PassOrderTest {

  // x is used by a, b and d, recorded in that order, with local derivatives 1, 1e16 and -1e16.
  // Latest first: (-1e16 + 1e16) + 1 = 1. A depth-first walk of root = d + (b + a) reaches them
  // the other way round, (1 + 1e16) - 1e16 = 0. PyTorch 1.13 (python3-torch) gives 1.0 for this
  // graph and for root = (a + b) + d alike.
  private static final double LATEST_CONSUMER_FIRST = 1.0;

  static Stream<Arguments> waysToRun() {
    return Stream.of(
        Arguments.of("scalars, one sweep", (Function<Tensor, Tensor>) t -> t,
            (Consumer<Tensor>) Tensor::backward),
        Arguments.of("scalars, with an edge listener",
            (Function<Tensor, Tensor>) t -> t,
            (Consumer<Tensor>) root -> Backward.from(root).onEdge((node, input, c) -> { }).run()),
        Arguments.of("scalars, recording the backward graph",
            (Function<Tensor, Tensor>) t -> t,
            (Consumer<Tensor>) root -> Backward.from(root).createGraph(true).run()),
        Arguments.of("vectors of one element (the tensor path)",
            (Function<Tensor, Tensor>) t -> t.reshape(1),
            (Consumer<Tensor>) root -> root.backward(Tensor.ones(1))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("waysToRun")
  void contributionsAreSummedLatestRecordedConsumerFirst(
      String way, Function<Tensor, Tensor> shape, Consumer<Tensor> backward) {
    Tensor leaf = Tensor.scalar(0.5).named("x").requiresGrad();
    Tensor x = shape.apply(leaf);
    Tensor a = x.mul(1.0).named("a");
    Tensor b = x.mul(1e16).named("b");
    Tensor d = x.mul(-1e16).named("d");
    backward.accept(d.add(b.add(a)));
    assertEquals(LATEST_CONSUMER_FIRST, leaf.grad().item(), 0, way);
  }

  @Test
  void passOrderListsTheNodesAsAPassVisitsThemAndSendsTheirContributions() {
    Tensor x = Tensor.scalar(0.5).named("x").requiresGrad();
    Tensor a = x.mul(1.0).named("a");
    Tensor b = x.mul(1e16).named("b");
    Tensor d = x.mul(-1e16).named("d");
    Tensor ba = b.add(a).named("ba");
    Tensor root = d.add(ba).named("root");
    assertEquals(List.of(root, ba, d, b, a, x), List.of(Backward.passOrder(root)));
    // The depth-first order graph readers get places d first, as root's input 0.
    assertEquals(List.of(x, d, b, a, ba, root), List.of(Backward.topologicalOrder(root)));
    List<Tensor> senders = new ArrayList<>();
    Backward.from(root).onEdge((node, input, c) -> {
      if (senders.isEmpty() || senders.get(senders.size() - 1) != node) {
        senders.add(node);
      }
    }).run();
    assertEquals(List.of(root, ba, d, b, a), senders);
  }

  @Test
  void aNodeRecordedLongBeforeTheRestGetsTheSameOrderThroughTheSortedFallback() {
    Tensor x = Tensor.scalar(0.5).named("x").requiresGrad();
    Tensor a = x.mul(1.0).named("a");
    // Far more recordings between a and the rest than the graph has nodes: the pass sorts the
    // graph instead of walking a window of 70k numbers.
    Tensor unrelated = Tensor.scalar(0.0).requiresGrad();
    for (int i = 0; i < 70_000; i++) {
      unrelated = unrelated.add(1.0);
    }
    Tensor b = x.mul(1e16).named("b");
    Tensor d = x.mul(-1e16).named("d");
    Tensor root = d.add(b.add(a));
    root.backward();
    assertEquals(LATEST_CONSUMER_FIRST, x.grad().item(), 0);
    assertEquals(1.0, a.grad().item(), 0);
    assertFalse(unrelated.hasGrad());
  }

  @Test
  void twoNodesWithOneRecordingNumberAreSortedAndGetTheSameGradients() {
    // Threads recording at once may hand out one number twice; here it is set by hand, keeping
    // each node above its inputs (a and b do not depend on each other).
    Tensor x = Tensor.scalar(0.5).named("x").requiresGrad();
    Tensor a = x.mul(1.0).named("a");
    Tensor b = x.mul(1e16).named("b");
    Tensor d = x.mul(-1e16).named("d");
    Tensor root = d.add(b.add(a));
    a.seq = b.seq;
    root.backward();
    assertEquals(1.0, b.grad().item(), 0);
    assertEquals(1.0, a.grad().item(), 0);
    // a and b tie: the sort keeps the walk's order between them (b before a, as root = d + (b + a)
    // reaches b first), and the pass runs that order backwards, so x sums d's, a's, then b's.
    assertEquals((-1e16 + 1.0) + 1e16, x.grad().item(), 0);
  }

  @Test
  void graphsRecordedInterleavedGiveEachPassOnlyItsOwnNodes() {
    Tensor x = Tensor.scalar(2.0).named("x").requiresGrad();
    Tensor y = Tensor.scalar(3.0).named("y").requiresGrad();
    List<Tensor> first = new ArrayList<>();
    List<Tensor> second = new ArrayList<>();
    Tensor f = x;
    Tensor s = y;
    for (int i = 0; i < 1000; i++) {
      f = f.mul(1.001).add(x);
      s = s.add(y).mul(0.999);
      first.add(f);
      second.add(s);
    }
    f.backward();
    for (Tensor node : second) {
      assertFalse(node.hasGrad());
    }
    assertFalse(y.hasGrad());
    // dL/d(first node) is the product of the 999 later factors of 1.001.
    assertEquals(Math.pow(1.001, 999), first.get(0).grad().item(), 1e-12);
  }

  @Test
  void aScalarGraphOverATensorOpIsBackPropagatedOnceEvenWhenTheSweepGivesUpHalfway() {
    // The sweep over scalars stores gradients as it goes and meets sum, which has no scalar
    // rules, only after the nodes above it: it must put them back before the general pass runs.
    Tensor v = Tensor.vector(1.0, 2.0).named("v").requiresGrad();
    Tensor x = Tensor.scalar(3.0).named("x").requiresGrad();
    Tensor s = v.sum().named("s");
    Tensor p = s.mul(x).named("p");
    Tensor q = p.add(x).named("q");
    Tensor r = q.mul(x).named("r");
    for (int pass = 1; pass <= 2; pass++) {
      r.backward();
      // r = (s·x + x)·x: dr/dq = x, dr/dp = x, dr/ds = x², dr/dx = q + x·(s + 1).
      assertEquals(pass * 3.0, q.grad().item(), 0, "pass " + pass);
      assertEquals(pass * 3.0, p.grad().item(), 0);
      assertEquals(pass * 9.0, s.grad().item(), 0);
      assertEquals(pass * (12.0 + 3.0 * 4.0), x.grad().item(), 0);
      assertEquals(pass * 9.0, v.grad().get(1), 0);
    }
  }
}
