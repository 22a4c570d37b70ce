package io.github.chainrule.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.autodiff.GradMode;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.layers.Linear;
import io.github.chainrule.nn.layers.Sequential;
import org.junit.jupiter.api.Test;

/** Step-by-step parity with torch.optim is in NnGoldenTest; these pin behaviour around the updates. */
class OptimizerTest {

  @Test
  void plainSgdUpdatesInPlaceUnderNoGrad() {
    Linear l = new Linear(1, 1);
    l.set("weight", 2.0);
    l.set("bias", 0.0);
    double[] live = l.weight().data();
    Tensor loss = l.forward(Tensor.vector(3.0)).square().sum(); // (3w)², d/dw = 18w = 36
    loss.backward();
    Sgd opt = Sgd.of(l, 0.01);
    opt.step();
    assertEquals(2.0 - 0.36, live[0], 1e-15, "the same array, updated in place");
    assertEquals(1, opt.steps());
    assertTrue(GradMode.isEnabled(), "no-grad scope closed after the step");
    assertTrue(l.weight().isLeaf(), "the update records nothing");
  }

  @Test
  void momentumBufferStartsAsTheGradientAsInPyTorch() {
    Linear l = new Linear(1, 1);
    l.set("weight", 0.0);
    l.set("bias", 0.0);
    Sgd opt = Sgd.builder(0.1).momentum(0.9).dampening(0.5).build(l);
    // Constant gradient 1 for the bias: buf = 1, then 0.9·1 + 0.5·1 = 1.4.
    for (int i = 0; i < 2; i++) {
      opt.zeroGrad();
      l.forward(Tensor.vector(0.0)).sum().backward();
      opt.step();
    }
    assertEquals(-0.1 * 1 - 0.1 * 1.4, l.bias().item(), 1e-15);
  }

  @Test
  void parametersWithoutAGradientAreSkipped() {
    Linear used = new Linear(1, 1);
    Linear unused = new Linear(1, 1);
    Sequential both = new Sequential(used, unused);
    double before = unused.weight().item();
    Adam opt = Adam.builder(0.1).build(both);
    used.forward(Tensor.vector(1.0)).sum().backward();
    opt.step();
    assertEquals(before, unused.weight().item());
  }

  @Test
  void adamsFirstStepMovesEachParameterByAboutLr() {
    // With bias correction, m̂/sqrt(v̂) = g/|g| at step 1, whatever the gradient's scale.
    Linear l = new Linear(2, 1);
    l.set("weight", 0.0, 0.0);
    Adam opt = Adam.of(l, 0.01);
    l.forward(Tensor.vector(1000.0, -0.1)).sum().backward();
    opt.step();
    assertArrayEquals(new double[] {-0.01, 0.01}, l.weight().data(), 1e-8);
  }

  @Test
  void optionsAreValidatedWithTheirNames() {
    Linear l = new Linear(1, 1);
    IllegalArgumentException nesterov = assertThrows(IllegalArgumentException.class,
        () -> Sgd.builder(0.1).nesterov(true).build(l));
    assertTrue(nesterov.getMessage().contains("nesterov needs momentum"), nesterov.getMessage());
    IllegalArgumentException beta = assertThrows(IllegalArgumentException.class,
        () -> Adam.builder(0.1).betas(1.0, 0.9).build(l));
    assertTrue(beta.getMessage().contains("beta1"), beta.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Sgd.of(l, Double.NaN));
  }

  @Test
  void clipByNormReturnsTheTotalNormAndScalesAllGradientsTogether() {
    Linear l = new Linear(2, 1);
    l.set("weight", 0.0, 0.0);
    l.forward(Tensor.vector(3.0, 4.0)).sum().backward(); // grads: weight (3, 4), bias 1
    double total = GradClip.byNorm(l.parameters(), 1.0);
    assertEquals(Math.sqrt(26), total, 1e-15);
    double c = 1.0 / (Math.sqrt(26) + 1e-6);
    assertArrayEquals(new double[] {3 * c, 4 * c}, l.weight().grad().data(), 1e-15);
    assertEquals(c, l.bias().grad().item(), 1e-15);
  }

  @Test
  void clipByValueClampsEachElement() {
    Linear l = new Linear(2, 1);
    l.forward(Tensor.vector(3.0, -0.5)).sum().backward();
    GradClip.byValue(l.parameters(), 1.0);
    assertArrayEquals(new double[] {1.0, -0.5}, l.weight().grad().data());
  }

  @Test
  void schedulesSetTheLearningRatePerEpoch() {
    Linear l = new Linear(1, 1);
    Sgd opt = Sgd.of(l, 1.0);
    LrSchedule s = LrSchedule.cosine(opt, 4, 0.0);
    assertEquals(1.0, opt.lr());
    s.step();
    s.step();
    assertEquals(0.5, opt.lr(), 1e-15, "half way down the cosine");
    assertEquals(0.0, s.lrAt(4), 1e-15);
  }
}
