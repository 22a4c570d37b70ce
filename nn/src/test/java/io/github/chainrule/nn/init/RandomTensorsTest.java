package io.github.chainrule.nn.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The seeded random tensors, moved here from {@code Tensor} with the same draws. */
class RandomTensorsTest {

  @Test
  void seededRandomTensorsAreReproducible() {
    assertArrayEquals(RandomTensors.randn(3, 5).toArray(), RandomTensors.randn(3, 5).toArray(), 0);
    assertArrayEquals(RandomTensors.uniform(3, -1, 1, 4).toArray(), RandomTensors.uniform(3, -1, 1, 4).toArray(), 0);
    double mean = RandomTensors.randn(1, 100_000).mean().item();
    assertEquals(0, mean, 0.02);
  }

  @Test
  void randnIsBoxMullerOverSplittableRandomInStrictMathSoEveryJvmGivesTheSameBits() {
    // The specification written out: pairs of uniforms u1, u2 give r·cos θ and r·sin θ with
    // r = sqrt(-2 ln(1 - u1)), θ = 2π·u2; StrictMath's results are fixed bit for bit across JVMs.
    java.util.SplittableRandom rng = new java.util.SplittableRandom(11);
    double[] expected = new double[7];
    for (int i = 0; i < expected.length; i += 2) {
      double r = StrictMath.sqrt(-2.0 * StrictMath.log(1.0 - rng.nextDouble()));
      double theta = 2.0 * StrictMath.PI * rng.nextDouble();
      expected[i] = r * StrictMath.cos(theta);
      if (i + 1 < expected.length) {
        expected[i + 1] = r * StrictMath.sin(theta);
      }
    }
    assertArrayEquals(expected, RandomTensors.randn(11, 7).toArray(), 0);
  }

}
