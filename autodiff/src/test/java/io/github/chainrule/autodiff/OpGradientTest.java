package io.github.chainrule.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every op's gradient agrees with central differences, on random inputs of several shapes,
 * including every broadcasting pattern. Inputs stay away from kinks (|x| ≥ 0.1) and from the edges
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

  static Stream<Arguments> unaryOps() {
    List<Arguments> ops = new ArrayList<>();
    ops.add(Arguments.of("neg", false, (UnaryOperator<Tensor>) Tensor::neg));
    ops.add(Arguments.of("square", false, (UnaryOperator<Tensor>) Tensor::square));
    ops.add(Arguments.of("pow(3)", false, (UnaryOperator<Tensor>) x -> x.pow(3)));
    ops.add(Arguments.of("pow(-1.5)", true, (UnaryOperator<Tensor>) x -> x.pow(-1.5)));
    ops.add(Arguments.of("pow(0)", false, (UnaryOperator<Tensor>) x -> x.pow(0)));
    ops.add(Arguments.of("sqrt", true, (UnaryOperator<Tensor>) Tensor::sqrt));
    ops.add(Arguments.of("exp", false, (UnaryOperator<Tensor>) Tensor::exp));
    ops.add(Arguments.of("log", true, (UnaryOperator<Tensor>) Tensor::log));
    ops.add(Arguments.of("abs", false, (UnaryOperator<Tensor>) Tensor::abs));
    ops.add(Arguments.of("relu", false, (UnaryOperator<Tensor>) Tensor::relu));
    ops.add(Arguments.of("leakyRelu", false, (UnaryOperator<Tensor>) x -> x.leakyRelu(0.1)));
    ops.add(Arguments.of("sigmoid", false, (UnaryOperator<Tensor>) Tensor::sigmoid));
    ops.add(Arguments.of("tanh", false, (UnaryOperator<Tensor>) Tensor::tanh));
    ops.add(Arguments.of("sin", false, (UnaryOperator<Tensor>) Tensor::sin));
    ops.add(Arguments.of("cos", false, (UnaryOperator<Tensor>) Tensor::cos));
    ops.add(Arguments.of("softplus", false, (UnaryOperator<Tensor>) Tensor::softplus));
    ops.add(Arguments.of("clamp", false, (UnaryOperator<Tensor>) x -> x.clamp(-0.95, 0.97)));
    ops.add(Arguments.of("sum", false, (UnaryOperator<Tensor>) Tensor::sum));
    ops.add(Arguments.of("mean", false, (UnaryOperator<Tensor>) Tensor::mean));
    ops.add(Arguments.of("transpose", false, (UnaryOperator<Tensor>) Tensor::transpose));
    ops.add(Arguments.of("reshape(-1)", false, (UnaryOperator<Tensor>) x -> x.reshape(-1)));
    return ops.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unaryOps")
  void unaryOpGradientsMatchFiniteDifferences(String name, boolean positive, UnaryOperator<Tensor> op) {
    for (int[] shape : SHAPES) {
      Tensor x = random(name.hashCode() + shape.length, positive, shape);
      // Multiply by fixed weights so every output element's gradient matters differently.
      assertGradientsMatch(name + " on " + Shape.format(shape), xs -> op.apply(xs[0]), x);
    }
  }

  static Stream<Arguments> binaryOps() {
    return Stream.of(
        Arguments.of("add", (BinaryOperator<Tensor>) Tensor::add),
        Arguments.of("sub", (BinaryOperator<Tensor>) Tensor::sub),
        Arguments.of("mul", (BinaryOperator<Tensor>) Tensor::mul),
        Arguments.of("div", (BinaryOperator<Tensor>) Tensor::div),
        Arguments.of("maximum", (BinaryOperator<Tensor>) Tensor::maximum),
        Arguments.of("minimum", (BinaryOperator<Tensor>) Tensor::minimum));
  }

  /** Pairs of shapes NumPy broadcasts: equal, scalar either side, row, column, rank-extending, both ways. */
  private static final int[][][] BROADCAST_PAIRS = {
    {{3, 4}, {3, 4}}, {{3, 4}, {}}, {{}, {3, 4}}, {{3, 4}, {4}}, {{3, 1}, {1, 4}},
    {{3, 4}, {3, 1}}, {{2, 3, 4}, {3, 4}}, {{2, 1, 4}, {3, 1}}, {{1}, {5}}, {{5}, {5}},
  };

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaryOps")
  void binaryOpGradientsMatchFiniteDifferencesUnderBroadcasting(String name, BinaryOperator<Tensor> op) {
    for (int[][] pair : BROADCAST_PAIRS) {
      Tensor a = random(1 + name.hashCode(), name.equals("div"), pair[0]).named("a");
      Tensor b = random(2 + name.hashCode(), name.equals("div"), pair[1]).named("b");
      assertGradientsMatch(name + " " + Shape.format(pair[0]) + " with " + Shape.format(pair[1]),
          xs -> op.apply(xs[0], xs[1]), a, b);
    }
  }

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
