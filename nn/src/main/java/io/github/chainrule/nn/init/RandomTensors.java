package io.github.chainrule.nn.init;

import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import java.util.SplittableRandom;

/**
 * Tensors of random values from a seed, drawn as {@link Init}'s distributions draw them: the same
 * seed gives the same values, bit for bit, on every JVM (see {@link Init} for why).
 *
 * <pre>{@code
 * Tensor w = RandomTensors.randn(42, 784, 256).mul(Math.sqrt(2.0 / 784)).requiresGrad();
 * }</pre>
 */
public final class RandomTensors {
  private RandomTensors() {}

  /** Standard normal values, from {@code new SplittableRandom(seed)}. */
  public static Tensor randn(long seed, int... shape) {
    double[] d = new double[Shape.numel(shape)];
    Init.fillNormal(d, 0.0, 1.0, new SplittableRandom(seed));
    return Tensor.wrap(d, shape.clone());
  }

  /** Uniform values in [lo, hi), from {@code new SplittableRandom(seed)}. */
  public static Tensor uniform(long seed, double lo, double hi, int... shape) {
    double[] d = new double[Shape.numel(shape)];
    Init.fillUniform(d, lo, hi, new SplittableRandom(seed));
    return Tensor.wrap(d, shape.clone());
  }
}
