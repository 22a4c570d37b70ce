package io.github.chainrule.viz.dot;

import static io.github.chainrule.viz.Markup.escape;

import io.github.chainrule.autodiff.Format;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.Kink;
import io.github.chainrule.autodiff.inspect.Kinks;
import io.github.chainrule.autodiff.inspect.NodeCheck;
import io.github.chainrule.autodiff.inspect.NodeCheck.Entry;
import io.github.chainrule.autodiff.inspect.NodeCheck.NodeResult;
import io.github.chainrule.autodiff.GradCheck.Status;
import io.github.chainrule.viz.graph.TensorGraph;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What {@link DotOptions#withNodeCheck} and {@link DotOptions#withKinkLabels} add to a drawing, worked
 * out once per export from the graph's ids.
 *
 * <ul>
 *   <li>Every node {@link NodeCheck} checked is filled by its status: green PASS, amber KINK, red
 *       FAIL, the red graded by {@link NodeResult#severity()} (from pale at a relative error of 1e-8
 *       to strong at 1), with its worst relative error in the label. A FAIL row names the worst
 *       element, autodiff's value and the finite difference; a KINK row gives the two one-sided
 *       slopes of the loss and the value autodiff took.
 *   <li>The suspects: an op whose output's gradient passes while the gradient it sends to an input
 *       fails. That is {@link NodeCheck}'s rule, applied here by identity so that nodes with equal
 *       labels cannot be confused. A suspect gets a thick dark border and a row saying which input
 *       its backward rule gets wrong, and the edge from that input is drawn dark red. Everything
 *       upstream of the wrong gradient fails as well (their gradients are built from it), so the
 *       red region ends at the suspect.
 *   <li>Kink labels on op nodes ({@link Kinks#at}): where the op is not differentiable, its two
 *       one-sided slopes, and which one its backward rule used.
 * </ul>
 */
final class CheckOverlay {
  static final String PASS_FILL = "#c7e9c0";
  static final String PASS_BORDER = "#238b45";
  static final String KINK_FILL = "#fdd49e";
  static final String KINK_BORDER = "#d95f0e";
  static final String FAIL_BORDER = "#a50f15";
  static final String SUSPECT = "#67000d";
  // FAIL fills run from pale (severity 0) to strong red (severity 1); black text stays readable on both.
  private static final int[] FAIL_PALE = {0xfe, 0xe0, 0xd2};
  private static final int[] FAIL_STRONG = {0xef, 0x3b, 0x2c};
  /** Rows of element detail shown per node before "… n more". */
  private static final int DETAIL_ROWS = 2;

  private final NodeCheck.Result result;
  private final NodeResult[] checked;
  private final Map<Tensor, List<Entry>> entries;
  private final String[] suspectRow;
  private final Set<Long> blamedEdges = new HashSet<>();
  private final boolean kinkLabels;
  private int suspects;

  private CheckOverlay(TensorGraph graph, NodeCheck.Result result, boolean kinkLabels) {
    this.result = result;
    this.kinkLabels = kinkLabels;
    int n = graph.size();
    checked = new NodeResult[n];
    suspectRow = new String[n];
    entries = result == null ? Map.of() : entriesByNode(result);
    if (result == null) {
      return;
    }
    int found = 0;
    for (int id = 0; id < n; id++) {
      checked[id] = result.byNode().get(graph.node(id));
      found += checked[id] != null ? 1 : 0;
    }
    if (found == 0 && !result.byNode().isEmpty()) {
      throw new IllegalArgumentException("dot export: the node check was run on another graph: none of the "
          + result.byNode().size() + " nodes it checked is among the " + n + " nodes of the graph of "
          + graph.output().label() + "; run NodeCheck.check on the tensor you export");
    }
    findSuspects(graph);
  }

  /** The overlay for {@code graph}, or null when neither a check nor kink labels were asked for. */
  static CheckOverlay of(TensorGraph graph, DotOptions options) {
    if (options.nodeCheck() == null && !options.kinkLabels()) {
      return null;
    }
    return new CheckOverlay(graph, options.nodeCheck(), options.kinkLabels());
  }

  /**
   * The check's entries by node. {@link NodeCheck.Result#entries()} lists each node's elements
   * together, in the order of {@link NodeCheck.Result#nodes()}, {@code checked} of them per node.
   */
  private static Map<Tensor, List<Entry>> entriesByNode(NodeCheck.Result result) {
    Map<Tensor, List<Entry>> out = new IdentityHashMap<>();
    List<Entry> all = result.entries();
    int k = 0;
    for (Tensor t : result.nodes()) {
      int count = result.byNode().get(t).checked();
      if (k + count > all.size() || (count > 0 && !all.get(k).node().equals(t.label()))) {
        return Map.of(); // not laid out as documented: show the node summaries only
      }
      out.put(t, all.subList(k, k + count));
      k += count;
    }
    return out;
  }

  /** A failing input whose consumers all pass: those consumers' backward rules are to blame. */
  private void findSuspects(TensorGraph graph) {
    int n = graph.size();
    boolean[] failingConsumer = new boolean[n];
    for (int v = 0; v < n; v++) {
      if (status(v) == Status.FAIL) {
        for (int j = 0; j < graph.inputCount(v); j++) {
          failingConsumer[graph.inputId(v, j)] = true;
        }
      }
    }
    for (int v = 0; v < n; v++) {
      if (checked[v] == null) {
        continue;
      }
      for (int j = 0; j < graph.inputCount(v); j++) {
        int u = graph.inputId(v, j);
        if (status(u) == Status.FAIL && !failingConsumer[u]) {
          blamedEdges.add(edge(u, v));
          String row = "suspect: backward of " + graph.node(v).op().label() + " gives a wrong gradient for its input "
              + j + " (" + graph.node(u).label() + ")";
          if (suspectRow[v] == null) {
            suspects++;
            suspectRow[v] = row;
          } else if (!suspectRow[v].contains("(" + graph.node(u).label() + ")")) {
            suspectRow[v] += "; input " + j + " (" + graph.node(u).label() + ")";
          }
        }
      }
    }
  }

  private static long edge(int from, int to) {
    return ((long) from << 32) | to;
  }

  /** The check's status of node {@code id}, or null when it was not checked (it needs no gradient). */
  Status status(int id) {
    return checked[id] == null ? null : checked[id].status();
  }

  boolean isSuspect(int id) {
    return suspectRow[id] != null;
  }

  boolean isBlamed(int from, int to) {
    return blamedEdges.contains(edge(from, to));
  }

  /** True when gradient cells should not be coloured by magnitude: the node fill shows the check. */
  boolean replacesGradientColours() {
    return result != null;
  }

  /** The node's fill colour, or null to keep its role's. */
  String fill(int id) {
    NodeResult r = checked[id];
    if (r == null) {
      return null;
    }
    return switch (r.status()) {
      case PASS -> PASS_FILL;
      case KINK -> KINK_FILL;
      case FAIL -> failFill(r.severity());
    };
  }

  /** Border attributes ({@code , color=…, penwidth=…}) for node {@code id}; empty when none. */
  String border(int id) {
    if (isSuspect(id)) {
      return ", color=\"" + SUSPECT + "\", penwidth=4";
    }
    Status s = status(id);
    if (s == null) {
      return "";
    }
    return ", color=\"" + switch (s) {
      case PASS -> PASS_BORDER;
      case KINK -> KINK_BORDER;
      case FAIL -> FAIL_BORDER;
    } + "\", penwidth=" + (s == Status.FAIL ? "2" : "1.5");
  }

  static String failFill(double severity) {
    double u = Math.max(0, Math.min(1, severity));
    return String.format(Locale.ROOT, "#%02x%02x%02x", mix(FAIL_PALE[0], FAIL_STRONG[0], u),
        mix(FAIL_PALE[1], FAIL_STRONG[1], u), mix(FAIL_PALE[2], FAIL_STRONG[2], u));
  }

  private static int mix(int a, int b, double u) {
    return (int) Math.round(a + (b - a) * u);
  }

  /** The label rows (HTML {@code <TR>…</TR>}) the overlay adds to tensor {@code t} with id {@code id}. */
  String rows(Tensor t, int id) {
    StringBuilder sb = new StringBuilder();
    NodeResult r = checked[id];
    if (r != null) {
      List<Entry> mine = entries.getOrDefault(t, List.of());
      long atKinks = mine.stream().filter(e -> e.status() == Status.KINK).count();
      // At a kink the central difference is the mean of two slopes, so its "error" means nothing.
      String summary = r.status() == Status.KINK && !mine.isEmpty()
          ? atKinks + " of " + count(r.checked(), "element") + " checked on a kink"
          : "max rel err " + relError(r.maxRelError()) + " \u00b7 " + count(r.checked(), "element") + " checked";
      sb.append(row("<B>" + r.status() + "</B>" + escape(" \u00b7 " + summary)));
      if (r.status() == Status.FAIL) {
        Entry worst = null;
        for (Entry e : mine) {
          if (e.status() == Status.FAIL && (worst == null || !(e.relError() <= worst.relError()))) {
            worst = e;
          }
        }
        if (worst != null) {
          sb.append(row(escape("dL/d" + worst.element() + ": autodiff " + Format.number(worst.analytic())
              + ", numeric " + Format.number(worst.numeric()))));
        }
      }
      int shown = 0;
      int kinks = 0;
      for (Entry e : mine) {
        if (e.status() != Status.KINK) {
          continue;
        }
        if (shown++ < DETAIL_ROWS) {
          sb.append(row(escape("dL/d" + e.element() + ": one-sided " + Format.number(e.leftSlope())
              + " (left), " + Format.number(e.rightSlope()) + " (right); autodiff took " + Format.number(e.analytic()))));
        }
        kinks++;
      }
      if (kinks > DETAIL_ROWS) {
        sb.append(row(escape("\u2026 " + count(kinks - DETAIL_ROWS, "more kink"))));
      }
    }
    if (kinkLabels && !t.isLeaf()) {
      List<Kink> kinks = Kinks.at(t);
      for (int i = 0; i < Math.min(DETAIL_ROWS, kinks.size()); i++) {
        Kink k = kinks.get(i);
        sb.append(row("<I>" + escape(k.op() + " not differentiable at " + k.where() + " (input " + k.inputIndex() + " element "
            + k.inputElement() + "): slopes " + Format.number(k.leftSlope()) + " (left), "
            + Format.number(k.rightSlope()) + " (right); backward used " + Format.number(k.used())
            + " (" + k.side() + ")") + "</I>"));
      }
      if (kinks.size() > DETAIL_ROWS) {
        sb.append(row(escape("\u2026 " + count(kinks.size() - DETAIL_ROWS, "more kink"))));
      }
    }
    if (suspectRow[id] != null) {
      sb.append("<TR><TD ALIGN=\"LEFT\" BGCOLOR=\"").append(SUSPECT).append("\"><FONT COLOR=\"#ffffff\"><B>")
          .append(escape(suspectRow[id])).append("</B></FONT></TD></TR>");
    }
    return sb.toString();
  }

  /** For a collapsed or elided group: how many of its members failed or sit on kinks; empty when none. */
  static String groupRow(int failed, int kinked) {
    if (failed == 0 && kinked == 0) {
      return "";
    }
    String text = failed > 0 && kinked > 0 ? count(failed, "node") + " FAIL, " + kinked + " KINK"
        : failed > 0 ? count(failed, "node") + " FAIL" : count(kinked, "node") + " KINK";
    return "<TR><TD ALIGN=\"LEFT\" BGCOLOR=\"" + (failed > 0 ? failFill(1) : KINK_FILL) + "\"><B>" + escape(text)
        + "</B></TD></TR>";
  }

  private static String row(String html) {
    return "<TR><TD ALIGN=\"LEFT\">" + html + "</TD></TR>";
  }

  static String relError(double rel) {
    if (Double.isNaN(rel) || Double.isInfinite(rel)) {
      return Double.isNaN(rel) ? "NaN" : "Inf";
    }
    return String.format(Locale.ROOT, "%.1e", rel);
  }

  private static String count(long n, String word) {
    return String.format(Locale.ROOT, "%,d %s%s", n, word, n == 1 ? "" : "s");
  }

  /** A legend cluster explaining the colours, with the check's verdict; empty without a check. */
  String legend() {
    if (result == null) {
      return "";
    }
    int pass = 0;
    int kink = 0;
    int fail = 0;
    for (NodeResult r : result.byNode().values()) {
      switch (r.status()) {
        case PASS -> pass++;
        case KINK -> kink++;
        case FAIL -> fail++;
      }
    }
    String verdict = (result.passed() ? "PASSED" : "FAILED") + ": " + count(pass + kink + fail, "node") + " checked, "
        + pass + " pass, " + kink + " at a kink, " + fail + " fail; " + count(suspects, "suspect op");
    StringBuilder t = new StringBuilder();
    t.append("  subgraph cluster_legend {\n");
    t.append("    label=<<B>node check</B>>; labeljust=l; style=rounded; color=\"#888888\"; fontsize=11;\n");
    t.append("    legend [shape=plaintext, label=<<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"2\" CELLPADDING=\"3\">");
    legendRow(t, PASS_FILL, PASS_BORDER, "PASS", "dL/dnode agrees with the finite difference");
    legendRow(t, KINK_FILL, KINK_BORDER, "KINK", "not differentiable here: autodiff took one of the two one-sided slopes");
    legendRow(t, failFill(severityOf(1e-3)), FAIL_BORDER, "FAIL", "wrong gradient, relative error 1e-3; the red deepens "
        + "with the error");
    legendRow(t, failFill(1), FAIL_BORDER, "FAIL", "relative error 1 or more; nodes upstream of a wrong gradient "
        + "inherit it");
    legendRow(t, "#ffffff", SUSPECT, "suspect", "op whose backward rule is wrong: its own gradient passes, "
        + "the one it sends back fails");
    legendRow(t, "#ffffff", "#bbbbbb", "no fill", "not checked: needs no gradient");
    t.append("<TR><TD COLSPAN=\"2\" BORDER=\"0\" ALIGN=\"LEFT\">").append(escape(verdict)).append("</TD></TR>");
    t.append("</TABLE>>];\n  }\n");
    return t.toString();
  }

  private static void legendRow(StringBuilder t, String fill, String border, String word, String meaning) {
    t.append("<TR><TD BGCOLOR=\"").append(fill).append("\" COLOR=\"").append(border).append("\"><B>")
        .append(escape(word)).append("</B></TD><TD BORDER=\"0\" ALIGN=\"LEFT\">").append(escape(meaning))
        .append("</TD></TR>");
  }

  /** {@link NodeResult#severity()} of a given relative error, for the legend's swatches. */
  private static double severityOf(double relError) {
    return new NodeResult("", "", new int[0], 1, 0, relError, Status.FAIL).severity();
  }
}
