package io.github.chainrule.nn.layers;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.module.Module;
import java.util.ArrayList;
import java.util.List;

/**
 * Modules applied one after another, registered under their positions: {@code 0.weight},
 * {@code 2.bias}; a module's unnamed output is named by its position too, {@code 1.out}.
 */
public final class Sequential extends Module {
  private final List<Module> layers = new ArrayList<>();
  private boolean fuseBiasActivations;

  public Sequential(Module... layers) {
    for (Module m : layers) {
      add(m);
    }
  }

  /** Appends a module under the next position. Returns {@code this}. */
  public Sequential add(Module m) {
    layers.add(module(Integer.toString(layers.size()), m));
    return this;
  }

  /**
   * Whether a {@link Linear} followed by an {@link Activation} with a fused form (ReLU) runs as
   * {@link Linear#forward(Tensor, Activation)}: the same values and gradients, one array and one
   * pass over memory fewer per such pair, forward and backward. Off by default, because the graph
   * then lacks the Linear's own output node ({@code "0.out"}); the fused node is named after the
   * activation ({@code "1.out"}). Returns {@code this}.
   */
  public Sequential fuseBiasActivations(boolean fuse) {
    this.fuseBiasActivations = fuse;
    return this;
  }

  @Override
  public Tensor forward(Tensor x) {
    Tensor y = x;
    for (int i = 0; i < layers.size(); i++) {
      Module m = layers.get(i);
      Tensor in = y;
      if (fuseBiasActivations && m instanceof Linear linear && i + 1 < layers.size()
          && layers.get(i + 1) instanceof Activation activation) {
        m = activation;
        i++;
        y = linear.forward(y, activation);
      } else {
        y = m.forward(y);
      }
      // An unnamed result (an activation's) is named by position as a Linear names its own, "1.out":
      // graphs and errors then say which layer it came from.
      if (y != in && y.name() == null) {
        y.named(m.path() + ".out");
      }
    }
    return y;
  }

  public Module get(int index) {
    if (index < 0 || index >= layers.size()) {
      throw new IndexOutOfBoundsException(describe() + ": no module at index " + index + "; it holds "
          + layers.size() + " (indices 0 to " + (layers.size() - 1) + ")");
    }
    return layers.get(index);
  }

  public int size() {
    return layers.size();
  }
}
