package io.github.chainrule.viz.graph;

import io.github.chainrule.autodiff.Backward;
import io.github.chainrule.autodiff.Tensor;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each edge carried back in the backward pass: for an op node and one of its inputs, the
 * upstream gradient times the local derivative. That is exactly what the edge adds to the input's
 * gradient, so the contributions along the edges leaving a node (towards the ops that use it) add
 * up to its gradient.
 *
 * <p>Two ways to get them:
 * <ul>
 *   <li>{@link #recompute}: after {@code backward()}, asks each op for its vector-Jacobian product
 *       again from the node's stored gradient, with recording off. Nothing in the graph changes.
 *       Because the product is linear in the upstream gradient, this also holds after several
 *       accumulated passes. Nodes without a stored gradient (no pass reached them, or the pass
 *       kept only leaves' gradients) get no contributions.
 *   <li>{@link #recorder()}: a listener for {@code Backward.from(out).onEdge(...)} that keeps what
 *       the engine computed during that one pass.
 * </ul>
 * The sum holds within the drawn graph: a node also used by another output's graph receives
 * contributions this graph does not show.
 */
public final class EdgeContributions {
  private final Map<Tensor, Tensor[]> byConsumer;

  private EdgeContributions(Map<Tensor, Tensor[]> byConsumer) {
    this.byConsumer = byConsumer;
  }

  /** Recomputes every edge's contribution from the gradients stored in {@code graph}'s nodes. */
  @SuppressWarnings("try") // the scope only switches recording off
  public static EdgeContributions recompute(TensorGraph graph) {
    Map<Tensor, Tensor[]> map = new IdentityHashMap<>();
    try (var scope = Tensor.noGrad()) {
      for (Tensor node : graph.nodes()) {
        if (node.isLeaf() || !node.hasGrad()) {
          continue;
        }
        List<Tensor> inputList = node.inputs();
        Tensor[] inputs = inputList.toArray(new Tensor[0]);
        Tensor[] contributions = node.op().backward(inputs, node, node.grad());
        Tensor[] kept = new Tensor[inputs.length];
        for (int j = 0; j < inputs.length; j++) {
          // Like the engine: inputs that need no gradient receive nothing.
          kept[j] = inputs[j].needsGrad() ? contributions[j] : null;
        }
        map.put(node, kept);
      }
    }
    return new EdgeContributions(map);
  }

  /** A listener collecting contributions during one pass; read them with {@link Recorder#result()}. */
  public static Recorder recorder() {
    return new Recorder();
  }

  /** The contribution {@code consumer}'s op sent to its input number {@code inputIndex}, or null. */
  public Tensor get(Tensor consumer, int inputIndex) {
    Tensor[] row = byConsumer.get(consumer);
    return row == null || inputIndex >= row.length ? null : row[inputIndex];
  }

  /** Collects what {@code Backward.onEdge} reports. */
  public static final class Recorder implements Backward.EdgeListener {
    private final Map<Tensor, Tensor[]> map = new IdentityHashMap<>();

    private Recorder() {}

    @Override
    public void onEdge(Tensor consumer, int inputIndex, Tensor contribution) {
      Tensor[] row = map.computeIfAbsent(consumer, c -> new Tensor[c.inputs().size()]);
      // A consumer visited twice would mean two passes: keep their sum, as .grad does.
      row[inputIndex] = row[inputIndex] == null ? contribution : row[inputIndex].add(contribution);
    }

    /** What was recorded so far. */
    public EdgeContributions result() {
      return new EdgeContributions(new IdentityHashMap<>(map));
    }
  }
}
