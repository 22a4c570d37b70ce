package io.github.chainrule.bench;

import io.github.chainrule.autodiff.Tensor;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;

/**
 * What the memory layout of a scalar graph costs, before building another one (issue 13, targets
 * "micrograd step ≤ 1 ms" and "100k scalar nodes ≤ 3 ms"). It times {@link Workloads#scalarChain}'s
 * 100k-node chain, build and backward apart, in four layouts, interleaved round by round:
 *
 * <ul>
 *   <li>{@code engine}: chainrule itself, one {@link Tensor} per node;
 *   <li>{@code objects}: a model of that node (the same fields, 80 bytes) and of its one-sweep
 *       backward pass, with nothing else: the floor of the object-per-node layout;
 *   <li>{@code objects+tape}: the same nodes, and each recording also appends its op, its inputs'
 *       slots and its value to flat arrays (a tape), which backward reads instead of the nodes;
 *   <li>{@code handles+tape}: the tape alone is what backward reads, and a node is a 32-byte handle
 *       holding its slot and its inputs (for the graph's lifetime) and nothing else.
 * </ul>
 *
 * <p>Each layout's dL/dx must equal the engine's, or the probe fails. Thread CPU time, medians per
 * node; bytes allocated per node from the thread's allocation counter.
 *
 * <p>Then micrograd's step ({@link Workloads.MicrogradDemo}, 65k nodes of three ops) against the
 * same graph, weights, data and update in the handle+tape layout, twice: with each op's rules
 * called through an interface, as a loop over op units must, and by a switch on the op, as a loop
 * that knew its ops could. The losses must agree, step by step.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.github.chainrule.bench.ScalarLayoutProbe [rounds]</pre>
 */
public final class ScalarLayoutProbe {
  private ScalarLayoutProbe() {}

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  static final int NODES = 100_000;
  private static final double X = 0.3;
  private static final double C = 0.5;

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    Layout[] layouts = {new Engine(), new Objects(), new ObjectsAndTape(), new HandlesAndTape()};
    double expected = layouts[0].run();
    long[][] build = new long[layouts.length][rounds];
    long[][] backward = new long[layouts.length][rounds];
    long[] allocated = new long[layouts.length];
    for (int warm = 0; warm < 100; warm++) {
      for (Layout layout : layouts) {
        layout.run();
      }
    }
    for (int r = 0; r < rounds; r++) {
      for (int l = 0; l < layouts.length; l++) {
        Layout layout = layouts[l];
        long bytes = THREADS.getCurrentThreadAllocatedBytes();
        long t0 = THREADS.getCurrentThreadCpuTime();
        layout.build();
        long t1 = THREADS.getCurrentThreadCpuTime();
        double dx = layout.backward();
        long t2 = THREADS.getCurrentThreadCpuTime();
        allocated[l] += THREADS.getCurrentThreadAllocatedBytes() - bytes;
        if (dx != expected) {
          throw new AssertionError(layout.name() + " gives dL/dx = " + dx + ", the engine " + expected);
        }
        build[l][r] = t1 - t0;
        backward[l][r] = t2 - t1;
      }
    }
    System.out.printf(Locale.ROOT, "%d-node chain (s·c + x), %d interleaved rounds, JDK %s, dL/dx = %s%n",
        NODES, rounds, Runtime.version(), expected);
    System.out.printf(Locale.ROOT, "%-14s %12s %12s %12s %14s%n", "layout", "build ns/node", "backward", "total", "bytes/node");
    for (int l = 0; l < layouts.length; l++) {
      double b = median(build[l]) / NODES;
      double w = median(backward[l]) / NODES;
      System.out.printf(Locale.ROOT, "%-14s %12.1f %12.1f %12.1f %14.1f%n",
          layouts[l].name(), b, w, b + w, allocated[l] / (double) rounds / NODES);
    }
    micrograd(rounds);
  }

  /**
   * micrograd's step, the engine's ({@link Workloads.MicrogradDemo}) against the same graph, data,
   * weights and update in the handle+tape layout, interleaved step by step. Their losses must
   * agree, or the probe fails.
   */
  static void micrograd(int rounds) {
    Workloads.MicrogradDemo engine = new Workloads.MicrogradDemo();
    MicrogradOnTape called = new MicrogradOnTape(engine, false);
    MicrogradOnTape switched = new MicrogradOnTape(engine, true);
    long[][] times = new long[3][rounds];
    long[][] backward = new long[2][rounds];
    double worst = 0;
    for (int r = -100; r < rounds; r++) {
      long t0 = THREADS.getCurrentThreadCpuTime();
      double loss = engine.step();
      long t1 = THREADS.getCurrentThreadCpuTime();
      double a = called.step();
      long t2 = THREADS.getCurrentThreadCpuTime();
      double b = switched.step();
      long t3 = THREADS.getCurrentThreadCpuTime();
      worst = Math.max(worst, Math.max(Math.abs(a - loss), Math.abs(b - loss)) / Math.abs(loss));
      if (worst > 1e-9) {
        throw new AssertionError("step " + r + ": the engine's loss is " + loss + ", the models' " + a + " and " + b);
      }
      if (r >= 0) {
        times[0][r] = t1 - t0;
        times[1][r] = t2 - t1;
        times[2][r] = t3 - t2;
        backward[0][r] = called.backwardTime;
        backward[1][r] = switched.backwardTime;
      }
    }
    System.out.printf(Locale.ROOT, "micrograd's step (%d nodes), %d interleaved steps, losses agreeing to %.1e:%n",
        called.nodes, rounds, worst);
    System.out.printf(Locale.ROOT, "  engine                                   %6.0f µs%n", median(times[0]) / 1e3);
    System.out.printf(Locale.ROOT, "  handles+tape, rules called through Rule   %6.0f µs (backward %.0f)%n",
        median(times[1]) / 1e3, median(backward[0]) / 1e3);
    System.out.printf(Locale.ROOT, "  handles+tape, rules by a switch           %6.0f µs (backward %.0f)%n",
        median(times[2]) / 1e3, median(backward[1]) / 1e3);
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** One layout: build the chain, then back-propagate it and return dL/dx. */
  private abstract static class Layout {
    abstract String name();

    abstract void build();

    abstract double backward();

    final double run() {
      build();
      return backward();
    }
  }

  private static final class Engine extends Layout {
    private final Tensor x = Tensor.scalar(X).requiresGrad();
    private final Tensor c = Tensor.scalar(C);
    private Tensor root;

    @Override String name() {
      return "engine";
    }

    @Override void build() {
      x.zeroGrad();
      Tensor s = x;
      for (int i = 0; i < NODES / 2; i++) {
        s = s.mul(c).add(x);
      }
      root = s;
    }

    @Override double backward() {
      root.backward();
      root = null;
      return x.grad().item();
    }
  }

  // ---------------------------------------------------------------- the models' ops

  /** An op's scalar rules behind an interface call, as the engine's units have them. */
  interface Rule {
    double forward(double a, double b);

    double vjp(int input, double a, double b, double y, double g);
  }

  static final Rule MUL = new Rule() {
    @Override public double forward(double a, double b) {
      return a * b;
    }

    @Override public double vjp(int input, double a, double b, double y, double g) {
      return input == 0 ? g * b : g * a;
    }
  };

  static final Rule ADD = new Rule() {
    @Override public double forward(double a, double b) {
      return a + b;
    }

    @Override public double vjp(int input, double a, double b, double y, double g) {
      return g;
    }
  };

  static final Rule RELU = new Rule() {
    @Override public double forward(double a, double b) {
      return Math.max(a, 0.0);
    }

    @Override public double vjp(int input, double a, double b, double y, double g) {
      return input == 0 && a > 0 ? g : 0.0;
    }
  };

  static final Rule[] RULES = {MUL, ADD, RELU};

  // ---------------------------------------------------------------- objects

  /** The engine's node, field for field (80 bytes with compressed pointers). */
  static final class Node {
    double[] data;
    final double value;
    int[] shape;
    String name;
    boolean requiresGrad;
    Object grad;
    double scalarGrad;
    boolean holdsScalarGrad;
    Rule op;
    Node in0;
    Node in1;
    Node[] inputs;
    long seq;
    long visit;

    Node(double value) {
      this.value = value;
    }

    double scalarValue() {
      double[] d = data;
      return d != null ? d[0] : value;
    }
  }

  private static class Objects extends Layout {
    final Node x = new Node(X);
    final Node c = new Node(C);
    long lastSeq;
    Node root;
    private Node[] window = new Node[1 << 17];
    private double[] sums = new double[1 << 17];

    Objects() {
      x.requiresGrad = true;
    }

    @Override String name() {
      return "objects";
    }

    Node record(Rule op, Node a, Node b) {
      Node out = new Node(op.forward(a.scalarValue(), b.scalarValue()));
      out.op = op;
      out.in0 = a;
      out.in1 = b;
      out.requiresGrad = true;
      long seq = Math.max(lastSeq, Math.max(a.seq, b.seq)) + 1;
      lastSeq = seq;
      out.seq = seq;
      return out;
    }

    @Override void build() {
      Node s = x;
      for (int i = 0; i < NODES / 2; i++) {
        s = record(ADD, record(MUL, s, c), x);
      }
      root = s;
    }

    @Override double backward() {
      long top = root.seq;
      window[0] = root;
      sums[0] = 1.0;
      int end = 1;
      double dx = 0.0;
      for (int i = 0; i < end; i++) {
        Node node = window[i];
        if (node == null) {
          continue;
        }
        double g = sums[i];
        Node a = node.in0;
        Node b = node.in1;
        double av = a.scalarValue();
        double bv = b.scalarValue();
        double y = node.scalarValue();
        for (int input = 0; input < 2; input++) {
          Node in = input == 0 ? a : b;
          double contribution = node.op.vjp(input, av, bv, y, g);
          if (in.op == null) {
            if (in.requiresGrad) {
              dx += contribution;
            }
          } else {
            int at = (int) (top - in.seq);
            if (window[at] == null) {
              window[at] = in;
              sums[at] = contribution;
              end = Math.max(end, at + 1);
            } else {
              sums[at] += contribution;
            }
          }
        }
        node.scalarGrad = g;
        node.holdsScalarGrad = true;
      }
      Arrays.fill(window, 0, end, null);
      root = null;
      return dx;
    }
  }

  // ---------------------------------------------------------------- tapes

  /**
   * Flat arrays, one slot per recorded node: its op (an index into {@link #RULES}), its inputs'
   * slots (a leaf input is -1 − its index among the leaves) and its value. Primitive arrays only:
   * a reference stored into a long-lived array costs G1 a fenced card check per store, which in
   * a first version (ops and leaves stored as references) made the build twice as slow.
   */
  static final class Tape {
    final int[] ops = new int[NODES];
    final int[] in0 = new int[NODES];
    final int[] in1 = new int[NODES];
    final double[] values = new double[NODES];
    final double[] sums = new double[NODES];
    final int[] reached = new int[NODES];
    final Node[] leaves;
    final double[] leafGrads;
    // The rules by a switch on the op's index instead of a call through Rule: what a loop that
    // knew its ops' rules would cost, against the indirect calls a loop over units needs.
    private final boolean switched;
    int size;
    int walk;

    Tape(Node... leaves) {
      this(false, leaves);
    }

    Tape(boolean switched, Node... leaves) {
      this.switched = switched;
      this.leaves = leaves;
      this.leafGrads = new double[leaves.length];
    }

    private double forward(int op, double a, double b) {
      if (!switched) {
        return RULES[op].forward(a, b);
      }
      return op == 0 ? a * b : op == 1 ? a + b : Math.max(a, 0.0);
    }

    private double vjp(int op, int input, double a, double b, double y, double g) {
      if (!switched) {
        return RULES[op].vjp(input, a, b, y, g);
      }
      return op == 0 ? (input == 0 ? g * b : g * a) : op == 1 ? g : (input == 0 && a > 0 ? g : 0.0);
    }

    int append(int op, int a, int b) {
      int slot = size++;
      double av = a >= 0 ? values[a] : leaves[-1 - a].scalarValue();
      double bv = b >= 0 ? values[b] : leaves[-1 - b].scalarValue();
      ops[slot] = op;
      in0[slot] = a;
      in1[slot] = b;
      values[slot] = forward(op, av, bv);
      return slot;
    }

    /** Back-propagates from the last slot into {@link #leafGrads}; returns leaf 0's (x's). */
    double backward() {
      java.util.Arrays.fill(leafGrads, 0.0);
      int mark = ++walk;
      int root = size - 1;
      sums[root] = 1.0;
      reached[root] = mark;
      for (int s = root; s >= 0; s--) {
        if (reached[s] != mark) {
          continue;
        }
        double g = sums[s];
        int op = ops[s];
        int a = in0[s];
        int b = in1[s];
        double av = a >= 0 ? values[a] : leaves[-1 - a].scalarValue();
        double bv = b >= 0 ? values[b] : leaves[-1 - b].scalarValue();
        for (int input = 0; input < 2; input++) {
          int in = input == 0 ? a : b;
          double contribution = vjp(op, input, av, bv, values[s], g);
          if (in >= 0) {
            if (reached[in] != mark) {
              reached[in] = mark;
              sums[in] = contribution;
            } else {
              sums[in] += contribution;
            }
          } else if (leaves[-1 - in].requiresGrad) {
            leafGrads[-1 - in] += contribution;
          }
        }
      }
      size = 0;
      return leafGrads[0];
    }
  }

  private static final int LEAF_X = -1;
  private static final int LEAF_C = -2;

  private static final class ObjectsAndTape extends Objects {
    private final Tape tape = new Tape(x, c);

    @Override String name() {
      return "objects+tape";
    }

    /** The engine's node as before, plus its slot on the tape (kept in {@code visit}). */
    Node taped(Rule op, int code, Node a, int slotA, Node b, int slotB) {
      Node out = record(op, a, b);
      out.visit = tape.append(code, slotA, slotB);
      return out;
    }

    @Override void build() {
      Node s = x;
      int slot = LEAF_X;
      for (int i = 0; i < NODES / 2; i++) {
        Node product = taped(MUL, 0, s, slot, c, LEAF_C);
        s = taped(ADD, 1, product, (int) product.visit, x, LEAF_X);
        slot = (int) s.visit;
      }
      root = s;
    }

    @Override double backward() {
      root = null;
      return tape.backward();
    }
  }

  /**
   * A user-facing node that is a view of its tape slot. It holds its inputs too, so that a graph
   * stays alive exactly as long as its nodes are held, as the engine's nodes do; and so, like
   * them, every handle escapes (without that, the JIT removed the products' handles outright).
   */
  static final class Handle {
    final int slot;
    final Object in0;
    final Object in1;
    String name;
    boolean requiresGrad;

    Handle(int slot, Object in0, Object in1) {
      this.slot = slot;
      this.in0 = in0;
      this.in1 = in1;
    }
  }

  private static final class HandlesAndTape extends Layout {
    private final Node x = new Node(X);
    private final Node c = new Node(C);
    private final Tape tape = new Tape(x, c);
    private Handle root;

    HandlesAndTape() {
      x.requiresGrad = true;
    }

    @Override String name() {
      return "handles+tape";
    }

    private Handle record(int code, Object a, int slotA, Object b, int slotB) {
      Handle out = new Handle(tape.append(code, slotA, slotB), a, b);
      out.requiresGrad = true;
      return out;
    }

    @Override void build() {
      Object s = x;
      int slot = LEAF_X;
      for (int i = 0; i < NODES / 2; i++) {
        Handle product = record(0, s, slot, c, LEAF_C);
        Handle sum = record(1, product, product.slot, x, LEAF_X);
        s = sum;
        slot = sum.slot;
      }
      root = (Handle) s;
    }

    @Override double backward() {
      root = null;
      return tape.backward();
    }
  }

  /**
   * {@link Workloads.MicrogradDemo}'s step in the handle+tape layout: the same graph (recorded in
   * the same order, so backward sums in the same order), initial weights, data and update. Leaves
   * are the parameters, the inputs and the constants; a leaf's handle has slot −1 − its index.
   */
  private static final class MicrogradOnTape {
    private final Node[] params;
    private final Handle[] paramHandles;
    private final Handle[][] neurons; // each: weights..., bias
    private final Handle[][] inputs;
    private final Handle zero;
    private final Handle one;
    private final Handle[] minusY;
    private final Handle inverse100;
    private final Handle regularisation;
    private final Tape tape;
    private final int[] layerSizes = {2, 16, 16, 1};
    private int k;
    int nodes;
    long backwardTime;

    MicrogradOnTape(Workloads.MicrogradDemo demo, boolean switched) {
      java.util.List<Node> leaves = new java.util.ArrayList<>();
      params = new Node[demo.params.size()];
      paramHandles = new Handle[params.length];
      for (int i = 0; i < params.length; i++) {
        params[i] = new Node(0.0);
        params[i].data = new double[] {demo.params.get(i).item()};
        params[i].requiresGrad = true;
        paramHandles[i] = leaf(leaves, params[i]);
      }
      neurons = new Handle[demo.neurons.size()][];
      for (int n = 0, p = 0; n < neurons.length; n++) {
        neurons[n] = new Handle[demo.neurons.get(n).length];
        for (int i = 0; i < neurons[n].length; i++) {
          neurons[n][i] = paramHandles[p++];
        }
      }
      inputs = new Handle[demo.xs.length][];
      minusY = new Handle[demo.xs.length];
      for (int i = 0; i < inputs.length; i++) {
        inputs[i] = new Handle[] {
            leaf(leaves, new Node(demo.xs[i][0].item())), leaf(leaves, new Node(demo.xs[i][1].item()))};
        minusY[i] = leaf(leaves, new Node(-demo.ys[i]));
      }
      zero = leaf(leaves, new Node(0.0));
      one = leaf(leaves, new Node(1.0));
      inverse100 = leaf(leaves, new Node(1.0 / 100));
      regularisation = leaf(leaves, new Node(1e-4));
      tape = new Tape(switched, leaves.toArray(new Node[0]));
    }

    private static Handle leaf(java.util.List<Node> leaves, Node node) {
      leaves.add(node);
      return new Handle(-leaves.size(), null, null);
    }

    private Handle record(int code, Handle a, Handle b) {
      Handle out = new Handle(tape.append(code, a.slot, b.slot), a, b);
      out.requiresGrad = true;
      return out;
    }

    private Handle score(Handle[] input) {
      Handle[] act = input;
      int neuron = 0;
      for (int l = 0; l < 3; l++) {
        Handle[] out = new Handle[layerSizes[l + 1]];
        for (int j = 0; j < out.length; j++) {
          Handle[] n = neurons[neuron++];
          Handle s = n[n.length - 1];
          for (int i = 0; i < act.length; i++) {
            s = record(1, s, record(0, n[i], act[i]));
          }
          out[j] = l < 2 ? record(2, s, zero) : s;
        }
        act = out;
      }
      return act[0];
    }

    double step() {
      Handle dataLoss = zero;
      for (int i = 0; i < inputs.length; i++) {
        dataLoss = record(1, dataLoss, record(2, record(1, record(0, score(inputs[i]), minusY[i]), one), zero));
      }
      dataLoss = record(0, dataLoss, inverse100);
      Handle reg = zero;
      for (Handle p : paramHandles) {
        reg = record(1, reg, record(0, p, p));
      }
      Handle total = record(1, dataLoss, record(0, reg, regularisation));
      double loss = tape.values[total.slot];
      nodes = tape.size;
      long t0 = THREADS.getCurrentThreadCpuTime();
      tape.backward();
      backwardTime = THREADS.getCurrentThreadCpuTime() - t0;
      double lr = 1.0 - 0.9 * k / 100;
      k = (k + 1) % 100;
      for (int i = 0; i < params.length; i++) {
        params[i].data[0] -= lr * tape.leafGrads[i];
      }
      return loss;
    }
  }
}
