package io.github.chainrule.autodiff.expr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.ops.OpTable;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a parsed expression builds: the same Tensor graph as the Java API, node for node, with the
 * same values and the same gradients (exactly: the same ops run in the same order).
 */
class ExpressionGraphTest {

  /** A fresh set of parameters each call, so the expression's graph and the Java one never share gradients. */
  static Map<String, Tensor> twoUnitParams() {
    return Map.of(
        "w1", Tensor.scalar(0.8).requiresGrad(), "b1", Tensor.scalar(-1.3).requiresGrad(),
        "v1", Tensor.scalar(1.5).requiresGrad(), "w2", Tensor.scalar(-0.6).requiresGrad(),
        "b2", Tensor.scalar(0.4).requiresGrad(), "v2", Tensor.scalar(-2.0).requiresGrad(),
        "c", Tensor.scalar(0.25).requiresGrad());
  }

  static final double[] XS = {-2.0, -0.5, 0.3, 1.1, 2.7};

  @Test
  void theIssueExampleBuildsTheJavaGraphWithItsValuesAndGradients() {
    Map<String, Tensor> p = twoUnitParams();
    Map<String, Tensor> bindings = new java.util.HashMap<>(p);
    bindings.put("x", Tensor.vector(XS));  // a CSV column bound as a vector
    Tensor out = Expression.parse("relu(w1*x + b1)*v1 + relu(w2*x + b2)*v2 + c").build(bindings);
    out.sum().backward();

    Map<String, Tensor> q = twoUnitParams();
    Tensor x = Tensor.vector(XS);
    Tensor java = q.get("w1").mul(x).add(q.get("b1")).relu().mul(q.get("v1"))
        .add(q.get("w2").mul(x).add(q.get("b2")).relu().mul(q.get("v2")))
        .add(q.get("c"));
    java.sum().backward();

    assertArrayEquals(java.toArray(), out.toArray(), 0.0);
    for (String name : List.of("w1", "b1", "v1", "w2", "b2", "v2", "c")) {
      assertEquals(q.get(name).grad().item(), p.get(name).grad().item(), 0.0, name);
    }
    // And the numbers themselves, from the formula in plain doubles: dL/dc is one per row.
    assertEquals(XS.length, p.get("c").grad().item(), 0.0);
    double dv1 = 0;
    for (double xi : XS) {
      dv1 += Math.max(0, 0.8 * xi - 1.3);
    }
    assertEquals(dv1, p.get("v1").grad().item(), 1e-15);
  }

  @Test
  void everySubExpressionIsOneNodeNamedByItsSourceText() {
    Map<String, Tensor> bindings = new java.util.HashMap<>(twoUnitParams());
    bindings.put("x", Tensor.scalar(1.0));
    Tensor out = Expression.parse("relu(w1*x + b1)*v1 + relu(w2*x + b2)*v2 + c").build(bindings);
    List<String> names = new ArrayList<>();
    for (Tensor t : nodes(out)) {
      names.add(t.name());
    }
    Collections.sort(names);
    List<String> expected = new ArrayList<>(List.of(
        "relu(w1*x + b1)*v1 + relu(w2*x + b2)*v2 + c", "relu(w1*x + b1)*v1 + relu(w2*x + b2)*v2",
        "relu(w1*x + b1)*v1", "relu(w1*x + b1)", "w1*x + b1", "w1*x",
        "relu(w2*x + b2)*v2", "relu(w2*x + b2)", "w2*x + b2", "w2*x",
        "w1", "x", "b1", "v1", "w2", "b2", "v2", "c"));
    Collections.sort(expected);
    assertEquals(expected, names);
  }

  @Test
  void nodeNamesAreTheTextAsTypedWithoutTheParenthesesAroundIt() {
    Tensor a = Tensor.scalar(2).requiresGrad();
    Tensor out = Expression.parse("((a  +  1e-4))*2.").build(Map.of("a", a));
    assertEquals("((a  +  1e-4))*2.", out.name());
    assertEquals("a  +  1e-4", out.inputs().get(0).name());
    assertEquals("2.", out.inputs().get(1).name());
    assertEquals("1e-4", out.inputs().get(0).inputs().get(1).name());
    assertEquals((2 + 1e-4) * 2, out.item(), 0.0);
  }

  @Test
  void boundTensorsAreTheLeavesSoGradientsLandOnThemAndRepeatsAccumulate() {
    Tensor a = Tensor.scalar(3).requiresGrad();
    Tensor out = Expression.parse("a*a + a").build(Map.of("a", a));
    assertSame(a, out.inputs().get(1));
    out.backward();
    assertEquals(2 * 3 + 1, a.grad().item(), 0.0);
    assertEquals("a", a.name());
  }

  @Test
  void aBoundTensorThatAlreadyHasANameKeepsIt() {
    Tensor w = Tensor.scalar(3).named("hidden.weight").requiresGrad();
    Tensor out = Expression.parse("2*w").build(Map.of("w", w));
    assertSame(w, out.inputs().get(1));
    assertEquals("hidden.weight", w.name());
  }

  @Test
  void bindingsForOtherNamesAreIgnored() {
    Tensor out = Expression.parse("x + 1").build(Map.of("x", Tensor.scalar(1), "unused", Tensor.scalar(9)));
    assertEquals(2.0, out.item());
  }

  @Test
  void shapesBroadcastAsInTheTensorApi() {
    Tensor column = Tensor.vector(1, 2, 3);
    Tensor matrix = Tensor.of(new double[][] {{1, 1, 1}, {10, 10, 10}});
    Tensor out = Expression.parse("m*x + b").build(Map.of("m", matrix, "x", column, "b", Tensor.scalar(0.5)));
    assertArrayEquals(new int[] {2, 3}, out.shape());
    assertArrayEquals(new double[] {1.5, 2.5, 3.5, 10.5, 20.5, 30.5}, out.toArray(), 0.0);
  }

  @Test
  void powersUseTheConstantExponentAndUnaryMinusIsNeg() {
    Tensor x = Tensor.scalar(1.7).requiresGrad();
    Tensor out = Expression.parse("-x^3 + x^-0.5 + x^(1/2) + 2^3^2").build(Map.of("x", x));
    out.backward();
    double v = 1.7;
    assertEquals(-Math.pow(v, 3) + Math.pow(v, -0.5) + Math.pow(v, 0.5) + 512, out.item(), 1e-12);
    assertEquals(-3 * v * v - 0.5 * Math.pow(v, -1.5) + 0.5 * Math.pow(v, -0.5), x.grad().item(), 1e-12);
    assertEquals("neg", out.inputs().get(0).inputs().get(0).inputs().get(0).op().name());
  }

  /**
   * The Tensor method the builtin stands for: the op table's op name (maximum for max, sum for sum
   * along an axis), called with the tensors and then the integer parameters. An op needs no such
   * method (a new one is a row of the table and nothing else); without one, the Java call is
   * {@code Tensor.apply} of the row's op.
   */
  static Tensor javaCall(Builtin f, int[] ints, Tensor... args) throws ReflectiveOperationException {
    OpTable.Entry row = OpTable.entries().stream()
        .filter(e -> f.text().equals(e.function()) && e.ints().size() == ints.length).findFirst().orElseThrow();
    Class<?>[] types = new Class<?>[args.length - 1 + ints.length];
    Object[] values = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      boolean tensor = i < args.length - 1;
      types[i] = tensor ? Tensor.class : int.class;
      values[i] = tensor ? args[i + 1] : ints[i - (args.length - 1)];
    }
    Method method;
    try {
      method = Tensor.class.getMethod(row.name(), types);
    } catch (NoSuchMethodException none) {
      return Tensor.apply(row.op(args, new double[0], ints), args);
    }
    return (Tensor) method.invoke(args[0], values);
  }

  static List<Builtin> builtins() {
    return Builtin.values();
  }

  @ParameterizedTest
  @MethodSource("builtins")
  void everyFunctionBuildsTheSameOpWithTheSameValuesAndGradients(Builtin f) throws ReflectiveOperationException {
    // Positive values away from every kink, so the gradient is unambiguous; y differs from x everywhere.
    // Square matrices, not symmetric, so transpose builds and changes the values.
    double[] xs = {0.3, 1.2, 2.5, 0.8};
    double[] ys = {0.9, 0.7, 3.1, 1.6};
    Tensor x = Tensor.of(xs, 2, 2).requiresGrad();
    Tensor y = Tensor.of(ys, 2, 2).requiresGrad();
    Tensor x2 = Tensor.of(xs, 2, 2).requiresGrad();
    Tensor y2 = Tensor.of(ys, 2, 2).requiresGrad();
    Tensor parsed;
    Tensor java;
    // Integer parameters 0, 1, ...: axis 0 for a reduction, axes 0 and 1 for a transpose.
    int[] ints = new int[f.ints().size()];
    StringBuilder written = new StringBuilder();
    for (int i = 0; i < ints.length; i++) {
      ints[i] = i;
      written.append(", ").append(i);
    }
    if (f.tensors() == 1) {
      parsed = Expression.parse(f.text() + "(x" + written + ")*y").build(Map.of("x", x, "y", y));
      java = javaCall(f, ints, x2).mul(y2);
    } else {
      parsed = Expression.parse(f.text() + "(x, y" + written + ")*y").build(Map.of("x", x, "y", y));
      java = javaCall(f, ints, x2, y2).mul(y2);
    }
    assertEquals(java.inputs().get(0).op().name(), parsed.inputs().get(0).op().name());
    parsed.sum().backward();
    java.sum().backward();
    assertArrayEquals(java.toArray(), parsed.toArray(), 0.0);
    assertArrayEquals(x2.grad().toArray(), x.grad().toArray(), 0.0);
    assertArrayEquals(y2.grad().toArray(), y.grad().toArray(), 0.0);
  }

  @Test
  void reductionsAlongAnAxisBuildTheJavaGraphWithNegativeAxesCountingFromTheEnd() {
    double[] w = {1, 2, 3, 4, 5, 6};
    Tensor parsedW = Tensor.of(w, 2, 3).requiresGrad();
    Tensor parsed = Expression.parse("sum(W, 0)*(mean(W, -1) @ W) + sum(transpose(W, 0, -1), -1)")
        .build(Map.of("W", parsedW));
    Tensor javaW = Tensor.of(w, 2, 3).requiresGrad();
    Tensor java = javaW.sum(0).mul(javaW.mean(1).matmul(javaW)).add(javaW.transpose(0, 1).sum(1));
    assertArrayEquals(new int[] {3}, parsed.shape());
    Tensor product = parsed.inputs().get(0);
    assertEquals("sum(axis=0)", product.inputs().get(0).op().label());
    assertEquals("mean(axis=1)", product.inputs().get(1).inputs().get(0).op().label());
    assertEquals("transpose(0, 1)", parsed.inputs().get(1).inputs().get(0).op().label());
    parsed.sum().backward();
    java.sum().backward();
    assertArrayEquals(java.toArray(), parsed.toArray(), 0.0);
    assertArrayEquals(javaW.grad().toArray(), parsedW.grad().toArray(), 0.0);
  }

  @Test
  void anAxisOutOfRangeIsRefusedByTheOpNamingTheSubExpressionTheAxisAndTheShape() {
    Tensor x = Tensor.of(new double[6], 2, 3).named("x");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Expression.parse("1 + sum(x, 2)").build(Map.of("x", x)));
    assertEquals("in 'sum(x, 2)': sum: axis 2 is out of range for shape [2,3] (x)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Expression.parse("mean(x*2, -3)").build(Map.of("x", x)));
    assertEquals("in 'mean(x*2, -3)': mean: axis -3 is out of range for shape [2,3] (x*2)", e.getMessage());
  }

  @Test
  void matrixProductTransposeAndReductionsBuildTheJavaGraph() {
    double[] w = {1, 2, 3, 4, 5, 6};
    Tensor parsedW = Tensor.of(w, 2, 3).requiresGrad();
    Tensor parsedX = Tensor.vector(0.5, -1, 2).requiresGrad();
    Tensor parsedB = Tensor.vector(0.25, -0.5).requiresGrad();
    Tensor parsed = Expression.parse("mean(transpose(W) @ (W @ x + b)) + sum(W)")
        .build(Map.of("W", parsedW, "x", parsedX, "b", parsedB));
    Tensor javaW = Tensor.of(w, 2, 3).requiresGrad();
    Tensor javaX = Tensor.vector(0.5, -1, 2).requiresGrad();
    Tensor javaB = Tensor.vector(0.25, -0.5).requiresGrad();
    Tensor java = javaW.transpose().matmul(javaW.matmul(javaX).add(javaB)).mean().add(javaW.sum());
    parsed.backward();
    java.backward();
    // W @ x + b = [4.5, 9] + b = [4.75, 8.5]; Wᵀ @ that = [38.75, 52, 65.25], mean 52; sum(W) = 21.
    assertEquals(73.0, parsed.item(), 0.0);
    assertEquals(java.item(), parsed.item(), 0.0);
    assertArrayEquals(javaW.grad().toArray(), parsedW.grad().toArray(), 0.0);
    assertArrayEquals(javaX.grad().toArray(), parsedX.grad().toArray(), 0.0);
    assertArrayEquals(javaB.grad().toArray(), parsedB.grad().toArray(), 0.0);
    Map<String, String> opByName = new java.util.TreeMap<>();
    nodes(parsed).stream().filter(t -> t.name() != null)
        .forEach(t -> opByName.put(t.name(), t.op() == null ? "leaf" : t.op().name()));
    assertEquals("matmul", opByName.get("transpose(W) @ (W @ x + b)"));
    assertEquals("matmul", opByName.get("W @ x"));
    assertEquals("transpose", opByName.get("transpose(W)"));
    assertEquals("sum", opByName.get("sum(W)"));
  }

  @Test
  void aMatrixProductThatDoesNotAlignNamesTheOpTheShapesAndTheNodes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Expression.parse("sum(W @ x)").build(Map.of("W", Tensor.zeros(2, 3), "x", Tensor.zeros(2))));
    assertEquals("in 'W @ x': matmul: shapes [2,3] and [2] do not align (W · x): 3 columns against 2 rows",
        e.getMessage());
  }

  @Test
  void transposeRefusesAVectorAndSaysWhyNoneIsNeeded() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Expression.parse("transpose(x) @ x").build(Map.of("x", Tensor.vector(1, 2))));
    assertEquals("in 'transpose(x)': transpose: shape [2] (x) has one axis; transpose swaps the last two axes of"
        + " a matrix, and '@' already reads a vector as a row on its left and as a column on its right", e.getMessage());
  }

  @Test
  void maxAndMinAreElementwise() {
    Tensor out = Expression.parse("max(a, b) - min(a, b)").build(
        Map.of("a", Tensor.vector(1, 5, -2), "b", Tensor.vector(4, 2, -3)));
    assertArrayEquals(new double[] {3, 3, 1}, out.toArray(), 0.0);
  }

  @Test
  void evaluateComputesAScalarWithoutRecordingAGraph() {
    Expression e = Expression.parse("sigmoid(a*x + b)");
    double value = e.evaluate(Map.of("a", 2, "x", 0.5, "b", -0.25));
    assertEquals(1 / (1 + Math.exp(-0.75)), value, 1e-16);
  }

  @Test
  void constantsNeedNoBindingsAndRecordNoGraph() {
    Tensor out = Expression.parse("2*3 + sqrt(16)").build(Map.of());
    assertEquals(10.0, out.item());
    assertTrue(out.isLeaf());
    assertNull(out.op());
  }

  @Test
  void anUnboundVariableIsNamedWithTheBoundOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Expression.parse("w*x + b").build(Map.of("x", Tensor.scalar(1), "w", Tensor.scalar(2))));
    assertEquals("Expression.build: variable 'b' is not bound in 'w*x + b'; bound: 'w', 'x'", e.getMessage());
  }

  @Test
  void severalUnboundVariablesAreAllNamedInOrderOfAppearance() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Expression.parse("w*x + b").build(Map.of()));
    assertEquals("Expression.build: variables 'w', 'x', 'b' are not bound in 'w*x + b'; bound: nothing",
        e.getMessage());
  }

  @Test
  void aShapeMismatchNamesTheSubExpressionAndTheShapes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Expression.parse("relu(a*(b + c))").build(
            Map.of("a", Tensor.vector(1, 2), "b", Tensor.vector(1, 2, 3), "c", Tensor.scalar(1))));
    assertTrue(e.getMessage().startsWith("in 'a*(b + c)': mul: shapes [2] and [3]"), e.getMessage());
    assertTrue(e.getMessage().contains("(a, b + c)"), e.getMessage());
  }

  @Test
  void theDeepestTreeAllowedBuildsAndBackPropagates() {
    String text = "a" + "*a".repeat(Expression.MAX_DEPTH - 1);  // a^1000 as a chain of products
    Tensor a = Tensor.scalar(1.0005).requiresGrad();
    Tensor out = Expression.parse(text).build(Map.of("a", a));
    out.backward();
    assertEquals(Math.pow(1.0005, 1000), out.item(), 1e-12);
    assertEquals(1000 * Math.pow(1.0005, 999), a.grad().item(), 1e-9);
    assertEquals(Expression.MAX_DEPTH, nodes(out).size());  // 999 products and the one leaf
  }

  /** Every node reachable from out, each once. */
  static Set<Tensor> nodes(Tensor out) {
    Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Tensor> todo = new ArrayDeque<>(List.of(out));
    while (!todo.isEmpty()) {
      Tensor t = todo.pop();
      if (seen.add(t)) {
        todo.addAll(t.inputs());
      }
    }
    return seen;
  }
}
