package io.github.chainrule.autodiff;

import java.util.Arrays;
import java.util.Map;

/**
 * A backward pass over a graph of scalars in one sweep: finding the nodes and propagating through
 * them are the same walk down the recording numbers (see {@link Backward}'s "Order"), in plain
 * doubles through each op's {@link Op#scalarVjp}. A micrograd-style graph of 65k nodes is touched
 * once instead of three times (sort, order, pass). It can give up at any point, putting back the
 * gradients it stored, and leave the graph as it found it: the general pass then runs instead,
 * with the same order and the same sums.
 *
 * <p>It gives up on a node that is not rank 0, an op without scalar rules, an op of more than two
 * inputs, a node too far down (tooFar), and two nodes with one number (threads recording at
 * once): the general pass sorts such graphs instead.
 */
final class ScalarSweep {
  private static final long WALK_BITS = 0xFFFF_FFFF_0000_0000L;

  // Slot d of the window is the node recorded d numbers before the root, with its running sum;
  // leaves, which have no number, get slots of their own in the order the sweep first reaches them.
  private final long top;
  private Tensor[] window;
  private double[] sums;
  private int end;
  private int reached;
  private Tensor[] leaves = new Tensor[16];
  private double[] leafSums = new double[16];
  private int leafCount;
  private final long walk;
  private final boolean keepIntermediateGrads;
  private final Map<Tensor, Tensor> captured;
  // Nodes that held a gradient before the sweep added to theirs, with that gradient.
  private Tensor[] held = new Tensor[4];
  private Tensor[] heldGrads = new Tensor[4];
  private int heldCount;

  private ScalarSweep(Tensor root, long walk, boolean keepIntermediateGrads, Map<Tensor, Tensor> captured) {
    this.top = root.seq;
    this.walk = walk;
    Scratch scratch = SCRATCH.get();
    if (scratch.window != null) {
      this.window = scratch.window;
      this.sums = scratch.sums;
      scratch.window = null; // in use: a pass started meanwhile on this thread makes its own
      scratch.sums = null;
    } else {
      this.window = new Tensor[64];
      this.sums = new double[64];
    }
    this.keepIntermediateGrads = keepIntermediateGrads;
    this.captured = captured;
  }

  /**
   * Back-propagates {@code start} from {@code root} and stores the gradients as {@link Backward}
   * does (into each node, or into {@code captured}'s keys). False, with every gradient as it was
   * and only the leaves' walk marks changed, when the graph is not one this sweep can take.
   */
  static boolean run(Tensor root, double start, boolean keepIntermediateGrads, Map<Tensor, Tensor> captured) {
    if (root.op == null) {
      return false;
    }
    ScalarSweep sweep = new ScalarSweep(root, Backward.newWalk(), keepIntermediateGrads, captured);
    sweep.window[0] = root;
    sweep.sums[0] = start;
    sweep.end = 1;
    sweep.reached = 1;
    int stopped = sweep.propagate();
    if (stopped >= 0) {
      sweep.undo(stopped);
    } else {
      sweep.storeLeaves();
    }
    sweep.release();
    return stopped < 0;
  }

  /**
   * Each thread keeps its last window for the next pass: growing a new one to a 65k-node graph's
   * size each step was a fifth of what a micrograd step allocated. Kept up to {@value #KEPT} slots
   * (3 MB), so a thread that once back-propagated a huge graph does not hold on to it.
   */
  private static final class Scratch {
    Tensor[] window;
    double[] sums;
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
  private static final int KEPT = 1 << 18;

  private void release() {
    if (window.length > KEPT) {
      return;
    }
    Arrays.fill(window, 0, end, null); // unclaimed slots must read null; sums are overwritten on claim
    Scratch scratch = SCRATCH.get();
    scratch.window = window;
    scratch.sums = sums;
  }

  /**
   * Sums every node's and leaf's gradient, storing each node's as soon as its sum is complete
   * (when the sweep reaches it, all its consumers are done), while the node is in cache anyway: a
   * second walk over the nodes to store them was a third of the pass. Returns -1, or the window
   * slot where it gave up.
   */
  private int propagate() {
    for (int i = 0; i < end; i++) {
      Tensor node = window[i];
      if (node == null) {
        continue;
      }
      Op op = node.op;
      if (!node.isScalar() || node.inputs != null || !op.hasScalarRules()) {
        return i;
      }
      double g = sums[i];
      // Input 0's contribution first, as the tensor path adds them.
      Tensor in0 = node.in0;
      Tensor in1 = node.in1;
      double a = in0.scalarValue();
      double b = in1 != null ? in1.scalarValue() : 0.0;
      double y = node.scalarValue();
      if (in0.needsGrad() && !add(in0, op.scalarVjp(0, a, b, y, g))) {
        return i;
      }
      if (in1 != null && in1.needsGrad() && !add(in1, op.scalarVjp(1, a, b, y, g))) {
        return i;
      }
      store(node, g);
    }
    return -1;
  }

  /**
   * Adds a contribution to a node's sum. The first one is the sum itself rather than -0.0 + c
   * (the same value, -0.0 being the one x with x + c == c for every c).
   */
  private boolean add(Tensor in, double c) {
    if (in.op == null) {
      if ((in.visit & WALK_BITS) != walk) {
        if (leafCount == leaves.length) {
          leaves = Arrays.copyOf(leaves, leafCount * 2);
          leafSums = Arrays.copyOf(leafSums, leafCount * 2);
        }
        in.visit = walk | leafCount;
        leaves[leafCount] = in;
        leafSums[leafCount++] = c;
      } else {
        leafSums[(int) in.visit] += c;
      }
      return true;
    }
    long distance = top - in.seq;
    if (distance <= 0 || tooFar(distance, reached)) {
      return false;
    }
    int at = (int) distance;
    if (at >= window.length) {
      int length = Math.max(window.length * 2, at + 1);
      window = Arrays.copyOf(window, length);
      sums = Arrays.copyOf(sums, length);
    }
    Tensor there = window[at];
    if (there == null) {
      window[at] = in;
      sums[at] = c;
      reached++;
      if (at >= end) {
        end = at + 1;
      }
    } else if (there == in) {
      sums[at] += c;
    } else {
      return false; // two nodes with one number: let the general pass sort them
    }
    return true;
  }

  /**
   * How far below the root's recording number the sweep looks before it gives up: far enough for
   * graphs recorded interleaved with others (other threads, or several models at once), never so
   * far that the window is much larger than the graph found so far.
   */
  private static boolean tooFar(long distance, int reached) {
    return distance > WINDOW_FLOOR && distance > 8L * reached;
  }

  private static final int WINDOW_FLOOR = 1 << 16;

  private void store(Tensor node, double g) {
    if (captured != null) {
      if (captured.containsKey(node)) {
        captured.put(node, Tensor.scalar(g));
      }
    } else if (keepIntermediateGrads) {
      if (node.hasGrad()) {
        // Rare in a training loop (a fresh graph each step): remember it in case of undo.
        if (heldCount == held.length) {
          held = Arrays.copyOf(held, heldCount * 2);
          heldGrads = Arrays.copyOf(heldGrads, heldCount * 2);
        }
        held[heldCount] = node;
        heldGrads[heldCount++] = node.grad();
      }
      node.accumulateScalarGrad(g);
    }
  }

  /** Puts back every gradient the sweep stored before it gave up at window slot {@code stopped}. */
  private void undo(int stopped) {
    if (captured != null) {
      captured.replaceAll((node, g) -> null);
      return;
    }
    if (!keepIntermediateGrads) {
      return;
    }
    for (int i = 0; i < stopped; i++) {
      if (window[i] != null) {
        window[i].zeroGrad();
      }
    }
    for (int i = 0; i < heldCount; i++) {
      held[i].restoreGrad(heldGrads[i]);
    }
  }

  private void storeLeaves() {
    for (int i = 0; i < leafCount; i++) {
      Tensor leaf = leaves[i];
      if (captured != null) {
        if (captured.containsKey(leaf)) {
          captured.put(leaf, Tensor.scalar(leafSums[i]));
        }
      } else {
        leaf.accumulateScalarGrad(leafSums[i]);
      }
    }
  }
}
