package io.github.chainrule.app.gallery;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.layers.Linear;
import io.github.chainrule.nn.module.Module;

/**
 * The 2-2-1 sigmoid network of Jeff Heaton's <i>Introduction to the Math of Neural Networks</i>:
 * inputs I1, I2, hidden neurons H1, H2, output O1, each neuron a sigmoid of its weighted sum plus a
 * bias (the book's B1 and B2 neurons, which always output 1).
 *
 * <p>Parameter layout (nn's, PyTorch's): {@code hidden.weight} [2, 2] has one row per hidden neuron,
 * so row 0 is (I1→H1, I2→H1) and row 1 is (I1→H2, I2→H2); {@code hidden.bias} is (B1→H1, B1→H2);
 * {@code output.weight} [1, 2] is (H1→O1, H2→O1); {@code output.bias} is B2→O1.
 */
final class HeatonNetwork extends Module {
  final Linear hidden = module("hidden", new Linear(2, 2));
  final Linear output = module("output", new Linear(2, 1));

  /** The book's weights. */
  static HeatonNetwork published() {
    HeatonNetwork net = new HeatonNetwork();
    net.set("hidden.weight", new double[][] {{-0.07, 0.22}, {0.95, 0.46}});
    net.set("hidden.bias", -0.46, 0.10);
    net.set("output.weight", -0.22, 0.58);
    net.set("output.bias", 0.78);
    return net;
  }

  @Override
  public Tensor forward(Tensor x) {
    return trace(x).o;
  }

  /** The forward pass with its intermediate nodes kept, named as the pages show them. */
  Pass trace(Tensor x) {
    Tensor s1 = hidden.forward(x).named("hidden.sum");
    Tensor h = s1.sigmoid().named("hidden.out");
    Tensor s2 = output.forward(h).named("output.sum");
    Tensor o = s2.sigmoid().named("output.out");
    return new Pass(x, s1, h, s2, o);
  }

  /** One forward pass: the weighted sums and outputs of both layers. */
  record Pass(Tensor x, Tensor s1, Tensor h, Tensor s2, Tensor o) {}
}
