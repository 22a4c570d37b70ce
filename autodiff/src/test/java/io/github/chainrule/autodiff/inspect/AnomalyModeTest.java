package io.github.chainrule.autodiff.inspect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.autodiff.Tensor;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The first op producing NaN or an infinity is named, with shapes, values and the user's line. */
class AnomalyModeTest {

  static int nextLine() {
    return new Throwable().getStackTrace()[1].getLineNumber() + 1;
  }

  @Test
  void logOfZeroIsNamedWithItsInputValueAndTheLineThatCreatedIt() {
    Tensor x = Tensor.vector(2.0, 0.0, 1.0).named("x").requiresGrad();
    try (AnomalyMode.Scope scope = AnomalyMode.enabled()) {
      Tensor y = x.mul(2.0).named("y");
      int line = nextLine();
      NonFiniteValueException e = assertThrows(NonFiniteValueException.class, () -> y.log());
      assertEquals("forward", e.phase());
      assertEquals("log", e.op());
      assertEquals("<log>", e.node());
      assertEquals(1, e.inputShapes().size());
      assertArrayEquals(new int[] {3}, e.inputShapes().get(0));
      StackTraceElement site = e.creationSite().orElseThrow();
      assertEquals("AnomalyModeTest.java", site.getFileName());
      assertEquals(line, site.getLineNumber());
      String m = e.getMessage();
      assertTrue(m.startsWith("anomaly mode: log produced -Inf in the forward pass (node <log>, shape [3], created at "), m);
      assertTrue(m.contains("inputs: y [3]"), m);
      assertTrue(m.contains("output[1] = -Inf from y[1] = 0"), m);
      assertTrue(m.contains("1 of 3 elements are not finite"), m);
    }
  }

  @Test
  void sqrtOfMinusOneIsNamed() {
    Tensor x = Tensor.vector(4.0, -1.0).named("x").requiresGrad();
    try (AnomalyMode.Scope scope = AnomalyMode.enabled()) {
      NonFiniteValueException e = assertThrows(NonFiniteValueException.class, () -> x.add(0.0).sqrt());
      assertEquals("sqrt", e.op());
      assertTrue(e.getMessage().contains("sqrt produced NaN"), e.getMessage());
      assertTrue(e.getMessage().contains("output[1] = NaN from <add>[1] = -1"), e.getMessage());
    }
  }

  @Test
  void expOverflowIsNamedNotTheOpsAfterIt() {
    Tensor x = Tensor.scalar(800.0).named("x").requiresGrad();
    try (AnomalyMode.Scope scope = AnomalyMode.enabled()) {
      // exp(800) overflows to Inf; without anomaly mode the NaN would only surface at Inf - Inf below.
      NonFiniteValueException e = assertThrows(NonFiniteValueException.class, () -> {
        Tensor big = x.exp();
        big.sub(big).sum();
      });
      assertEquals("exp", e.op());
      assertTrue(e.getMessage().contains("output = Inf from x = 800"), e.getMessage());
    }
    // Off again: the same computation runs and yields NaN silently, as IEEE 754 says.
    Tensor big = x.exp();
    assertTrue(Double.isNaN(big.sub(big).item()));
  }

  private int sqrtLine;

  @Test
  void aBackwardRuleThatDividesByZeroIsNamedAsThatOpsBackward() {
    Tensor x = Tensor.vector(0.0, 4.0).named("x").requiresGrad();
    NonFiniteValueException e;
    try (AnomalyMode.Scope scope = AnomalyMode.enabled()) {
      int line = nextLine();
      Tensor r = x.sqrt().named("r");   // sqrt(0) = 0 is fine; its derivative 1/(2·0) is not
      sqrtLine = line;
      Tensor loss = r.sum().named("loss");
      e = assertThrows(NonFiniteValueException.class, loss::backward);
    }
    assertEquals("backward", e.phase());
    assertEquals("sqrt", e.op());
    assertEquals("r", e.node());
    // The error is raised inside backward(), but it points at the line that built the node.
    assertEquals(sqrtLine, e.creationSite().orElseThrow().getLineNumber());
    assertTrue(e.getMessage().contains("created at " + e.creationSite().orElseThrow()), e.getMessage());
    assertTrue(e.getMessage().contains("the backward rule of sqrt produced Inf in the gradient for its input 0 (x, shape [2])"),
        e.getMessage());
    assertTrue(e.getMessage().contains("gradient[0] = Inf where x[0] = 0, output = 0, upstream gradient = 1"), e.getMessage());
  }

  @Test
  void offByDefaultScopedAndPerThread() throws Exception {
    assertFalse(AnomalyMode.isEnabled());
    Tensor zero = Tensor.scalar(0.0).named("z").requiresGrad();
    assertEquals(Double.NEGATIVE_INFINITY, zero.log().item());
    try (AnomalyMode.Scope outer = AnomalyMode.enabled()) {
      assertTrue(AnomalyMode.isEnabled());
      AtomicReference<Double> other = new AtomicReference<>();
      Thread t = new Thread(() -> other.set(zero.log().item()));
      t.start();
      t.join();
      assertEquals(Double.NEGATIVE_INFINITY, other.get());   // another thread is not in anomaly mode
      AnomalyMode.setEnabled(false);
      assertEquals(Double.NEGATIVE_INFINITY, zero.log().item());
      AnomalyMode.setEnabled(true);
      assertThrows(NonFiniteValueException.class, zero::log);
    }
    assertFalse(AnomalyMode.isEnabled());
    assertFalse(AnomalyMode.active());
  }

  @Test
  void anInputThatAlreadyHeldNaNIsPointedOut() {
    Tensor x = Tensor.vector(Double.NaN, 1.0).named("data").requiresGrad();
    try (AnomalyMode.Scope scope = AnomalyMode.enabled()) {
      NonFiniteValueException e = assertThrows(NonFiniteValueException.class, () -> x.mul(2.0));
      assertEquals("mul", e.op());
      assertTrue(e.getMessage().contains("note data already held non-finite values"), e.getMessage());
    }
  }

  @Test
  void finiteGraphsRunUnchangedInAnomalyMode() {
    Tensor x = Tensor.vector(1.0, 2.0).named("x").requiresGrad();
    try (AnomalyMode.Scope scope = AnomalyMode.enabled()) {
      Tensor loss = x.square().sum().named("loss");
      loss.backward();
      assertTrue(AnomalyMode.creationSite(loss).isPresent());
    }
    assertArrayEquals(new double[] {2.0, 4.0}, x.grad().toArray(), 0);
  }
}
