package io.github.chainrule.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.autodiff.ops.Elementwise;
import io.github.chainrule.autodiff.kernels.Unary;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** What the numerical gradient check accepts, rejects and reports. */
class GradCheckTest {

  /** sin with a deliberately wrong derivative: cos(x) + 0.01. */
  private static final Op BROKEN_SIN = Elementwise.unary("brokenSin", Unary.SIN,
      (x, y, g) -> g.mul(x.cos().add(0.01)), (x, y, g) -> g * (Math.cos(x) + 0.01));

  @Test
  void smoothFunctionPassesWithEveryElementReported() {
    Tensor a = Tensor.of(new double[][] {{0.5, -1.2}, {2.0, 0.3}}).named("a").requiresGrad();
    Tensor b = Tensor.vector(0.7, -0.4).named("b").requiresGrad();
    GradCheck.Result r = GradCheck.check(xs -> xs[0].matmul(xs[1]).tanh().sum(), a, b);
    assertTrue(r.passed(), r.toString());
    assertEquals(6, r.entries().size());
    assertEquals("a[1,0]", r.entries().get(2).element());
    assertTrue(r.toString().contains("PASSED: 6 elements, 0 failed"), r.toString());
  }

  @Test
  void wrongDerivativeFailsAndNamesTheElement() {
    Tensor x = Tensor.vector(0.3, 1.1).named("x").requiresGrad();
    GradCheck.Result r = GradCheck.check(xs -> Tensor.apply(BROKEN_SIN, xs[0]).sum(), x);
    assertFalse(r.passed());
    assertEquals(2, r.failures().size());
    assertEquals(0.01, r.worst().absError(), 1e-8);
    assertTrue(r.toString().contains("FAILED"), r.toString());
    assertFalse(r.toString().contains("note:"), "a well-scaled loss needs no note about rounding:\n" + r);
  }

  @Test
  void aFailureOnAHugeLossSaysTheNumericSideMayBeTheOneThatIsWrong() {
    // L = 1e10·y + 0.01·x: dL/dx = 0.01 exactly, but f(x ± ε) differ by 2e-8 on a value of 1e10,
    // below its rounding, so the central difference for x is off by about 1: autodiff is right.
    Tensor x = Tensor.scalar(0.5).named("x").requiresGrad();
    Tensor y = Tensor.scalar(3.0).named("y").requiresGrad();
    GradCheck.Result r = GradCheck.check(xs -> xs[1].mul(1e10).add(xs[0].mul(0.01)), x, y);
    assertFalse(r.passed(), r.toString());
    assertEquals(0.01, r.entries().get(0).analytic(), 0.0);
    assertEquals(0x1p-53 * 3e10 / 1e-6, r.roundingOfNumeric(), 1e-3 * r.roundingOfNumeric());
    assertTrue(r.toString().contains("note: the loss is so large here"), r.toString());
  }

  @Test
  void reluExactlyAtZeroIsAKinkNotAFailure() {
    Tensor x = Tensor.vector(0.0, 0.5).named("x").requiresGrad();
    GradCheck.Result r = GradCheck.check(xs -> xs[0].relu().sum(), x);
    assertTrue(r.passed(), r.toString());
    GradCheck.Entry kink = r.entries().get(0);
    assertEquals(GradCheck.Status.KINK, kink.status());
    assertEquals(0.0, kink.leftSlope(), 1e-9);
    assertEquals(1.0, kink.rightSlope(), 1e-9);
    assertEquals(0.0, kink.analytic(), 0);      // PyTorch's convention: relu'(0) = 0
    assertEquals(GradCheck.Status.PASS, r.entries().get(1).status());
  }

  @Test
  void absAndMaximumAtTheirBoundariesAreKinks() {
    Tensor x = Tensor.vector(0.0).named("x").requiresGrad();
    assertEquals(GradCheck.Status.KINK, GradCheck.check(xs -> xs[0].abs().sum(), x).entries().get(0).status());
    Tensor y = Tensor.vector(0.0).named("y").requiresGrad();
    GradCheck.Result r = GradCheck.check(xs -> xs[0].maximum(xs[1]).sum(), x, y);
    assertEquals(2, r.kinks().size(), r.toString());
  }

  @Test
  void nonScalarOutputsAreCheckedThroughAFixedProjection() {
    Tensor x = Tensor.vector(0.3, 1.1, -0.8).named("x").requiresGrad();
    assertTrue(GradCheck.check(xs -> xs[0].softmax(0), x).passed());
    assertFalse(GradCheck.check(xs -> Tensor.apply(BROKEN_SIN, xs[0]), x).passed());
  }

  @Test
  void inputsWithoutRequiresGradAreHeldFixedAndUnchanged() {
    Tensor w = Tensor.vector(0.3, 1.1).named("w").requiresGrad();
    Tensor data = Tensor.vector(2.0, 3.0).named("data");
    GradCheck.Result r = GradCheck.check(xs -> xs[0].mul(xs[1]).sum(), w, data);
    assertEquals(2, r.entries().size());
    assertEquals(3.0, r.entries().get(1).analytic(), 1e-12);
    assertEquals(0.3, w.data()[0], 0);
    assertFalse(w.hasGrad());
  }

  @Test
  void toleranceSettingsAreHonoured() {
    Tensor x = Tensor.vector(0.3).named("x").requiresGrad();
    Autodiff.Fn f = xs -> Tensor.apply(BROKEN_SIN, xs[0]).sum();
    assertTrue(GradCheck.withDefaults().atol(0.02).run(f, x).passed());
    assertFalse(GradCheck.withDefaults().atol(0.001).run(f, x).passed());
    assertThrows(IllegalArgumentException.class, () -> GradCheck.withDefaults().eps(0));
  }

  @Test
  void needsAtLeastOneInputThatRequiresAGradient() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GradCheck.check(xs -> xs[0].sum(), Tensor.vector(1)));
    assertTrue(e.getMessage().contains("no input requires a gradient"), e.getMessage());
  }

  /**
   * The measurement behind the javadoc's choice of step: error of the central difference on
   * f(x) = sin(x)·exp(x) at 0.7 for ε from 1e-2 to 1e-8. Truncation dominates at large ε (the error
   * falls as ε²), rounding at small ε (it grows as 1/ε).
   */
  @Test
  void errorAgainstStep() {
    double x0 = 0.7;
    double exact = Math.exp(x0) * (Math.sin(x0) + Math.cos(x0));
    double[] errors = new double[7];
    StringBuilder table = new StringBuilder("eps      abs error of the central difference\n");
    for (int i = 0; i < errors.length; i++) {
      double eps = Math.pow(10, -2 - i);
      Tensor x = Tensor.scalar(x0).named("x").requiresGrad();
      GradCheck.Result r = GradCheck.withDefaults().eps(eps).run(xs -> xs[0].sin().mul(xs[0].exp()), x);
      errors[i] = Math.abs(r.entries().get(0).numeric() - exact);
      table.append(String.format(Locale.ROOT, "%.0e    %.2e%n", eps, errors[i]));
    }
    System.out.println(table);
    // Truncation regime: 100× smaller step, ~10^4× smaller error.
    assertTrue(errors[0] > 1e-6 && errors[2] < 1e-8, table.toString());
    // Around the default the error is far inside atol = 1e-5; at 1e-8 rounding has taken over.
    assertTrue(errors[4] < 1e-9, table.toString());
    assertTrue(errors[6] > errors[3], table.toString());
  }

  @Test
  void theSharedRuleJudgesPassKinkFailAndNaN() {
    GradCheck.Rule rule = new GradCheck.Rule(1e-5, 1e-3);
    // |a - n| <= atol + rtol·|n|: 2.001 is within 1e-5 + 2e-3 of 2; 2.01 is not.
    assertEquals(GradCheck.Status.PASS, rule.judge(2.001, 2, 2, 2));
    assertEquals(GradCheck.Status.FAIL, rule.judge(2.01, 2, 2, 2));
    // Slopes 0 and 1 disagree: a kink, passed when autodiff picked a value between them.
    assertEquals(GradCheck.Status.KINK, rule.judge(0, 0.5, 0, 1));
    assertEquals(GradCheck.Status.KINK, rule.judge(0.5, 0.5, 0, 1));
    assertEquals(GradCheck.Status.FAIL, rule.judge(3, 0.5, 0, 1));
    assertEquals(GradCheck.Status.PASS, rule.judge(Double.NaN, Double.NaN, Double.NaN, Double.NaN));
    assertEquals(GradCheck.Status.FAIL, rule.judge(Double.NaN, 1, 1, 1));
    assertEquals(GradCheck.Status.FAIL, rule.judge(1, Double.NaN, 1, 1));
  }
}
