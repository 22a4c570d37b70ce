package io.github.chainrule.nn.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.autodiff.Backward;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.init.RandomTensors;
import io.github.chainrule.nn.module.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Linear + ReLU as one addRelu node: the same numbers as the two nodes, and a graph that says so. */
class BiasActivationFusionTest {

  static Sequential net(boolean fuse) {
    return Mlp.of(5, 7, 6, 3).seed(11).build().fuseBiasActivations(fuse);
  }

  @Test
  void aFusedNetworkGivesTheSameLossAndGradientsBitForBit() {
    Tensor x = RandomTensors.randn(3, 9, 5);
    Sequential plain = net(false);
    Sequential fused = net(true);
    Tensor lossPlain = plain.forward(x).square().mean();
    Tensor lossFused = fused.forward(x).square().mean();
    assertEquals(Double.doubleToLongBits(lossPlain.item()), Double.doubleToLongBits(lossFused.item()));
    lossPlain.backward();
    lossFused.backward();
    List<Parameter> a = plain.parameters();
    List<Parameter> b = fused.parameters();
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertTrue(Arrays.equals(a.get(i).tensor().grad().data(), b.get(i).tensor().grad().data()), a.get(i).name());
    }
  }

  @Test
  void theFusedGraphHasOneAddReluNodePerHiddenLayerNamedAfterItsActivation() {
    Tensor y = net(true).forward(RandomTensors.randn(3, 2, 5));
    List<String> nodes = Arrays.stream(Backward.topologicalOrder(y))
        .filter(t -> t.op() != null).map(t -> t.op().name() + " " + t.label()).collect(Collectors.toList());
    assertTrue(nodes.containsAll(List.of("addRelu 1.out", "addRelu 3.out", "add 4.out")), nodes.toString());
    assertFalse(nodes.stream().anyMatch(n -> n.startsWith("relu")), nodes.toString());
  }

  @Test
  void anActivationWithoutAFusedFormRunsAfterTheLayer() {
    Linear layer = new Linear(4, 3, 5);
    Tensor x = RandomTensors.randn(1, 2, 4);
    Tensor expected = layer.forward(x).tanh();
    Tensor y = layer.forward(x, Activation.tanh());
    assertTrue(Arrays.equals(expected.data(), y.data()));
    assertEquals("tanh", y.op().name());
  }
}
