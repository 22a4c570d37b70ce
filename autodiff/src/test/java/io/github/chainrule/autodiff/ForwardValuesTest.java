package io.github.chainrule.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Forward values of ops, including broadcasting layouts and inputs at the edges of float64. */
class ForwardValuesTest {

  @Test
  void broadcastingFollowsNumPy() {
    Tensor col = Tensor.of(new double[] {1, 2, 3}, 3, 1);
    Tensor row = Tensor.vector(10, 20);
    Tensor sum = col.add(row);
    assertArrayEquals(new int[] {3, 2}, sum.shape());
    assertArrayEquals(new double[] {11, 21, 12, 22, 13, 23}, sum.toArray(), 0);
    Tensor batch = Tensor.arange(12).reshape(2, 3, 2);
    Tensor scaled = batch.mul(Tensor.of(new double[] {1, 10, 100}, 3, 1));
    assertArrayEquals(new double[] {0, 1, 20, 30, 400, 500, 6, 7, 80, 90, 1000, 1100}, scaled.toArray(), 0);
    assertArrayEquals(new double[] {-1, -2}, Tensor.scalar(0).sub(Tensor.vector(1, 2)).toArray(), 0);
  }

  @Test
  void matmulShapesFollowNumPy() {
    Tensor a = Tensor.of(new double[][] {{1, 2}, {3, 4}});
    Tensor v = Tensor.vector(1, -1);
    assertArrayEquals(new double[] {-1, -1}, a.matmul(v).toArray(), 0);          // [2,2]·[2] -> [2]
    assertArrayEquals(new double[] {-2, -2}, v.matmul(a).toArray(), 0);          // [2]·[2,2] -> [2]
    assertEquals(2.0, v.matmul(v).item(), 0);                                    // [2]·[2] -> []
    assertArrayEquals(new double[] {7, 10, 15, 22}, a.matmul(a).toArray(), 0);
    Tensor batch = Tensor.of(new double[][][] {{{1, 2}, {3, 4}}, {{0, 1}, {1, 0}}});
    Tensor out = batch.matmul(a);
    assertArrayEquals(new int[] {2, 2, 2}, out.shape());
    assertArrayEquals(new double[] {7, 10, 15, 22, 3, 4, 1, 2}, out.toArray(), 0);
  }

  @Test
  void reductionsAlongEachAxis() {
    Tensor x = Tensor.arange(6).reshape(2, 3);    // [[0,1,2],[3,4,5]]
    assertArrayEquals(new double[] {3, 5, 7}, x.sum(0).toArray(), 0);
    assertArrayEquals(new double[] {3, 12}, x.sum(1).toArray(), 0);
    assertArrayEquals(new int[] {2, 1}, x.sum(1, true).shape());
    assertArrayEquals(new double[] {1, 4}, x.mean(-1).toArray(), 0);
    assertArrayEquals(new double[] {3, 4, 5}, x.max(0).toArray(), 0);
    assertEquals(2.5, x.mean().item(), 0);
    assertArrayEquals(new double[] {1, 5}, x.gather(1, 1, 2).toArray(), 0);
    assertArrayEquals(new double[] {3, 4, 5, 0, 1, 2}, x.index(0, 1, 0).toArray(), 0);
    assertArrayEquals(new double[] {0, 3, 1, 4, 2, 5}, x.transpose().toArray(), 0);
    assertArrayEquals(new double[] {1, 2, 4, 5}, x.slice(1, 1, 3).toArray(), 0);
    assertArrayEquals(new double[] {0, 1, 2, 0, 3, 4, 5, 3}, Tensor.concat(1, x, x.slice(1, 0, 1)).toArray(), 0);
  }

  @Test
  void softmaxFamilyStaysFiniteAtPlusMinusAThousand() {
    Tensor x = Tensor.vector(1000, -1000, 999);
    double[] p = x.softmax(0).toArray();
    double[] logp = x.logSoftmax(0).toArray();
    // softmax(1000, -1000, 999) = (1, 0, e^-1) / (1 + e^-1)
    double z = 1 + Math.exp(-1);
    assertArrayEquals(new double[] {1 / z, 0, Math.exp(-1) / z}, p, 1e-15);
    assertArrayEquals(new double[] {-Math.log(z), -2000 - Math.log(z), -1 - Math.log(z)}, logp, 1e-12);
    for (double v : logp) {
      assertTrue(Double.isFinite(v));
    }
  }

  @Test
  void sigmoidAndSoftplusStayFiniteAtPlusMinusAThousand() {
    Tensor x = Tensor.vector(1000, -1000).requiresGrad();
    assertArrayEquals(new double[] {1, 0}, x.sigmoid().toArray(), 0);
    assertArrayEquals(new double[] {1000, 0}, x.softplus().toArray(), 0);
    x.softplus().sum().backward();
    assertArrayEquals(new double[] {1, 0}, x.grad().toArray(), 0);
  }

  @Test
  void nanAndInfinityPropagateAndAreNeverHidden() {
    Tensor x = Tensor.vector(Double.NaN, Double.POSITIVE_INFINITY, -1);
    double[] y = x.mul(2).toArray();
    assertTrue(Double.isNaN(y[0]));
    assertEquals(Double.POSITIVE_INFINITY, y[1], 0);
    assertTrue(Double.isNaN(x.log().toArray()[2]));
    assertTrue(Double.isNaN(x.max(0).item()));
  }

  @Test
  void reluPassesNanThroughLikePyTorchSoBadDataReachesTheLoss() {
    // 19 elements: the vector kernel's body and its scalar tail both see a NaN.
    double[] values = new double[19];
    java.util.Arrays.fill(values, -1);
    values[2] = Double.NaN;
    values[18] = Double.NaN;
    values[5] = Double.POSITIVE_INFINITY;
    Tensor x = Tensor.of(values, 19).requiresGrad();
    Tensor y = x.relu();
    double[] out = y.toArray();
    assertTrue(Double.isNaN(out[2]) && Double.isNaN(out[18]), "relu(NaN) is NaN");
    assertEquals(Double.POSITIVE_INFINITY, out[5], 0);
    assertEquals(0.0, out[0], 0);
    y.sum().backward();
    // PyTorch masks the gradient on relu's output being > 0, which NaN is not.
    assertEquals(0.0, x.grad().toArray()[2], 0);
    assertEquals(1.0, x.grad().toArray()[5], 0);
  }

  @Test
  void maximumAndClampValues() {
    Tensor a = Tensor.vector(1, 5, 3);
    assertArrayEquals(new double[] {2, 5, 3}, a.maximum(2).toArray(), 0);
    assertArrayEquals(new double[] {1, 2, 2}, a.minimum(2).toArray(), 0);
    assertArrayEquals(new double[] {1.5, 4, 3}, a.clamp(1.5, 4).toArray(), 0);
    assertArrayEquals(new double[] {-0.1, 2}, Tensor.vector(-1, 2).leakyRelu(0.1).toArray(), 1e-15);
  }

  @Test
  void toStringShowsNameShapeOpValueAndGradient() {
    Tensor w = Tensor.of(new double[][] {{-0.07, 0.22}, {0.95, 0.46}}).named("W1").requiresGrad();
    assertEquals("Tensor W1 [2,2] requiresGrad = [[-0.07, 0.22], [0.95, 0.46]]", w.toString());
    Tensor doubled = w.mul(2);
    assertEquals("Tensor [2,2] mul = [[-0.14, 0.44], [1.9, 0.92]]", doubled.toString());
    Tensor total = doubled.sum().named("total");
    total.backward();
    // total = 2·(−0.07 + 0.22 + 0.95 + 0.46) = 3.12; d total/dw = 2 everywhere; d total/d total = 1.
    assertEquals("Tensor W1 [2,2] requiresGrad = [[-0.07, 0.22], [0.95, 0.46]]  grad [[2, 2], [2, 2]]", w.toString());
    assertEquals("Tensor total [] sum = 3.12  grad 1", total.toString());
    assertEquals("Tensor [3] = [1, 2, 3]", Tensor.vector(1, 2, 3).toString(), "a constant: no op, no flag");
  }

  @Test
  void toStringShowsTheGradientOfAScalarGraphToo() {
    // A graph of scalars back-propagates in plain doubles; the printed node still shows its gradient.
    Tensor x = Tensor.scalar(2).named("x").requiresGrad();
    Tensor f = x.mul(x).named("f");
    f.backward();
    assertEquals("Tensor x [] requiresGrad = 2  grad 4", x.toString());
    assertEquals("Tensor f [] mul = 4  grad 1", f.toString());
  }

  @Test
  void toStringSummarisesLargeTensorsOnOneLine() {
    Tensor big = Tensor.ones(100, 100).named("big").requiresGrad();
    big.sum().backward();
    assertEquals("Tensor big [100,100] requiresGrad = {min=1, mean=1, max=1, norm=100}"
        + "  grad {min=1, mean=1, max=1, norm=100}", big.toString());
  }

  @Test
  void shapesTooLargeForAnArrayAreRefusedEvenWhenTheProductWrapsAroundALong() {
    // 2^21 · 2^21 · 2^21 = 2^63, which wraps to a negative long: it must not pass as a small count.
    int big = 1 << 21;
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Tensor.zeros(big, big, big));
    assertTrue(e.getMessage().contains("9223372036854775808 elements"), e.getMessage());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(65536, 65536));
    // An empty tensor may have huge other axes.
    assertEquals(0, Tensor.zeros(Integer.MAX_VALUE, Integer.MAX_VALUE, 0).size());
    assertEquals(Integer.MAX_VALUE - 8, Shape.numel(new int[] {Integer.MAX_VALUE - 8}));
  }
}
