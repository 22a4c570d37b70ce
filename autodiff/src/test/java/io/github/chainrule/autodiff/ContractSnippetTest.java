package io.github.chainrule.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The snippet users write against, exactly as the foundation issue gives it, with its numbers worked
 * out by hand. The expected values are recomputed here from the chain rule in plain doubles, so the
 * test does not depend on any number printed by chainrule itself.
 */
class ContractSnippetTest {

  static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  @Test
  void twoLayerSigmoidNetworkGradientsMatchTheHandDerivation() {
    Tensor x  = Tensor.vector(1.0, 0.0).named("x");
    Tensor W1 = Tensor.of(new double[][] {{-0.07, 0.22}, {0.95, 0.46}}).named("W1").requiresGrad();
    Tensor b1 = Tensor.vector(-0.46, 0.10).named("b1").requiresGrad();
    Tensor s1 = W1.matmul(x).add(b1).named("s1");
    Tensor h  = s1.sigmoid();
    Tensor W2 = Tensor.of(new double[][] {{-0.22, 0.58}}).named("W2").requiresGrad();
    Tensor b2 = Tensor.vector(0.78).named("b2").requiresGrad();
    Tensor s2 = W2.matmul(h).add(b2).named("s2");
    Tensor o  = s2.sigmoid();
    Tensor loss = o.sub(1.0).square().sum().mul(0.5);
    loss.backward();
    double[] gW2 = W2.grad().toArray();
    double   gs2 = s2.grad().item();
    int[] shape  = W1.grad().shape();

    // Forward: s1 = W1·x + b1 = (-0.07 - 0.46, 0.95 + 0.10) = (-0.53, 1.05)
    double s1a = -0.07 * 1 + 0.22 * 0 - 0.46;
    double s1b = 0.95 * 1 + 0.46 * 0 + 0.10;
    assertArrayEquals(new double[] {-0.53, 1.05}, s1.toArray(), 1e-15);
    // h = σ(s1) ≈ (0.370517, 0.740775); s2 = -0.22·h1 + 0.58·h2 + 0.78 ≈ 1.128136; o = σ(s2) ≈ 0.755495
    double h1 = sigmoid(s1a);
    double h2 = sigmoid(s1b);
    double s2v = -0.22 * h1 + 0.58 * h2 + 0.78;
    double ov = sigmoid(s2v);
    assertEquals(0.5 * (ov - 1) * (ov - 1), loss.item(), 1e-15); // ≈ 0.0298914

    // Backward: dL/do = o - 1 ≈ -0.244505; dL/ds2 = (o - 1)·o·(1 - o) ≈ -0.0451656
    double dS2 = (ov - 1) * ov * (1 - ov);
    assertEquals(dS2, gs2, 1e-15);
    assertEquals(-0.0451656, gs2, 1e-7);
    // dL/dW2 = dL/ds2 · hᵀ ≈ (-0.0167346, -0.0334576); dL/db2 = dL/ds2
    assertArrayEquals(new double[] {dS2 * h1, dS2 * h2}, gW2, 1e-15);
    assertArrayEquals(new double[] {dS2}, b2.grad().toArray(), 1e-15);
    // dL/dh = W2ᵀ·dL/ds2 ≈ (0.00993644, -0.0261961); dL/ds1 = dL/dh ⊙ h(1 - h) ≈ (0.00231752, -0.00503036)
    double dS1a = -0.22 * dS2 * h1 * (1 - h1);
    double dS1b = 0.58 * dS2 * h2 * (1 - h2);
    assertArrayEquals(new double[] {-0.22 * dS2, 0.58 * dS2}, h.grad().toArray(), 1e-15);
    assertArrayEquals(new double[] {dS1a, dS1b}, s1.grad().toArray(), 1e-15);
    // dL/dW1 = dL/ds1 · xᵀ: the second column is 0 because x2 = 0
    assertArrayEquals(new int[] {2, 2}, shape);
    assertArrayEquals(new double[] {dS1a, 0, dS1b, 0}, W1.grad().toArray(), 1e-15);
    assertArrayEquals(new double[] {dS1a, dS1b}, b1.grad().toArray(), 1e-15);
  }

  @Test
  void scalarExpressionAndItsDerivative() {
    Tensor c = Tensor.scalar(3.0).named("c").requiresGrad();
    Tensor y = c.mul(c).add(c.sin()).div(2.0).pow(2.0);
    y.backward();

    // y = u², u = (c² + sin c)/2; dy/dc = 2u·(2c + cos c)/2 = u·(2c + cos c)
    double u = (9 + Math.sin(3)) / 2;
    assertEquals(u * u, y.item(), 1e-13);
    assertEquals(u * (6 + Math.cos(3)), c.grad().item(), 1e-12);
    assertEquals(0, y.rank());
  }
}
