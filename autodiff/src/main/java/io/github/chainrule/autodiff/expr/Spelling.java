package io.github.chainrule.autodiff.expr;

/**
 * How far apart two names are, for "did you mean" suggestions: the parser's for unknown functions,
 * the command line's for commands, options and demo names.
 */
public final class Spelling {
  private Spelling() {}

  /**
   * Edit distance counting insertions, deletions, substitutions and swaps of neighbours, each as one
   * edit (optimal string alignment), because "tahn" for "tanh" is the most common typo of all.
   */
  public static int distance(String a, String b) {
    // Names are short (an identifier, a command, an option), so the full table is plenty.
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
        d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
