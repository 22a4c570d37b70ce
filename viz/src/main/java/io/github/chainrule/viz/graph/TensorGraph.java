package io.github.chainrule.viz.graph;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import io.github.chainrule.autodiff.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A read-only snapshot of the graph an output depends on: every tensor reachable through {@link
 * Tensor#inputs()} (constants and inputs included, not only nodes that need a gradient), each with
 * a stable id.
 *
 * <p>Ids follow a topological order: every node comes after all of its inputs, the output is last.
 * The order is a depth-first post-order that visits inputs in argument order, so the same
 * expression always gives the same ids. The walk uses an explicit stack, so a chain of millions of
 * ops is fine. Tensors are never modified: nothing here writes to a node.
 */
public final class TensorGraph {
  private final Tensor output;
  private final List<Tensor> nodes;
  private final Map<Tensor, Integer> ids;
  // Inputs by id, flat: the inputs of node i are inputIds[inputStart[i] .. inputStart[i + 1]), in
  // argument order. Exporters walk these instead of hashing tensors again.
  private final int[] inputStart;
  private final int[] inputIds;

  private TensorGraph(Tensor output, List<Tensor> nodes, Map<Tensor, Integer> ids, int[] inputStart, int[] inputIds) {
    this.output = output;
    this.nodes = nodes;
    this.ids = ids;
    this.inputStart = inputStart;
    this.inputIds = inputIds;
  }

  /** Walks everything {@code output} depends on. */
  public static TensorGraph of(Tensor output) {
    checkNotNull(output, "graph: output tensor is null");
    // Identity: two distinct nodes may hold equal values. -1 marks "on the stack", then the id.
    Map<Tensor, Integer> ids = new IdentityHashMap<>();
    List<Tensor> order = new ArrayList<>();
    Tensor[] stack = new Tensor[64];
    List<?>[] stackInputs = new List<?>[64];
    int[] next = new int[64];
    int[] start = new int[1025];
    int[] edges = new int[1024];
    int edgeCount = 0;
    int top = 0;
    stack[top] = output;
    stackInputs[top] = output.inputs();
    next[top] = 0;
    top++;
    ids.put(output, -1);
    while (top > 0) {
      List<?> inputs = stackInputs[top - 1];
      int i = next[top - 1];
      if (i < inputs.size()) {
        next[top - 1] = i + 1;
        Tensor in = (Tensor) inputs.get(i);
        // A graph is acyclic, so a node seen before is either finished or not reachable from here.
        if (ids.putIfAbsent(in, -1) == null) {
          if (top == stack.length) {
            stack = Arrays.copyOf(stack, top * 2);
            stackInputs = Arrays.copyOf(stackInputs, top * 2);
            next = Arrays.copyOf(next, top * 2);
          }
          stack[top] = in;
          stackInputs[top] = in.inputs();
          next[top] = 0;
          top++;
        }
      } else {
        Tensor done = stack[--top];
        // Every input is finished before its consumer, so their ids are final.
        for (Object in : inputs) {
          if (edgeCount == edges.length) {
            edges = Arrays.copyOf(edges, edgeCount * 2);
          }
          edges[edgeCount++] = ids.get(in);
        }
        stack[top] = null;
        stackInputs[top] = null;
        int id = order.size();
        ids.put(done, id);
        order.add(done);
        if (id + 2 > start.length) {
          start = Arrays.copyOf(start, start.length * 2);
        }
        start[id + 1] = edgeCount;
      }
    }
    return new TensorGraph(output, Collections.unmodifiableList(order), ids,
        Arrays.copyOf(start, order.size() + 1), Arrays.copyOf(edges, edgeCount));
  }

  /** The tensor the graph was taken from. */
  public Tensor output() {
    return output;
  }

  /** All nodes, inputs before the nodes that use them, the output last. */
  public List<Tensor> nodes() {
    return nodes;
  }

  /** Number of nodes. */
  public int size() {
    return nodes.size();
  }

  /** The node with this id. */
  public Tensor node(int id) {
    return nodes.get(id);
  }

  /** Number of inputs of node {@code id} (an input used twice counts twice). */
  public int inputCount(int id) {
    return inputStart[id + 1] - inputStart[id];
  }

  /** The id of input number {@code j} of node {@code id}. */
  public int inputId(int id, int j) {
    return inputIds[inputStart[id] + j];
  }

  /** True if {@code t} is part of this graph. */
  public boolean contains(Tensor t) {
    return ids.containsKey(t);
  }

  /**
   * The stable id of {@code t}: its position in {@link #nodes()}.
   *
   * @throws IllegalArgumentException if {@code t} is not in this graph
   */
  public int id(Tensor t) {
    Integer id = ids.get(t);
    checkArgument(id != null, "graph: %s is not part of the graph of %s", t == null ? "null" : t.label(), output.label());
    return id;
  }

  /** The role of {@code t}, see {@link Role}. */
  public Role role(Tensor t) {
    if (t == output) {
      return Role.OUTPUT;
    }
    if (!t.isLeaf()) {
      return Role.OP;
    }
    if (t.needsGrad()) {
      return Role.PARAMETER;
    }
    return t.name() != null ? Role.INPUT : Role.CONSTANT;
  }

  /** The parameters (leaves requiring a gradient) in id order. */
  public List<Tensor> parameters() {
    List<Tensor> out = new ArrayList<>();
    for (Tensor t : nodes) {
      if (t.isLeaf() && t.needsGrad()) {
        out.add(t);
      }
    }
    return out;
  }
}
