package io.github.chainrule.autodiff.inspect;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.chainrule.autodiff.Backward;
import io.github.chainrule.autodiff.GradMode;
import io.github.chainrule.autodiff.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A read-only view of the graph behind a scalar output, for inspection: its differentiable nodes in
 * topological order (inputs first, the output last), who consumes each node, and a way to replay the
 * part of the graph downstream of one node with that node's value changed.
 *
 * <p>Replaying calls each op's {@link io.github.chainrule.autodiff.Op#forward} on the recorded inputs
 * (or on the replayed value of an input that lies downstream of the changed node). By the op
 * contract, forward reads only its inputs' values and records nothing, so a replay never changes the
 * graph, the values or the gradients it inspects. Constants (nodes that need no gradient) keep their
 * recorded values.
 */
final class GraphView {
  /** One edge of the graph: {@code consumer}'s op reads {@code consumer.inputs().get(inputIndex)}. */
  record Edge(Tensor consumer, int inputIndex) {}

  final Tensor output;
  final Tensor[] nodes;
  private final Map<Tensor, Integer> position = new IdentityHashMap<>();
  private final List<List<Edge>> consumers = new ArrayList<>();

  private GraphView(Tensor output, Tensor[] nodes) {
    this.output = output;
    this.nodes = nodes;
    for (int i = 0; i < nodes.length; i++) {
      position.put(nodes[i], i);
      consumers.add(new ArrayList<>(2));
    }
    for (Tensor node : nodes) {
      List<Tensor> in = node.inputs();
      for (int j = 0; j < in.size(); j++) {
        Integer p = position.get(in.get(j));
        if (p != null) {
          consumers.get(p).add(new Edge(node, j));
        }
      }
    }
  }

  /** The graph behind {@code output}, which must hold one value and depend on a tensor that requires a gradient. */
  static GraphView of(String operation, Tensor output) {
    checkArgument(output.size() == 1, "%s: the output %s has shape %s; inspection needs a scalar loss "
        + "(reduce it with sum() or mean() first)", operation, output.label(), Arrays.toString(output.shapeRef()));
    checkArgument(output.needsGrad(), "%s: the output %s does not depend on any tensor that requires a "
        + "gradient; call requiresGrad() on the parameters before building the graph", operation, output.label());
    return new GraphView(output, Backward.topologicalOrder(output));
  }

  boolean contains(Tensor t) {
    return position.containsKey(t);
  }

  int positionOf(Tensor t) {
    Integer p = position.get(t);
    if (p == null) {
      throw new IllegalArgumentException("inspect: " + t.label() + " is not part of the graph of "
          + output.label() + " (the output does not depend on it, or it does not require a gradient)");
    }
    return p;
  }

  /** The edges leaving {@code t} towards the output, in the order the graph was recorded. */
  List<Edge> consumersOf(Tensor t) {
    return consumers.get(positionOf(t));
  }

  /** {@code t} and every node that depends on it, in topological order. */
  List<Tensor> downstreamOf(Tensor t) {
    int start = positionOf(t);
    boolean[] reached = new boolean[nodes.length];
    reached[start] = true;
    List<Tensor> out = new ArrayList<>();
    for (int i = start; i < nodes.length; i++) {
      if (!reached[i]) {
        continue;
      }
      out.add(nodes[i]);
      for (Edge e : consumers.get(i)) {
        reached[position.get(e.consumer())] = true;
      }
    }
    return out;
  }

  /**
   * The output's value when {@code node} holds {@code value} instead of its recorded value, replaying
   * only {@code downstream} (from {@link #downstreamOf}).
   */
  double replay(List<Tensor> downstream, Tensor value) {
    Map<Tensor, Tensor> replayed = new IdentityHashMap<>();
    replayed.put(downstream.get(0), value);
    try (GradMode.Scope scope = GradMode.disabled()) {
      for (int i = 1; i < downstream.size(); i++) {
        Tensor node = downstream.get(i);
        List<Tensor> in = node.inputs();
        Tensor[] args = new Tensor[in.size()];
        for (int j = 0; j < args.length; j++) {
          args[j] = replayed.getOrDefault(in.get(j), in.get(j));
        }
        replayed.put(node, node.op().forward(args));
      }
    }
    return replayed.getOrDefault(output, output).data()[0];
  }

  /** A copy of {@code node}'s value with element {@code element} moved by {@code delta}. */
  static Tensor nudged(Tensor node, int element, double delta) {
    double[] values = node.toArray();
    values[element] += delta;
    return Tensor.wrap(values, node.shape());
  }
}
