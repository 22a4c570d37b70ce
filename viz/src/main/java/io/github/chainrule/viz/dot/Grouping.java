package io.github.chainrule.viz.dot;

import io.github.chainrule.viz.graph.TensorGraph;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Which drawn node each tensor becomes. Without collapsing, every tensor is its own group. Collapsing
 * by module merges a module's tensors into one group; a node budget then keeps the groups nearest
 * the output and merges the rest into a single "elided" group. Everything is arrays indexed by id,
 * so a million-node graph costs a few megabytes and no recursion.
 */
final class Grouping {
  enum Kind { TENSOR, MODULE, ELIDED }

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

  static Grouping build(TensorGraph graph, String[] modules, boolean collapseModules, int maxNodes) {
    int n = graph.size();
    int[] groupOf = new int[n];
    // Groups are numbered in the order of their first member, so they stay in topological order.
    Map<String, Integer> moduleGroup = new HashMap<>();
    int groups = 0;
    for (int id = 0; id < n; id++) {
      String m = collapseModules && modules != null ? modules[id] : null;
      if (m == null) {
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
      return elide(graph, groupOf, groups, modules, collapseModules, maxNodes);
    }
    return describe(groupOf, groups, modules, collapseModules, -1);
  }

  /** Keeps the {@code maxNodes - 1} groups nearest the output (breadth first); merges the rest into group 0. */
  private static Grouping elide(TensorGraph graph, int[] groupOf, int groups, String[] modules,
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
    int next = 1;
    for (int g = 0; g < groups; g++) {
      renumber[g] = keep[g] ? next++ : 0;
    }
    int[] newGroupOf = new int[n];
    for (int id = 0; id < n; id++) {
      newGroupOf[id] = renumber[groupOf[id]];
    }
    return describe(newGroupOf, next, modules, collapseModules, 0);
  }

  private static Grouping describe(int[] groupOf, int groups, String[] modules, boolean byModule, int elided) {
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
