package io.github.chainrule.viz;

/**
 * Escaping of people's text (node names, op labels, module names) for Graphviz HTML-like labels and
 * for HTML pages, which share the same rules.
 */
public final class Markup {
  private Markup() {}

  /**
   * {@code text} made safe inside markup: {@code & < > " '} become entities; everything outside
   * printable ASCII becomes a numeric character reference ({@code é} → {@code &#xE9;}), so files
   * stay ASCII whatever encoding a reader assumes; control characters, which XML forbids, are shown
   * as a visible {@code \u000A}-style escape; an unpaired surrogate becomes U+FFFD. Backslashes and
   * braces are plain text in HTML-like labels and stay as they are. Null becomes the empty string.
   */
  public static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      switch (cp) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> {
          if (cp < 0x20 || cp == 0x7F) {
            sb.append(String.format("\\u%04X", cp));
          } else if (cp < 0x7F) {
            sb.append((char) cp);
          } else if (Character.isSurrogate((char) cp) || (cp >= 0x80 && cp <= 0x9F)) {
            // Lone surrogates and C1 controls are not characters XML may carry.
            sb.append(cp >= 0x80 && cp <= 0x9F ? String.format("\\u%04X", cp) : "&#xFFFD;");
          } else {
            sb.append("&#x").append(Integer.toHexString(cp).toUpperCase(java.util.Locale.ROOT)).append(';');
          }
        }
      }
    }
    return sb.toString();
  }
}
