package io.github.chainrule.autodiff.inspect;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.chainrule.autodiff.Kink;
import io.github.chainrule.autodiff.Backward;
import io.github.chainrule.autodiff.GradCheck;
import io.github.chainrule.autodiff.GradCheck.Estimate;
import io.github.chainrule.autodiff.GradCheck.Status;
import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.inspect.GraphView.Edge;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks dL/d(node) numerically for every node of a graph, intermediates included, so a wrong
 * derivative points at its op: the first node whose gradient is wrong while its consumers' gradients
 * are right sits just below the broken backward rule.
 *
 * <pre>{@code
 * NodeCheck.Result r = NodeCheck.check(loss);
 * r.passed();         // false if any node's gradient disagrees with the finite difference
 * r.suspects();       // the ops whose backward rule is to blame
 * r.byNode();         // Tensor -> worst relative error and status, for colouring a graph
 * }</pre>
 *
 * <h2>How</h2>
 * For each element of each node, the node's value is copied, moved by ±ε, and the part of the graph
 * downstream of the node is replayed with each op's forward (see {@link GraphView}); the central
 * difference (L(+ε) − L(−ε)) / 2ε is compared with the gradient from one fresh backward pass (the
 * nodes' {@code grad} fields are neither read nor changed). The rule and defaults are those of
 * {@link io.github.chainrule.autodiff.GradCheck}: |a − n| ≤ atol + rtol·|n| with ε = 1e-6, atol =
 * 1e-5, rtol = 1e-3.
 *
 * <h2>Kinks</h2>
 * Where the one-sided differences disagree, and keep disagreeing at a ten times smaller step (the
 * probe is {@link GradCheck#estimate}, shared with GradCheck), the element is at a kink: it is reported as KINK (not FAIL) when the autodiff value lies between the
 * two one-sided slopes, with the kinks of its consumers' ops (relu at 0, a maximum tie, …) that
 * explain it.
 *
 * <h2>Cost</h2>
 * Two replays of the downstream graph per element checked. Nodes with more than {@code
 * maxElementsPerNode} elements are sampled at evenly spaced elements.
 */
public final class NodeCheck {
  /** One element of one node. */
  public record Entry(String node, String op, int[] index, double analytic, double numeric, double absError,
      double relError, Status status, double leftSlope, double rightSlope, List<Kink> kinks) {
    /** {@code h[1]}. */
    public String element() {
      return node + (index.length == 0 ? "" : Shape.format(index));
    }
  }

  /** A node's summary: its worst element. */
  public record NodeResult(String node, String op, int[] shape, int checked, double maxAbsError,
      double maxRelError, Status status) {
    /**
     * The worst relative error on a log scale from 0 (1e-8 or better: agreement to rounding) to 1
     * (1 or worse: wrong), for colouring a graph; 1 for NaN.
     */
    public double severity() {
      if (Double.isNaN(maxRelError)) {
        return 1;
      }
      double log = Math.log10(Math.max(maxRelError, 1e-300));
      return Math.min(1, Math.max(0, (log + 8) / 8));
    }
  }

  /** An op whose backward rule is the likely culprit: its output's gradient checks out, its input's does not. */
  public record Suspect(String op, String node, String input, int inputIndex) {
    public String describe() {
      return "backward of " + op + " (node " + node + ") gives a wrong gradient for its input " + inputIndex
          + " (" + input + "): dL/d" + node + " checks out but dL/d" + input + " does not";
    }
  }

  private double eps = 1e-6;
  private double atol = 1e-5;
  private double rtol = 1e-3;
  private int maxElementsPerNode = 256;

  private NodeCheck() {}

  public static NodeCheck options() {
    return new NodeCheck();
  }

  /** Checks every node behind the scalar {@code output} with the default settings. */
  public static Result check(Tensor output) {
    return new NodeCheck().run(output);
  }

  public NodeCheck eps(double eps) {
    checkArgument(eps > 0 && Double.isFinite(eps), "nodecheck: eps must be positive and finite, got %s", eps);
    this.eps = eps;
    return this;
  }

  public NodeCheck atol(double atol) {
    checkArgument(atol >= 0, "nodecheck: atol must be non-negative, got %s", atol);
    this.atol = atol;
    return this;
  }

  public NodeCheck rtol(double rtol) {
    checkArgument(rtol >= 0, "nodecheck: rtol must be non-negative, got %s", rtol);
    this.rtol = rtol;
    return this;
  }

  public NodeCheck maxElementsPerNode(int n) {
    checkArgument(n >= 1, "nodecheck: maxElementsPerNode must be at least 1, got %s", n);
    this.maxElementsPerNode = n;
    return this;
  }

  /** Runs the check. Values and gradients of the graph are left as they were. */
  public Result run(Tensor output) {
    GraphView view = GraphView.of("nodecheck", output);
    Tensor[] analytic = Backward.from(output).seed(Tensor.ones(output.shapeRef())).gradients(view.nodes);
    List<Entry> entries = new ArrayList<>();
    Map<Tensor, NodeResult> byNode = new IdentityHashMap<>();
    List<Tensor> order = new ArrayList<>();
    for (int n = 0; n < view.nodes.length; n++) {
      Tensor node = view.nodes[n];
      List<Tensor> downstream = view.downstreamOf(node);
      double base = view.replay(downstream, node.copy());
      List<Kink> nodeKinks = new ArrayList<>();
      for (Edge e : view.consumersOf(node)) {
        nodeKinks.addAll(Kinks.at(e.consumer(), e.inputIndex()));
      }
      int[] strides = Shape.strides(node.shapeRef());
      int size = node.size();
      int checked = Math.min(size, maxElementsPerNode);
      double maxAbs = 0;
      double maxRel = 0;
      Status worst = Status.PASS;
      for (int s = 0; s < checked; s++) {
        int e = (int) ((long) s * size / checked);
        double a = analytic[n].data()[e];
        int element = e;
        Estimate estimate = GradCheck.estimate(
            delta -> view.replay(downstream, GraphView.nudged(node, element, delta)), base, eps, atol, rtol);
        List<Kink> kinks = nodeKinks.stream().filter(k -> k.inputElement() == element).toList();
        Entry entry = judge(node, unflatten(e, strides), a, estimate, kinks);
        entries.add(entry);
        maxAbs = Math.max(maxAbs, Double.isNaN(entry.absError()) ? Double.POSITIVE_INFINITY : entry.absError());
        maxRel = Math.max(maxRel, Double.isNaN(entry.relError()) ? Double.POSITIVE_INFINITY : entry.relError());
        if (entry.status().compareTo(worst) > 0) {
          worst = entry.status();
        }
      }
      byNode.put(node, new NodeResult(node.label(), opLabel(node), node.shape(), checked, maxAbs, maxRel, worst));
      order.add(node);
    }
    double magnitude = 0;
    for (double y : output.toArray()) {
      magnitude += Math.abs(y); // the loss replayed is the sum of the output (seed ones)
    }
    return new Result(entries, order, byNode, suspects(view, byNode), eps, atol, rtol,
        GradCheck.Rule.rounding(magnitude, eps));
  }

  /** GradCheck's rule, so the two checks judge the same numbers the same way. */
  private Entry judge(Tensor node, int[] index, double a, Estimate n, List<Kink> kinks) {
    double abs = Math.abs(a - n.numeric());
    double rel = abs / Math.max(Math.abs(n.numeric()), Double.MIN_NORMAL);
    Status status = new GradCheck.Rule(atol, rtol).judge(a, n.numeric(), n.leftSlope(), n.rightSlope());
    return new Entry(node.label(), opLabel(node), index, a, n.numeric(), abs, rel, status, n.leftSlope(),
        n.rightSlope(), kinks);
  }

  /** For each failing node whose consumers all pass, those consumers' ops are to blame. */
  private static List<Suspect> suspects(GraphView view, Map<Tensor, NodeResult> byNode) {
    Set<Suspect> out = new LinkedHashSet<>();
    for (Tensor node : view.nodes) {
      if (byNode.get(node).status() != Status.FAIL) {
        continue;
      }
      List<Edge> edges = view.consumersOf(node);
      if (edges.stream().noneMatch(e -> byNode.get(e.consumer()).status() == Status.FAIL)) {
        for (Edge e : edges) {
          out.add(new Suspect(e.consumer().op().label(), e.consumer().label(), node.label(), e.inputIndex()));
        }
      }
    }
    return List.copyOf(out);
  }

  private static String opLabel(Tensor node) {
    return node.isLeaf() ? "leaf" : node.op().label();
  }

  private static int[] unflatten(int flat, int[] strides) {
    int[] index = new int[strides.length];
    for (int i = 0; i < strides.length; i++) {
      index[i] = flat / strides[i];
      flat %= strides[i];
    }
    return index;
  }

  /** Every element checked, every node's summary, the suspects, and a table for the terminal. */
  public static final class Result {
    private final List<Entry> entries;
    private final List<Tensor> order;
    private final Map<Tensor, NodeResult> byNode;
    private final List<Suspect> suspects;
    private final double eps;
    private final double atol;
    private final double rtol;
    private final double rounding;

    Result(List<Entry> entries, List<Tensor> order, Map<Tensor, NodeResult> byNode, List<Suspect> suspects,
        double eps, double atol, double rtol, double rounding) {
      this.entries = Collections.unmodifiableList(entries);
      this.order = Collections.unmodifiableList(order);
      this.byNode = Collections.unmodifiableMap(byNode);
      this.suspects = suspects;
      this.eps = eps;
      this.atol = atol;
      this.rtol = rtol;
      this.rounding = rounding;
    }

    /** As {@link GradCheck.Result#roundingOfNumeric}: how far rounding alone can move the numeric side. */
    public double roundingOfNumeric() {
      return rounding;
    }

    /** True if no element failed (kinks do not fail). */
    public boolean passed() {
      return entries.stream().noneMatch(e -> e.status() == Status.FAIL);
    }

    public List<Entry> entries() {
      return entries;
    }

    public List<Entry> failures() {
      return entries.stream().filter(e -> e.status() == Status.FAIL).toList();
    }

    public List<Entry> kinks() {
      return entries.stream().filter(e -> e.status() == Status.KINK).toList();
    }

    /**
     * Each node checked (by identity) to its worst element's errors and status: what a graph
     * exporter needs to colour nodes by relative error.
     */
    public Map<Tensor, NodeResult> byNode() {
      return byNode;
    }

    /** The nodes checked, inputs first. */
    public List<Tensor> nodes() {
      return order;
    }

    /** The ops whose backward rule the failures point to. */
    public List<Suspect> suspects() {
      return suspects;
    }

    /** One row per node, then the elements that failed or sit on kinks, the suspects and a verdict. */
    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      sb.append(String.format(Locale.ROOT, "%-14s %-16s %-8s %7s %10s %10s  %s%n",
          "node", "op", "shape", "checked", "max abs", "max rel", "status"));
      for (Tensor t : order) {
        NodeResult r = byNode.get(t);
        sb.append(String.format(Locale.ROOT, "%-14s %-16s %-8s %7d %10.2e %10.2e  %s%n", r.node(), r.op(),
            Shape.format(r.shape()), r.checked(), r.maxAbsError(), r.maxRelError(), r.status()));
      }
      List<Entry> notable = entries.stream().filter(e -> e.status() != Status.PASS || !e.kinks().isEmpty()).toList();
      if (!notable.isEmpty()) {
        sb.append(String.format(Locale.ROOT, "%n%-16s %15s %15s %10s  %s%n", "element", "autodiff", "numeric", "abs err", "status"));
        for (Entry e : notable.subList(0, Math.min(20, notable.size()))) {
          sb.append(String.format(Locale.ROOT, "%-16s %15.8g %15.8g %10.2e  %s", e.element(), e.analytic(), e.numeric(),
              e.absError(), e.status()));
          if (e.status() == Status.KINK) {
            sb.append(String.format(Locale.ROOT, " (one-sided slopes of L: %.6g left, %.6g right)", e.leftSlope(), e.rightSlope()));
          }
          sb.append('\n');
          for (Kink k : e.kinks()) {
            sb.append("    ").append(k.describe()).append('\n');
          }
        }
        if (notable.size() > 20) {
          sb.append("  … ").append(notable.size() - 20).append(" more\n");
        }
      }
      for (Suspect s : suspects) {
        sb.append("suspect: ").append(s.describe()).append('\n');
      }
      sb.append(summary());
      if (!passed()) {
        sb.append(new GradCheck.Rule(atol, rtol).roundingNote(rounding));
      }
      return sb.toString();
    }

    /** The verdict in one line: {@code PASSED: 27 nodes, 27 elements, 0 failed, 0 at kinks; eps=…}. */
    public String summary() {
      return (passed() ? "PASSED" : "FAILED") + String.format(Locale.ROOT,
          ": %d nodes, %d elements, %d failed, %d at kinks; eps=%g atol=%g rtol=%g",
          order.size(), entries.size(), failures().size(), kinks().size(), eps, atol, rtol);
    }
  }
}
