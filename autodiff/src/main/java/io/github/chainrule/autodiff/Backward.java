package io.github.chainrule.autodiff;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import io.github.chainrule.autodiff.kernels.Kernels;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reverse-mode engine: sorts the graph topologically, then walks it from the output back to
 * the leaves, asking each node's {@link Op} for its vector-Jacobian product and summing the
 * contributions each node receives. It knows nothing about individual ops.
 *
 * <h2>Accumulation rule</h2>
 * After a pass, every node the pass reached (leaves and intermediates alike) holds in {@link
 * Tensor#grad()} the sum of dL/d(node) over all passes that reached it since its gradient was last
 * cleared with {@link Tensor#zeroGrad()}. Within one pass, contributions are summed in a pass-local
 * slot first, so a node used several times receives each contribution exactly once and the chain
 * rule always holds between a node and its inputs. Calling {@code backward()} twice on the same
 * graph therefore doubles every gradient in it, consistently, as it does for PyTorch's leaves.
 *
 * <h2>Order</h2>
 * A pass visits nodes in the reverse of the order their ops were recorded in, as PyTorch's engine
 * does (its sequence numbers): a node's contributions are summed in the order its consumers were
 * recorded, latest first. Every node is recorded after its inputs, so that order is topological by
 * construction (see {@link Tensor}'s recording number). A pass over scalars finds it without a
 * sort, walking a window of recording numbers down from the output's (ScalarSweep); every other
 * pass, and a sweep that gives up, finds the graph's nodes with an iterative depth-first walk (an
 * explicit stack, so a chain of a million ops is fine) and sorts them by recording number. Either
 * way the order, and so every sum, is the same.
 *
 * <h2>Graphs of scalars</h2>
 * When every node of the pass is rank 0 and every op has {@link Op#hasScalarRules scalar rules},
 * and neither a recorded graph nor an {@link OpHook} is wanted, the pass propagates plain doubles
 * through each op's {@link Op#scalarVjp}: no tensor per contribution, and each node's gradient is
 * kept as a double until {@link Tensor#grad()} asks for it. The sums are the same, in the same
 * order, so the gradients are the same bits as the tensor path's. Without an edge listener, finding
 * the nodes and propagating through them are one sweep down the window, which stores each node's
 * gradient as it passes (ScalarSweep). Everything else, and every pass with {@link #createGraph
 * createGraph(true)}, takes the tensor path.
 *
 * <h2>Threads</h2>
 * Passes over disjoint graphs may run in parallel threads. Two passes that share nodes must not run
 * at the same time: a pass marks the nodes it visits.
 *
 * <pre>{@code
 * loss.backward();                                         // the usual case
 * Backward.from(y).seed(ones).run();                       // non-scalar output
 * Tensor[] g = Backward.from(loss).createGraph(true).gradients(x);  // leaves .grad untouched
 * }</pre>
 */
public final class Backward {

  /** Receives each edge's contribution as the pass computes it; used by explanations and graphs. */
  @FunctionalInterface
  public interface EdgeListener {
    /**
     * @param consumer the node whose op produced the contribution
     * @param inputIndex which of its inputs receives it
     * @param contribution upstream gradient × local derivative, of the input's shape
     */
    void onEdge(Tensor consumer, int inputIndex, Tensor contribution);
  }

  private static final AtomicInteger WALK = new AtomicInteger();
  private static final long WALK_BITS = 0xFFFF_FFFF_0000_0000L;
  // The low bits of a node the sort has reached but not yet placed: no position is this large.
  private static final long OPEN = 0xFFFF_FFFFL;
  private static final Kernels K = Kernels.get();

  private final Tensor root;
  private Tensor seed;
  private boolean createGraph;
  private boolean keepIntermediateGrads = true;
  private EdgeListener edgeListener;

  private Backward(Tensor root) {
    this.root = checkNotNull(root, "backward: output is null");
  }

  /** Starts a backward pass from {@code output}. */
  public static Backward from(Tensor output) {
    return new Backward(output);
  }

  /**
   * dL/d(output) to start from, of the output's shape. Defaults to 1 for a scalar output; any other
   * output needs one.
   */
  public Backward seed(Tensor seed) {
    this.seed = seed;
    return this;
  }

  /**
   * Record the backward computation as a graph of its own, so the gradients can be differentiated
   * again (second derivatives, Hessian-vector products). Off by default.
   */
  public Backward createGraph(boolean createGraph) {
    this.createGraph = createGraph;
    return this;
  }

  /**
   * Whether intermediate nodes keep their gradient (the default, because inspecting them is what
   * chainrule is for). Off, only leaves get a gradient: lighter for training loops.
   */
  public Backward keepIntermediateGrads(boolean keep) {
    this.keepIntermediateGrads = keep;
    return this;
  }

  /** Calls {@code listener} with every edge's contribution during the pass. */
  public Backward onEdge(EdgeListener listener) {
    this.edgeListener = listener;
    return this;
  }

  /** Runs the pass and accumulates into {@link Tensor#grad()} as described above. */
  public void run() {
    pass(null);
  }

  /**
   * Runs the pass and returns dL/d(each of {@code wrt}), without touching any node's {@code grad}.
   * An input the output does not depend on gets zeros of its shape, even when the output depends
   * on nothing that requires a gradient (a constant function has a zero gradient).
   */
  public Tensor[] gradients(Tensor... wrt) {
    for (Tensor t : wrt) {
      checkArgument(t.needsGrad(), "grad: %s does not require a gradient; call requiresGrad() on it "
          + "before building the graph", t.label());
    }
    if (!root.needsGrad()) {
      startingGradient(); // still reject a bad seed
      Tensor[] zeros = new Tensor[wrt.length];
      for (int i = 0; i < wrt.length; i++) {
        zeros[i] = Tensor.zeros(wrt[i].shapeRef());
      }
      return zeros;
    }
    // Identity, not equals: two distinct nodes may hold equal values.
    Map<Tensor, Tensor> captured = new IdentityHashMap<>();
    for (Tensor t : wrt) {
      captured.put(t, null);
    }
    pass(captured);
    Tensor[] out = new Tensor[wrt.length];
    for (int i = 0; i < wrt.length; i++) {
      Tensor g = captured.get(wrt[i]);
      out[i] = g != null ? g : Tensor.zeros(wrt[i].shapeRef());
    }
    return out;
  }

  /** Does the pass; with {@code captured} non-null, stores its keys' gradients there instead of grad. */
  private void pass(Map<Tensor, Tensor> captured) {
    if (!root.needsGrad()) {
      throw new IllegalStateException("backward: " + root.label() + " does not require a gradient: "
          + "no tensor it depends on was marked with requiresGrad(), or it was computed under no-grad");
    }
    Tensor start = startingGradient();
    boolean plain = !createGraph && OpHook.installed() == null;
    if (plain && edgeListener == null && root.isScalar()
        && ScalarSweep.run(root, start.item(), keepIntermediateGrads, captured)) {
      return;
    }
    Order order = recordingOrder(root);
    if (plain && order.scalars) {
      scalarPass(order.nodes, order.count, start.item(), captured);
    } else {
      tensorPass(Arrays.copyOf(order.nodes, order.count), start, captured);
    }
  }

  private void tensorPass(Tensor[] order, Tensor start, Map<Tensor, Tensor> captured) {
    // The pass's running sum for each node, by its position in the order, and whether the pass made
    // that sum itself (nothing else holds it, so later contributions may go in place).
    Tensor[] sums = new Tensor[order.length];
    boolean[] owned = new boolean[order.length];
    sums[order.length - 1] = start;
    try (GradMode.Scope scope = createGraph ? GradMode.enabled() : GradMode.disabled()) {
      for (int i = order.length - 1; i >= 0; i--) {
        Tensor node = order[i];
        Tensor g = sums[i];
        sums[i] = null;
        if (g == null) {
          continue;
        }
        propagate(node, g, sums, owned);
        if (captured != null) {
          if (captured.containsKey(node)) {
            captured.put(node, g);
          }
        } else if (node.op == null || keepIntermediateGrads) {
          node.accumulateGrad(g, createGraph || owned[i]);
        }
      }
    }
  }

  private void propagate(Tensor node, Tensor g, Tensor[] sums, boolean[] owned) {
    if (node.op == null) {
      return;
    }
    Tensor[] inputs = node.inputArray();
    OpHook hook = OpHook.installed();
    Tensor[] contributions = hook != null
        ? hook.backward(node, inputs, g) : node.op.backward(inputs, node, g);
    for (int j = 0; j < inputs.length; j++) {
      Tensor in = inputs[j];
      Tensor c = contributions[j];
      if (c == null || !in.needsGrad()) {
        continue;
      }
      if (!Arrays.equals(c.shapeRef(), in.shapeRef())) {
        // An op bug, not a user error, but say exactly where it is.
        throw new IllegalStateException("backward of " + node.op.label() + " (" + node.label()
            + ") returned a gradient of shape " + Shape.format(c.shapeRef()) + " for input " + j
            + " (" + in.label() + ") of shape " + Shape.format(in.shapeRef()));
      }
      if (edgeListener != null) {
        edgeListener.onEdge(node, j, c);
      }
      boolean fresh = !createGraph && hook == null && edgeListener == null
          && isFresh(c, node, g, inputs, contributions, j);
      accumulate(position(in), c, sums, owned, hook, fresh);
    }
  }

  /**
   * Whether contribution {@code j} is a tensor the op's backward just made for this input alone:
   * not the upstream gradient passed on (add does that), not a view of it or of the node's or an
   * input's values (reshape's backward is one), not shared with another input. Only an op's own
   * inputs, output and upstream gradient are in reach of its backward, so nothing else can hold it,
   * and a leaf may keep it as its gradient without the copy it otherwise needs: three arrays of
   * 1024 doubles, 30 % of the bytes of a 1→1024→1 training step.
   */
  private static boolean isFresh(Tensor c, Tensor node, Tensor g, Tensor[] inputs, Tensor[] contributions, int j) {
    if (c.sharesValuesWith(g) || c.sharesValuesWith(node)) {
      return false;
    }
    for (int k = 0; k < inputs.length; k++) {
      if (c.sharesValuesWith(inputs[k]) || (k != j && contributions[k] != null && c.sharesValuesWith(contributions[k]))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Adds one contribution to a node's pass-local sum. The first is kept as it is: unless it is
   * {@code fresh}, it may be another node's gradient too (add hands the same tensor to both
   * inputs). A fresh first contribution is the pass's own from the start. The second makes a new
   * tensor that only this pass holds; without a recorded graph, later contributions are added into
   * it in place. A parameter used by every sample of a batch of scalar graphs receives one
   * contribution per sample, and a new tensor for each of those was a quarter of such a pass's
   * allocation. Values are the same either way: each element is sum + contribution.
   */
  private void accumulate(int at, Tensor c, Tensor[] sums, boolean[] owned, OpHook hook, boolean fresh) {
    Tensor sum = sums[at];
    if (sum == null) {
      sums[at] = c;
      owned[at] = fresh;
    } else if (owned[at]) {
      K.addTo(c.data(), 0, sum.data(), 0, sum.size());
    } else {
      sums[at] = sum.add(c);
      // With a recorded graph the sum is a node whose value must not change, and a hook (anomaly
      // mode) checks every op's output: both keep making new tensors.
      owned[at] = !createGraph && hook == null;
    }
  }

  /**
   * The tensor pass in plain doubles, for graphs of scalars (see the class comment): the same
   * contributions, summed in the same order. Sums start at -0.0, the one value x with x + c == c
   * for every c (with +0.0, a first contribution of -0.0 would turn into +0.0).
   */
  private void scalarPass(Tensor[] order, int count, double start, Map<Tensor, Tensor> captured) {
    double[] sums = new double[count];
    Arrays.fill(sums, -0.0);
    sums[count - 1] = start;
    for (int i = count - 1; i >= 0; i--) {
      Tensor node = order[i];
      double g = sums[i];
      Op op = node.op;
      if (op != null) {
        // One or two inputs (the sort checked), in fields: input 0's contribution first, as the
        // tensor path adds them.
        Tensor in0 = node.in0;
        Tensor in1 = node.in1;
        double a = in0.scalarValue();
        double b = in1 != null ? in1.scalarValue() : 0.0;
        double y = node.scalarValue();
        if (in0.needsGrad()) {
          double c = op.scalarVjp(0, a, b, y, g);
          if (edgeListener != null) {
            edgeListener.onEdge(node, 0, Tensor.scalar(c));
          }
          sums[position(in0)] += c;
        }
        if (in1 != null && in1.needsGrad()) {
          double c = op.scalarVjp(1, a, b, y, g);
          if (edgeListener != null) {
            edgeListener.onEdge(node, 1, Tensor.scalar(c));
          }
          sums[position(in1)] += c;
        }
      }
      if (captured != null) {
        if (captured.containsKey(node)) {
          captured.put(node, Tensor.scalar(g));
        }
      } else if (op == null || keepIntermediateGrads) {
        node.accumulateScalarGrad(g);
      }
    }
  }

  /** A mark no node carries yet: the high 32 bits of {@link Tensor}'s {@code visit}. */
  static long newWalk() {
    return (long) WALK.incrementAndGet() << 32;
  }

  /** Where the latest sort put {@code node}: every node a pass reaches was placed by its sort. */
  private static int position(Tensor node) {
    return (int) node.visit;
  }

  private Tensor startingGradient() {
    if (seed == null) {
      if (root.size() != 1 || root.rank() != 0) {
        throw new IllegalStateException("backward: " + root.label() + " has shape "
            + Shape.format(root.shapeRef()) + "; backward() without a seed needs a scalar output. "
            + "Reduce it first (sum(), mean()) or pass dL/d(output) with backward(seed)");
      }
      return Tensor.scalar(1.0);
    }
    if (!Arrays.equals(seed.shapeRef(), root.shapeRef())) {
      throw new IllegalArgumentException("backward: seed shape " + Shape.format(seed.shapeRef())
          + " does not match output shape " + Shape.format(root.shapeRef()) + " (" + root.label() + ")");
    }
    return seed;
  }

  /**
   * Nodes that need a gradient and that {@code root} depends on, each after all of its inputs, root
   * last, in the order a recursive walk visiting inputs by index would place them: what graph
   * readers draw. (A pass visits the same nodes in reverse recording order, see the class comment.)
   * Depth-first with an explicit stack, so any depth is fine; visited nodes carry this walk's mark,
   * so walks over one graph must not run concurrently (as passes must not).
   */
  public static Tensor[] topologicalOrder(Tensor root) {
    Order order = sort(root);
    return Arrays.copyOf(order.nodes, order.count);
  }

  /**
   * The nodes a backward pass from {@code root} visits, in the order it visits them: the output
   * first, then every node after all of its consumers, latest recorded first, leaves last. What a
   * step-by-step view of a pass follows (graph readers want {@link #topologicalOrder}).
   */
  public static Tensor[] passOrder(Tensor root) {
    Order order = recordingOrder(root);
    Tensor[] visits = new Tensor[order.count];
    for (int i = 0; i < order.count; i++) {
      visits[i] = order.nodes[order.count - 1 - i];
    }
    return visits;
  }

  /**
   * The nodes a pass from {@code root} reaches, leaves first, then in recording order, root last;
   * each node's mark holds its position. The depth-first walk's order is mostly recording order
   * already, so the sort has little to do.
   */
  private static Order recordingOrder(Tensor root) {
    Order order = sort(root);
    // Stable: leaves (all numbered 0) keep the walk's order, before every op.
    Arrays.sort(order.nodes, 0, order.count, Comparator.comparingLong((Tensor t) -> t.seq));
    long walk = newWalk();
    for (int i = 0; i < order.count; i++) {
      order.nodes[i].visit = walk | i;
    }
    return order;
  }

  /**
   * Whether every node is rank 0 and a leaf or made by an op with scalar rules: an op with scalar
   * rules makes a rank-0 output exactly from rank-0 inputs, one or two of them (Op's contract),
   * which the scalar pass reads from the node's fields.
   */
  private static boolean allScalarRules(Tensor[] nodes, int count) {
    for (int i = 0; i < count; i++) {
      Tensor node = nodes[i];
      if (!node.isScalar() || (node.op != null && (!node.op.hasScalarRules() || node.inputs != null))) {
        return false;
      }
    }
    return true;
  }

  /**
   * A sort's result: the first {@code count} entries of {@code nodes}, and whether all of them are
   * rank 0 and leaves or made by ops with scalar rules (so the pass may run on doubles).
   */
  private static final class Order {
    Tensor[] nodes;
    int count;
    boolean scalars;
  }

  /**
   * Depth-first from {@code root}, each node placed after all of its inputs, in exactly the order a
   * recursive walk visiting inputs by index would place them, which is what graph readers draw (a
   * pass that sorts instead of walking the window re-sorts this by recording number). A node found for the first time stays
   * on the stack and gets its unvisited inputs pushed above it, last input first, so input 0 is
   * finished first; found again on top, all its inputs are finished and it is placed. A node pushed
   * twice before it was reached is found finished the second time and dropped.
   */
  private static Order sort(Tensor root) {
    long walk = newWalk();
    long open = walk | OPEN;
    Tensor[] order = new Tensor[16];
    int count = 0;
    Tensor[] stack = new Tensor[16];
    stack[0] = root;
    int top = 1;
    while (top > 0) {
      Tensor node = stack[top - 1];
      long visit = node.visit;
      if ((visit & WALK_BITS) != walk) {
        node.visit = open;
        Tensor[] many = node.inputs;
        int room = many != null ? many.length : 2;
        if (top + room > stack.length) {
          stack = Arrays.copyOf(stack, Math.max(stack.length * 2, top + room));
        }
        if (many != null) {
          for (int j = many.length - 1; j >= 0; j--) {
            Tensor in = many[j];
            if (in.needsGrad() && (in.visit & WALK_BITS) != walk) {
              stack[top++] = in;
            }
          }
        } else {
          Tensor in1 = node.in1;
          if (in1 != null && in1.needsGrad() && (in1.visit & WALK_BITS) != walk) {
            stack[top++] = in1;
          }
          Tensor in0 = node.in0;
          if (in0 != null && in0.needsGrad() && (in0.visit & WALK_BITS) != walk) {
            stack[top++] = in0;
          }
        }
      } else {
        top--;
        if (visit == open) {
          if (count == order.length) {
            order = Arrays.copyOf(order, count * 2);
          }
          node.visit = walk | count;
          order[count++] = node;
        }
      }
    }
    Order result = new Order();
    result.nodes = order;
    result.count = count;
    result.scalars = allScalarRules(order, count);
    return result;
  }
}
