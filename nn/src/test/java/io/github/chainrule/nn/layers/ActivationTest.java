package io.github.chainrule.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.ops.OpTable;
import io.github.chainrule.autodiff.ops.Unit;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Activations are the op table's unary elementwise rows, shown and fused as each op's unit says. */
class ActivationTest {

  private static final Tensor X = Tensor.of(new double[] {-2.5, -1, -0.0, 0, 0.5, 3}, 2, 3);

  /** The rows {@link Activation#named} offers: unary, elementwise, and callable without parameters. */
  private static Stream<OpTable.Entry> offered() {
    return OpTable.entries().stream().filter(e -> e.elementwise() && e.arity() == 1 && e.defaults() != null);
  }

  @TestFactory
  Stream<DynamicTest> everyUnaryOpOfTheTableIsAnActivationShownByTheModuleNameItsUnitStates() {
    return offered().map(e -> dynamicTest(e.name(), () -> {
      Unit op = (Unit) e.op(e.defaults());
      Activation a = Activation.named(e.name());
      String shown = op.moduleName() != null ? op.moduleName() : op.name();
      assertEquals(shown, a.kind());
      assertEquals(shown + "()", a.toString());
      assertSame(op.fusedWithBias(), a.fusedWithBias());
      Tensor x = X.copy().requiresGrad();
      Tensor y = a.forward(x);
      assertEquals(op.label(), y.op().label());
      assertArrayEquals(Tensor.apply(op, X).data(), y.data());
      assertEquals(a.kind(), Activation.named(e.name().toUpperCase(Locale.ROOT)).kind(), "case-insensitive");
    }));
  }

  @Test
  void theTableOffersEveryPlainUnaryOpAndLeakyReluWithPyTorchsSlope() {
    long plain = OpTable.entries().stream().filter(e -> e.elementwise() && e.arity() == 1 && e.plain()).count();
    assertTrue(plain >= 10, "plain unary rows: " + plain);
    assertEquals(plain + 1, offered().count(), "the plain rows and leakyRelu");
    assertArrayEquals(new double[] {0.01}, OpTable.named("leakyRelu").orElseThrow().defaults());
    assertNull(OpTable.named("pow").orElseThrow().defaults(), "pow's exponent has no default");
  }

  @Test
  void theFactoriesKeepPyTorchsNamesAndOnlyReluFusesWithTheBias() {
    assertEquals("ReLU", Activation.relu().kind());
    assertEquals("Sigmoid", Activation.sigmoid().kind());
    assertEquals("Tanh", Activation.tanh().kind());
    assertEquals("LeakyReLU(0.01)", Activation.leakyRelu().kind());
    assertEquals("LeakyReLU(0.2)", Activation.leakyRelu(0.2).kind());
    assertEquals("Identity", Activation.identity().kind());
    assertEquals("addRelu", Activation.relu().fusedWithBias().name());
    assertNull(Activation.tanh().fusedWithBias());
    assertNull(Activation.leakyRelu().fusedWithBias());
    assertNull(Activation.identity().fusedWithBias());
  }

  @Test
  void namedGivesWhatTheFactoriesGive() {
    assertEquals(Activation.relu().kind(), Activation.named("ReLU").kind());
    assertNotNull(Activation.named("relu").fusedWithBias());
    assertEquals("Sigmoid", Activation.named("sigmoid").kind());
    assertEquals("Tanh", Activation.named("TANH").kind());
    assertEquals("Softplus", Activation.named("softplus").kind());
    assertEquals("exp", Activation.named("exp").kind(), "an op PyTorch has no module for shows its own name");
    for (String spelling : new String[] {"leakyrelu", "leaky_relu", "LeakyReLU"}) {
      Activation a = Activation.named(spelling);
      assertEquals("LeakyReLU(0.01)", a.kind(), spelling);
      assertArrayEquals(X.leakyRelu(0.01).data(), a.forward(X).data(), spelling);
    }
    for (String spelling : new String[] {"identity", "Linear", "NONE"}) {
      assertSame(X, Activation.named(spelling).forward(X), spelling);
    }
  }

  @Test
  void anUnknownNameIsRefusedWithTheNamesThereAre() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Activation.named("gelu"));
    assertTrue(e.getMessage().startsWith("activation 'gelu' is unknown; use identity, leakyrelu or one of relu, "
        + "sigmoid, tanh, exp, log"), e.getMessage());
    offered().filter(OpTable.Entry::plain).forEach(r -> assertTrue(e.getMessage().contains(r.name()), r.name()));
    assertThrows(IllegalArgumentException.class, () -> Activation.named("pow"), "pow needs its exponent");
    assertThrows(IllegalArgumentException.class, () -> Activation.named("add"), "add takes two tensors");
  }
}
