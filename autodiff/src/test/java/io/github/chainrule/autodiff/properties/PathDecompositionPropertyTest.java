package io.github.chainrule.autodiff.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.inspect.Explain;
import io.github.chainrule.autodiff.inspect.Explanation;
import io.github.chainrule.autodiff.inspect.Explanation.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * On random scalar graphs, the gradient of every node is, three ways, the same number: the sum over
 * all paths to the output of the products of local derivatives ({@link Explain}'s path decomposition),
 * the sum of one step of the chain rule over the node's consumers, and the backward pass's gradient.
 *
 * <p>The graphs are {@link ScalarGraph} recipes: {@link RandomGraph}'s ops on scalars, each step
 * reading recent nodes (so graphs are deep and paths multiply), and an output that adds every node
 * no later step reads (so every node has a path to it). Tolerance: 1e-12 relative to Σ|path product|,
 * the size of the terms being added (the three sums add the same terms in different orders, so they
 * differ only by rounding, which scales with the terms rather than with a total that may cancel).
 */
class PathDecompositionPropertyTest {
  private static final double TOLERANCE = 1e-12;
  private static final AtomicInteger GRAPHS = new AtomicInteger();
  private static final AtomicInteger NODES = new AtomicInteger();
  private static final AtomicInteger BIG_GRAPHS = new AtomicInteger();
  private static final AtomicInteger BIG_NODES = new AtomicInteger();
  private static final AtomicLong MOST_PATHS_LISTED = new AtomicLong();
  private static final AtomicLong MOST_PATHS_COUNTED = new AtomicLong();

  /**
   * A scalar graph: {@code leaves} scalar leaves with values ±[0.2, 1.5] from {@code valueSeed},
   * then steps applying {@link RandomGraph.Op}s to nodes {@code back} places before the newest.
   */
  record ScalarGraph(int leaves, long valueSeed, List<Step> steps) {
    record Step(int op, int backA, int backB) {}

    /** Every node in creation order, the output last. */
    List<Tensor> build() {
      SplittableRandom rng = new SplittableRandom(valueSeed);
      List<Tensor> nodes = new ArrayList<>();
      for (int i = 0; i < leaves; i++) {
        double m = 0.2 + 1.3 * rng.nextDouble();
        nodes.add(Tensor.scalar(rng.nextBoolean() ? m : -m).named("x" + i).requiresGrad());
      }
      boolean[] read = new boolean[leaves + steps.size()];
      for (Step s : steps) {
        int a = pick(nodes.size(), s.backA());
        int b = pick(nodes.size(), s.backB());
        RandomGraph.Op op = op(s);
        read[a] = true;
        read[b] |= op.binary();
        nodes.add(RandomGraph.apply(op, nodes.get(a), nodes.get(b)).named("n" + nodes.size()));
      }
      Tensor out = null;
      for (int i = 0; i < nodes.size(); i++) {
        if (!read[i]) {
          out = out == null ? nodes.get(i) : out.add(nodes.get(i));
        }
      }
      nodes.add(out.add(0.0).named("L"));   // a fresh node, even when the only unread node is a leaf
      return nodes;
    }

    private static int pick(int size, int back) {
      return size - 1 - Math.floorMod(back, size);
    }

    private static RandomGraph.Op op(Step s) {
      return RandomGraph.Op.values()[Math.floorMod(s.op(), RandomGraph.Op.values().length)];
    }

    /** {@code n3 = sin(x0); n4 = (n3 * x1); L = n4 + x2 + 0   with x0 = 0.31, …}. */
    @Override
    public String toString() {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < leaves; i++) {
        names.add("x" + i);
      }
      StringBuilder sb = new StringBuilder();
      boolean[] read = new boolean[leaves + steps.size()];
      for (Step s : steps) {
        int a = pick(names.size(), s.backA());
        int b = pick(names.size(), s.backB());
        RandomGraph.Op op = op(s);
        read[a] = true;
        read[b] |= op.binary();
        String name = "n" + names.size();
        sb.append(name).append(" = ").append(op.binary()
            ? String.format(op.template, names.get(a), names.get(b)) : String.format(op.template, names.get(a)))
            .append("; ");
        names.add(name);
      }
      List<String> unread = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        if (!read[i]) {
          unread.add(names.get(i));
        }
      }
      List<Tensor> built = build();
      StringBuilder values = new StringBuilder();
      for (int i = 0; i < leaves; i++) {
        values.append(i == 0 ? "" : ", ").append("x").append(i).append(" = ").append(built.get(i).item());
      }
      return sb.append("L = ").append(String.join(" + ", unread)).append(" + 0   with ").append(values).toString();
    }
  }

  private static Arbitrary<ScalarGraph> scalarGraphs(int minSteps, int maxSteps) {
    // Half the steps binary: each binary op joins two paths, so path counts grow with depth.
    Arbitrary<Integer> op = Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.integers().between(0, RandomGraph.Op.values().length - 1)),
        Tuple.of(1, Arbitraries.integers().between(RandomGraph.Op.ADD.ordinal(), RandomGraph.Op.values().length - 1)));
    Arbitrary<ScalarGraph.Step> step = Combinators.combine(
        op,
        Arbitraries.integers().between(0, 3),
        Arbitraries.integers().between(0, 5)).as(ScalarGraph.Step::new);
    return Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.longs(),
        step.list().ofMinSize(minSteps).ofMaxSize(maxSteps)).as(ScalarGraph::new);
  }

  @Provide
  Arbitrary<ScalarGraph> small() {
    return scalarGraphs(1, 10);
  }

  @Provide
  Arbitrary<ScalarGraph> big() {
    return scalarGraphs(40, 80);
  }

  @Property(tries = 1_200, edgeCases = EdgeCasesMode.NONE)
  void allPathsOneStepAndBackwardGiveTheSameGradient(@ForAll("small") ScalarGraph graph) {
    List<Tensor> nodes = graph.build();
    // Repeated squaring can overflow; such graphs say nothing about the decomposition.
    Assume.that(nodes.stream().allMatch(t -> Math.abs(t.item()) < 1e100));
    Tensor out = nodes.get(nodes.size() - 1);
    out.backward();
    Graph g = Graph.of(out);
    for (Tensor node : g.order) {
      if (node == out) {
        continue;
      }
      double count = g.pathCount(node);
      Explanation e = Explain.options().topPaths((int) count).epsilons(1e-3).of(node, out);
      Explanation.Paths paths = e.paths();
      String where = graph + "\nnode " + node.label() + ", " + count + " paths";
      assertEquals(count, paths.count(), 0, where);
      assertTrue(paths.complete(), where);
      assertEquals((int) count, paths.top().size(), where);
      double sum = 0;
      double scale = 0;
      for (Path p : paths.top()) {
        // Multiplied from the output end by Explain, from the node's end here: equal up to rounding.
        assertEquals(p.product(), Arrays.stream(p.partials()).reduce(1, (a, b) -> a * b),
            TOLERANCE * Math.abs(p.product()), where);
        assertEquals(node.label(), p.nodes().get(0), where);
        assertEquals(out.label(), p.nodes().get(p.nodes().size() - 1), where);
        sum += p.product();
        scale += Math.abs(p.product());
      }
      double tol = TOLERANCE * Math.max(scale, Double.MIN_NORMAL);
      double backward = node.grad().item();
      assertEquals(backward, sum, tol, () -> where + ": Σ paths against backward");
      assertEquals(backward, e.contributionSum()[0], tol, () -> where + ": one step against backward");
      assertEquals(backward, paths.sumOverAllPaths(), tol, () -> where + ": path DP against backward");
      assertEquals(backward, e.gradient()[0], tol, where);
      NODES.incrementAndGet();
      MOST_PATHS_LISTED.accumulateAndGet((long) count, Math::max);
    }
    GRAPHS.incrementAndGet();
  }

  @Property(tries = 120, edgeCases = EdgeCasesMode.NONE)
  void onBigGraphsTheTopPathsAndTheRemainderStillAddUp(@ForAll("big") ScalarGraph graph,
      @ForAll @IntRange(min = 1, max = 5) int k) {
    List<Tensor> nodes = graph.build();
    // Repeated squaring can overflow; such graphs say nothing about the decomposition.
    Assume.that(nodes.stream().allMatch(t -> Math.abs(t.item()) < 1e100));
    Tensor out = nodes.get(nodes.size() - 1);
    out.backward();
    Graph g = Graph.of(out);
    for (Tensor node : g.order) {
      if (node == out || !node.isLeaf()) {
        continue;   // the leaves are the farthest from the output: the most paths
      }
      double count = g.pathCount(node);
      Explanation.Paths paths = Explain.options().topPaths(k).epsilons(1e-3).of(node, out).paths();
      String where = graph + "\nnode " + node.label() + ", " + count + " paths, top " + k;
      assertEquals(count, paths.count(), 0, where);
      assertEquals((int) Math.min(k, count), paths.top().size(), where);
      assertEquals(count <= k, paths.complete(), where);
      double topSum = 0;
      for (int i = 0; i < paths.top().size(); i++) {
        topSum += paths.top().get(i).product();
        if (i > 0) {
          assertTrue(Math.abs(paths.top().get(i - 1).product()) >= Math.abs(paths.top().get(i).product()), where);
        }
      }
      double backward = node.grad().item();
      double scale = g.absolutePathSum(node);
      assertEquals(topSum, paths.topSum(), 0, where);
      assertEquals(backward, paths.topSum() + paths.remainder(), TOLERANCE * scale, where);
      // The remainder is what the other paths add: the DP's sum over all paths minus the top ones.
      assertEquals(backward, paths.sumOverAllPaths(), TOLERANCE * scale, where);
      assertEquals(paths.sumOverAllPaths() - paths.topSum(), paths.remainder(), TOLERANCE * scale, where);
      // When all the paths can be listed, the top k are the k largest of them.
      if (count <= 2_000) {
        double[] all = Explain.options().topPaths((int) count).epsilons(1e-3).of(node, out).paths().top().stream()
            .mapToDouble(p -> Math.abs(p.product())).toArray();
        for (int i = 0; i < paths.top().size(); i++) {
          assertEquals(all[i], Math.abs(paths.top().get(i).product()), 0, where);
        }
      }
      BIG_NODES.incrementAndGet();
      MOST_PATHS_COUNTED.accumulateAndGet((long) Math.min(count, Long.MAX_VALUE), Math::max);
    }
    BIG_GRAPHS.incrementAndGet();
  }

  @AfterContainer
  static void report() {
    System.out.println("path decomposition: " + GRAPHS.get() + " small scalar graphs (" + NODES.get()
        + " nodes, every path listed) and " + BIG_GRAPHS.get() + " big ones (" + BIG_NODES.get()
        + " leaves, top k + remainder); most paths listed from one node: " + MOST_PATHS_LISTED.get()
        + ", most counted: " + MOST_PATHS_COUNTED.get());
  }

  /**
   * The differentiable nodes behind an output, consumers first, with an independent count of the
   * paths from each node to the output and of Σ|product| over them (local derivatives by finite
   * differences would be too coarse for 1e-12; the backward rules give them exactly, as in Explain).
   */
  private record Graph(Tensor out, List<Tensor> order, Map<Tensor, List<Tensor>> consumers) {
    static Graph of(Tensor out) {
      List<Tensor> order = new ArrayList<>();
      Map<Tensor, List<Tensor>> consumers = new IdentityHashMap<>();
      Map<Tensor, Boolean> seen = new IdentityHashMap<>();
      // Reverse postorder of a depth-first walk from the output: each node after all its consumers.
      Deque<Object[]> stack = new ArrayDeque<>();
      List<Tensor> post = new ArrayList<>();
      stack.push(new Object[] {out, 0});
      seen.put(out, true);
      while (!stack.isEmpty()) {
        Object[] top = stack.peek();
        Tensor t = (Tensor) top[0];
        int i = (Integer) top[1];
        if (i < t.inputs().size()) {
          top[1] = i + 1;
          Tensor in = t.inputs().get(i);
          if (in.needsGrad()) {
            consumers.computeIfAbsent(in, x -> new ArrayList<>()).add(t);
            if (seen.put(in, true) == null) {
              stack.push(new Object[] {in, 0});
            }
          }
        } else {
          stack.pop();
          post.add(t);
        }
      }
      for (int i = post.size() - 1; i >= 0; i--) {
        order.add(post.get(i));
      }
      return new Graph(out, order, consumers);
    }

    /** Paths from {@code node} to the output, one per edge sequence (an op using a node twice gives two). */
    double pathCount(Tensor node) {
      Map<Tensor, Double> count = new IdentityHashMap<>();
      for (Tensor t : order) {
        count.put(t, t == out ? 1.0 : consumers.get(t).stream().mapToDouble(count::get).sum());
        if (t == node) {
          break;
        }
      }
      return count.get(node);
    }

    /** Σ over all paths of |product of local derivatives|: the scale of the rounding in their sum. */
    double absolutePathSum(Tensor node) {
      Map<Tensor, Double> abs = new IdentityHashMap<>();
      for (Tensor t : order) {
        if (t == out) {
          abs.put(t, 1.0);
        } else {
          double s = 0;
          Map<Tensor, Boolean> done = new IdentityHashMap<>();
          for (Tensor c : consumers.get(t)) {
            if (done.put(c, true) != null) {
              continue;   // a consumer using t twice: both its edges are counted below, once
            }
            double[] local = localPartials(c);
            for (int j = 0; j < c.inputs().size(); j++) {
              if (c.inputs().get(j) == t) {
                s += Math.abs(local[j]) * abs.get(c);
              }
            }
          }
          abs.put(t, s);
        }
        if (t == node) {
          break;
        }
      }
      return Math.max(abs.get(node), Double.MIN_NORMAL);
    }

    /** d(consumer)/d(input j): the consumer's backward rule with upstream gradient 1. */
    private static double[] localPartials(Tensor consumer) {
      try (var scope = io.github.chainrule.autodiff.GradMode.disabled()) {
        Tensor[] in = consumer.inputs().toArray(new Tensor[0]);
        Tensor[] d = consumer.op().backward(in, consumer, Tensor.ones(consumer.shapeRef()));
        double[] out = new double[in.length];
        for (int j = 0; j < in.length; j++) {
          out[j] = d[j] == null ? 0 : d[j].item();
        }
        return out;
      }
    }
  }
}
