package io.github.chainrule.autodiff.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.chainrule.autodiff.Autodiff;
import io.github.chainrule.autodiff.Backward;
import io.github.chainrule.autodiff.GradMode;
import io.github.chainrule.autodiff.Op;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.kernels.Comparison;
import io.github.chainrule.autodiff.testing.RandomTensors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The elementwise ops' memory paths: the out= form ({@link Unit#forwardInto}) and relu's backward
 * without a mask array ({@link Elementwise#masked}). Both must give the bits of the plain paths.
 */
class ElementwiseBuffersTest {

  /** x with the awkward values at fixed places: both zeros, NaN and both infinities. */
  static Tensor awkward(long seed, int... shape) {
    Tensor t = RandomTensors.randn(seed, shape);
    double[] v = t.data();
    double[] specials = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    for (int i = 0; i < v.length; i += 3) {
      v[i] = specials[(i / 3) % specials.length];
    }
    return t;
  }

  static void assertSameBits(Tensor expected, Tensor actual, String what) {
    assertEquals(java.util.Arrays.toString(expected.shapeRef()), java.util.Arrays.toString(actual.shapeRef()), what);
    for (int i = 0; i < expected.size(); i++) {
      if (Double.compare(expected.data()[i], actual.data()[i]) != 0) {
        fail(what + ": element " + i + " is " + actual.data()[i] + ", expected " + expected.data()[i]);
      }
    }
  }

  /**
   * A row repeated down a batch ([N, F] + [F], [N, F] + [1, F], [2, 3, 4] + [3, 4]) goes through
   * one kernel call, with and without a fused activation after it: each element is f(a[i], b[i mod
   * F]) exactly, then relu when fused, awkward values included.
   */
  @Test
  void aRowRepeatedDownABatchIsTheOperationElementByElement() {
    int[][][] shapes = {{{100, 16}, {16}}, {{100, 16}, {1, 16}}, {{2, 3, 4}, {3, 4}}, {{2, 3, 4}, {4}},
        {{5, 3}, {3}}, {{3000, 2}, {2}}, {{0, 4}, {4}}};
    for (io.github.chainrule.autodiff.kernels.Binary f : io.github.chainrule.autodiff.kernels.Binary.values()) {
      for (int[][] s : shapes) {
        Tensor a = awkward(4, s[0]);
        Tensor b = awkward(5, s[1]);
        Tensor plain = Elementwise.map2("rows", f, a, b);
        Tensor fused = Elementwise.map2Then("rows", f, io.github.chainrule.autodiff.kernels.Unary.RELU, a, b);
        String what = f + " of " + java.util.Arrays.toString(s[0]) + " and " + java.util.Arrays.toString(s[1]);
        assertEquals(a.size(), plain.size(), what);
        for (int i = 0; i < a.size(); i++) {
          double v = f.apply(a.data()[i], b.data()[i % b.size()]);
          assertEquals(Double.doubleToLongBits(v), Double.doubleToLongBits(plain.data()[i]), what + " element " + i);
          assertEquals(Double.doubleToLongBits(Math.max(v, 0.0)), Double.doubleToLongBits(fused.data()[i]),
              what + " then relu, element " + i);
        }
      }
    }
  }

  @Test
  void forwardIntoGivesTheAllocatingOpsBitsUnderEveryBroadcast() {
    int[][][] shapes = {{{3, 5}, {3, 5}}, {{3, 5}, {5}}, {{3, 1}, {1, 5}}, {{3, 5}, {}}, {{}, {3, 5}}, {{}, {}}};
    for (Unit op : new Unit[] {Arithmetic.ADD, Arithmetic.SUB, Arithmetic.MUL, Arithmetic.DIV, Arithmetic.MAXIMUM}) {
      for (int[][] s : shapes) {
        Tensor a = awkward(1, s[0]);
        Tensor b = awkward(2, s[1]);
        Tensor expected = op.forward(a, b);
        Tensor out = Tensor.full(123.0, expected.shapeRef()); // stale values must all be overwritten
        assertSame(out, op.forwardInto(out, a, b));
        assertSameBits(expected, out, op.name() + " of " + s[0].length + "-d and " + s[1].length + "-d");
      }
    }
    for (Op1 op : new Op1[] {new Op1(Functions.RELU), new Op1(Functions.EXP), new Op1((Unit) Functions.leakyRelu(0.1)),
        new Op1((Unit) Functions.clamp(-0.5, 0.5))}) {
      Tensor x = awkward(3, 4, 7);
      Tensor out = Tensor.full(-7.0, 4, 7);
      op.unit.forwardInto(out, x);
      assertSameBits(op.unit.forward(x), out, op.unit.label());
    }
  }

  private record Op1(Unit unit) {}

  @Test
  void forwardIntoAnInputOfTheOutputsShapeWorksInPlace() {
    Tensor a = awkward(1, 3, 5);
    Tensor b = awkward(2, 5);
    Tensor expected = a.add(b);
    Arithmetic.ADD.forwardInto(a, a, b);
    assertSameBits(expected, a, "a += b");
    Tensor x = awkward(3, 64);
    Tensor relu = x.relu();
    Functions.RELU.forwardInto(x, x);
    assertSameBits(relu, x, "relu in place");
  }

  @Test
  void forwardIntoRecordsNoGraphSoItRefusesInputsThatNeedOne() {
    Tensor w = Tensor.vector(1, 2, 3).named("w").requiresGrad();
    Tensor out = Tensor.zeros(3).named("buffer");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Arithmetic.ADD.forwardInto(out, w, w));
    assertTrue(e.getMessage().contains("add into buffer") && e.getMessage().contains("w requires a gradient"),
        e.getMessage());
    try (GradMode.Scope s = Tensor.noGrad()) {
      Arithmetic.ADD.forwardInto(out, w, w);
    }
    assertEquals(6.0, out.data()[2], 0.0);
    Tensor needy = Tensor.zeros(3).named("needy").requiresGrad();
    e = assertThrows(IllegalArgumentException.class, () -> Functions.RELU.forwardInto(needy, out));
    assertTrue(e.getMessage().contains("the output requires a gradient"), e.getMessage());
  }

  @Test
  void forwardIntoNamesTheShapesWhenTheOutputDoesNotFit() {
    Tensor a = Tensor.zeros(2, 3).named("a");
    Tensor b = Tensor.zeros(3).named("b");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Arithmetic.MUL.forwardInto(Tensor.zeros(3, 2).named("out"), a, b));
    assertEquals("mul into out: the output has shape [3,2] but mul of a [2,3] and b [3] has shape [2,3]",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Arithmetic.ADD.forwardInto(a, a));
    assertTrue(e.getMessage().contains("takes 2 inputs, got 1"), e.getMessage());
  }

  @Test
  void forwardIntoMayWriteOverAViewOfAnInputOfTheSameSize() {
    // Inputs of the output's size walk it in the same order under broadcasting ([1, 3] against
    // [3]), so writing over one of them while reading it is safe.
    Tensor a = Tensor.of(new double[] {1, 2, 3}, 1, 3);
    Tensor b = a.reshape(3); // shares a's array
    Arithmetic.MUL.forwardInto(a, a, b);
    assertSameBits(Tensor.of(new double[] {1, 4, 9}, 1, 3), a, "a = a·a through a view");
  }

  @Test
  void opsWithoutAnOutFormSaySo() {
    Op sum = Tensor.zeros(3).requiresGrad().sum().op();
    Assumptions.assumeTrue(sum instanceof Unit, "sum is not a Unit on this branch");
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> ((Unit) sum).forwardInto(Tensor.scalar(0), Tensor.zeros(3)));
    assertTrue(e.getMessage().startsWith(sum.label() + ": has no out= form"), e.getMessage());
  }

  @Test
  void reluBackwardWithoutARecordedGraphGivesTheBitsOfGradientTimesStep() {
    Tensor x = awkward(5, 1000).requiresGrad();
    Tensor g = awkward(6, 1000);
    Tensor expected = g.mul(Elementwise.mask(Comparison.STEP, x, 0.0));
    Backward.from(x.relu()).seed(g).run();
    assertSameBits(expected, x.grad(), "relu backward");
    Tensor xl = awkward(5, 1000).requiresGrad();
    Comparison leak = new Comparison(0.1, 0.1, 1.0);
    Backward.from(xl.leakyRelu(0.1)).seed(g).run();
    assertSameBits(g.mul(Elementwise.mask(leak, xl, 0.0)), xl.grad(), "leakyRelu backward");
  }

  @Test
  void reluGradientStaysDifferentiableWhenTheGraphIsRecorded() {
    // f = Σ relu(x)·x: df/dx = step·x + relu(x) = 2·relu(x), and d/dx Σ df/dx = 2·step away from 0.
    // relu's upstream gradient here is x itself, so its backward must be recorded to get the 2.
    Tensor x = Tensor.vector(-1.5, 0.5, 2.0, -0.25, 3.0).requiresGrad();
    Tensor dfdx = Autodiff.grad(x.relu().mul(x).sum(), true, x)[0];
    assertSameBits(x.relu().mul(2.0), dfdx, "first derivative");
    Tensor d2 = Autodiff.grad(dfdx.sum(), false, x)[0];
    assertSameBits(Tensor.vector(0, 2, 2, 0, 2), d2, "second derivative");
  }

  @Test
  void addReluGivesTheBitsOfAddThenReluInValuesAndGradients() {
    // [3000, 7] against [7] walks rows; [5000] against [5000] and against [] walk blocks of the
    // flat array, with a ragged last block.
    int[][][] shapes = {{{3000, 7}, {7}}, {{5000}, {5000}}, {{5000}, {}}, {{}, {}}, {{4, 1}, {1, 3}}};
    for (int[][] s : shapes) {
      Tensor a1 = awkward(1, s[0]).requiresGrad();
      Tensor b1 = awkward(2, s[1]).requiresGrad();
      Tensor a2 = awkward(1, s[0]).requiresGrad();
      Tensor b2 = awkward(2, s[1]).requiresGrad();
      Tensor plain = a1.add(b1).relu();
      Tensor fused = Tensor.apply(Arithmetic.ADD_RELU, a2, b2);
      String what = "addRelu of " + java.util.Arrays.toString(s[0]) + " and " + java.util.Arrays.toString(s[1]);
      assertSameBits(plain, fused, what);
      Tensor seed = awkward(3, plain.shapeRef());
      Backward.from(plain).seed(seed).run();
      Backward.from(fused).seed(seed).run();
      assertSameBits(a1.grad(), a2.grad(), what + ", dL/da");
      assertSameBits(b1.grad(), b2.grad(), what + ", dL/db");
      Tensor out = Tensor.full(5.0, plain.shapeRef());
      try (GradMode.Scope scope = Tensor.noGrad()) {
        Arithmetic.ADD_RELU.forwardInto(out, a2, b2);
      }
      assertSameBits(plain, out, what + " into out");
    }
  }
}
