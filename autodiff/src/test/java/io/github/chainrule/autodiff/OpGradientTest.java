package io.github.chainrule.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.autodiff.ops.OpTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every op's gradient, and the gradient of its gradient, agrees with central differences: every
 * row of the {@link OpTable} is checked without being named here, elementwise rows on random inputs
 * of every rank and every broadcasting pattern, the others (reductions, shaping, indexing, matmul) on
 * the shapes and parameters their rows give as examples. Inputs stay away from kinks (|x| ≥ 0.1) and from the edges
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

  /** Every row of the table with every example it gives: a new row is tested here. */
  static Stream<Arguments> tableOps() {
    List<Arguments> ops = new ArrayList<>();
    for (OpTable.Entry e : OpTable.entries()) {
      for (OpTable.Example example : e.examples()) {
        ops.add(Arguments.of(describe(e, example), e, example));
      }
    }
    return ops.stream();
  }

  /** Elementwise rows only: the scalar rules are theirs. */
  static Stream<Arguments> elementwiseOps() {
    return tableOps().filter(a -> ((OpTable.Entry) a.get()[1]).elementwise());
  }

  /** "pow(3)", "sum(axis=1) [2, 3, 4]", "concat(axis=0) [2, 3] [1, 3]": the op's label and, for a shaped row, its inputs. */
  private static String describe(OpTable.Entry e, OpTable.Example example) {
    if (e.elementwise()) {
      return e.op(example.reals()).label();
    }
    Tensor[] in = inputs(e, example, false);
    StringBuilder out = new StringBuilder(e.op(in, example.reals(), example.ints()).label());
    for (int[] s : example.shapes()) {
      out.append(' ').append(Shape.format(s));
    }
    return out.toString();
  }

  /**
   * The inputs each example is tried on: its own shapes for a shaped row; for an elementwise row,
   * one input of every rank, or two of every broadcasting pattern.
   */
  private static List<Tensor[]> inputSets(String label, OpTable.Entry e, OpTable.Example example) {
    boolean positive = e.domain() == OpTable.Domain.POSITIVE;
    List<Tensor[]> sets = new ArrayList<>();
    if (!e.elementwise()) {
      sets.add(inputs(e, example, positive));
    } else if (e.arity() == 1) {
      for (int[] shape : SHAPES) {
        sets.add(new Tensor[] {random(label.hashCode() + shape.length, positive, shape)});
      }
    } else {
      for (int[][] pair : BROADCAST_PAIRS) {
        sets.add(new Tensor[] {random(1 + label.hashCode(), positive, pair[0]).named("a"),
            random(2 + label.hashCode(), positive, pair[1]).named("b")});
      }
    }
    return sets;
  }

  private static Tensor[] inputs(OpTable.Entry e, OpTable.Example example, boolean positive) {
    Tensor[] in = new Tensor[example.shapes().length];
    for (int i = 0; i < in.length; i++) {
      in[i] = random(17 * i + e.name().hashCode() + Arrays.deepHashCode(example.shapes()), positive, example.shapes()[i])
          .named(String.valueOf((char) ('a' + i)));
    }
    return in;
  }

  private static String shapes(Tensor[] in) {
    StringBuilder out = new StringBuilder();
    for (Tensor t : in) {
      out.append(out.length() == 0 ? "" : " with ").append(Shape.format(t.shapeRef()));
    }
    return out.toString();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tableOps")
  void everyOpOfTheTableHasGradientsThatMatchFiniteDifferences(String label, OpTable.Entry op, OpTable.Example example) {
    for (Tensor[] in : inputSets(label, op, example)) {
      assertGradientsMatch(label + " on " + shapes(in), xs -> op.apply(xs, example.reals(), example.ints()), in);
    }
  }

  /**
   * The gradient the backward pass records (createGraph) is itself differentiable, and its own
   * gradient matches finite differences: the backward rule is written in ops that have gradients. The
   * output is squared and weighted first, so that even a linear op's gradient depends on its input
   * and the rules of its backward ops (pad for slice, scatter for gather, the transposed products
   * for matmul) are exercised.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("tableOps")
  void everyOpOfTheTableHasSecondDerivativesThatMatchFiniteDifferences(String label, OpTable.Entry op,
      OpTable.Example example) {
    for (Tensor[] in : inputSets(label, op, example)) {
      Tensor probe = op.apply(in, example.reals(), example.ints());
      Tensor w = random(5, false, probe.shape());
      Tensor[] v = new Tensor[in.length];
      for (int i = 0; i < in.length; i++) {
        v[i] = random(6 + i, false, in[i].shape());
      }
      assertGradientsMatch(label + " (second order) on " + shapes(in), xs -> {
        // GradCheck evaluates its probes with grad mode off; the inner gradient needs its graph all the same.
        try (GradMode.Scope scope = GradMode.enabled()) {
          Tensor loss = op.apply(xs, example.reals(), example.ints()).square().mul(w).sum();
          Tensor[] grads = Autodiff.grad(loss, true, xs);
          Tensor total = grads[0].mul(v[0]).sum();
          for (int i = 1; i < grads.length; i++) {
            total = total.add(grads[i].mul(v[i]).sum());
          }
          return total;
        }
      }, in);
    }
  }

  /**
   * The scalar rules that graphs of scalars run on give the tensor rules' bits: on random values, on
   * the kinks' own points, and on signed zeros, infinities and NaN.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("elementwiseOps")
  void everyElementwiseOpOfTheTableGivesTheSameBitsOnScalarsAsOnTensors(String label, OpTable.Entry entry,
      OpTable.Example example) {
    Op op = entry.op(example.reals());
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

  /**
   * mean is one op, but its values and gradients are the bits of the sum divided by the count, which
   * is what it was built from before it had a unit of its own.
   */
  @org.junit.jupiter.api.Test
  void meanGivesTheBitsOfTheSumDividedByTheCountInValueAndGradient() {
    Tensor x = random(51, false, 3, 5, 7);
    for (int axis : new int[] {0, 1, -1}) {
      for (boolean keepDims : new boolean[] {false, true}) {
        int n = x.shapeRef()[axis < 0 ? axis + 3 : axis];
        Tensor w = random(52, false, x.mean(axis, keepDims).shape());
        String at = "axis " + axis + (keepDims ? ", keepDims" : "");
        assertEquals(bitsOf(x.sum(axis, keepDims).div(n)), bitsOf(x.mean(axis, keepDims)), at);
        assertEquals(bitsOf(Autodiff.grad(xs -> xs[0].sum(axis, keepDims).div(n).mul(w).sum(), x)[0]),
            bitsOf(Autodiff.grad(xs -> xs[0].mean(axis, keepDims).mul(w).sum(), x)[0]), at);
      }
    }
    assertEquals(bitsOf(x.sum().div(x.size())), bitsOf(x.mean()));
    assertEquals(bitsOf(Autodiff.grad(xs -> xs[0].sum().div(x.size()).mul(0.3), x)[0]),
        bitsOf(Autodiff.grad(xs -> xs[0].mean().mul(0.3), x)[0]));
  }

  private static List<Long> bitsOf(Tensor t) {
    List<Long> out = new ArrayList<>();
    for (double v : t.toArray()) {
      out.add(Double.doubleToLongBits(v));
    }
    return out;
  }

  /** Pairs of shapes NumPy broadcasts: equal, scalar either side, row, column, rank-extending, both ways. */
  private static final int[][][] BROADCAST_PAIRS = {
    {{3, 4}, {3, 4}}, {{3, 4}, {}}, {{}, {3, 4}}, {{3, 4}, {4}}, {{3, 1}, {1, 4}},
    {{3, 4}, {3, 1}}, {{2, 3, 4}, {3, 4}}, {{2, 1, 4}, {3, 1}}, {{1}, {5}}, {{5}, {5}},
  };
}
