package io.github.chainrule.nn.layers;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Builds a multilayer perceptron as a {@link Sequential}: Linear layers between the given sizes,
 * with the hidden activation after every layer but the last, and an optional output activation.
 *
 * <pre>{@code
 * Sequential net = Mlp.of(2, 8, 1).activation(Activation::tanh).seed(7).build();
 * // 0: Linear(2, 8), 1: Tanh, 2: Linear(8, 1)  →  parameters 0.weight, 0.bias, 2.weight, 2.bias
 * }</pre>
 *
 * Linear layer k is seeded with the k-th {@code nextLong()} of {@code new SplittableRandom(seed)}.
 */
public final class Mlp {
  private final int[] sizes;
  private Supplier<Activation> hidden = Activation::relu;
  private Supplier<Activation> output;
  private long seed;
  private boolean bias = true;

  private Mlp(int[] sizes) {
    this.sizes = sizes.clone();
  }

  /** Layer widths from input to output; at least two. */
  public static Mlp of(int... sizes) {
    checkArgument(sizes.length >= 2, "Mlp: needs at least an input and an output size, got %s", sizes.length);
    for (int s : sizes) {
      checkArgument(s > 0, "Mlp: sizes must be positive, got %s", java.util.Arrays.toString(sizes));
    }
    return new Mlp(sizes);
  }

  /** The activation after each hidden layer (ReLU by default). */
  public Mlp activation(Supplier<Activation> hidden) {
    this.hidden = hidden;
    return this;
  }

  /** An activation after the last layer (none by default). */
  public Mlp outputActivation(Supplier<Activation> output) {
    this.output = output;
    return this;
  }

  public Mlp seed(long seed) {
    this.seed = seed;
    return this;
  }

  public Mlp bias(boolean bias) {
    this.bias = bias;
    return this;
  }

  public Sequential build() {
    Sequential net = new Sequential();
    SplittableRandom root = new SplittableRandom(seed);
    for (int i = 0; i + 1 < sizes.length; i++) {
      net.add(new Linear(sizes[i], sizes[i + 1], bias, root.nextLong()));
      boolean last = i + 2 == sizes.length;
      if (!last) {
        net.add(hidden.get());
      } else if (output != null) {
        net.add(output.get());
      }
    }
    return net;
  }
}
