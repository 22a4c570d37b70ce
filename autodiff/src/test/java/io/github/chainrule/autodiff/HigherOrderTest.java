package io.github.chainrule.autodiff;

import io.github.chainrule.autodiff.testing.RandomTensors;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/** Backward passes that record their own graph give derivatives of derivatives. */
class HigherOrderTest {

  @Test
  void secondDerivativeOfCubeAtTwoIsTwelve() {
    Tensor x = Tensor.scalar(2.0).named("x").requiresGrad();
    Tensor y = x.pow(3);
    Tensor dydx = Autodiff.grad(y, true, x)[0];        // 3x² = 12, itself a graph node
    assertEquals(12.0, dydx.item(), 1e-12);
    Tensor d2 = Autodiff.grad(dydx, false, x)[0];      // 6x = 12
    assertEquals(12.0, d2.item(), 1e-12);
    assertFalse(x.hasGrad());
  }

  @Test
  void hessianOfAQuadraticFormIsTheSymmetrisedMatrix() {
    double[][] a = {{2, 1}, {0, 3}};
    Tensor am = Tensor.of(a);
    Tensor h = Autodiff.hessian(x -> x.matmul(am.matmul(x)), Tensor.vector(0.5, -1));
    // x·A·x has Hessian A + Aᵀ
    assertArrayEquals(new double[] {4, 1, 1, 6}, h.toArray(), 1e-12);
    assertArrayEquals(new int[] {2, 2}, h.shape());
  }

  @Test
  void derivativesOfFunctionsThatIgnoreTheirInputAreZero() {
    Tensor x = Tensor.vector(1, 2);
    assertArrayEquals(new double[] {0, 0}, Autodiff.grad(xs -> Tensor.scalar(3), x)[0].toArray(), 0);
    assertArrayEquals(new double[] {0, 0, 0, 0}, Autodiff.hessian(t -> t.sum(), x).toArray(), 0);
    assertArrayEquals(new double[] {0, 0}, Autodiff.hvp(t -> Tensor.scalar(1), x, x).toArray(), 0);
  }

  @Test
  void jacobianOfElementwiseFunctionIsDiagonal() {
    Tensor j = Autodiff.jacobian(Tensor::exp, Tensor.vector(0, 1));
    assertArrayEquals(new double[] {1, 0, 0, Math.E}, j.toArray(), 1e-12);
  }

  @Test
  void hessianVectorProductOfASmallMlpMatchesFiniteDifferencesOfTheGradient() {
    // f(θ) = Σ tanh(W2·tanh(W1·x + b1))², with θ = (W1, b1, W2) packed in one vector of 2·3 + 3 + 3 = 12
    Tensor x = Tensor.vector(0.4, -0.7);
    java.util.function.UnaryOperator<Tensor> f = theta -> {
      Tensor w1 = theta.slice(0, 0, 6).reshape(3, 2);
      Tensor b1 = theta.slice(0, 6, 9);
      Tensor w2 = theta.slice(0, 9, 12).reshape(1, 3);
      return w2.matmul(w1.matmul(x).add(b1).tanh()).tanh().square().sum();
    };
    Tensor theta = RandomTensors.uniform(7, -1, 1, 12);
    Tensor v = RandomTensors.uniform(8, -1, 1, 12);
    Tensor hv = Autodiff.hvp(f, theta, v);

    // (∇f(θ + εv) − ∇f(θ − εv)) / 2ε → H·v
    double eps = 1e-5;
    Tensor gPlus = Autodiff.grad(xs -> f.apply(xs[0]), theta.add(v.mul(eps)))[0];
    Tensor gMinus = Autodiff.grad(xs -> f.apply(xs[0]), theta.sub(v.mul(eps)))[0];
    Tensor numeric = gPlus.sub(gMinus).div(2 * eps);
    assertArrayEquals(numeric.toArray(), hv.toArray(), 1e-8);

    // and H·v equals the full Hessian times v
    Tensor h = Autodiff.hessian(f, theta);
    assertArrayEquals(h.matmul(v).toArray(), hv.toArray(), 1e-12);
  }

  @Test
  void secondOrderThroughEveryUnaryOp() {
    // d²/dx² checked against the derivative's own finite difference for each smooth function.
    java.util.List<java.util.function.UnaryOperator<Tensor>> fs = java.util.List.of(
        Tensor::exp, Tensor::sin, Tensor::cos, Tensor::tanh, Tensor::sigmoid, Tensor::softplus,
        Tensor::log, Tensor::sqrt, t -> t.pow(2.5), Tensor::square, t -> t.div(t.add(2.0)));
    for (java.util.function.UnaryOperator<Tensor> f : fs) {
      double x0 = 0.8;
      double eps = 1e-5;
      double h = Autodiff.hessian(t -> f.apply(t).sum(), Tensor.vector(x0)).item();
      double gp = Autodiff.grad(xs -> f.apply(xs[0]).sum(), Tensor.vector(x0 + eps))[0].item();
      double gm = Autodiff.grad(xs -> f.apply(xs[0]).sum(), Tensor.vector(x0 - eps))[0].item();
      assertEquals((gp - gm) / (2 * eps), h, 1e-7, f.toString());
    }
  }

  @Test
  void secondOrderThroughSoftmaxAndMatmul() {
    java.util.function.UnaryOperator<Tensor> f = t -> t.reshape(2, 2).matmul(t.reshape(2, 2)).logSoftmax(1).sum(0).max(0);
    Tensor x = Tensor.vector(0.3, -0.2, 0.9, 0.1);
    Tensor h = Autodiff.hessian(f, x);
    double eps = 1e-5;
    for (int i = 0; i < 4; i++) {
      double[] p = x.toArray();
      double[] m = x.toArray();
      p[i] += eps;
      m[i] -= eps;
      Tensor gp = Autodiff.grad(xs -> f.apply(xs[0]), Tensor.vector(p))[0];
      Tensor gm = Autodiff.grad(xs -> f.apply(xs[0]), Tensor.vector(m))[0];
      double[] col = gp.sub(gm).div(2 * eps).toArray();
      for (int j = 0; j < 4; j++) {
        assertEquals(col[j], h.get(j, i), 1e-7);
      }
    }
  }
}
