package io.github.chainrule.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad input gets an exception whose message names the op, the shapes and the nodes involved. */
class ErrorMessageTest {
  private final Tensor w1 = Tensor.zeros(2, 3).named("W1");
  private final Tensor x = Tensor.zeros(2, 3).named("x");

  private static String message(Class<? extends RuntimeException> type, Executable e) {
    return assertThrows(type, e).getMessage();
  }

  private static void assertMentions(String message, String... parts) {
    for (String p : parts) {
      assertTrue(message.contains(p), "expected \"" + p + "\" in: " + message);
    }
  }

  @Test
  void matmulNamesShapesAndNodes() {
    String m = message(IllegalArgumentException.class, () -> w1.matmul(x));
    assertTrue(m.startsWith("matmul: shapes [2,3] and [2,3] do not align (W1 · x)"), m);
    assertMentions(m, "3 columns against 2 rows");
  }

  @Test
  void matmulOfAScalarAndOfMismatchedBatches() {
    assertMentions(message(IllegalArgumentException.class, () -> Tensor.scalar(1).named("s").matmul(x)),
        "matmul", "[]", "[2,3]", "s", "x");
    Tensor a = Tensor.zeros(2, 3, 4).named("a");
    Tensor b = Tensor.zeros(3, 4, 5).named("b");
    assertMentions(message(IllegalArgumentException.class, () -> a.matmul(b)),
        "matmul", "[2,3,4]", "[3,4,5]", "a · b", "batch sizes differ");
  }

  @Test
  void broadcastingRefusesWhatNumPyRefuses() {
    Tensor a = Tensor.zeros(3, 4).named("a");
    Tensor b = Tensor.zeros(3).named("b");
    assertMentions(message(IllegalArgumentException.class, () -> a.add(b)),
        "add: shapes [3,4] and [3] cannot be broadcast together (a, b)", "axis 1 has sizes 4 and 3");
    assertMentions(message(IllegalArgumentException.class, () -> a.mul(Tensor.zeros(2, 4).named("c"))),
        "mul", "[3,4]", "[2,4]", "a, c");
  }

  @Test
  void backwardOnANonScalarWithoutSeed() {
    Tensor w = Tensor.zeros(2, 3).named("w").requiresGrad();
    Tensor y = w.exp().named("y");
    assertMentions(message(IllegalStateException.class, y::backward),
        "backward: y has shape [2,3]", "backward(seed)");
    assertMentions(message(IllegalArgumentException.class, () -> y.backward(Tensor.zeros(3))),
        "backward: seed shape [3] does not match output shape [2,3] (y)");
  }

  @Test
  void backwardWhenNothingRequiresAGradient() {
    Tensor y = x.sum().named("total");
    assertMentions(message(IllegalStateException.class, y::backward),
        "backward: total does not require a gradient");
  }

  @Test
  void gradientOfATensorThatNeverRequiredOne() {
    assertMentions(message(IllegalStateException.class, x::grad),
        "grad: x does not require a gradient", "requiresGrad()");
    Tensor w = Tensor.zeros(2).named("w").requiresGrad();
    assertMentions(message(IllegalStateException.class, w::grad),
        "the gradient of w has not been computed", "backward()");
    assertMentions(message(IllegalArgumentException.class, () -> Autodiff.grad(w.sum(), false, x)),
        "grad: x does not require a gradient");
  }

  @Test
  void markingAnIntermediateAsRequiringGrad() {
    Tensor w = Tensor.zeros(2).named("w").requiresGrad();
    Tensor h = w.exp().named("h");
    assertMentions(message(IllegalStateException.class, h::requiresGrad),
        "requiresGrad: h was computed by exp", "detach()");
  }

  @Test
  void shapeOpsNameTheirInput() {
    assertMentions(message(IllegalArgumentException.class, () -> x.reshape(4, 2)),
        "reshape: cannot reshape x of shape [2,3] (6 elements) to [4,2]");
    assertMentions(message(IllegalArgumentException.class, () -> x.reshape(-1, -1)),
        "reshape", "only one dimension may be -1");
    assertMentions(message(IllegalArgumentException.class, () -> x.sum(2)),
        "sum: axis 2 is out of range for shape [2,3] (x)");
    assertMentions(message(IllegalArgumentException.class, () -> x.slice(1, 2, 5)),
        "slice: [2, 5) is out of range for axis 1 of x, shape [2,3]");
    assertMentions(message(IllegalArgumentException.class, () -> x.index(0, 0, 2)),
        "index: index 2 at position 1 is out of range [0, 2) for axis 0 of x");
    assertMentions(message(IllegalArgumentException.class, () -> x.gather(1, 0)),
        "gather: 1 indices for x of shape [2,3] along axis 1", "[2]");
    assertMentions(message(IllegalArgumentException.class, () -> x.expand(3, 3)),
        "expand: x of shape [2,3] cannot be broadcast to [3,3]");
    assertMentions(message(IllegalArgumentException.class, () -> Tensor.concat(0, x, Tensor.zeros(2, 2).named("y"))),
        "concat: along axis 0, y of shape [2,2] does not fit x of shape [2,3]");
    assertMentions(message(IllegalArgumentException.class, () -> x.clamp(1, 0)),
        "clamp: lower bound 1.0 is above upper bound 0.0");
  }

  @Test
  void creatingTensorsWithInconsistentData() {
    assertMentions(message(IllegalArgumentException.class, () -> Tensor.of(new double[][] {{1, 2}, {3}})),
        "row 1 has 1 values but row 0 has 2");
    assertMentions(message(IllegalArgumentException.class, () -> Tensor.of(new double[] {1, 2, 3}, 2, 2)),
        "3 values do not fill shape [2,2], which holds 4");
    assertMentions(message(IllegalStateException.class, () -> x.item()),
        "item: x has shape [2,3] with 6 elements");
    assertMentions(message(IllegalArgumentException.class, () -> x.get(2, 0)),
        "get: index 2 is out of range for axis 0 of x, shape [2,3]");
  }

  @Test
  void unnamedNodesAreDescribedByTheirOp() {
    Tensor w = Tensor.zeros(2, 3).requiresGrad();
    Tensor h = w.exp();
    String m = message(IllegalArgumentException.class, () -> h.matmul(Tensor.zeros(2).named("v")));
    assertEquals("matmul: shapes [2,3] and [2] do not align (<exp> · v): 3 columns against 2 rows", m);
  }
}
