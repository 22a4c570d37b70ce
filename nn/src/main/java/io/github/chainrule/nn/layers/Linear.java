package io.github.chainrule.nn.layers;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.chainrule.autodiff.Op;
import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.ops.MatMul;
import io.github.chainrule.nn.init.Init;
import io.github.chainrule.nn.module.Module;
import io.github.chainrule.nn.module.Parameter;
import java.util.SplittableRandom;

/**
 * A fully connected layer with PyTorch's layout: {@code weight} has shape [out, in], {@code bias}
 * shape [out], and for a batch x of shape [N, in] (batch first) the output is x·Wᵀ + b, of shape
 * [N, out]. A single example of shape [in] gives shape [out].
 *
 * <p>Weights and bias start from PyTorch's default distribution, U(-1/sqrt(in), 1/sqrt(in)), drawn
 * from the given seed (0 when none is given) as {@link Init#apply} does.
 */
public final class Linear extends Module {
  private final int in;
  private final int out;
  private final Tensor weight;
  private final Tensor bias;

  public Linear(int in, int out) {
    this(in, out, 0L);
  }

  public Linear(int in, int out, long seed) {
    this(in, out, true, seed);
  }

  public Linear(int in, int out, boolean withBias, long seed) {
    checkArgument(in > 0 && out > 0, "Linear: in and out must be positive, got in=%s, out=%s", in, out);
    this.in = in;
    this.out = out;
    this.weight = parameter("weight", Tensor.zeros(out, in));
    this.bias = withBias ? parameter("bias", Tensor.zeros(out)) : null;
    SplittableRandom root = new SplittableRandom(seed);
    for (Parameter p : parameters()) {
      Init.linearDefault(in).fill(p.data(), in, out, root.split());
    }
  }

  @Override
  public Tensor forward(Tensor x) {
    Tensor y = product(x);
    return bias == null ? y : y.add(bias).named(path() + ".out");
  }

  /**
   * {@code activation.forward(forward(x))}, with the bias and the activation as one node where the
   * activation has a {@link Activation#fusedWithBias fused form} (ReLU): one [N, out] array and one
   * pass over it fewer, forward and backward, and the same values and gradients. The graph then has
   * no node for x·Wᵀ + b alone. Otherwise the two run one after the other.
   */
  public Tensor forward(Tensor x, Activation activation) {
    Op fused = activation.fusedWithBias();
    if (bias == null || fused == null) {
      return activation.forward(forward(x));
    }
    return Tensor.apply(fused, product(x), bias);
  }

  private Tensor product(Tensor x) {
    int[] s = x.shapeRef();
    checkArgument(s.length >= 1 && s[s.length - 1] == in,
        "%s (in=%s, out=%s): input %s has shape %s; its last axis must be %s (batch first: [N, %s])",
        describe(), in, out, x.label(), Shape.format(s), in, in);
    // x·Wᵀ as one op (MatMul's NT variant): no transpose node the user never wrote. Named after the
    // layer's path so graphs and divergence errors say which layer a node is in.
    return Tensor.apply(MatMul.of(false, true), x, weight).named(path() + ".matmul");
  }

  public Tensor weight() {
    return weight;
  }

  /** The bias, or null for a layer built without one. */
  public Tensor bias() {
    return bias;
  }

  public int in() {
    return in;
  }

  public int out() {
    return out;
  }

  @Override
  protected String extraRepr() {
    return "in=" + in + ", out=" + out + (bias == null ? ", bias=false" : "");
  }
}
