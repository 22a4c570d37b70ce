package io.github.chainrule.viz.dot;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.inspect.NodeCheck;
import io.github.chainrule.viz.graph.EdgeContributions;
import io.github.chainrule.viz.graph.Modules;
import java.util.function.Function;

/**
 * How {@link DotExporter} draws a graph. Immutable: each {@code with…} method returns a changed copy.
 *
 * <pre>{@code
 * DotOptions.defaults().withEdgeLabels(true).withValueLimit(4).withMaxNodes(500)
 * }</pre>
 */
public final class DotOptions {
  /** Graphviz's rankdir: which way data flows on the page. */
  public enum Direction { LEFT_TO_RIGHT("LR"), TOP_TO_BOTTOM("TB");
    final String dot;

    Direction(String dot) {
      this.dot = dot;
    }
  }

  private int valueLimit = 12;
  private boolean edgeLabels;
  private EdgeContributions recorded;
  private boolean gradientColours = true;
  private double gradientLow = 1e-6;
  private double gradientHigh = 1e3;
  private boolean clusters = true;
  private Function<Tensor, String> moduleOfNamed = t -> Modules.moduleOf(t.name());
  private boolean collapseModules;
  private int maxNodes = Integer.MAX_VALUE;
  private int collapsedChains = Integer.MAX_VALUE;
  private Direction direction = Direction.TOP_TO_BOTTOM;
  private String title;
  private NodeCheck.Result nodeCheck;
  private boolean kinkLabels;

  private DotOptions() {}

  private DotOptions copy() {
    DotOptions o = new DotOptions();
    o.valueLimit = valueLimit;
    o.edgeLabels = edgeLabels;
    o.recorded = recorded;
    o.gradientColours = gradientColours;
    o.gradientLow = gradientLow;
    o.gradientHigh = gradientHigh;
    o.clusters = clusters;
    o.moduleOfNamed = moduleOfNamed;
    o.collapseModules = collapseModules;
    o.maxNodes = maxNodes;
    o.collapsedChains = collapsedChains;
    o.direction = direction;
    o.title = title;
    o.nodeCheck = nodeCheck;
    o.kinkLabels = kinkLabels;
    return o;
  }

  /**
   * Values in full up to 12 elements, no edge labels, gradient colouring from 1e-6 (blue) to 1e3
   * (red), one cluster per module, nothing collapsed, top to bottom (inputs at the top, as the
   * forward pass runs), no title.
   */
  public static DotOptions defaults() {
    return new DotOptions();
  }

  /** Tensors with at most {@code limit} elements show every value; larger ones a summary. */
  public DotOptions withValueLimit(int limit) {
    checkArgument(limit >= 1, "dot options: value limit must be at least 1, got %s", limit);
    DotOptions o = copy();
    o.valueLimit = limit;
    return o;
  }

  /** Label each edge with the gradient contribution it carried back (needs a finished backward pass). */
  public DotOptions withEdgeLabels(boolean on) {
    DotOptions o = copy();
    o.edgeLabels = on;
    return o;
  }

  /**
   * Label edges with contributions recorded during the pass ({@link EdgeContributions#recorder()}),
   * instead of recomputing them from stored gradients: needed when the pass kept only the leaves'
   * gradients ({@code keepIntermediateGrads(false)}).
   */
  public DotOptions withEdgeLabels(EdgeContributions recorded) {
    DotOptions o = copy();
    o.edgeLabels = true;
    o.recorded = checkNotNull(recorded, "dot options: recorded contributions are null");
    return o;
  }

  /** Colour each gradient by magnitude on a log scale between {@code low} and {@code high}. */
  public DotOptions withGradientColours(double low, double high) {
    new GradientColours(low, high); // validates
    DotOptions o = copy();
    o.gradientColours = true;
    o.gradientLow = low;
    o.gradientHigh = high;
    return o;
  }

  /** No gradient colouring. */
  public DotOptions withoutGradientColours() {
    DotOptions o = copy();
    o.gradientColours = false;
    return o;
  }

  /** Draw one cluster per module (on by default). */
  public DotOptions withClusters(boolean on) {
    DotOptions o = copy();
    o.clusters = on;
    return o;
  }

  /**
   * How a named node's module is found; defaults to {@link Modules#moduleOf} on its name. Return
   * null for "no module". Unnamed op nodes still inherit as {@link Modules} describes.
   */
  public DotOptions withModuleOf(Function<Tensor, String> moduleOfNamed) {
    DotOptions o = copy();
    o.moduleOfNamed = checkNotNull(moduleOfNamed, "dot options: moduleOf is null");
    return o;
  }

  /** Draw each module as one node (its parameters summarised) instead of its individual nodes. */
  public DotOptions withCollapsedModules(boolean on) {
    DotOptions o = copy();
    o.collapseModules = on;
    return o;
  }

  /**
   * Draw at most {@code max} nodes: the ones nearest the output (breadth first), with everything
   * further back merged into one summary node. Keeps huge graphs drawable.
   */
  public DotOptions withMaxNodes(int max) {
    checkArgument(max >= 2, "dot options: max nodes must be at least 2 (the output and one summary), got %s", max);
    DotOptions o = copy();
    o.maxNodes = max;
    return o;
  }

  /**
   * Draw the inside of each unbranched run of ops with at least {@code minInner} nodes between its
   * first and its last as one box: how many nodes, which ops ({@code tanh ×999,998}), and the range of
   * their gradients' magnitudes. A run is a chain such as {@code x.tanh().tanh()…} or {@code
   * x.mul(c).sin()…}: each op's only input (constants used by it alone aside) is the previous op,
   * used by nothing else. Its first and last nodes stay drawn, so a million-op chain becomes four
   * nodes: the input, the first op, the box and the output. Applied before {@link #withMaxNodes}.
   */
  public DotOptions withCollapsedChains(int minInner) {
    checkArgument(minInner >= 1, "dot options: a collapsed chain must hide at least 1 node, got %s", minInner);
    DotOptions o = copy();
    o.collapsedChains = minInner;
    return o;
  }

  /** Draw every node of every chain (the default). */
  public DotOptions withoutCollapsedChains() {
    DotOptions o = copy();
    o.collapsedChains = Integer.MAX_VALUE;
    return o;
  }

  public DotOptions withDirection(Direction direction) {
    DotOptions o = copy();
    o.direction = checkNotNull(direction, "dot options: direction is null");
    return o;
  }

  /** A title drawn above the graph; null for none. */
  public DotOptions withTitle(String title) {
    DotOptions o = copy();
    o.title = title;
    o.nodeCheck = nodeCheck;
    o.kinkLabels = kinkLabels;
    return o;
  }

  /**
   * Overlay a per-node numerical check ({@link NodeCheck#check}) on the drawing, so a wrong
   * derivative points at its op:
   * <ul>
   *   <li>each checked node is filled green (PASS), amber (KINK) or red (FAIL, deeper red for a
   *       larger relative error) and shows its worst relative error; a failing node names its
   *       worst element with autodiff's value and the finite difference, a node at a kink the
   *       loss's two one-sided slopes and the value autodiff took;
   *   <li>each suspect op (its output's gradient passes, the gradient it sends to an input fails)
   *       gets a thick dark border and a row naming that input, and the edge from the input is
   *       drawn dark red. Every node upstream of a wrong gradient fails too, since its gradient is
   *       built from the wrong one: the red region ends at the suspect;
   *   <li>kink labels are switched on ({@link #withKinkLabels});
   *   <li>a legend explains the colours and gives the verdict.
   * </ul>
   * Nodes that need no gradient (inputs, constants) are not checked and keep their role's colour.
   * Gradient cells are no longer coloured by magnitude: the fill shows the check instead. The check
   * must have been run on the exported graph; the export throws IllegalArgumentException when none
   * of its nodes is in the graph. Null removes the overlay.
   */
  public DotOptions withNodeCheck(NodeCheck.Result check) {
    DotOptions o = copy();
    o.nodeCheck = check;
    o.kinkLabels = o.kinkLabels || check != null;
    return o;
  }

  /**
   * Label each op that sits on a non-differentiable point (relu or abs at 0, a maximum tie, clamp at
   * a bound; see {@link io.github.chainrule.autodiff.inspect.Kinks}) with where, its two one-sided
   * slopes and which one its backward rule used.
   */
  public DotOptions withKinkLabels(boolean on) {
    DotOptions o = copy();
    o.kinkLabels = on;
    return o;
  }

  public int valueLimit() {
    return valueLimit;
  }

  public boolean edgeLabels() {
    return edgeLabels;
  }

  /** Contributions given with {@link #withEdgeLabels(EdgeContributions)}, or null to recompute them. */
  public EdgeContributions recordedContributions() {
    return recorded;
  }

  /** The colour scale, or null when colouring is off. */
  public GradientColours gradientColours() {
    return gradientColours ? new GradientColours(gradientLow, gradientHigh) : null;
  }

  public boolean clusters() {
    return clusters;
  }

  public Function<Tensor, String> moduleOf() {
    return moduleOfNamed;
  }

  public boolean collapseModules() {
    return collapseModules;
  }

  public int maxNodes() {
    return maxNodes;
  }

  /** The least number of inner nodes a run needs to be collapsed; {@code Integer.MAX_VALUE} when off. */
  public int collapsedChains() {
    return collapsedChains;
  }

  public Direction direction() {
    return direction;
  }

  public String title() {
    return title;
  }

  /** The check drawn over the graph ({@link #withNodeCheck}), or null. */
  public NodeCheck.Result nodeCheck() {
    return nodeCheck;
  }

  public boolean kinkLabels() {
    return kinkLabels;
  }
}
