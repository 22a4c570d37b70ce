package io.github.chainrule.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.autodiff.ops.OpTable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every op's gradient agrees with central differences, on random inputs of several shapes,
 * including every broadcasting pattern; every op of the {@link OpTable} is checked without being
 * named here. Inputs stay away from kinks (|x| ≥ 0.1) and from the edges
 * of each function's domain, so every element must PASS.
 */
class OpGradientTest {
  private static final int[][] SHAPES = {{}, {1}, {5}, {3, 4}, {2, 3, 4}};

  /** Values in ±[0.1, 1.5], or [0.2, 2] when {@code positive}: away from 0, where relu/abs kink. */
  static Tensor random(long seed, boolean positive, int... shape) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] v = new double[Shape.numel(shape)];
    for (int i = 0; i < v.length; i++) {
      double m = positive ? 0.2 + 1.8 * rng.nextDouble() : 0.1 + 1.4 * rng.nextDouble();
      v[i] = positive || rng.nextBoolean() ? m : -m;
    }
    return Tensor.of(v, shape).named("x").requiresGrad();
  }

  static void assertGradientsMatch(String what, Autodiff.Fn f, Tensor... inputs) {
    GradCheck.Result r = GradCheck.check(f, inputs);
    assertTrue(r.passed() && r.kinks().isEmpty(), what + "\n" + r);
  }

  /** Every op of the table with every parameter list it gives as an example: a new row is tested here. */
  static Stream<Arguments> tableOps() {
    List<Arguments> ops = new ArrayList<>();
    for (OpTable.Entry e : OpTable.entries()) {
      for (double[] params : e.examples()) {
        ops.add(Arguments.of(e.op(params).label(), e, params));
      }
    }
    return ops.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tableOps")
  void everyOpOfTheTableHasGradientsThatMatchFiniteDifferences(String label, OpTable.Entry op, double[] params) {
    boolean positive = op.domain() == OpTable.Domain.POSITIVE;
    if (op.arity() == 1) {
      for (int[] shape : SHAPES) {
        Tensor x = random(label.hashCode() + shape.length, positive, shape);
        assertGradientsMatch(label + " on " + Shape.format(shape), xs -> op.apply(xs, params), x);
      }
      return;
    }
    for (int[][] pair : BROADCAST_PAIRS) {
      Tensor a = random(1 + label.hashCode(), positive, pair[0]).named("a");
      Tensor b = random(2 + label.hashCode(), positive, pair[1]).named("b");
      assertGradientsMatch(label + " " + Shape.format(pair[0]) + " with " + Shape.format(pair[1]),
          xs -> op.apply(xs, params), a, b);
    }
  }

  /**
   * The scalar rules that graphs of scalars run on give the tensor rules' bits: on random values, on
   * the kinks' own points, and on signed zeros, infinities and NaN.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("tableOps")
  void everyOpOfTheTableGivesTheSameBitsOnScalarsAsOnTensors(String label, OpTable.Entry entry, double[] params) {
    Op op = entry.op(params);
    assertTrue(op.hasScalarRules(), label + " has no scalar rules");
    SplittableRandom rng = new SplittableRandom(label.hashCode());
    double[] special = {0.0, -0.0, 1.0, -1.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN};
    for (int trial = 0; trial < 200; trial++) {
      double[] v = new double[entry.arity()];
      for (int i = 0; i < v.length; i++) {
        v[i] = trial < special.length * special.length
            ? special[(i == 0 ? trial : trial / special.length) % special.length] : rng.nextDouble(-3, 3);
      }
      Tensor[] in = new Tensor[v.length];
      for (int i = 0; i < v.length; i++) {
        in[i] = Tensor.scalar(v[i]).requiresGrad();
      }
      double a = v[0];
      double b = v.length > 1 ? v[1] : 0.0;
      Tensor y = op.forward(in);
      String at = label + " at " + java.util.Arrays.toString(v);
      double scalarY = op.scalarForward(a, b);
      assertEquals(bits(y.item()), bits(scalarY), at + ": forward gives " + y.item() + ", scalarForward " + scalarY);
      double g = rng.nextDouble(-2, 2);
      Tensor[] grads = op.backward(in, y, Tensor.scalar(g));
      for (int i = 0; i < v.length; i++) {
        double scalarGrad = op.scalarVjp(i, a, b, y.item(), g);
        assertEquals(bits(grads[i].item()), bits(scalarGrad),
            at + ", input " + i + ": backward gives " + grads[i].item() + ", scalarVjp " + scalarGrad);
      }
    }
  }

  private static long bits(double v) {
    return Double.doubleToLongBits(v); // NaN payloads aside
  }

  /** Ops outside the table (reductions and shaping), on every shape. */
  static Stream<Arguments> unaryOps() {
    List<Arguments> ops = new ArrayList<>();
    ops.add(Arguments.of("sum", (UnaryOperator<Tensor>) Tensor::sum));
    ops.add(Arguments.of("mean", (UnaryOperator<Tensor>) Tensor::mean));
    ops.add(Arguments.of("transpose", (UnaryOperator<Tensor>) Tensor::transpose));
    ops.add(Arguments.of("reshape(-1)", (UnaryOperator<Tensor>) x -> x.reshape(-1)));
    return ops.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unaryOps")
  void unaryOpGradientsMatchFiniteDifferences(String name, UnaryOperator<Tensor> op) {
    for (int[] shape : SHAPES) {
      Tensor x = random(name.hashCode() + shape.length, false, shape);
      assertGradientsMatch(name + " on " + Shape.format(shape), xs -> op.apply(xs[0]), x);
    }
  }

  /** Pairs of shapes NumPy broadcasts: equal, scalar either side, row, column, rank-extending, both ways. */
  private static final int[][][] BROADCAST_PAIRS = {
    {{3, 4}, {3, 4}}, {{3, 4}, {}}, {{}, {3, 4}}, {{3, 4}, {4}}, {{3, 1}, {1, 4}},
    {{3, 4}, {3, 1}}, {{2, 3, 4}, {3, 4}}, {{2, 1, 4}, {3, 1}}, {{1}, {5}}, {{5}, {5}},
  };

  @ParameterizedTest(name = "{0}")
  @MethodSource("matmulShapes")
  void matmulGradientsMatchFiniteDifferences(String name, int[] sa, int[] sb) {
    Tensor a = random(11, false, sa).named("A");
    Tensor b = random(12, false, sb).named("B");
    assertGradientsMatch("matmul " + name, xs -> xs[0].matmul(xs[1]), a, b);
  }

  static Stream<Arguments> matmulShapes() {
    return Stream.of(
        Arguments.of("1-D·1-D", new int[] {4}, new int[] {4}),
        Arguments.of("2-D·1-D", new int[] {3, 4}, new int[] {4}),
        Arguments.of("1-D·2-D", new int[] {3}, new int[] {3, 5}),
        Arguments.of("2-D·2-D", new int[] {3, 4}, new int[] {4, 2}),
        Arguments.of("3-D·3-D", new int[] {2, 3, 4}, new int[] {2, 4, 5}),
        Arguments.of("3-D·2-D", new int[] {2, 3, 4}, new int[] {4, 5}),
        Arguments.of("2-D·3-D", new int[] {3, 4}, new int[] {2, 4, 5}),
        Arguments.of("3-D·1-D", new int[] {2, 3, 4}, new int[] {4}),
        Arguments.of("1-D·3-D", new int[] {3}, new int[] {2, 3, 5}));
  }

  @ParameterizedTest(name = "axis {0}")
  @MethodSource("axes")
  void reductionGradientsMatchFiniteDifferencesOnEveryAxis(int axis) {
    Tensor x = random(21 + axis, false, 2, 3, 4);
    assertGradientsMatch("sum", xs -> xs[0].sum(axis), x);
    assertGradientsMatch("sum keepDims", xs -> xs[0].sum(axis, true), x);
    assertGradientsMatch("mean", xs -> xs[0].mean(axis), x);
    assertGradientsMatch("mean keepDims", xs -> xs[0].mean(axis, true), x);
    assertGradientsMatch("max", xs -> xs[0].max(axis), x);
    assertGradientsMatch("max keepDims", xs -> xs[0].max(axis, true), x);
    assertGradientsMatch("softmax", xs -> xs[0].softmax(axis), x);
    assertGradientsMatch("logSoftmax", xs -> xs[0].logSoftmax(axis), x);
    assertGradientsMatch("slice", xs -> xs[0].slice(axis, 1, 2), x);
    assertGradientsMatch("index", xs -> xs[0].index(axis, 1, 0, 1), x);
    assertGradientsMatch("transpose", xs -> xs[0].transpose(axis, 2), x);
    assertGradientsMatch("concat", xs -> Tensor.concat(axis, xs[0], xs[0].square()), x);
  }

  static Stream<Integer> axes() {
    return Stream.of(0, 1, 2, -1);
  }

  @ParameterizedTest(name = "axis {0}")
  @MethodSource("axes")
  void gatherPicksOneElementPerPositionAndScattersItsGradientBack(int axis) {
    Tensor x = random(31, false, 2, 3, 4);
    int a = axis < 0 ? axis + 3 : axis;
    int positions = x.size() / x.shapeRef()[a];
    int[] idx = new int[positions];
    for (int i = 0; i < positions; i++) {
      idx[i] = (i * 7) % x.shapeRef()[a];
    }
    assertGradientsMatch("gather", xs -> xs[0].gather(axis, idx), x);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapePairs")
  void expandAndSumToAreEachOthersGradient(String name, int[] small, int[] big) {
    assertGradientsMatch("expand", xs -> xs[0].expand(big), random(41, false, small));
    assertGradientsMatch("sumTo", xs -> xs[0].sumTo(small), random(42, false, big));
  }

  static Stream<Arguments> shapePairs() {
    return Stream.of(
        Arguments.of("[]→[3,4]", new int[] {}, new int[] {3, 4}),
        Arguments.of("[4]→[3,4]", new int[] {4}, new int[] {3, 4}),
        Arguments.of("[3,1]→[3,4]", new int[] {3, 1}, new int[] {3, 4}),
        Arguments.of("[2,1,4]→[2,3,4]", new int[] {2, 1, 4}, new int[] {2, 3, 4}),
        Arguments.of("[1,3,1]→[2,3,4]", new int[] {1, 3, 1}, new int[] {2, 3, 4}));
  }
}
