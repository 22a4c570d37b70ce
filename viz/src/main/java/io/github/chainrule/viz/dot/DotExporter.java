package io.github.chainrule.viz.dot;

import static io.github.chainrule.viz.Markup.escape;

import io.github.chainrule.autodiff.Format;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.viz.graph.EdgeContributions;
import io.github.chainrule.viz.graph.Modules;
import io.github.chainrule.viz.graph.Role;
import io.github.chainrule.viz.graph.TensorGraph;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes the graph behind an output tensor in Graphviz's DOT language, one node per tensor with its
 * name or op, its shape, its value and its gradient.
 *
 * <pre>{@code
 * loss.backward();
 * String dot = DotExporter.toDot(loss, DotOptions.defaults().withEdgeLabels(true));
 * }</pre>
 *
 * <h2>What is drawn</h2>
 * <ul>
 *   <li>Roles by shape and colour: parameters as orange 3-D boxes, inputs as blue boxes, constants
 *       as grey notes, ops as white rounded boxes, the output as a green double box.
 *   <li>Values in full up to {@link DotOptions#valueLimit()} elements, otherwise Format's summary
 *       (min, mean, max, norm); a small matrix one row per line, a column on one line. Gradients
 *       the same way; a node no pass has reached says "grad not computed" (never 0), and a node
 *       that needs no gradient says "grad not required".
 *   <li>The gradient cell is coloured by magnitude on a log scale ({@link GradientColours}); a
 *       gradient of exactly 0 is grey and one with NaN or an infinity black, off the scale. A
 *       gradient with some exact zeros (dead units) has a grey row counting them. A node holding
 *       NaN or an infinity, in its value or its gradient, gets a thick red border and a red row
 *       saying which.
 *   <li>Edges go from an input to the op that uses it (the forward direction). With edge labels,
 *       each carries the contribution it sent back ({@link EdgeContributions}); the labels on the
 *       edges leaving a node add up to that node's gradient.
 *   <li>One cluster per module ({@link Modules}), nested by dots.
 *   <li>With {@link DotOptions#withNodeCheck}, the per-node numerical check on top: nodes filled
 *       green, amber or red by status and relative error, the suspect op outlined, kinks labelled
 *       with their one-sided slopes, and a legend ({@link CheckOverlay}).
 *   <li>A part hidden by {@link DotOptions#withMaxNodes} is one dashed box counting what it hides,
 *       by role and by op ({@code tanh ×999,951}).
 * </ul>
 *
 * <h2>Determinism</h2>
 * Node ids are {@code n<id>} with the topological ids of {@link TensorGraph}; nodes, clusters and
 * edges come out in a fixed order; the text is ASCII (other characters become character
 * references). The same graph always gives the same file, which is what golden tests compare.
 *
 * <h2>Size</h2>
 * Walking and writing are iterative. A graph of any depth exports; with {@link
 * DotOptions#withMaxNodes} a million-node graph becomes a small drawing.
 */
public final class DotExporter {
  private static final String RED = "#d62728";

  private final DotOptions options;
  private final GradientColours colours;

  private DotExporter(DotOptions options) {
    this.options = options;
    this.colours = options.gradientColours();
  }

  /** An exporter with these options. */
  public static DotExporter with(DotOptions options) {
    return new DotExporter(options);
  }

  /** DOT text for {@code output}'s graph with the default options. */
  public static String toDot(Tensor output) {
    return toDot(output, DotOptions.defaults());
  }

  /** DOT text for {@code output}'s graph. */
  public static String toDot(Tensor output, DotOptions options) {
    StringBuilder sb = new StringBuilder();
    try {
      with(options).write(output, sb);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringBuilder does not throw
    }
    return sb.toString();
  }

  /** Writes the DOT file for {@code output} (ASCII, so any encoding reads it). */
  public void write(Tensor output, Path file) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      write(output, w);
    }
  }

  /** Writes DOT text for {@code output} to {@code out}. */
  public void write(Tensor output, Appendable out) throws IOException {
    TensorGraph graph = TensorGraph.of(output);
    String[] modules = options.clusters() || options.collapseModules()
        ? Modules.assign(graph, options.moduleOf()) : null;
    EdgeContributions contributions = !options.edgeLabels() ? null
        : options.recordedContributions() != null ? options.recordedContributions() : EdgeContributions.recompute(graph);
    Grouping grouping = Grouping.build(graph, modules, options.collapseModules(), options.collapsedChains(),
        options.maxNodes());
    CheckOverlay overlay = CheckOverlay.of(graph, options);

    out.append("digraph chainrule {\n");
    // DejaVu Sans: the widest common sans font, whose metrics the embedded Graphviz knows. Where a
    // viewer lacks it, its stand-in is narrower and still fits the boxes; Helvetica's metrics made
    // boxes too narrow wherever DejaVu Sans stands in for Helvetica (most Linux desktops).
    out.append("  graph [rankdir=").append(options.direction().dot)
        .append(", fontname=\"DejaVu Sans\", fontsize=12, nodesep=0.25, ranksep=0.35");
    if (options.title() != null && !options.title().isEmpty()) {
      out.append(", labelloc=t, label=<<B>").append(escape(options.title())).append("</B>>");
    }
    out.append("];\n");
    out.append("  node [fontname=\"DejaVu Sans\", fontsize=10, margin=\"0.08,0.04\"];\n");
    out.append("  edge [fontname=\"DejaVu Sans\", fontsize=9, color=\"#555555\", arrowsize=0.7];\n");
    writeNodes(graph, modules, grouping, overlay, out);
    if (overlay != null) {
      out.append(overlay.legend());
    }
    writeEdges(graph, grouping, contributions, overlay, out);
    out.append("}\n");
  }

  // ---------------------------------------------------------------- nodes and clusters

  private void writeNodes(TensorGraph graph, String[] modules, Grouping grouping, CheckOverlay overlay, Appendable out)
      throws IOException {
    // Each drawn node's cluster: a tensor sits in its module, a collapsed module in its parent module.
    Map<String, List<Integer>> byCluster = new LinkedHashMap<>();
    List<Integer> top = new ArrayList<>();
    for (int g = 0; g < grouping.count(); g++) {
      String cluster = null;
      if (options.clusters() && modules != null) {
        cluster = switch (grouping.kind[g]) {
          case TENSOR -> modules[grouping.first[g]];
          case MODULE -> Modules.moduleOf(grouping.module[g]);
          case RUN, ELIDED -> null;
        };
      }
      if (cluster == null) {
        top.add(g);
      } else {
        byCluster.computeIfAbsent(cluster, k -> new ArrayList<>()).add(g);
      }
    }
    GroupStats stats = new GroupStats(graph, grouping, overlay);
    for (int g : top) {
      writeGroup(graph, grouping, stats, overlay, g, "  ", out);
    }
    // Every cluster with its ancestors, parents before children, siblings by name.
    TreeSet<String> clusters = new TreeSet<>(DotExporter::compareModulePaths);
    for (String c : byCluster.keySet()) {
      for (String p = c; p != null; p = Modules.moduleOf(p)) {
        clusters.add(p);
      }
    }
    Deque<String> open = new ArrayDeque<>();
    int index = 0;
    for (String c : clusters) {
      while (!open.isEmpty() && !c.startsWith(open.peek() + ".")) {
        open.pop();
        out.append(indent(open.size() + 1)).append("}\n");
      }
      String pad = indent(open.size() + 1);
      out.append(pad).append("subgraph cluster_").append(Integer.toString(index++)).append(" {\n");
      out.append(pad).append("  label=<<B>").append(escape(c)).append("</B>>; labeljust=l; ")
          .append("style=\"rounded,dashed\"; color=\"#888888\"; fontsize=11;\n");
      open.push(c);
      for (int g : byCluster.getOrDefault(c, List.of())) {
        writeGroup(graph, grouping, stats, overlay, g, pad + "  ", out);
      }
    }
    while (!open.isEmpty()) {
      open.pop();
      out.append(indent(open.size() + 1)).append("}\n");
    }
  }

  private static int compareModulePaths(String a, String b) {
    String[] x = a.split("\\.", -1);
    String[] y = b.split("\\.", -1);
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      int c = x[i].compareTo(y[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.length, y.length);
  }

  private static String indent(int level) {
    return "  ".repeat(level);
  }

  private void writeGroup(TensorGraph graph, Grouping grouping, GroupStats stats, CheckOverlay overlay, int g, String pad,
      Appendable out) throws IOException {
    switch (grouping.kind[g]) {
      case TENSOR -> writeTensor(graph, grouping.first[g], overlay, pad, out);
      case MODULE -> writeModule(grouping, stats, g, pad, out);
      case RUN -> writeRun(grouping, stats, g, pad, out);
      case ELIDED -> writeElided(graph, grouping, stats, g, pad, out);
    }
  }

  private void writeTensor(TensorGraph graph, int id, CheckOverlay overlay, String pad, Appendable out) throws IOException {
    Tensor t = graph.node(id);
    Role role = graph.role(t);
    // An empty name would leave <B></B>, which Graphviz rejects: show it as "" instead.
    String title = t.name() != null ? (t.name().isEmpty() ? "\"\"" : t.name())
        : t.isLeaf() ? role.word() : t.op().label();
    List<String> sub = new ArrayList<>();
    if (t.name() != null && !t.isLeaf()) {
      sub.add(t.op().label());
    }
    if (role != Role.OP && !title.equals(role.word())) {
      sub.add(role.word());
    }
    sub.add(t.rank() == 0 ? "scalar" : "shape " + shapeText(t.shapeRef()));

    StringBuilder label = new StringBuilder();
    label.append("<<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"1\">");
    label.append("<TR><TD ALIGN=\"LEFT\"><B>").append(escape(title)).append("</B></TD></TR>");
    label.append("<TR><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"9\" COLOR=\"#555555\">")
        .append(escape(String.join(" \u00b7 ", sub))).append("</FONT></TD></TR>");
    label.append("<TR><TD ALIGN=\"LEFT\" BALIGN=\"LEFT\">")
        .append(lines("value ", t.data(), t.shapeRef())).append("</TD></TR>");
    label.append(gradientRow(t, overlay == null || !overlay.replacesGradientColours()));
    if (overlay != null) {
      label.append(overlay.rows(t, id));
    }
    String problem = nonFiniteWarning(t);
    if (problem != null) {
      label.append("<TR><TD ALIGN=\"LEFT\" BGCOLOR=\"").append(RED).append("\"><FONT COLOR=\"#ffffff\"><B>")
          .append(escape(problem)).append("</B></FONT></TD></TR>");
    }
    label.append("</TABLE>>");

    out.append(pad).append("n").append(Integer.toString(id)).append(" [")
        .append(roleStyle(role, overlay == null ? null : overlay.fill(id)));
    if (problem != null) {
      out.append(", color=\"").append(RED).append("\", penwidth=3");
    } else if (overlay != null) {
      out.append(overlay.border(id));
    }
    out.append(", label=").append(label).append("];\n");
  }

  /** Shape and fill of a role; {@code fill}, when not null, replaces the role's fill colour. */
  private static String roleStyle(Role role, String fill) {
    return switch (role) {
      case PARAMETER -> "shape=box3d, style=filled, fillcolor=\"" + (fill != null ? fill : "#fde2c4") + "\"";
      case INPUT -> "shape=box, style=filled, fillcolor=\"" + (fill != null ? fill : "#d7e7f7") + "\"";
      case CONSTANT -> "shape=note, style=filled, fillcolor=\"" + (fill != null ? fill : "#eeeeee") + "\"";
      case OP -> "shape=box, style=\"rounded,filled\", fillcolor=\"" + (fill != null ? fill : "#ffffff") + "\"";
      case OUTPUT -> "shape=box, peripheries=2, style=filled, fillcolor=\"" + (fill != null ? fill : "#d9f0d3") + "\"";
    };
  }

  private String gradientRow(Tensor t, boolean coloured) {
    if (!t.hasGrad()) {
      String why = t.needsGrad() ? "grad not computed" : "grad not required";
      return "<TR><TD ALIGN=\"LEFT\"><FONT COLOR=\"#777777\"><I>" + why + "</I></FONT></TD></TR>";
    }
    double[] g = t.grad().data();
    StringBuilder row = new StringBuilder("<TR><TD ALIGN=\"LEFT\" BALIGN=\"LEFT\"");
    String text = lines("grad ", g, t.shapeRef());
    int zeros = 0;
    for (double v : g) {
      zeros += v == 0 ? 1 : 0;
    }
    if (zeros == g.length) {
      text += escape(g.length == 1 ? " (exactly)" : " (all exactly)");
    }
    boolean paint = colours != null && coloured;
    if (paint) {
      row.append(" BGCOLOR=\"").append(colours.fill(g)).append("\"><FONT COLOR=\"")
          .append(colours.text(g)).append("\">").append(text).append("</FONT>");
    } else {
      row.append(">").append(text);
    }
    row.append("</TD></TR>");
    if (zeros > 0 && zeros < g.length) {
      // Dead units are exact zeros among live gradients, which the colour (the largest) hides.
      row.append("<TR><TD ALIGN=\"LEFT\"").append(paint ? " BGCOLOR=\"" + GradientColours.ZERO + "\"" : "")
          .append(">").append(escape(zeros + " of " + g.length + " exactly 0")).append("</TD></TR>");
    }
    return row.toString();
  }

  /**
   * The warning row of a node with a NaN or an infinity, {@code "NaN in value, Inf in grad"}, or null
   * when its value and gradient are finite. Public so that a page that rewrites the numbers of a drawn
   * graph in place rewrites this row with them.
   */
  public static String nonFiniteWarning(Tensor t) {
    List<String> found = new ArrayList<>();
    describeNonFinite(t.data(), "value", found);
    if (t.hasGrad()) {
      describeNonFinite(t.grad().data(), "grad", found);
    }
    return found.isEmpty() ? null : String.join(", ", found);
  }

  private static void describeNonFinite(double[] data, String what, List<String> found) {
    boolean nan = false;
    boolean inf = false;
    for (double v : data) {
      nan |= Double.isNaN(v);
      inf |= Double.isInfinite(v);
    }
    if (nan) {
      found.add("NaN in " + what);
    }
    if (inf) {
      found.add("Inf in " + what);
    }
  }

  private static boolean hasNonFinite(double[] data) {
    for (double v : data) {
      if (!Double.isFinite(v)) {
        return true;
      }
    }
    return false;
  }

  /** {@link #valueLines}, escaped and joined by line breaks, as a label cell holds them. */
  private String lines(String prefix, double[] data, int[] shape) {
    List<String> lines = valueLines(prefix, data, shape, options.valueLimit());
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      sb.append(i > 0 ? "<BR/>" : "").append(escape(lines.get(i)));
    }
    return sb.toString();
  }

  /**
   * The lines a graph prints for {@code prefix} and the values (unescaped): a small matrix one row per
   * line, a column on one line ({@code [10×1] [0.1, 0.2, …]}), anything else on one line through
   * {@link Format#values} with {@code limit}. Public so that a page that rewrites the numbers of a
   * drawn graph in place writes the same lines as the graph was laid out with.
   */
  public static List<String> valueLines(String prefix, double[] data, int[] shape, int limit) {
    if (shape.length == 2 && shape[1] == 1 && shape[0] > 1) {
      // A column, one number per line, would be as tall as it is long: one line, shape first.
      return List.of(prefix + "[" + shape[0] + "\u00d71] " + Format.values(data, new int[] {shape[0]}, limit));
    }
    if (shape.length != 2 || data.length > limit || shape[0] < 2) {
      return List.of(prefix + Format.values(data, shape, limit));
    }
    int cols = shape[1];
    List<String> lines = new ArrayList<>(shape[0]);
    for (int r = 0; r < shape[0]; r++) {
      double[] row = Arrays.copyOfRange(data, r * cols, (r + 1) * cols);
      lines.add((r == 0 ? prefix + "[" : " ".repeat(prefix.length() + 1))
          + Format.values(row, new int[] {cols}, cols) + (r == shape[0] - 1 ? "]" : ","));
    }
    return lines;
  }

  private static String shapeText(int[] shape) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i > 0 ? ", " : "").append(shape[i]);
    }
    return sb.append(']').toString();
  }

  private void writeModule(Grouping grouping, GroupStats stats, int g, String pad, Appendable out) throws IOException {
    int parameters = stats.parameters[g];
    long values = stats.values[g];
    int withGrad = stats.withGrad[g];
    double magnitude = stats.magnitude[g];
    StringBuilder label = new StringBuilder("<<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"1\">");
    label.append("<TR><TD ALIGN=\"LEFT\"><B>").append(escape(grouping.module[g])).append("</B></TD></TR>");
    label.append("<TR><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"9\" COLOR=\"#555555\">")
        .append(escape("module \u00b7 " + count(grouping.members[g], "node"))).append("</FONT></TD></TR>");
    label.append("<TR><TD ALIGN=\"LEFT\">").append(count(parameters, "parameter")).append(", ")
        .append(count(values, "value")).append("</TD></TR>");
    if (parameters > 0) {
      if (withGrad == 0) {
        label.append("<TR><TD ALIGN=\"LEFT\"><FONT COLOR=\"#777777\"><I>grad not computed</I></FONT></TD></TR>");
      } else {
        String text = escape("max |grad| " + Format.number(magnitude));
        if (colours != null) {
          label.append("<TR><TD ALIGN=\"LEFT\" BGCOLOR=\"").append(colours.fill(magnitude)).append("\"><FONT COLOR=\"")
              .append(colours.text(magnitude)).append("\">").append(text).append("</FONT></TD></TR>");
        } else {
          label.append("<TR><TD ALIGN=\"LEFT\">").append(text).append("</TD></TR>");
        }
      }
    }
    label.append(nonFiniteRow(stats.nonFinite[g])).append(CheckOverlay.groupRow(stats.failed[g], stats.kinked[g]))
        .append("</TABLE>>");
    out.append(pad).append(groupId(grouping, g))
        .append(" [shape=box3d, style=filled, fillcolor=\"#f6e7d3\"").append(nonFiniteBorder(stats.nonFinite[g]))
        .append(", label=").append(label).append("];\n");
  }

  /**
   * For collapsed and elided groups: parameter counts, gradient magnitudes and how many members hold
   * NaN or Inf, in one pass over the graph.
   */
  private static final class GroupStats {
    final int[] parameters;
    final long[] values;
    final int[] withGrad;
    final double[] magnitude;
    final int[] nonFinite;
    /** Members the node check failed, or found at a kink (zero without a check). */
    final int[] failed;
    final int[] kinked;
    /** Members by op label, for elided groups: what the hidden part of the graph computes. */
    final Map<Integer, Map<String, int[]>> ops = new HashMap<>();
    /** Smallest and largest gradient magnitude among a run's ops that hold a gradient. */
    final double[] smallestGrad;
    final double[] largestGrad;

    GroupStats(TensorGraph graph, Grouping grouping, CheckOverlay overlay) {
      int groups = grouping.count();
      parameters = new int[groups];
      values = new long[groups];
      withGrad = new int[groups];
      magnitude = new double[groups];
      nonFinite = new int[groups];
      failed = new int[groups];
      kinked = new int[groups];
      smallestGrad = new double[groups];
      largestGrad = new double[groups];
      Arrays.fill(smallestGrad, Double.NaN);
      Arrays.fill(largestGrad, Double.NaN);
      for (int id = 0; id < graph.size(); id++) {
        Tensor t = graph.node(id);
        int g = grouping.groupOf[id];
        if (grouping.kind[g] == Grouping.Kind.TENSOR) {
          continue;
        }
        if (overlay != null && overlay.status(id) != null) {
          switch (overlay.status(id)) {
            case FAIL -> failed[g]++;
            case KINK -> kinked[g]++;
            default -> { }
          }
        }
        if (grouping.kind[g] != Grouping.Kind.MODULE && !t.isLeaf()) {
          ops.computeIfAbsent(g, k -> new HashMap<>()).computeIfAbsent(t.op().label(), k -> new int[1])[0]++;
        }
        if (grouping.kind[g] == Grouping.Kind.RUN && !t.isLeaf() && t.hasGrad()) {
          double m = GradientColours.magnitude(t.grad().data());
          smallestGrad[g] = Double.isNaN(smallestGrad[g]) ? m : Math.min(smallestGrad[g], m);
          largestGrad[g] = Double.isNaN(largestGrad[g]) ? m : Math.max(largestGrad[g], m);
        }
        if (hasNonFinite(t.data()) || (t.hasGrad() && hasNonFinite(t.grad().data()))) {
          nonFinite[g]++;
        }
        if (!t.isLeaf() || !t.needsGrad()) {
          continue;
        }
        parameters[g]++;
        values[g] += t.size();
        if (t.hasGrad()) {
          withGrad[g]++;
          magnitude[g] = Math.max(magnitude[g], GradientColours.magnitude(t.grad().data()));
        }
      }
    }
  }

  private static String nonFiniteRow(int members) {
    return members == 0 ? "" : "<TR><TD ALIGN=\"LEFT\" BGCOLOR=\"" + RED + "\"><FONT COLOR=\"#ffffff\"><B>"
        + count(members, "node") + " with NaN or Inf</B></FONT></TD></TR>";
  }

  private static String nonFiniteBorder(int members) {
    return members == 0 ? "" : ", color=\"" + RED + "\", penwidth=3";
  }

  private void writeElided(TensorGraph graph, Grouping grouping, GroupStats stats, int g, String pad, Appendable out)
      throws IOException {
    int[] byRole = new int[Role.values().length];
    for (int id = 0; id < graph.size(); id++) {
      if (grouping.groupOf[id] == g) {
        byRole[graph.role(graph.node(id)).ordinal()]++;
      }
    }
    List<String> parts = new ArrayList<>();
    for (Role r : new Role[] {Role.PARAMETER, Role.INPUT, Role.CONSTANT, Role.OP}) {
      if (byRole[r.ordinal()] > 0) {
        parts.add(count(byRole[r.ordinal()], r.word()));
      }
    }
    String label = "<<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"1\">"
        + "<TR><TD ALIGN=\"LEFT\"><B>" + escape("\u2026 " + count(grouping.members[g], "more node")) + "</B></TD></TR>"
        + "<TR><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"9\" COLOR=\"#555555\">" + escape(String.join(" \u00b7 ", parts))
        + "</FONT></TD></TR>"
        + opsRow(stats.ops.get(g))
        + "<TR><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"9\" COLOR=\"#555555\">not drawn: over the limit of "
        + options.maxNodes() + " nodes</FONT></TD></TR>" + nonFiniteRow(stats.nonFinite[g])
        + CheckOverlay.groupRow(stats.failed[g], stats.kinked[g]) + "</TABLE>>";
    out.append(pad).append(groupId(grouping, g))
        .append(" [shape=box, style=\"dashed,filled\", fillcolor=\"#f7f7f7\"").append(nonFiniteBorder(stats.nonFinite[g]))
        .append(", label=").append(label).append("];\n");
  }

  /**
   * The inside of a long unbranched run: how many nodes, which ops, and the range of their gradients'
   * magnitudes, where a vanishing or exploding gradient along a deep chain shows.
   */
  private void writeRun(Grouping grouping, GroupStats stats, int g, String pad, Appendable out) throws IOException {
    StringBuilder label = new StringBuilder("<<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"1\">");
    label.append("<TR><TD ALIGN=\"LEFT\"><B>").append(escape("\u2026 " + count(grouping.members[g], "node")
        + " in a chain")).append("</B></TD></TR>");
    label.append(opsRow(stats.ops.get(g)));
    if (!Double.isNaN(stats.smallestGrad[g])) {
      String text = escape("|grad| from " + Format.number(stats.smallestGrad[g]) + " to "
          + Format.number(stats.largestGrad[g]));
      if (colours != null) {
        // Coloured by the largest magnitude, as a single node's gradient cell would be.
        double m = stats.largestGrad[g];
        label.append("<TR><TD ALIGN=\"LEFT\" BGCOLOR=\"").append(colours.fill(m)).append("\"><FONT COLOR=\"")
            .append(colours.text(m)).append("\">").append(text).append("</FONT></TD></TR>");
      } else {
        label.append("<TR><TD ALIGN=\"LEFT\">").append(text).append("</TD></TR>");
      }
    }
    label.append(nonFiniteRow(stats.nonFinite[g])).append(CheckOverlay.groupRow(stats.failed[g], stats.kinked[g]))
        .append("</TABLE>>");
    out.append(pad).append(groupId(grouping, g))
        .append(" [shape=box, style=\"rounded,dashed,filled\", fillcolor=\"#f7f7f7\"")
        .append(nonFiniteBorder(stats.nonFinite[g])).append(", label=").append(label).append("];\n");
  }

  /** The commonest ops among hidden members, {@code tanh ×999,951 · add ×2}: at most three, most frequent first. */
  private static String opsRow(Map<String, int[]> ops) {
    if (ops == null || ops.isEmpty()) {
      return "";
    }
    List<Map.Entry<String, int[]>> byCount = new ArrayList<>(ops.entrySet());
    byCount.sort(Comparator.<Map.Entry<String, int[]>>comparingInt(e -> -e.getValue()[0])
        .thenComparing(Map.Entry::getKey));
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, int[]> e : byCount.subList(0, Math.min(3, byCount.size()))) {
      parts.add(e.getKey() + String.format(Locale.ROOT, " \u00d7%,d", e.getValue()[0]));
    }
    if (byCount.size() > 3) {
      parts.add(count(byCount.size() - 3, "other op"));
    }
    return "<TR><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"9\" COLOR=\"#555555\">" + escape(String.join(" \u00b7 ", parts))
        + "</FONT></TD></TR>";
  }

  private static String count(long n, String word) {
    return String.format(Locale.ROOT, "%,d %s%s", n, word, n == 1 ? "" : "s");
  }

  private static String groupId(Grouping grouping, int g) {
    return switch (grouping.kind[g]) {
      case TENSOR -> "n" + grouping.first[g];
      case MODULE -> "m" + grouping.first[g];
      case RUN -> "r" + grouping.first[g];
      case ELIDED -> "elided";
    };
  }

  // ---------------------------------------------------------------- edges

  private void writeEdges(TensorGraph graph, Grouping grouping, EdgeContributions contributions, CheckOverlay overlay,
      Appendable out) throws IOException {
    Set<Long> drawn = new HashSet<>();
    for (int v = 0; v < graph.size(); v++) {
      Tensor consumer = graph.node(v);
      int gv = grouping.groupOf[v];
      for (int j = 0; j < graph.inputCount(v); j++) {
        int u = graph.inputId(v, j);
        int gu = grouping.groupOf[u];
        if (gu == gv) {
          continue;
        }
        boolean single = grouping.kind[gu] == Grouping.Kind.TENSOR && grouping.kind[gv] == Grouping.Kind.TENSOR;
        if (!single && !drawn.add(((long) gu << 32) | gv)) {
          continue;
        }
        out.append("  ").append(groupId(grouping, gu)).append(" -> ").append(groupId(grouping, gv));
        Tensor c = single && contributions != null ? contributions.get(consumer, j) : null;
        boolean blamed = single && overlay != null && overlay.isBlamed(u, v);
        if (c != null || blamed) {
          out.append(" [");
          if (c != null) {
            out.append("label=<").append(lines("", c.data(), c.shapeRef())).append(">").append(blamed ? ", " : "");
          }
          if (blamed) {
            out.append("color=\"").append(CheckOverlay.SUSPECT).append("\", penwidth=2.5");
          }
          out.append("]");
        }
        out.append(";\n");
      }
    }
  }
}
