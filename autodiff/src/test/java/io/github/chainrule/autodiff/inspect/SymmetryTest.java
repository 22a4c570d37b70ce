package io.github.chainrule.autodiff.inspect;

import io.github.chainrule.autodiff.testing.RandomTensors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.autodiff.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Constant initialisation makes twins that training never separates. */
class SymmetryTest {

  static final Tensor X = RandomTensors.uniform(3, -1, 1, 6, 2).named("x");
  static final Tensor Y = X.sum(1, true).sin().named("y");

  static Tensor loss(Tensor w1, Tensor b1, Tensor w2, Tensor b2) {
    Tensor h = X.matmul(w1.transpose()).add(b1).tanh();
    return h.matmul(w2.transpose()).add(b2).sub(Y).square().mean().named("loss");
  }

  static void sgdStep(double lr, Tensor... params) {
    for (Tensor p : params) {
      double[] v = p.data();
      double[] g = p.grad().data();
      for (int i = 0; i < v.length; i++) {
        v[i] -= lr * g[i];
      }
      p.zeroGrad();
    }
  }

  @Test
  void constantInitialisationMakesTwinsThatTrainingNeverSeparates() {
    Tensor w1 = Tensor.full(0.5, 4, 2).named("hidden.weight").requiresGrad();
    Tensor b1 = Tensor.zeros(4).named("hidden.bias").requiresGrad();
    Tensor w2 = Tensor.full(0.5, 1, 4).named("out.weight").requiresGrad();
    Tensor b2 = Tensor.zeros(1).named("out.bias").requiresGrad();
    for (int step = 0; step < 50; step++) {
      loss(w1, b1, w2, b2).backward();
      Symmetry.Result r = Symmetry.find("hidden", w1, b1);
      assertEquals(1, r.groups().size(), "step " + step);
      assertEquals(List.of(0, 1, 2, 3), r.groups().get(0).units());
      assertEquals(1, r.effectiveUnits());
      sgdStep(0.5, w1, b1, w2, b2);
    }
    // Training moved the weights (the loss fell), yet all four rows are still one row.
    assertTrue(w1.get(0, 0) != 0.5);
    loss(w1, b1, w2, b2).backward();
    Symmetry.Result r = Symmetry.find("hidden", w1, b1);
    assertTrue(r.hasTwins());
    String text = r.toString();
    assertTrue(text.startsWith("Layer hidden: units 0, 1, 2, 3 are twins: identical incoming weights ["), text);
    assertTrue(text.contains("Why gradient descent can never separate them"), text);
    assertTrue(text.contains("The layer of 4 units computes like 1 unit"), text);
  }

  @Test
  void randomInitialisationHasNoTwins() {
    Tensor w1 = RandomTensors.randn(5, 4, 2).named("hidden.weight").requiresGrad();
    Tensor b1 = Tensor.zeros(4).named("hidden.bias").requiresGrad();
    Tensor w2 = RandomTensors.randn(6, 1, 4).named("out.weight").requiresGrad();
    Tensor b2 = Tensor.zeros(1).named("out.bias").requiresGrad();
    loss(w1, b1, w2, b2).backward();
    Symmetry.Result r = Symmetry.find("hidden", w1, b1);
    assertFalse(r.hasTwins());
    assertEquals(4, r.effectiveUnits());
    assertEquals("Layer hidden: no twins among its 4 units.", r.toString());
  }

  @Test
  void sameIncomingWeightsButDifferentOutgoingWeightsWillSeparate() {
    Tensor w1 = Tensor.full(0.5, 3, 2).named("hidden.weight").requiresGrad();
    Tensor b1 = Tensor.zeros(3).named("hidden.bias").requiresGrad();
    Tensor w2 = Tensor.of(new double[][] {{0.5, 0.5, -0.3}}).named("out.weight").requiresGrad();
    Tensor b2 = Tensor.zeros(1).named("out.bias").requiresGrad();
    loss(w1, b1, w2, b2).backward();
    Symmetry.Result r = Symmetry.find("hidden", w1, b1);
    // Units 0 and 1 share outgoing weights too: twins. Unit 2 looks the same but is pushed differently.
    assertEquals(List.of(0, 1), r.groups().get(0).units());
    assertEquals(List.of(List.of(0, 1, 2)), r.sameWeightsOnly());
    assertTrue(r.toString().contains("Units [0, 1, 2] have identical weights but different gradients: they will separate."));
  }
}
