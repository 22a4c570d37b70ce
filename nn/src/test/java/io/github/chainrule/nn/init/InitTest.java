package io.github.chainrule.nn.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.nn.layers.Linear;
import io.github.chainrule.nn.layers.Mlp;
import io.github.chainrule.nn.layers.Sequential;
import io.github.chainrule.nn.module.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InitTest {

  /** SplitMix64 as SplittableRandom's javadoc and the original paper define it, written out here. */
  private static double[] splitMixUniforms(long seed, int n) {
    long state = seed;
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      state += 0x9e3779b97f4a7c15L;
      long z = state;
      z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
      z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
      z = z ^ (z >>> 31);
      out[i] = (z >>> 11) * 0x1.0p-53;
    }
    return out;
  }

  @Test
  void uniformIsExactlyLoPlusWidthTimesTheSpecifiedGeneratorsDoubles() {
    // This pins the bits: the same on every JDK, because the generator's algorithm is specified.
    Linear l = new Linear(3, 2);
    Parameter w = l.parameter("weight");
    Init.apply(w, 42L, Init.uniform(-2, 3));
    double[] u = splitMixUniforms(42L, 6);
    for (int i = 0; i < 6; i++) {
      assertEquals(Double.doubleToRawLongBits(-2 + 5 * u[i]), Double.doubleToRawLongBits(w.data()[i]), "element " + i);
    }
  }

  @Test
  void normalIsStrictMathBoxMullerOverTheSameUniforms() {
    Linear l = new Linear(3, 1);
    Parameter w = l.parameter("weight");
    Init.apply(w, 7L, Init.normal(1.0, 0.5));
    double[] u = splitMixUniforms(7L, 4);
    double r = StrictMath.sqrt(-2 * StrictMath.log(1 - u[0]));
    double t = 2 * StrictMath.PI * u[1];
    assertEquals(1.0 + 0.5 * r * StrictMath.cos(t), w.data()[0], 0.0);
    assertEquals(1.0 + 0.5 * r * StrictMath.sin(t), w.data()[1], 0.0);
    double r2 = StrictMath.sqrt(-2 * StrictMath.log(1 - u[2]));
    assertEquals(1.0 + 0.5 * r2 * StrictMath.cos(2 * StrictMath.PI * u[3]), w.data()[2], 0.0);
  }

  @Test
  void applyIsReproducibleAndEachParameterHasItsOwnStream() {
    Sequential a = Mlp.of(4, 8, 2).build();
    Sequential b = Mlp.of(4, 8, 2).build();
    Init.apply(a, 3L, Init.xavierUniform(1.0), Init.zeros());
    Init.apply(b, 3L, Init.xavierUniform(1.0), Init.zeros());
    for (int i = 0; i < a.parameters().size(); i++) {
      assertArrayEquals(a.parameters().get(i).data(), b.parameters().get(i).data());
    }
    // Parameter k draws from the k-th split, whatever the others drew.
    SplittableRandom root = new SplittableRandom(3L);
    root.split();
    root.split();
    double[] expected = new double[16];
    double bound = Math.sqrt(6.0 / (8 + 2));
    Init.fillUniform(expected, -bound, bound, root.split());
    assertArrayEquals(expected, a.parameter("2.weight").data());
    assertArrayEquals(new double[8], a.parameter("0.bias").data());
  }

  @Test
  void xavierAndKaimingUseTheFansOfAWeight() {
    Linear l = new Linear(200, 50);
    Parameter w = l.parameter("weight");
    Init.apply(w, 1L, Init.xavierUniform(1.0));
    double a = Math.sqrt(6.0 / 250);
    assertTrue(max(w.data()) <= a && max(w.data()) > 0.95 * a, "U(-a, a), a = sqrt(6/(in+out))");
    Init.apply(w, 1L, Init.kaimingUniform());
    double b = Math.sqrt(6.0 / 200);
    assertTrue(max(w.data()) <= b && max(w.data()) > 0.95 * b, "U(-b, b), b = sqrt(6/in)");
    Init.apply(w, 1L, Init.kaimingNormal());
    assertEquals(Math.sqrt(2.0 / 200), std(w.data()), 0.03 * Math.sqrt(2.0 / 200), "10 000 samples: std within 3%");
    Init.apply(w, 1L, Init.xavierNormal(2.0));
    assertEquals(2 * Math.sqrt(2.0 / 250), std(w.data()), 0.03 * 2 * Math.sqrt(2.0 / 250));
  }

  @Test
  void constantsAndDifferentSeeds() {
    Linear l = new Linear(2, 2);
    Init.apply(l, 9L, Init.constant(0.5), Init.constant(-1));
    assertArrayEquals(new double[] {0.5, 0.5, 0.5, 0.5}, l.weight().data());
    assertArrayEquals(new double[] {-1, -1}, l.bias().data());
    Linear m = new Linear(2, 2);
    Init.apply(l, 1L, Init.normal(0, 1), Init.zeros());
    Init.apply(m, 2L, Init.normal(0, 1), Init.zeros());
    assertFalse(Arrays.equals(l.weight().data(), m.weight().data()));
  }

  @Test
  void explicitValuesPerParameter() {
    // The classic worked example's 2-2-2 network (Mazur): published starting weights.
    Sequential net = Mlp.of(2, 2, 2).build();
    Init.values(net, List.of("0.weight", "0.bias", "2.weight", "2.bias"),
        List.of(new double[] {0.15, 0.20, 0.25, 0.30}, new double[] {0.35, 0.35},
            new double[] {0.40, 0.45, 0.50, 0.55}, new double[] {0.60, 0.60}));
    assertArrayEquals(new double[] {0.40, 0.45, 0.50, 0.55}, net.parameter("2.weight").data());
  }

  private static double max(double[] v) {
    return Arrays.stream(v).map(Math::abs).max().orElseThrow();
  }

  private static double std(double[] v) {
    double mean = Arrays.stream(v).average().orElseThrow();
    return Math.sqrt(Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / v.length);
  }
}
