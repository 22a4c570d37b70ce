package io.github.chainrule.autodiff.inspect;

import io.github.chainrule.autodiff.GradMode;
import io.github.chainrule.autodiff.Kink;
import io.github.chainrule.autodiff.Op;
import io.github.chainrule.autodiff.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The kinks a node's op sits on. Every op states its own ({@link Op#kinks}): where each lies and
 * its two one-sided slopes, from the op's definition and parameters. What this class adds is the
 * slope autodiff used, read from the op's own backward rule with a one-hot upstream gradient, so it
 * reports what the code does, not what a comment says it does.
 */
public final class Kinks {
  private Kinks() {}

  /** The kinks {@code node}'s op sits on at the node's recorded inputs; empty for a leaf or a smooth op. */
  public static List<Kink> at(Tensor node) {
    Op op = node.op();
    if (op == null) {
      return List.of();
    }
    Tensor[] in = node.inputs().toArray(new Tensor[0]);
    List<Kink> found = op.kinks(in, node);
    List<Kink> withUsed = new ArrayList<>(found.size());
    for (Kink k : found) {
      if (!in[k.inputIndex()].needsGrad()) {
        continue; // a constant side of maximum(x, 0.0): no gradient flows there, nothing to label
      }
      withUsed.add(Double.isNaN(k.used()) ? k.withUsed(usedSlope(node, in, k)) : k);
    }
    return withUsed;
  }

  /** The kinks among {@code consumer}'s that concern its input {@code inputIndex}. */
  static List<Kink> at(Tensor consumer, int inputIndex) {
    return at(consumer).stream().filter(k -> k.inputIndex() == inputIndex).toList();
  }

  /** What the op's backward gives d(output element)/d(input element): a one-hot upstream gradient. */
  private static double usedSlope(Tensor node, Tensor[] in, Kink k) {
    double[] seed = new double[node.size()];
    seed[k.outputElement()] = 1.0;
    try (GradMode.Scope scope = GradMode.disabled()) {
      Tensor[] grads = node.op().backward(in, node, Tensor.wrap(seed, node.shape()));
      Tensor g = grads[k.inputIndex()];
      return g == null ? Double.NaN : g.data()[k.inputElement()];
    }
  }
}
