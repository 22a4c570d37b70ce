package io.github.chainrule.nn.init;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.chainrule.nn.module.Module;
import io.github.chainrule.nn.module.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Initialisers, and how they are applied to a model with an explicit seed.
 *
 * <h2>Reproducibility</h2>
 * Values are bit-for-bit the same across runs, machines and JDKs (17 and 25 are tested) because:
 * <ul>
 *   <li>the generator is {@link SplittableRandom}, whose algorithm (SplitMix64) is specified by its
 *       javadoc, not left to the implementation;</li>
 *   <li>uniform values are {@code lo + (hi - lo) · u} with {@code u = nextDouble()};</li>
 *   <li>normal values use Box-Muller with {@link StrictMath} (whose results are specified to the
 *       bit, unlike {@link Math}'s intrinsics): from two uniforms u1, u2, {@code r = sqrt(-2 ln(1 -
 *       u1))}, and the pair {@code r cos(2πu2)}, {@code r sin(2πu2)} fills two consecutive values.</li>
 * </ul>
 * {@link #apply} gives the k-th parameter (in {@link Module#parameters()} order) the k-th {@link
 * SplittableRandom#split() split} of {@code new SplittableRandom(seed)}, so a parameter's values do
 * not depend on how many values other parameters drew.
 */
public final class Init {
  private Init() {}

  // ---------------------------------------------------------------- distributions

  public static Initializer zeros() {
    return constant(0.0);
  }

  public static Initializer constant(double c) {
    return (v, fanIn, fanOut, rng) -> Arrays.fill(v, c);
  }

  /** U[lo, hi). */
  public static Initializer uniform(double lo, double hi) {
    checkArgument(lo <= hi, "uniform init: lo %s is above hi %s", lo, hi);
    return (v, fanIn, fanOut, rng) -> fillUniform(v, lo, hi, rng);
  }

  /** N(mean, std²). */
  public static Initializer normal(double mean, double std) {
    checkArgument(std >= 0, "normal init: std %s is negative", std);
    return (v, fanIn, fanOut, rng) -> fillNormal(v, mean, std, rng);
  }

  /** Xavier/Glorot uniform: U(-a, a) with a = gain·sqrt(6 / (fanIn + fanOut)). */
  public static Initializer xavierUniform(double gain) {
    return (v, fanIn, fanOut, rng) -> {
      double a = gain * Math.sqrt(6.0 / (fanIn + fanOut));
      fillUniform(v, -a, a, rng);
    };
  }

  /** Xavier/Glorot normal: N(0, std²) with std = gain·sqrt(2 / (fanIn + fanOut)). */
  public static Initializer xavierNormal(double gain) {
    return (v, fanIn, fanOut, rng) -> fillNormal(v, 0.0, gain * Math.sqrt(2.0 / (fanIn + fanOut)), rng);
  }

  /** He/Kaiming uniform for ReLU layers: U(-b, b) with b = sqrt(2)·sqrt(3 / fanIn) = sqrt(6 / fanIn). */
  public static Initializer kaimingUniform() {
    return (v, fanIn, fanOut, rng) -> {
      double b = Math.sqrt(6.0 / fanIn);
      fillUniform(v, -b, b, rng);
    };
  }

  /** He/Kaiming normal for ReLU layers: N(0, 2 / fanIn). */
  public static Initializer kaimingNormal() {
    return (v, fanIn, fanOut, rng) -> fillNormal(v, 0.0, Math.sqrt(2.0 / fanIn), rng);
  }

  /**
   * PyTorch's default for {@code nn.Linear} weights and biases: U(-1/sqrt(in), 1/sqrt(in)), where
   * {@code in} is the layer's input width. The same distribution, not the same numbers: PyTorch's
   * generator is different.
   */
  public static Initializer linearDefault(int in) {
    double b = 1.0 / Math.sqrt(in);
    return (v, fanIn, fanOut, rng) -> fillUniform(v, -b, b, rng);
  }

  // ---------------------------------------------------------------- applying

  /**
   * Initialises every parameter of {@code model}: those named {@code weight} (or ending in {@code
   * .weight}) with {@code weights}, all others with {@code biases}. See the class comment for how
   * the seed is used.
   */
  public static void apply(Module model, long seed, Initializer weights, Initializer biases) {
    SplittableRandom root = new SplittableRandom(seed);
    for (Parameter p : model.parameters()) {
      SplittableRandom rng = root.split();
      boolean isWeight = p.name().equals("weight") || p.name().endsWith(".weight");
      fill(p, isWeight ? weights : biases, rng);
    }
  }

  /** Initialises one parameter from its own seed. */
  public static void apply(Parameter p, long seed, Initializer init) {
    fill(p, init, new SplittableRandom(seed));
  }

  private static void fill(Parameter p, Initializer init, SplittableRandom rng) {
    int[] s = p.tensor().shapeRef();
    int fanIn = s.length >= 2 ? p.size() / s[0] : Math.max(1, p.size());
    int fanOut = s.length >= 2 ? p.size() / s[1] : Math.max(1, p.size());
    init.fill(p.data(), fanIn, fanOut, rng);
  }

  /** Sets each named parameter to the given row-major values, for published weights. */
  public static void values(Module model, List<String> names, List<double[]> values) {
    checkArgument(names.size() == values.size(), "values: %s names but %s value arrays", names.size(), values.size());
    for (int i = 0; i < names.size(); i++) {
      model.set(names.get(i), values.get(i));
    }
  }

  // ---------------------------------------------------------------- sampling

  static void fillUniform(double[] v, double lo, double hi, SplittableRandom rng) {
    for (int i = 0; i < v.length; i++) {
      v[i] = lo + (hi - lo) * rng.nextDouble();
    }
  }

  static void fillNormal(double[] v, double mean, double std, SplittableRandom rng) {
    for (int i = 0; i < v.length; i += 2) {
      double r = StrictMath.sqrt(-2.0 * StrictMath.log(1.0 - rng.nextDouble()));
      double theta = 2.0 * StrictMath.PI * rng.nextDouble();
      v[i] = mean + std * r * StrictMath.cos(theta);
      if (i + 1 < v.length) {
        v[i + 1] = mean + std * r * StrictMath.sin(theta);
      }
    }
  }
}
