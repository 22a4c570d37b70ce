package io.github.chainrule.nn.module;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.layers.Activation;
import io.github.chainrule.nn.layers.Linear;
import io.github.chainrule.nn.layers.Mlp;
import io.github.chainrule.nn.layers.Sequential;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModuleTest {

  /** A custom model mixing modules with raw tensor expressions and its own parameter. */
  static final class Net extends Module {
    final Linear hidden = module("hidden", new Linear(2, 2, 1));
    final Linear out = module("out", new Linear(2, 1, 2));
    final Tensor scale = parameter("scale", Tensor.scalar(2.0));

    @Override
    public Tensor forward(Tensor x) {
      return out.forward(hidden.forward(x).tanh()).mul(scale);
    }
  }

  @Test
  void parametersHaveStableHierarchicalNamesOwnFirstThenChildren() {
    Net net = new Net();
    assertEquals(List.of("scale", "hidden.weight", "hidden.bias", "out.weight", "out.bias"), net.parameterNames());
    // The tensors carry their full names too, so graphs and errors show them.
    assertEquals("hidden.bias", net.hidden.bias().name());
    assertEquals(1 + 4 + 2 + 2 + 1, net.parameterCount());
  }

  @Test
  void sequentialNamesLayersByPositionAndNestedModulesGetFullPaths() {
    Sequential mlp = Mlp.of(2, 3, 1).activation(Activation::tanh).build();
    assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), mlp.parameterNames());

    Module outer = new Module() {
      final Sequential body = module("body", mlp);

      @Override
      public Tensor forward(Tensor x) {
        return body.forward(x);
      }
    };
    assertEquals(List.of("body.0.weight", "body.0.bias", "body.2.weight", "body.2.bias"), outer.parameterNames());
    assertEquals("body.2.weight", ((Linear) mlp.get(2)).weight().name());
  }

  @Test
  void linearUsesPyTorchLayoutBatchFirst() {
    Linear l = new Linear(3, 2);
    assertArrayEquals(new int[] {2, 3}, l.weight().shape());
    l.set("weight", new double[][] {{1, 2, 3}, {4, 5, 6}});
    l.set("bias", 10, 20);
    Tensor y = l.forward(Tensor.of(new double[][] {{1, 0, 0}, {0, 1, 1}}));
    // y = x·Wᵀ + b
    assertArrayEquals(new double[] {11, 24, 15, 31}, y.data());
    assertArrayEquals(new int[] {2, 2}, y.shape());
    assertArrayEquals(new double[] {11, 24}, l.forward(Tensor.vector(1, 0, 0)).data());
  }

  @Test
  void linearNamesItselfAndTheShapesWhenTheInputDoesNotFit() {
    Net net = new Net();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> net.forward(Tensor.zeros(4, 3).named("batch")));
    assertTrue(e.getMessage().contains("Linear hidden"), e.getMessage());
    assertTrue(e.getMessage().contains("[4, 3]") || e.getMessage().contains("[4,3]"), e.getMessage());
    assertTrue(e.getMessage().contains("batch"), e.getMessage());
  }

  @Test
  void linearDefaultInitIsPyTorchsDistributionAndReproducibleFromTheSeed() {
    Linear a = new Linear(16, 8, 5);
    Linear b = new Linear(16, 8, 5);
    Linear c = new Linear(16, 8, 6);
    assertArrayEquals(a.weight().data(), b.weight().data());
    assertFalse(java.util.Arrays.equals(a.weight().data(), c.weight().data()));
    for (double w : a.weight().data()) {
      assertTrue(Math.abs(w) < 0.25, "U(-1/sqrt(16), 1/sqrt(16))");
    }
  }

  @Test
  void trainAndEvalSetTheWholeTree() {
    Net net = new Net();
    assertTrue(net.isTraining() && net.hidden.isTraining());
    net.eval();
    assertFalse(net.isTraining());
    assertFalse(net.hidden.isTraining());
    net.train();
    assertTrue(net.out.isTraining());
  }

  @Test
  void setTakesPublishedWeightsAndRejectsWrongCounts() {
    Net net = new Net();
    net.set("hidden.weight", 0.15, 0.20, 0.25, 0.30);
    assertArrayEquals(new double[] {0.15, 0.20, 0.25, 0.30}, net.hidden.weight().data());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.set("hidden.weight", 1, 2));
    assertTrue(e.getMessage().contains("hidden.weight") && e.getMessage().contains("2 values"), e.getMessage());
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> net.set("hiden.weight", 1));
    assertTrue(unknown.getMessage().contains("hiden.weight") && unknown.getMessage().contains("hidden.weight"));
  }

  @Test
  void loadNamesEveryMissingUnexpectedAndMisshapenEntryAndChangesNothing() {
    Net net = new Net();
    double[] before = net.hidden.weight().toArray();
    Map<String, Tensor> values = new LinkedHashMap<>(net.stateDict());
    values.remove("out.bias");
    values.put("extra", Tensor.zeros(1));
    values.put("hidden.weight", Tensor.zeros(3, 2));
    values.put("scale", Tensor.scalar(7));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.load(values));
    String m = e.getMessage();
    assertTrue(m.contains("missing [out.bias]"), m);
    assertTrue(m.contains("unexpected [extra]"), m);
    assertTrue(m.contains("hidden.weight: expected [2, 2], got [3, 2]") || m.contains("hidden.weight: expected [2,2], got [3,2]"), m);
    assertArrayEquals(before, net.hidden.weight().data());
    assertEquals(2.0, net.scale.item(), "nothing is loaded when anything mismatches");
  }

  @Test
  void stateDictIsACopyAndLoadRestoresIt() {
    Net net = new Net();
    Map<String, Tensor> saved = net.stateDict();
    net.hidden.weight().data()[0] = 99;
    assertEquals(net.hidden.weight().data()[1], saved.get("hidden.weight").data()[1]);
    net.load(saved);
    assertEquals(saved.get("hidden.weight").data()[0], net.hidden.weight().data()[0]);
  }

  @Test
  void namesMustBeUniqueAndDotFree() {
    assertThrows(IllegalArgumentException.class, () -> new Module() {
      final Tensor a = parameter("a.b", Tensor.zeros(1));

      @Override
      public Tensor forward(Tensor x) {
        return x;
      }
    });
    assertThrows(IllegalArgumentException.class, () -> new Module() {
      final Tensor a = parameter("a", Tensor.zeros(1));
      final Tensor b = parameter("a", Tensor.zeros(1));

      @Override
      public Tensor forward(Tensor x) {
        return x;
      }
    });
  }

  @Test
  void parametersAreTheLiveLeavesTheModelComputesWith() {
    Net net = new Net();
    Parameter p = net.parameter("hidden.weight");
    assertSame(net.hidden.weight(), p.tensor());
    assertTrue(p.tensor().needsGrad() && p.tensor().isLeaf());
    net.forward(Tensor.ones(3, 2)).sum().backward();
    assertTrue(p.hasGrad());
    net.zeroGrad();
    assertFalse(p.hasGrad());
  }

  @Test
  void printsATreeLikePyTorch() {
    String s = Mlp.of(2, 3, 1).activation(Activation::tanh).build().toString();
    assertEquals("Sequential(\n  (0): Linear(in=2, out=3)\n  (1): Tanh()\n  (2): Linear(in=3, out=1)\n)", s);
  }
}
