package io.github.chainrule.nn.init;

import java.util.SplittableRandom;

/**
 * Fills one parameter's values. {@code fanIn} and {@code fanOut} follow PyTorch: for a weight of
 * shape [out, in] they are in and out; for a rank-1 parameter both are its length.
 */
@FunctionalInterface
public interface Initializer {
  /** Writes {@code values.length} values drawn from {@code rng} (or none, for constants). */
  void fill(double[] values, int fanIn, int fanOut, SplittableRandom rng);
}
