package io.github.chainrule.viz.cli;

import java.util.Collection;
import java.util.Optional;

/** Lists of names for messages, and the nearest known name to a mistyped one. */
final class Names {
  private Names() {}

  /** {@code x, y and z}. */
  static String list(Collection<String> names) {
    if (names.isEmpty()) {
      return "none";
    }
    StringBuilder sb = new StringBuilder();
    int i = 0;
    for (String n : names) {
      sb.append(i == 0 ? "" : i == names.size() - 1 ? " and " : ", ").append(n);
      i++;
    }
    return sb.toString();
  }

  /** "; did you mean 'sin'?" when a known name is close to {@code typed}, else "". */
  static String didYouMean(String typed, Collection<String> known) {
    return nearest(typed, known).map(n -> "; did you mean '" + n + "'?").orElse("");
  }

  /**
   * The known name fewest edits away (insertions, deletions, substitutions, swaps of neighbours),
   * if it is within a third of the typed length.
   */
  static Optional<String> nearest(String typed, Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(typed.toLowerCase(java.util.Locale.ROOT), k.toLowerCase(java.util.Locale.ROOT));
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    // One- and two-letter names are too short for a guess: any other short name is "one edit away".
    return best != null && bestDistance <= typed.length() / 3 ? Optional.of(best) : Optional.empty();
  }

  /** Optimal string alignment distance. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
