package io.github.chainrule.viz.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.viz.Fixtures;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModulesTest {

  @Test
  void theModuleIsEverythingBeforeTheLastDot() {
    assertEquals("hidden", Modules.moduleOf("hidden.weight"));
    assertEquals("0", Modules.moduleOf("0.bias"));
    assertEquals("encoder.layer1", Modules.moduleOf("encoder.layer1.weight"));
    assertNull(Modules.moduleOf("w"));
    assertNull(Modules.moduleOf(".hidden"));
    assertNull(Modules.moduleOf(null));
  }

  @Test
  void unnamedOpsInheritTheModuleOfTheParametersTheyUse() {
    Tensor loss = Fixtures.mlpLoss(false);
    TensorGraph g = TensorGraph.of(loss);
    String[] modules = Modules.assign(g);
    Map<String, String> byLabel = new HashMap<>();
    for (Tensor t : g.nodes()) {
      byLabel.merge(t.label(), String.valueOf(modules[g.id(t)]), (a, b) -> a + "," + b);
    }
    assertEquals("hidden", byLabel.get("hidden.weight"));
    assertEquals("out", byLabel.get("out.bias"));
    assertEquals("hidden", byLabel.get("hidden.out"), "named nodes use their own name");
    // x·W1 → hidden, h·W2 → out; (x·W1)+b1 → hidden, (h·W2)+b2 → out.
    assertEquals("hidden,out", byLabel.get("<matmul>"));
    assertEquals("hidden,out", byLabel.get("<add>"));
    // The loss side uses no parameter directly: no module claims it.
    assertEquals("null", byLabel.get("<sub>"));
    assertEquals("null", byLabel.get("x"));
  }

  @Test
  void anOpMixingTwoModulesBelongsToNeither() {
    Tensor a = Tensor.scalar(1).named("left.w").requiresGrad();
    Tensor b = Tensor.scalar(2).named("right.w").requiresGrad();
    Tensor c = a.mul(b);
    TensorGraph g = TensorGraph.of(c);
    assertNull(Modules.assign(g)[g.id(c)]);
  }

  @Test
  void aTransposedParameterPassesItsModuleOn() {
    Tensor x = Tensor.of(new double[][] {{1, 2}}).named("x");
    Tensor w = Tensor.of(new double[][] {{1, 2}, {3, 4}}).named("fc.weight").requiresGrad();
    Tensor wt = w.transpose();
    Tensor y = x.matmul(wt);
    TensorGraph g = TensorGraph.of(y);
    String[] m = Modules.assign(g);
    assertEquals("fc", m[g.id(wt)]);
    assertEquals("fc", m[g.id(y)]);
  }
}
