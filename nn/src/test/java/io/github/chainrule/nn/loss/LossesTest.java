package io.github.chainrule.nn.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.autodiff.Tensor;
import org.junit.jupiter.api.Test;

/** Values and gradients against PyTorch live in NnGoldenTest; these pin the edges and the errors. */
class LossesTest {

  @Test
  void squaredErrorFamily() {
    Tensor p = Tensor.vector(1, 2, 4).requiresGrad();
    Tensor y = Tensor.vector(0, 2, 1);
    assertEquals((1 + 0 + 9) / 3.0, Losses.mse().compute(p, y).item(), 1e-15);
    assertEquals(10, Losses.sse().compute(p, y).item());
    Tensor half = Losses.halfSse().compute(p, y);
    assertEquals(5, half.item());
    half.backward();
    assertEquals(Tensor.vector(1, 0, 3).toString(), Tensor.vector(p.grad().data()).toString(), "d/dp ½Σ(p−y)² = p − y");
    assertEquals((1 + 0 + 3) / 3.0, Losses.mae().compute(p, y).item(), 1e-15);
    assertEquals(4, Losses.mae(Reduction.SUM).compute(p, y).item());
  }

  @Test
  void predictionAndTargetShapesMustMatchRatherThanBroadcast() {
    Tensor p = Tensor.zeros(4, 1).named("pred");
    Tensor y = Tensor.zeros(4).named("y");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Losses.mse().compute(p, y));
    assertTrue(e.getMessage().contains("mse") && e.getMessage().contains("pred") && e.getMessage().contains("y has shape"),
        e.getMessage());
  }

  @Test
  void bceIsFiniteAtProbabilitiesZeroAndOneAsInPyTorch() {
    Tensor p = Tensor.vector(0.0, 1.0);
    Tensor y = Tensor.vector(1.0, 0.0);
    // Each log is clamped at −100, so a confident wrong answer costs 100, not infinity.
    assertEquals(100.0, Losses.bce().compute(p, y).item());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Losses.bce().compute(Tensor.vector(1.5), Tensor.vector(1)));
    assertTrue(e.getMessage().contains("bceWithLogits"), e.getMessage());
  }

  @Test
  void bceWithLogitsStaysFiniteForHugeLogits() {
    Tensor x = Tensor.vector(1000, -1000, 1000).requiresGrad();
    Tensor y = Tensor.vector(1, 0, 0);
    Tensor l = Losses.bceWithLogits(Reduction.SUM).compute(x, y);
    assertEquals(1000.0, l.item(), 1e-9, "only the wrong third example costs: softplus(1000) = 1000");
    l.backward();
    assertEquals(0.0, x.grad().data()[0]);
    assertEquals(1.0, x.grad().data()[2], "sigmoid(x) − y");
  }

  @Test
  void crossEntropyTakesIntegerLabelsAndChecksThem() {
    Tensor logits = Tensor.of(new double[][] {{1000, 0}, {0, 0}}).requiresGrad();
    Tensor l = Losses.crossEntropy(Reduction.SUM).compute(logits, Tensor.vector(0, 1));
    assertEquals(Math.log(2), l.item(), 1e-15, "exp(1000) would overflow without the max shift");
    IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
        () -> Losses.crossEntropy().compute(logits, Tensor.vector(0, 2)));
    assertTrue(range.getMessage().contains("label 2 of example 1"), range.getMessage());
    IllegalArgumentException whole = assertThrows(IllegalArgumentException.class,
        () -> Losses.crossEntropy().compute(logits, Tensor.vector(0, 0.5)));
    assertTrue(whole.getMessage().contains("whole numbers"), whole.getMessage());
  }

  @Test
  void hingeWantsLabelsOfPlusOrMinusOne() {
    assertEquals(0.5, Losses.hinge().compute(Tensor.vector(2, 0), Tensor.vector(1, -1)).item());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Losses.hinge().compute(Tensor.vector(2, 0), Tensor.vector(1, 0)));
    assertTrue(e.getMessage().contains("-1.0 or 1.0"), e.getMessage());
  }
}
