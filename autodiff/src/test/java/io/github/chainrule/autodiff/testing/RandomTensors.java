package io.github.chainrule.autodiff.testing;

import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import java.util.SplittableRandom;

/**
 * Seeded random tensors for autodiff's own tests, which cannot depend on nn, where the library's
 * random factories live ({@code nn.init.RandomTensors}); the same draws, so the tests' data did not
 * change when the factories moved.
 */
public final class RandomTensors {
  private RandomTensors() {}

  /** Standard normal values by Box-Muller over {@link SplittableRandom}, with {@link StrictMath}. */
  public static Tensor randn(long seed, int... shape) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] d = new double[Shape.numel(shape)];
    for (int i = 0; i < d.length; i += 2) {
      double r = StrictMath.sqrt(-2.0 * StrictMath.log(1.0 - rng.nextDouble()));
      double theta = 2.0 * StrictMath.PI * rng.nextDouble();
      d[i] = r * StrictMath.cos(theta);
      if (i + 1 < d.length) {
        d[i + 1] = r * StrictMath.sin(theta);
      }
    }
    return Tensor.wrap(d, shape.clone());
  }

  /** Uniform values in [lo, hi). */
  public static Tensor uniform(long seed, double lo, double hi, int... shape) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] d = new double[Shape.numel(shape)];
    for (int i = 0; i < d.length; i++) {
      d[i] = lo + (hi - lo) * rng.nextDouble();
    }
    return Tensor.wrap(d, shape.clone());
  }
}
