package io.github.chainrule.viz.dot;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.viz.graph.TensorGraph;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Which drawn node each tensor becomes. Without collapsing, every tensor is its own group. Collapsing
 * by module merges a module's tensors into one group; collapsing chains merges the inside of each
 * long unbranched run of ops into one group (its first and last nodes stay drawn); a node budget
 * then keeps the groups nearest the output and merges the rest into a single "elided" group.
 * Everything is arrays indexed by id, so a million-node graph costs a few megabytes and no recursion.
 */
final class Grouping {
  enum Kind { TENSOR, MODULE, RUN, ELIDED }

  final int[] groupOf;
  final Kind[] kind;
  /** The tensor id of a TENSOR group, or the first member's id otherwise. */
  final int[] first;
  /** The module name of a MODULE group. */
  final String[] module;
  final int[] members;

  private Grouping(int[] groupOf, Kind[] kind, int[] first, String[] module, int[] members) {
    this.groupOf = groupOf;
    this.kind = kind;
    this.first = first;
    this.module = module;
    this.members = members;
  }

  int count() {
    return kind.length;
  }

  /**
   * @param minRun collapse the inside of unbranched runs with at least this many inner nodes;
   *     {@code Integer.MAX_VALUE} for never
   */
  static Grouping build(TensorGraph graph, String[] modules, boolean collapseModules, int minRun, int maxNodes) {
    int n = graph.size();
    int[] groupOf = new int[n];
    int[] runOf = minRun == Integer.MAX_VALUE ? null : runs(graph, modules, collapseModules, minRun);
    int[] runGroup = runOf == null ? null : new int[n];
    if (runGroup != null) {
      Arrays.fill(runGroup, -1);
    }
    boolean[] isRun = new boolean[n];
    // Groups are numbered in the order of their first member, so they stay in topological order.
    Map<String, Integer> moduleGroup = new HashMap<>();
    int groups = 0;
    for (int id = 0; id < n; id++) {
      String m = collapseModules && modules != null ? modules[id] : null;
      if (runOf != null && runOf[id] >= 0) {
        int head = runOf[id];
        if (runGroup[head] < 0) {
          isRun[groups] = true;
          runGroup[head] = groups++;
        }
        groupOf[id] = runGroup[head];
      } else if (m == null) {
        groupOf[id] = groups++;
      } else {
        Integer g = moduleGroup.get(m);
        if (g == null) {
          g = groups++;
          moduleGroup.put(m, g);
        }
        groupOf[id] = g;
      }
    }
    if (groups > maxNodes) {
      return elide(graph, groupOf, groups, isRun, modules, collapseModules, maxNodes);
    }
    return describe(groupOf, groups, isRun, modules, collapseModules, -1);
  }

  /**
   * For each tensor inside a long run, the id of the run's first node; -1 elsewhere. A node
   * continues a run when it is an op whose only input (constants used by it alone aside) is an op
   * used by nothing else: a chain such as {@code x.tanh().tanh()…} or {@code x.mul(c).sin()…}. The
   * first and last node of a run stay outside, so the drawing shows where it starts and ends; the
   * constants the inner nodes use go inside with them.
   */
  private static int[] runs(TensorGraph graph, String[] modules, boolean collapseModules, int minRun) {
    int n = graph.size();
    int[] consumers = new int[n];
    for (int v = 0; v < n; v++) {
      for (int j = 0; j < graph.inputCount(v); j++) {
        consumers[graph.inputId(v, j)]++;
      }
    }
    int[] head = new int[n];
    int[] position = new int[n];
    int[] length = new int[n];
    for (int v = 0; v < n; v++) {
      int from = -1;
      if (!graph.node(v).isLeaf() && !(collapseModules && modules != null && modules[v] != null)) {
        int spines = 0;
        for (int j = 0; j < graph.inputCount(v); j++) {
          int u = graph.inputId(v, j);
          if (!isOwnConstant(graph, consumers, u)) {
            spines++;
            from = u;
          }
        }
        if (spines != 1 || graph.node(from).isLeaf() || consumers[from] != 1
            || (collapseModules && modules != null && modules[from] != null)) {
          from = -1;
        }
      }
      head[v] = from < 0 ? v : head[from];
      position[v] = from < 0 ? 0 : position[from] + 1;
      length[head[v]] = position[v] + 1;
    }
    int[] runOf = new int[n];
    Arrays.fill(runOf, -1);
    for (int v = 0; v < n; v++) {
      int len = length[head[v]];
      if (len - 2 >= minRun && position[v] >= 1 && position[v] <= len - 2) {
        runOf[v] = head[v];
        for (int j = 0; j < graph.inputCount(v); j++) {
          int u = graph.inputId(v, j);
          if (isOwnConstant(graph, consumers, u)) {
            runOf[u] = head[v];
          }
        }
      }
    }
    return runOf;
  }

  /** A leaf that needs no gradient and is used once: drawn with (or hidden inside) its consumer. */
  private static boolean isOwnConstant(TensorGraph graph, int[] consumers, int id) {
    Tensor t = graph.node(id);
    return t.isLeaf() && !t.needsGrad() && consumers[id] == 1;
  }

  /** Keeps the {@code maxNodes - 1} groups nearest the output (breadth first); merges the rest into group 0. */
  private static Grouping elide(TensorGraph graph, int[] groupOf, int groups, boolean[] isRun, String[] modules,
      boolean collapseModules, int maxNodes) {
    int n = graph.size();
    boolean[] keep = new boolean[groups];
    int kept = 0;
    boolean[] seen = new boolean[n];
    int[] queue = new int[n];
    int head = 0;
    int tail = 0;
    queue[tail++] = n - 1; // the output
    seen[n - 1] = true;
    while (head < tail && kept < maxNodes - 1) {
      int id = queue[head++];
      int g = groupOf[id];
      if (!keep[g]) {
        keep[g] = true;
        kept++;
      }
      for (int k = 0; k < graph.inputCount(id); k++) {
        int j = graph.inputId(id, k);
        if (!seen[j]) {
          seen[j] = true;
          queue[tail++] = j;
        }
      }
    }
    // Renumber: the elided group first (it lies upstream of everything kept), then kept groups in order.
    int[] renumber = new int[groups];
    boolean[] keptRun = new boolean[groups + 1];
    int next = 1;
    for (int g = 0; g < groups; g++) {
      keptRun[next] = keep[g] && isRun[g];
      renumber[g] = keep[g] ? next++ : 0;
    }
    int[] newGroupOf = new int[n];
    for (int id = 0; id < n; id++) {
      newGroupOf[id] = renumber[groupOf[id]];
    }
    return describe(newGroupOf, next, keptRun, modules, collapseModules, 0);
  }

  private static Grouping describe(int[] groupOf, int groups, boolean[] isRun, String[] modules, boolean byModule,
      int elided) {
    Kind[] kind = new Kind[groups];
    int[] first = new int[groups];
    int[] members = new int[groups];
    String[] module = new String[groups];
    Arrays.fill(first, -1);
    for (int id = 0; id < groupOf.length; id++) {
      int g = groupOf[id];
      if (first[g] < 0) {
        first[g] = id;
      }
      members[g]++;
    }
    for (int g = 0; g < groups; g++) {
      if (g == elided) {
        kind[g] = Kind.ELIDED;
      } else if (isRun[g]) {
        kind[g] = Kind.RUN;
      } else if (members[g] == 1 && (modules == null || modules[first[g]] == null || !byModule)) {
        kind[g] = Kind.TENSOR;
      } else {
        kind[g] = Kind.MODULE;
        module[g] = modules[first[g]];
      }
    }
    return new Grouping(groupOf, kind, first, module, members);
  }
}
