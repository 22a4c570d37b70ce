package io.github.chainrule.viz.render;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.viz.dot.DotExporter;
import io.github.chainrule.viz.dot.DotOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Not a test: a measuring loop for bench/RENDER.md. It renders every committed DOT file, a 2-16-16-1
 * MLP graph and a 30-node scalar expression through one {@link WasmGraphviz} on this thread
 * (thread CPU time and wall time per render) and, interleaved with it, through the system's dot
 * (wall time of the process, as {@link SystemDot} runs it). Run from viz/ with the test class path:
 * {@code java -cp target/test-classes:target/classes:$(cat cp.txt) io.github.chainrule.viz.render.RenderSpeed 30}.
 * The first line is the cold start: class loading, module parsing, instantiation and the first render.
 */
final class RenderSpeed {
  private RenderSpeed() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    boolean system = args.length <= 1 || !args[1].equals("embedded-only");
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, String> graphs = graphs();

    long wall0 = System.nanoTime();
    long cpu0 = threads.getCurrentThreadCpuTime();
    WasmGraphviz wasm = new WasmGraphviz();
    long created = System.nanoTime();
    wasm.render(graphs.get("tiny-network"), "svg");
    System.out.printf(Locale.ROOT, "cold: instance %.0f ms, +first render %.0f ms wall, %.0f ms thread CPU%n",
        (created - wall0) / 1e6, (System.nanoTime() - wall0) / 1e6, (threads.getCurrentThreadCpuTime() - cpu0) / 1e6);

    Engine dot = system ? new SystemDot(NativeTools.find("dot").orElseThrow()) : null;
    Map<String, long[]> cpu = new LinkedHashMap<>();
    Map<String, long[]> wall = new LinkedHashMap<>();
    Map<String, long[]> native_ = new LinkedHashMap<>();
    for (String g : graphs.keySet()) {
      cpu.put(g, new long[rounds]);
      wall.put(g, new long[rounds]);
      native_.put(g, new long[rounds]);
    }
    for (int r = 0; r < rounds; r++) {
      for (Map.Entry<String, String> g : graphs.entrySet()) {
        long c = threads.getCurrentThreadCpuTime();
        long w = System.nanoTime();
        wasm.render(g.getValue(), "svg");
        wall.get(g.getKey())[r] = System.nanoTime() - w;
        cpu.get(g.getKey())[r] = threads.getCurrentThreadCpuTime() - c;
        if (dot != null) {
          w = System.nanoTime();
          dot.render(g.getValue(), Graphviz.Format.SVG, Duration.ofSeconds(60));
          native_.get(g.getKey())[r] = System.nanoTime() - w;
        }
      }
    }
    // The second half of the rounds counts as warm: the JIT has had the first half.
    System.out.printf(Locale.ROOT, "%-24s %6s | %19s | %19s | %19s%n", "graph (rounds " + rounds / 2 + ".." + rounds + ")",
        "nodes", "embedded CPU med/min", "embedded wall med/min", "system dot wall med/min");
    for (String g : graphs.keySet()) {
      System.out.printf(Locale.ROOT, "%-24s %6d | %s | %s | %s%n", g, nodes(graphs.get(g)), stats(cpu.get(g), rounds),
          stats(wall.get(g), rounds), dot == null ? "" : stats(native_.get(g), rounds));
    }
    long[] sumCpu = new long[rounds];
    for (long[] v : cpu.values()) {
      for (int r = 0; r < rounds; r++) {
        sumCpu[r] += v[r];
      }
    }
    System.out.printf(Locale.ROOT, "all graphs, one round, embedded thread CPU by round: %s ms%n",
        Arrays.toString(Arrays.stream(sumCpu).map(v -> v / 1_000_000).toArray()));
  }

  private static String stats(long[] v, int rounds) {
    long[] warm = Arrays.copyOfRange(v, rounds / 2, rounds);
    Arrays.sort(warm);
    return String.format(Locale.ROOT, "%8.1f / %8.1f", warm[warm.length / 2] / 1e6, warm[0] / 1e6);
  }

  private static long nodes(String dot) {
    return dot.lines().filter(l -> l.matches("\\s*\"?[^\\s\\[\"]+\"?\\s*\\[.*label=.*")
        || l.matches("\\s*\"[^\"]*\"\\s*\\[.*label=.*")).count();
  }

  static Map<String, String> graphs() throws Exception {
    Map<String, String> g = new LinkedHashMap<>();
    for (Path f : GraphvizTest.committedDotFiles()) {
      g.put(f.getFileName().toString().replace(".dot", ""), Files.readString(f, StandardCharsets.UTF_8));
    }
    g.put("mlp-2-16-16-1", DotExporter.toDot(mlp(), DotOptions.defaults()));
    g.put("expression-30", DotExporter.toDot(expression(), DotOptions.defaults().withEdgeLabels(true)));
    return g;
  }

  /** A 2-16-16-1 ReLU network on eight rows, after backward, as app.examples.MlpGraph builds it. */
  static Tensor mlp() {
    int rows = 8;
    double[] x = new double[rows * 2];
    double[] y = new double[rows];
    for (int r = 0; r < rows; r++) {
      x[2 * r] = -1 + 2.0 * r / (rows - 1);
      x[2 * r + 1] = Math.sin(3.0 * r);
      y[r] = x[2 * r] * x[2 * r + 1];
    }
    Tensor h = Tensor.wrap(x, rows, 2).named("x");
    int[] widths = {2, 16, 16, 1};
    List<Tensor> layers = new ArrayList<>();
    for (int l = 0; l < 3; l++) {
      double[] w = new double[widths[l] * widths[l + 1]];
      for (int i = 0; i < w.length; i++) {
        w[i] = Math.sin(7.0 * i + l) / widths[l];
      }
      Tensor weight = Tensor.wrap(w, widths[l], widths[l + 1]).named(2 * l + ".weight").requiresGrad();
      Tensor bias = Tensor.wrap(new double[widths[l + 1]], widths[l + 1]).named(2 * l + ".bias").requiresGrad();
      h = h.matmul(weight).add(bias).named(2 * l + ".out");
      if (l < 2) {
        h = h.relu().named((2 * l + 1) + ".out");
      }
      layers.add(h);
    }
    Tensor loss = h.sub(Tensor.wrap(y, rows, 1).named("y")).square().mean().named("loss");
    loss.backward();
    return loss;
  }

  /** About 30 scalar nodes: a few named inputs combined by every kind of arithmetic and function. */
  static Tensor expression() {
    Tensor a = Tensor.scalar(0.5).named("a").requiresGrad();
    Tensor b = Tensor.scalar(-1.5).named("b").requiresGrad();
    Tensor c = Tensor.scalar(2.0).named("c").requiresGrad();
    Tensor t = a;
    for (int i = 0; i < 6; i++) {
      t = t.mul(b).add(c.tanh()).sub(a.exp()).named("s" + i);
    }
    Tensor loss = t.square().add(b.mul(c).relu()).named("loss");
    loss.backward();
    return loss;
  }
}
