package io.github.chainrule.viz.render;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.viz.dot.DotOptions;
import io.github.chainrule.viz.graph.TensorGraph;
import java.util.Locale;

/**
 * Keeps drawings within what Graphviz lays out in reasonable time. A graph with more than {@link
 * #MAX_NODES} nodes is drawn collapsed: runs of {@value #CHAIN} or more ops in a chain become one
 * box ({@link DotOptions#withCollapsedChains}), and at most {@link #MAX_NODES} nodes nearest the
 * output are drawn, the rest summarised in one node ({@link DotOptions#withMaxNodes}). Options that
 * already draw fewer nodes are kept as they are.
 *
 * <pre>{@code
 * LayoutBudget.Plan plan = LayoutBudget.plan(loss, DotOptions.defaults());
 * String dot = DotExporter.toDot(loss, plan.options());   // plan.note() says what was collapsed, if anything
 * }</pre>
 */
public final class LayoutBudget {
  /** The most nodes drawn; Graphviz's layout time grows faster than linearly beyond this. */
  public static final int MAX_NODES = 1_000;
  /** The shortest chain collapsed into one box when a graph is over budget. */
  public static final int CHAIN = 8;

  private LayoutBudget() {}

  /** The options to draw with, and a sentence for people when they differ from those asked for ("" if not). */
  public record Plan(DotOptions options, String note) {}

  /** How to draw the graph behind {@code output} with {@code options} within the budget. */
  public static Plan plan(Tensor output, DotOptions options) {
    int nodes = TensorGraph.of(output).size();
    if (nodes <= MAX_NODES || options.maxNodes() <= MAX_NODES) {
      return new Plan(options, "");
    }
    DotOptions bounded = options.withCollapsedChains(Math.min(options.collapsedChains(), CHAIN)).withMaxNodes(MAX_NODES);
    return new Plan(bounded, String.format(Locale.ROOT, "The graph has %,d nodes, more than the %,d that Graphviz lays "
        + "out in reasonable time, so it is drawn collapsed: runs of %d or more ops in a chain are one box, and at most "
        + "%,d nodes nearest the output are drawn, the rest summarised in one node.", nodes, MAX_NODES, CHAIN, MAX_NODES));
  }
}
