package io.github.chainrule.autodiff.inspect;

import io.github.chainrule.autodiff.testing.RandomTensors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.autodiff.Op;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.inspect.NodeCheck.NodeResult;
import io.github.chainrule.autodiff.GradCheck.Status;
import io.github.chainrule.autodiff.inspect.NodeCheck.Suspect;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Every node's gradient, intermediates included, against a finite difference through a replay. */
class NodeCheckTest {

  static Tensor x() {
    return Tensor.of(new double[][] {{0.3, -0.7, 1.2}, {0.9, 0.4, -1.1}}).named("x").requiresGrad();
  }

  static Tensor w() {
    return Tensor.of(new double[][] {{0.5, -0.2}, {0.1, 0.8}, {-0.6, 0.3}}).named("w").requiresGrad();
  }

  /** Each op at values away from its kinks, as the node just before a weighted-sum loss. */
  static final Map<String, Function<Tensor, Tensor>> UNARY = Map.ofEntries(
      Map.entry("neg", Tensor::neg),
      Map.entry("pow", t -> t.abs().add(0.5).pow(1.5)),
      Map.entry("square", Tensor::square),
      Map.entry("sqrt", t -> t.square().add(0.1).sqrt()),
      Map.entry("exp", Tensor::exp),
      Map.entry("log", t -> t.square().add(0.5).log()),
      Map.entry("abs", Tensor::abs),
      Map.entry("relu", Tensor::relu),
      Map.entry("leakyRelu", t -> t.leakyRelu(0.1)),
      Map.entry("sigmoid", Tensor::sigmoid),
      Map.entry("tanh", Tensor::tanh),
      Map.entry("sin", Tensor::sin),
      Map.entry("cos", Tensor::cos),
      Map.entry("softplus", Tensor::softplus),
      Map.entry("clamp", t -> t.clamp(-0.5, 1.0)),
      Map.entry("add", t -> t.add(Tensor.vector(1, 2, 3))),
      Map.entry("sub", t -> Tensor.vector(1, 2, 3).sub(t)),
      Map.entry("mul", t -> t.mul(t.sin())),
      Map.entry("div", t -> t.div(t.square().add(1.0))),
      Map.entry("maximum", t -> t.maximum(t.cos())),
      Map.entry("minimum", t -> t.minimum(Tensor.vector(0.0, 0.5, 1.0))),
      Map.entry("matmul", t -> t.matmul(w())),
      Map.entry("transpose", t -> t.transpose().mul(Tensor.vector(1, 2))),
      Map.entry("reshape", t -> t.reshape(3, 2).mul(Tensor.vector(1, -1))),
      Map.entry("expand", t -> t.sum(0, true).expand(4, 3).mul(Tensor.arange(3))),
      Map.entry("sumTo", t -> t.sumTo(1, 3).square()),
      Map.entry("concat", t -> Tensor.concat(1, t, t.square())),
      Map.entry("slice", t -> t.slice(1, 1, 3).square()),
      Map.entry("index", t -> t.index(0, 1, 0, 1).square()),
      Map.entry("gather", t -> t.gather(1, 2, 0).square()),
      Map.entry("sum", t -> t.sum(1).square()),
      Map.entry("mean", t -> t.mean(0).square()),
      Map.entry("max", t -> t.max(1)),
      Map.entry("softmax", t -> t.softmax(1).mul(Tensor.vector(1, 2, 3))),
      Map.entry("logSoftmax", t -> t.logSoftmax(1).mul(Tensor.vector(1, 2, 3))));

  /** L = Σ cᵢ·yᵢ with distinct weights, so every element of y matters differently. */
  static Tensor weightedSum(Tensor y) {
    double[] c = new double[y.size()];
    for (int i = 0; i < c.length; i++) {
      c[i] = 0.5 + 0.37 * i;
    }
    return y.mul(Tensor.of(c, y.shape())).sum().named("L");
  }

  @Test
  void everyOpPassesOnEveryNodeIncludingIntermediates() {
    for (Map.Entry<String, Function<Tensor, Tensor>> op : UNARY.entrySet()) {
      Tensor x = x();
      Tensor loss = weightedSum(op.getValue().apply(x));
      NodeCheck.Result r = NodeCheck.check(loss);
      assertTrue(r.passed(), op.getKey() + "\n" + r);
      assertTrue(r.kinks().isEmpty(), op.getKey() + "\n" + r);
      assertTrue(r.suspects().isEmpty());
      // Every node is checked, the input and the output among them.
      assertTrue(r.byNode().containsKey(x));
      assertTrue(r.byNode().containsKey(loss));
      assertEquals(r.nodes().size(), r.byNode().size());
      // dL/dL = 1, measured.
      assertTrue(r.byNode().get(loss).maxAbsError() < 1e-8, op.getKey());
    }
  }

  /** square with the factor 2 forgotten in its backward rule. */
  static final Op BROKEN_SQUARE = new Op() {
    @Override
    public String name() {
      return "brokenSquare";
    }

    @Override
    public Tensor forward(Tensor... in) {
      double[] v = in[0].toArray();
      for (int i = 0; i < v.length; i++) {
        v[i] *= v[i];
      }
      return Tensor.wrap(v, in[0].shape());
    }

    @Override
    public Tensor[] backward(Tensor[] in, Tensor y, Tensor g) {
      return new Tensor[] {g.mul(in[0])};
    }
  };

  @Test
  void aPlantedWrongDerivativeIsCaughtAndPointedAt() {
    Tensor x = x();
    Tensor h = x.matmul(w()).tanh().named("h");
    Tensor sq = Tensor.apply(BROKEN_SQUARE, h).named("sq");
    Tensor loss = weightedSum(sq.sigmoid().named("s"));
    NodeCheck.Result r = NodeCheck.check(loss);
    assertFalse(r.passed(), r.toString());
    // The output of the broken op has a right gradient; its input, and everything before it, a wrong one.
    assertEquals(Status.PASS, r.byNode().get(sq).status());
    assertEquals(Status.PASS, r.byNode().get(loss).status());
    assertEquals(Status.FAIL, r.byNode().get(h).status());
    assertEquals(Status.FAIL, r.byNode().get(x).status());
    // The relative error is that of the missing factor 2: autodiff gives half the true gradient.
    assertEquals(0.5, r.byNode().get(h).maxRelError(), 1e-6);
    // On the colouring scale, a wrong factor 2 (relative error 0.5) is near the top; the rest is near 0.
    assertEquals((Math.log10(0.5) + 8) / 8, r.byNode().get(h).severity(), 1e-6);
    assertTrue(r.byNode().get(sq).severity() < 0.3, String.valueOf(r.byNode().get(sq)));
    assertEquals(List.of(new Suspect("brokenSquare", "sq", "h", 0)), r.suspects());
    assertTrue(r.toString().contains("suspect: backward of brokenSquare (node sq)"), r.toString());
    assertFalse(r.toString().contains("note:"), "a well-scaled loss needs no note about rounding:\n" + r);
  }

  @Test
  void aFailureOnAHugeLossSaysTheNumericSideMayBeTheOneThatIsWrong() {
    // dL/dz = 0.01 exactly, but nudging z moves a loss of 3e10 by less than its rounding.
    Tensor x = Tensor.scalar(3.0).named("x").requiresGrad();
    Tensor z = Tensor.scalar(0.5).named("z").requiresGrad();
    Tensor loss = x.mul(1e10).add(z.mul(0.01)).named("loss");
    NodeCheck.Result r = NodeCheck.check(loss);
    assertFalse(r.passed(), r.toString());
    assertEquals(0x1p-53 * 3e10 / 1e-6, r.roundingOfNumeric(), 1e-3 * r.roundingOfNumeric());
    assertTrue(r.toString().contains("note: the loss is so large here"), r.toString());
  }

  @Test
  void aKinkIsLabelledNotFailed() {
    Tensor x = Tensor.vector(-1.0, 0.0, 2.0).named("x").requiresGrad();
    Tensor r1 = x.relu().named("r");
    Tensor loss = weightedSum(r1);
    NodeCheck.Result r = NodeCheck.check(loss);
    assertTrue(r.passed(), r.toString());
    assertEquals(1, r.kinks().size());
    NodeCheck.Entry k = r.kinks().get(0);
    assertEquals("x[1]", k.element());
    assertEquals(0.0, k.analytic());
    // One-sided slopes of L through relu at 0: 0 from the left, the weight 0.87 from the right.
    assertEquals(0.0, k.leftSlope(), 1e-6);
    assertEquals(0.87, k.rightSlope(), 1e-6);
    assertEquals(1, k.kinks().size());
    assertEquals("left", k.kinks().get(0).side());
    NodeResult xr = r.byNode().get(x);
    assertEquals(Status.KINK, xr.status());
    assertTrue(r.toString().contains("relu at input = 0"), r.toString());
  }

  @Test
  void everyKinkedOpAtItsBoundaryIsAKinkWithItsOpNamed() {
    Map<String, Function<Tensor, Tensor>> atKink = Map.of(
        "abs", Tensor::abs,
        "maximum", t -> t.maximum(Tensor.vector(-1.0, 0.0, 2.0).named("c").requiresGrad()),
        "minimum", t -> t.minimum(Tensor.vector(-1.0, 0.0, 2.0).named("c").requiresGrad()),
        "clamp", t -> t.clamp(0.0, 3.0),
        "leakyRelu", t -> t.leakyRelu(0.2));
    for (Map.Entry<String, Function<Tensor, Tensor>> op : atKink.entrySet()) {
      Tensor x = Tensor.vector(-3.0, 0.0, 5.0).named("x").requiresGrad();
      NodeCheck.Result r = NodeCheck.check(weightedSum(op.getValue().apply(x)));
      assertTrue(r.passed(), op.getKey() + "\n" + r);
      NodeCheck.Entry k = r.entries().stream().filter(e -> e.element().equals("x[1]")).findFirst().orElseThrow();
      assertEquals(Status.KINK, k.status(), op.getKey() + "\n" + r);
      assertEquals(op.getKey(), k.kinks().get(0).op().replaceAll("\\(.*", ""), op.getKey());
      // The autodiff value lies between the one-sided slopes of L, which differ.
      assertTrue(Math.abs(k.leftSlope() - k.rightSlope()) > 0.1, op.getKey());
    }
  }

  @Test
  void largeNodesAreSampledAndNothingInTheGraphChanges() {
    Tensor x = RandomTensors.randn(7, 40, 30).named("x").requiresGrad();
    Tensor loss = x.tanh().sum().named("L");
    double[] before = x.toArray();
    NodeCheck.Result r = NodeCheck.options().maxElementsPerNode(50).run(loss);
    assertTrue(r.passed());
    assertEquals(50, r.byNode().get(x).checked());
    assertEquals(50 + 50 + 1, r.entries().size());
    assertTrue(java.util.Arrays.equals(before, x.toArray()));
    assertFalse(x.hasGrad());
  }
}
