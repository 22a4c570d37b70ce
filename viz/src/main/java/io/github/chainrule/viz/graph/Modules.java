package io.github.chainrule.viz.graph;

import io.github.chainrule.autodiff.Tensor;
import java.util.function.Function;

/**
 * Which module each node belongs to, from names: {@code "hidden.weight"} belongs to module {@code
 * "hidden"}, {@code "0.bias"} to {@code "0"}, {@code "encoder.layer1.weight"} to {@code
 * "encoder.layer1"} (inside {@code "encoder"}). Graphs draw one cluster per module.
 *
 * <p>Unnamed op nodes have no name to read, so they inherit a module from the parameters they
 * use directly: {@code x.matmul(hidden.weight)} and {@code transpose(hidden.weight)} belong to
 * {@code hidden}. An op that mixes parameters of two modules, or uses none, stays outside every
 * module: activations between layers are not claimed by either layer.
 */
public final class Modules {
  private Modules() {}

  /**
   * The module part of a name: everything before the last dot, or null when there is no dot (or
   * nothing before it).
   */
  public static String moduleOf(String name) {
    if (name == null) {
      return null;
    }
    int dot = name.lastIndexOf('.');
    return dot <= 0 ? null : name.substring(0, dot);
  }

  /** The name-based rule above, for every node of {@code graph}, indexed by id. */
  public static String[] assign(TensorGraph graph) {
    return assign(graph, t -> moduleOf(t.name()));
  }

  /**
   * Modules indexed by node id, with {@code named} giving the module of a node from its name (null
   * for none); unnamed op nodes inherit as described above.
   */
  public static String[] assign(TensorGraph graph, Function<Tensor, String> named) {
    int n = graph.size();
    String[] module = new String[n];
    // "Parameter-derived": a parameter with a module, or an unnamed op of only such nodes in the same
    // module (transpose(W), reshape(b)). Only these pass their module on.
    boolean[] derived = new boolean[n];
    for (int id = 0; id < n; id++) {
      Tensor t = graph.node(id);
      if (t.name() != null || t.isLeaf()) {
        module[id] = named.apply(t);
        derived[id] = t.isLeaf() && t.needsGrad() && module[id] != null;
        continue;
      }
      String found = null;
      boolean conflict = false;
      boolean allDerived = true;
      for (int k = 0; k < graph.inputCount(id); k++) {
        int j = graph.inputId(id, k);
        if (!derived[j]) {
          allDerived = false;
          continue;
        }
        if (found == null) {
          found = module[j];
        } else if (!found.equals(module[j])) {
          conflict = true;
        }
      }
      if (found != null && !conflict) {
        module[id] = found;
        derived[id] = allDerived;
      }
    }
    return module;
  }
}
