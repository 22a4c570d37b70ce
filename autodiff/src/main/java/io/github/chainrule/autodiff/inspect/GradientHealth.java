package io.github.chainrule.autodiff.inspect;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.chainrule.autodiff.Format;
import io.github.chainrule.autodiff.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Gradient norms per node and per layer after a backward pass, with vanishing gradients and growth
 * with depth flagged: the first answer to "why does my network not learn?" and "why do my gradients
 * explode?".
 *
 * <pre>{@code
 * loss.backward();
 * GradientHealth h = GradientHealth.ofGraph(loss);   // or ofParameters(List.of(w1, b1, w2, b2))
 * h.layers();          // "hidden" -> norm, depth, vanishing?
 * h.growthPerLayer();  // e.g. 0.25: each layer further from the output gets a quarter of the gradient
 * }</pre>
 *
 * <h2>Definitions</h2>
 * <ul>
 *   <li>A node's norm is the L2 norm of its gradient; a layer's is the L2 norm over all its tensors.
 *   <li>A layer is a name's prefix before its last dot: {@code hidden.weight} and {@code hidden.bias}
 *       form layer {@code hidden}; a name without a dot is a layer of its own.
 *   <li>Depth is how far a tensor is from the output: in a graph, the fewest ops between it and the
 *       output; for a list of parameters given input side first, the last layer has depth 0. A layer's
 *       depth is its shallowest tensor's.
 *   <li>Vanishing: a norm below {@code vanishingRatio} (default 1e-3) times the largest norm.
 *   <li>Growth per layer: 10^slope of a least-squares fit of log10(layer norm) against layer depth,
 *       over layers with a positive finite norm. Below 1/{@code growthLimit} (default 2: the gradient
 *       halves with every layer or faster) gradients vanish with depth; above {@code growthLimit}
 *       they explode with depth.
 * </ul>
 */
public final class GradientHealth {
  /** One tensor's gradient. */
  public record Entry(String name, String layer, int depth, int size, double norm, double relative, boolean vanishing) {}

  /** One layer's gradient, over all its tensors. */
  public record Layer(String name, int depth, int tensors, double norm, double relative, boolean vanishing) {}

  private final List<Entry> entries;
  private final List<Layer> layers;
  private final double growthPerLayer;
  private final List<String> flags;

  private GradientHealth(List<Entry> entries, List<Layer> layers, double growthPerLayer, List<String> flags) {
    this.entries = List.copyOf(entries);
    this.layers = List.copyOf(layers);
    this.growthPerLayer = growthPerLayer;
    this.flags = List.copyOf(flags);
  }

  /** Every node behind {@code output} that holds a gradient (so call {@code backward()} first), default limits. */
  public static GradientHealth ofGraph(Tensor output) {
    return ofGraph(output, 1e-3, 2.0);
  }

  public static GradientHealth ofGraph(Tensor output, double vanishingRatio, double growthLimit) {
    GraphView view = GraphView.of("gradient health", output);
    // Depth: breadth-first from the output over edges reversed.
    Map<Tensor, Integer> depth = new IdentityHashMap<>();
    depth.put(output, 0);
    Deque<Tensor> queue = new ArrayDeque<>();
    queue.add(output);
    while (!queue.isEmpty()) {
      Tensor t = queue.poll();
      for (Tensor in : t.inputs()) {
        if (view.contains(in) && !depth.containsKey(in)) {
          depth.put(in, depth.get(t) + 1);
          queue.add(in);
        }
      }
    }
    List<Item> items = new ArrayList<>();
    for (Tensor t : view.nodes) {
      if (t.hasGrad()) {
        items.add(new Item(t.label(), t.name() == null ? null : layerOf(t.name()), depth.get(t), t.grad().data()));
      }
    }
    checkArgument(!items.isEmpty(), "gradient health: no node behind %s holds a gradient; call backward() first",
        output.label());
    return compute(items, vanishingRatio, growthLimit);
  }

  /** Parameters in model order, input side first (as a module lists them), each holding a gradient. */
  public static GradientHealth ofParameters(List<Tensor> parameters) {
    Map<String, double[]> named = new LinkedHashMap<>();
    for (Tensor p : parameters) {
      checkArgument(p.name() != null, "gradient health: a parameter of shape %s has no name; name parameters "
          + "(named(\"hidden.weight\")) so they can be grouped into layers", java.util.Arrays.toString(p.shapeRef()));
      checkArgument(p.hasGrad(), "gradient health: %s holds no gradient; call backward() first", p.name());
      named.put(p.name(), p.grad().data());
    }
    return ofNamed(named, 1e-3, 2.0);
  }

  /**
   * Named gradients in model order, input side first: {@code "hidden.weight" -> values}. The last
   * layer has depth 0, the one before it 1, and so on.
   */
  public static GradientHealth ofNamed(Map<String, double[]> gradients, double vanishingRatio, double growthLimit) {
    checkArgument(!gradients.isEmpty(), "gradient health: no gradients given");
    List<String> layerOrder = new ArrayList<>();
    for (String name : gradients.keySet()) {
      String layer = layerOf(name);
      if (!layerOrder.contains(layer)) {
        layerOrder.add(layer);
      }
    }
    List<Item> items = new ArrayList<>();
    for (Map.Entry<String, double[]> e : gradients.entrySet()) {
      String layer = layerOf(e.getKey());
      items.add(new Item(e.getKey(), layer, layerOrder.size() - 1 - layerOrder.indexOf(layer), e.getValue()));
    }
    return compute(items, vanishingRatio, growthLimit);
  }

  /** {@code hidden.weight -> hidden}; {@code W1 -> W1}. */
  public static String layerOf(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? name : name.substring(0, dot);
  }

  private record Item(String name, String layer, int depth, double[] grad) {}

  private static GradientHealth compute(List<Item> items, double vanishingRatio, double growthLimit) {
    checkArgument(vanishingRatio > 0 && vanishingRatio < 1, "gradient health: vanishingRatio must be in (0, 1), got %s", vanishingRatio);
    checkArgument(growthLimit > 1, "gradient health: growthLimit must be above 1, got %s", growthLimit);
    double max = 0;
    double[] norms = new double[items.size()];
    Map<String, double[]> layerSums = new LinkedHashMap<>();   // layer -> {sum of squares, depth, tensors}
    for (int i = 0; i < items.size(); i++) {
      Item it = items.get(i);
      double sq = 0;
      for (double v : it.grad()) {
        sq += v * v;
      }
      norms[i] = Math.sqrt(sq);
      if (Double.isFinite(norms[i])) {
        max = Math.max(max, norms[i]);
      }
      if (it.layer() != null) {
        double[] acc = layerSums.computeIfAbsent(it.layer(), k -> new double[] {0, Integer.MAX_VALUE, 0});
        acc[0] += sq;
        acc[1] = Math.min(acc[1], it.depth());
        acc[2]++;
      }
    }
    List<String> flags = new ArrayList<>();
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Item it = items.get(i);
      boolean vanishing = norms[i] < vanishingRatio * max;
      entries.add(new Entry(it.name(), it.layer(), it.depth(), it.grad().length, norms[i], max == 0 ? 0 : norms[i] / max, vanishing));
      if (!Double.isFinite(norms[i])) {
        flags.add("non-finite gradient in " + it.name());
      }
    }
    double layerMax = 0;
    for (double[] acc : layerSums.values()) {
      if (Double.isFinite(acc[0])) {
        layerMax = Math.max(layerMax, Math.sqrt(acc[0]));
      }
    }
    List<Layer> layers = new ArrayList<>();
    for (Map.Entry<String, double[]> e : layerSums.entrySet()) {
      double n = Math.sqrt(e.getValue()[0]);
      boolean vanishing = n < vanishingRatio * layerMax;
      layers.add(new Layer(e.getKey(), (int) e.getValue()[1], (int) e.getValue()[2], n, layerMax == 0 ? 0 : n / layerMax, vanishing));
      if (vanishing) {
        flags.add(String.format(Locale.ROOT, "vanishing: layer %s has gradient norm %s, %s of the largest (%s)",
            e.getKey(), Format.number(n), Format.number(layerMax == 0 ? 0 : n / layerMax), Format.number(layerMax)));
      }
    }
    double growth = growth(layers);
    if (growth < 1 / growthLimit) {
      flags.add(String.format(Locale.ROOT, "vanishing with depth: each layer further from the output gets about ×%s "
          + "the gradient norm of the layer after it", Format.number(growth)));
    } else if (growth > growthLimit) {
      flags.add(String.format(Locale.ROOT, "exploding with depth: each layer further from the output gets about ×%s "
          + "the gradient norm of the layer after it", Format.number(growth)));
    }
    return new GradientHealth(entries, layers, growth, flags);
  }

  /** 10^slope of log10(norm) against depth, over layers with positive finite norms; NaN with fewer than two depths. */
  private static double growth(List<Layer> layers) {
    double n = 0;
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    for (Layer l : layers) {
      if (l.norm() > 0 && Double.isFinite(l.norm())) {
        double x = l.depth();
        double y = Math.log10(l.norm());
        n++;
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
      }
    }
    double denom = n * sxx - sx * sx;
    if (n < 2 || denom == 0) {
      return Double.NaN;
    }
    return Math.pow(10, (n * sxy - sx * sy) / denom);
  }

  /** Every tensor with a gradient, in graph (or given) order. */
  public List<Entry> entries() {
    return entries;
  }

  /** Every layer, in graph (or given) order. */
  public List<Layer> layers() {
    return layers;
  }

  /** The fitted factor between the gradient norms of consecutive layers, deeper over shallower; NaN if under two layers. */
  public double growthPerLayer() {
    return growthPerLayer;
  }

  /** Findings in words: vanishing layers, growth with depth, non-finite gradients. Empty when healthy. */
  public List<String> flags() {
    return flags;
  }

  /** Whether nothing was flagged. */
  public boolean healthy() {
    return flags.isEmpty();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    if (!layers.isEmpty()) {
      sb.append(String.format(Locale.ROOT, "%-16s %5s %8s %12s %10s%n", "layer", "depth", "tensors", "grad norm", "of max"));
      for (Layer l : layers) {
        sb.append(String.format(Locale.ROOT, "%-16s %5d %8d %12s %10s%s%n", l.name(), l.depth(), l.tensors(),
            Format.number(l.norm()), Format.number(l.relative()), l.vanishing() ? "  VANISHING" : ""));
      }
      sb.append('\n');
    }
    sb.append(String.format(Locale.ROOT, "%-16s %5s %8s %12s %10s%n", "tensor", "depth", "size", "grad norm", "of max"));
    for (Entry e : entries) {
      sb.append(String.format(Locale.ROOT, "%-16s %5d %8d %12s %10s%s%n", e.name(), e.depth(), e.size(),
          Format.number(e.norm()), Format.number(e.relative()), e.vanishing() ? "  VANISHING" : ""));
    }
    if (!Double.isNaN(growthPerLayer)) {
      sb.append("growth per layer towards the input: ×").append(Format.number(growthPerLayer)).append('\n');
    }
    sb.append(flags.isEmpty() ? "healthy: nothing flagged" : String.join("\n", flags));
    return sb.toString();
  }
}
