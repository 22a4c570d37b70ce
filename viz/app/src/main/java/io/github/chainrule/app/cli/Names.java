package io.github.chainrule.app.cli;

import io.github.chainrule.autodiff.expr.Spelling;
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
      int d = Spelling.distance(typed.toLowerCase(java.util.Locale.ROOT), k.toLowerCase(java.util.Locale.ROOT));
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    // One- and two-letter names are too short for a guess: any other short name is "one edit away".
    return best != null && bestDistance <= typed.length() / 3 ? Optional.of(best) : Optional.empty();
  }
}
