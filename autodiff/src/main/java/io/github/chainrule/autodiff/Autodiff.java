package io.github.chainrule.autodiff;

import java.util.function.UnaryOperator;

/**
 * Functional derivatives that leave every node's {@code grad} untouched: gradients, Jacobians,
 * Hessians and Hessian-vector products of functions written with {@link Tensor} ops.
 *
 * <pre>{@code
 * Tensor[] g = Autodiff.grad(xs -> xs[0].mul(xs[1]).sin(), a, b);   // d/da, d/db
 * Tensor h = Autodiff.hessian(x -> x.pow(3).sum(), Tensor.vector(2.0));  // [[12]]
 * }</pre>
 *
 * The functions are evaluated on fresh leaves holding copies of the given values, so the caller's
 * tensors and graphs are never changed.
 */
public final class Autodiff {
  private Autodiff() {}

  /** A function of several tensors. */
  @FunctionalInterface
  public interface Fn {
    Tensor apply(Tensor... xs);
  }

  /** The gradient of scalar {@code f} with respect to each input, at the inputs' values. */
  public static Tensor[] grad(Fn f, Tensor... inputs) {
    Tensor[] leaves = freshLeaves(inputs);
    Tensor y;
    try (GradMode.Scope scope = GradMode.enabled()) {
      y = f.apply(leaves);
    }
    return Backward.from(y).gradients(leaves);
  }

  /**
   * dOutput/d(each of {@code wrt}) for an output already built, without touching {@code grad}. With
   * {@code createGraph} the results are graph nodes that can be differentiated again.
   */
  public static Tensor[] grad(Tensor output, boolean createGraph, Tensor... wrt) {
    return Backward.from(output).createGraph(createGraph).gradients(wrt);
  }

  /** The Jacobian of {@code f} at x, of shape {@code f(x).shape ++ x.shape}. */
  public static Tensor jacobian(UnaryOperator<Tensor> f, Tensor x) {
    Tensor leaf = freshLeaves(x)[0];
    Tensor y;
    try (GradMode.Scope scope = GradMode.enabled()) {
      y = f.apply(leaf);
    }
    return jacobianOf(y, leaf);
  }

  /** The Hessian of scalar {@code f} at x, of shape {@code x.shape ++ x.shape}. */
  public static Tensor hessian(UnaryOperator<Tensor> f, Tensor x) {
    Tensor leaf = freshLeaves(x)[0];
    Tensor g;
    try (GradMode.Scope scope = GradMode.enabled()) {
      g = Backward.from(f.apply(leaf)).createGraph(true).gradients(leaf)[0];
    }
    return jacobianOf(g, leaf);
  }

  /** H·v, the Hessian of scalar {@code f} at x times v, by differentiating ∇f·v once more. */
  public static Tensor hvp(UnaryOperator<Tensor> f, Tensor x, Tensor v) {
    Tensor leaf = freshLeaves(x)[0];
    try (GradMode.Scope scope = GradMode.enabled()) {
      Tensor g = Backward.from(f.apply(leaf)).createGraph(true).gradients(leaf)[0];
      Tensor gv = g.mul(v).sum();
      if (!gv.needsGrad()) {
        return Tensor.zeros(x.shapeRef()); // f is linear in x: its Hessian is zero
      }
      return Backward.from(gv).gradients(leaf)[0];
    }
  }

  /** Row j of the Jacobian is the gradient of y's element j: one backward pass per element. */
  private static Tensor jacobianOf(Tensor y, Tensor x) {
    int rows = y.size();
    int cols = x.size();
    double[] jac = new double[rows * cols];
    if (y.needsGrad()) {
      for (int j = 0; j < rows; j++) {
        double[] seed = new double[rows];
        seed[j] = 1.0;
        Tensor row = Backward.from(y).seed(Tensor.wrap(seed, y.shapeRef())).gradients(x)[0];
        System.arraycopy(row.data(), 0, jac, j * cols, cols);
      }
    }
    int[] shape = new int[y.rank() + x.rank()];
    System.arraycopy(y.shapeRef(), 0, shape, 0, y.rank());
    System.arraycopy(x.shapeRef(), 0, shape, y.rank(), x.rank());
    return Tensor.wrap(jac, shape);
  }

  private static Tensor[] freshLeaves(Tensor... inputs) {
    Tensor[] leaves = new Tensor[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      leaves[i] = inputs[i].copy().named(inputs[i].name()).requiresGrad();
    }
    return leaves;
  }
}
