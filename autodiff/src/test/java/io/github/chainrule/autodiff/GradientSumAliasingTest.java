package io.github.chainrule.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import org.junit.jupiter.api.Test;

/**
 * The engine adds the third and later contributions a node receives into the sum it made for the
 * second, in place. These pin down that no tensor anyone else holds is ever the one changed: not a
 * contribution that is also another node's gradient, not a gradient a node kept, not a seed.
 */
class GradientSumAliasingTest {

  @Test
  void aNodeUsedManyTimesGetsEveryContributionWhileItsConsumersKeepTheirOwn() {
    // h = 3x used five times: out = h + h + h + h + h·h, so dout/dh = 4 + 2h and dout/dx = 3·(4 + 2h).
    Tensor x = Tensor.vector(2.0, -1.0).named("x").requiresGrad();
    Tensor h = x.mul(3).named("h");
    Tensor s1 = h.add(h).named("s1");
    Tensor s2 = s1.add(h).named("s2");
    Tensor s3 = s2.add(h).named("s3");
    Tensor out = s3.add(h.mul(h)).sum().named("out");
    out.backward();
    assertArrayEquals(new double[] {4 + 12, 4 - 6}, h.grad().toArray(), 0);
    assertArrayEquals(new double[] {3 * 16, 3 * -2}, x.grad().toArray(), 0);
    // Add passes its gradient on unchanged, so these hold the very tensors the engine handed to h
    // first; summing into h's gradient must not have changed them.
    assertArrayEquals(new double[] {1, 1}, s1.grad().toArray(), 0);
    assertArrayEquals(new double[] {1, 1}, s2.grad().toArray(), 0);
    assertArrayEquals(new double[] {1, 1}, s3.grad().toArray(), 0);
  }

  @Test
  void aLeafsGradientIsItsOwnEvenWhenTheEngineMadeTheSum() {
    Tensor w = Tensor.scalar(0.5).named("w").requiresGrad();
    Tensor y = w.add(w).add(w).add(w).named("y");  // dy/dw = 4
    y.backward();
    assertEquals(4.0, w.grad().item(), 0);
    assertNotSame(y.grad(), w.grad());
    // An optimiser may change a leaf's gradient in place; nothing else may change with it.
    w.grad().data()[0] = 100;
    assertEquals(1.0, y.grad().item(), 0);
    // A second pass accumulates onto the changed value, and the seed 1 stays 1.
    y.backward();
    assertEquals(104.0, w.grad().item(), 0);
    assertEquals(2.0, y.grad().item(), 0);
  }

  @Test
  void aLeafKeepsTheGradientItsConsumerMadeForItAndStillOwnsItAlone() {
    // matmul's backward makes W's gradient for W alone, so W keeps it without a copy; a view of
    // another node's gradient (reshape's backward hands back g reshaped) is copied as before.
    Tensor w = Tensor.of(new double[][] {{1, 2}, {3, 4}}).named("W").requiresGrad();
    Tensor v = Tensor.vector(1, 2, 3, 4).named("v").requiresGrad();
    Tensor x = Tensor.vector(1, -1).named("x");
    Tensor y = w.matmul(x).named("y");
    Tensor r = v.reshape(2, 2).named("r");
    Tensor out = y.sum().add(r.mul(r).sum()).named("out");
    out.backward();
    assertArrayEquals(new double[] {1, -1, 1, -1}, w.grad().toArray(), 0);
    assertArrayEquals(new double[] {2, 4, 6, 8}, v.grad().toArray(), 0);
    // An optimiser may change both in place; no other node's gradient or value moves with them.
    w.grad().data()[0] = 100;
    v.grad().data()[0] = 100;
    assertArrayEquals(new double[] {2, 4, 6, 8}, r.grad().toArray(), 0);
    assertArrayEquals(new double[] {1, 1}, y.grad().toArray(), 0);
    assertArrayEquals(new double[] {1, -1}, x.toArray(), 0);
    assertArrayEquals(new double[] {1, 2, 3, 4}, v.toArray(), 0);
    // A second pass adds onto the changed values.
    out.backward();
    assertArrayEquals(new double[] {101, -2, 2, -2}, w.grad().toArray(), 0);
    assertArrayEquals(new double[] {102, 8, 12, 16}, v.grad().toArray(), 0);
  }

  @Test
  void aSeedUsedAsAContributionIsNeverSummedInto() {
    Tensor x = Tensor.vector(1.0, 2.0).named("x").requiresGrad();
    Tensor y = x.add(x).add(x).named("y");  // the seed reaches x three times
    Tensor seed = Tensor.vector(0.5, -2.0);
    y.backward(seed);
    assertArrayEquals(new double[] {1.5, -6.0}, x.grad().toArray(), 0);
    assertArrayEquals(new double[] {0.5, -2.0}, seed.toArray(), 0);
  }

  @Test
  void withCreateGraphTheSumsStayDifferentiable() {
    // f = x·x + x·x + x·x = 3x², df/dx = 6x, d²f/dx² = 6.
    Tensor x = Tensor.scalar(1.5).named("x").requiresGrad();
    Tensor f = x.mul(x).add(x.mul(x)).add(x.mul(x));
    Tensor[] g = Backward.from(f).createGraph(true).gradients(x);
    assertEquals(9.0, g[0].item(), 0);
    Tensor[] gg = Backward.from(g[0]).gradients(x);
    assertEquals(6.0, gg[0].item(), 0);
  }
}
