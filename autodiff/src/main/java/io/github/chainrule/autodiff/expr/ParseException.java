package io.github.chainrule.autodiff.expr;

/**
 * A malformed expression. The message shows the reason, the input and a caret under the column:
 *
 * <pre>
 * column 15: expected ')' to close '(' at column 5, found end of input
 *   relu(w1*x + b1
 *                 ^
 * </pre>
 *
 * Columns are 1-based and count Unicode code points, so a caret lines up under the character it
 * names. Inputs longer than a screen line are shown as a window around the column.
 */
public final class ParseException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  // How much of a long input is echoed on each side of the caret.
  private static final int WINDOW = 36;

  private final String input;
  private final int column;
  private final String reason;

  ParseException(String input, int charIndex, String reason) {
    super(render(input, column(input, charIndex), reason));
    this.input = input;
    this.column = column(input, charIndex);
    this.reason = reason;
  }

  /** The text that was parsed. */
  public String input() {
    return input;
  }

  /** The 1-based column (in code points) the caret points at; one past the end for "end of input". */
  public int column() {
    return column;
  }

  /** What went wrong, without the echoed input: {@code "unexpected end of input, expected an operand"}. */
  public String reason() {
    return reason;
  }

  static int column(String input, int charIndex) {
    int index = Math.max(0, Math.min(charIndex, input.length()));
    return input.codePointCount(0, index) + 1;
  }

  private static String render(String input, int column, String reason) {
    int[] cps = input.codePoints().toArray();
    int from = 0;
    int to = cps.length;
    String prefix = "";
    String suffix = "";
    if (cps.length > 2 * WINDOW) {
      from = Math.max(0, column - 1 - WINDOW);
      to = Math.min(cps.length, column - 1 + WINDOW);
      prefix = from > 0 ? "..." : "";
      suffix = to < cps.length ? "..." : "";
    }
    StringBuilder line = new StringBuilder(prefix);
    for (int i = from; i < to; i++) {
      // Tabs, newlines and other controls would break the alignment of the caret.
      line.appendCodePoint(Character.isISOControl(cps[i]) ? ' ' : cps[i]);
    }
    line.append(suffix);
    int caretAt = prefix.length() + (column - 1 - from);
    return "column " + column + ": " + reason + "\n  " + line + "\n  " + " ".repeat(caretAt) + "^";
  }
}
