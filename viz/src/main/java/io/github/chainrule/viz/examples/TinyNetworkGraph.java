package io.github.chainrule.viz.examples;

import io.github.chainrule.autodiff.Tensor;

/**
 * The 2-2-1 sigmoid network of autodiff's {@code examples.TinyNetwork} (Jeff Heaton's worked
 * example): input (1, 0), target 1, loss ½(o − 1)². The README's picture and the tests draw it.
 */
public final class TinyNetworkGraph {
  private TinyNetworkGraph() {}

  /** The loss node, forward pass only: no gradient computed yet. */
  public static Tensor loss() {
    Tensor x = Tensor.vector(1.0, 0.0).named("x");
    Tensor w1 = Tensor.of(new double[][] {{-0.07, 0.22}, {0.95, 0.46}}).named("W1").requiresGrad();
    Tensor b1 = Tensor.vector(-0.46, 0.10).named("b1").requiresGrad();
    Tensor w2 = Tensor.of(new double[][] {{-0.22, 0.58}}).named("W2").requiresGrad();
    Tensor b2 = Tensor.vector(0.78).named("b2").requiresGrad();
    Tensor s1 = w1.matmul(x).add(b1).named("s1");
    Tensor h = s1.sigmoid().named("h");
    Tensor s2 = w2.matmul(h).add(b2).named("s2");
    Tensor o = s2.sigmoid().named("o");
    Tensor error = o.sub(1.0).named("error");
    return error.square().sum().mul(0.5).named("loss");
  }

  /** The loss node after {@code backward()}: every node holds its gradient. */
  public static Tensor lossAfterBackward() {
    Tensor loss = loss();
    loss.backward();
    return loss;
  }
}
