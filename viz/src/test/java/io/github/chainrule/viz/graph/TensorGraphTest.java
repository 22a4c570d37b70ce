package io.github.chainrule.viz.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.viz.Fixtures;
import io.github.chainrule.viz.examples.TinyNetworkGraph;
import java.util.List;
import org.junit.jupiter.api.Test;

class TensorGraphTest {

  @Test
  void everyNodeComesAfterItsInputsAndTheOutputIsLast() {
    Tensor loss = TinyNetworkGraph.lossAfterBackward();
    TensorGraph g = TensorGraph.of(loss);
    for (Tensor t : g.nodes()) {
      for (Tensor in : t.inputs()) {
        assertTrue(g.id(in) < g.id(t), in.label() + " must come before " + t.label());
      }
    }
    assertSame(loss, g.node(g.size() - 1));
    // x, W1, b1, W2, b2, two constants (1 and 0.5) and 10 op nodes.
    assertEquals(17, g.size());
  }

  @Test
  void idsAreTheSameForTheSameExpressionBuiltTwice() {
    List<String> first = TensorGraph.of(TinyNetworkGraph.loss()).nodes().stream().map(Tensor::label).toList();
    List<String> second = TensorGraph.of(TinyNetworkGraph.loss()).nodes().stream().map(Tensor::label).toList();
    assertEquals(first, second);
    // Post-order with inputs in argument order: the first leaf reached is W2 (loss → … → s2 → W2·h).
    assertEquals("W2", first.get(0));
  }

  @Test
  void aNodeUsedTwiceAppearsOnce() {
    Tensor x = Tensor.scalar(3).named("x").requiresGrad();
    Tensor y = x.mul(x).add(x).named("y");
    TensorGraph g = TensorGraph.of(y);
    assertEquals(3, g.size());
    assertEquals(List.of("x", "<mul>", "y"), g.nodes().stream().map(Tensor::label).toList());
    // Inputs by id, in argument order, repeats kept: mul(x, x) and add(mul, x).
    assertEquals(0, g.inputCount(0));
    assertEquals(2, g.inputCount(1));
    assertEquals(0, g.inputId(1, 0));
    assertEquals(0, g.inputId(1, 1));
    assertEquals(1, g.inputId(2, 0));
    assertEquals(0, g.inputId(2, 1));
  }

  @Test
  void rolesFollowLeafFlagsAndNames() {
    Tensor loss = TinyNetworkGraph.loss();
    TensorGraph g = TensorGraph.of(loss);
    for (Tensor t : g.nodes()) {
      Role expected = t == loss ? Role.OUTPUT
          : !t.isLeaf() ? Role.OP
          : t.needsGrad() ? Role.PARAMETER
          : t.name() != null ? Role.INPUT : Role.CONSTANT;
      assertEquals(expected, g.role(t), t.label());
    }
    assertEquals(List.of("W2", "W1", "b1", "b2"), g.parameters().stream().map(Tensor::name).toList());
    assertEquals(Role.INPUT, g.role(g.nodes().stream().filter(t -> "x".equals(t.name())).findFirst().orElseThrow()));
  }

  @Test
  void aDeepChainIsWalkedWithoutRecursion() {
    // Recursion would overflow the 1 MB test stack near 10,000 levels; the million-node case is
    // DotExporterTest's.
    Tensor out = Fixtures.tanhChain(200_000);
    TensorGraph g = TensorGraph.of(out);
    assertEquals(200_001, g.size());
    assertEquals("x", g.node(0).name());
    assertSame(out, g.node(200_000));
  }

  @Test
  void askingForAForeignNodeNamesBothNodes() {
    TensorGraph g = TensorGraph.of(TinyNetworkGraph.loss());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> g.id(Tensor.scalar(1).named("stranger")));
    assertTrue(e.getMessage().contains("stranger") && e.getMessage().contains("loss"), e.getMessage());
  }
}
