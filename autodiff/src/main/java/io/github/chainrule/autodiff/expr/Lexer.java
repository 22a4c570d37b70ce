package io.github.chainrule.autodiff.expr;

import java.util.Locale;

/**
 * Splits the source into tokens on demand, one token of look-ahead for the parser.
 *
 * <p>Names are ASCII: a letter or {@code _}, then letters, digits and {@code _}, with {@code .}
 * allowed between parts ({@code hidden.w1}, {@code layers.0.bias}) so that parameter names from
 * modules can be written as they are. Numbers are decimal with an optional fraction and exponent
 * ({@code 2}, {@code 2.}, {@code .5}, {@code 1e-4}, {@code 6.02E23}); they are never negative,
 * a leading minus is the unary operator.
 */
final class Lexer {
  enum Kind { NUMBER, NAME, PLUS, MINUS, STAR, SLASH, AT, CARET, LPAREN, RPAREN, COMMA, END }

  /** A token and where it is: {@code start} inclusive, {@code end} exclusive, as char indices. */
  static final class Token {
    final Kind kind;
    final int start;
    final int end;
    final String text;
    final double value;

    Token(Kind kind, int start, int end, String text, double value) {
      this.kind = kind;
      this.start = start;
      this.end = end;
      this.text = text;
      this.value = value;
    }

    /** How messages quote it: {@code 'x'}, {@code '*'}, or {@code end of input}. */
    String describe() {
      return kind == Kind.END ? "end of input" : "'" + text + "'";
    }
  }

  private final String src;
  private int pos;

  Lexer(String src) {
    this.src = src;
  }

  Token next() {
    while (pos < src.length() && isSpace(src.charAt(pos))) {
      pos++;
    }
    if (pos >= src.length()) {
      return new Token(Kind.END, src.length(), src.length(), "", 0);
    }
    int start = pos;
    char c = src.charAt(pos);
    if (isDigit(c) || c == '.') {
      return number(start);
    }
    if (isNameStart(c)) {
      return name(start);
    }
    Kind kind = symbol(c);
    if (kind == null) {
      throw new ParseException(src, start, strayCharacter(src.codePointAt(start)));
    }
    pos++;
    return new Token(kind, start, pos, String.valueOf(c), 0);
  }

  private Token number(int start) {
    int digits = skipDigits();
    if (pos < src.length() && src.charAt(pos) == '.') {
      pos++;
      digits += skipDigits();
    }
    if (digits == 0) {
      throw new ParseException(src, start, "a number needs at least one digit, found '.'");
    }
    if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
      int e = pos++;
      if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
        pos++;
      }
      if (skipDigits() == 0) {
        throw new ParseException(src, pos, "malformed number '" + src.substring(start, pos)
            + "': expected digits after the exponent '" + src.charAt(e) + "'");
      }
    }
    if (pos < src.length() && (isNameStart(src.charAt(pos)) || src.charAt(pos) == '.')) {
      // "2x" or "1.2.3": say so here rather than as a puzzling error about the next token.
      int end = pos;
      while (end < src.length() && (isNamePart(src.charAt(end)) || src.charAt(end) == '.')) {
        end++;
      }
      String text = src.substring(start, end);
      String hint = isNameStart(src.charAt(pos))
          ? "; to multiply write '" + src.substring(start, pos) + "*" + src.substring(pos, end) + "'"
          : "";
      throw new ParseException(src, pos, "malformed number '" + text + "'" + hint);
    }
    String text = src.substring(start, pos);
    // The grammar above is a subset of what parseDouble accepts, so this cannot throw.
    double value = Double.parseDouble(text);
    if (Double.isInfinite(value)) {
      throw new ParseException(src, start, "number '" + abbreviate(text) + "' is too large for a double"
          + " (the largest is about 1.8e308)");
    }
    if (value == 0 && hasNonZeroDigit(text)) {
      throw new ParseException(src, start, "number '" + abbreviate(text) + "' is too small for a double"
          + " and would become 0 (the smallest is about 4.9e-324)");
    }
    return new Token(Kind.NUMBER, start, pos, text, value);
  }

  private Token name(int start) {
    pos++;
    while (pos < src.length()) {
      char c = src.charAt(pos);
      if (isNamePart(c)) {
        pos++;
      } else if (c == '.' && pos + 1 < src.length() && isNamePart(src.charAt(pos + 1))) {
        pos += 2;
      } else if (c == '.') {
        throw new ParseException(src, pos, "malformed name '" + abbreviate(src.substring(start, pos + 1))
            + "': a '.' inside a name must be followed by a letter, digit or '_'");
      } else {
        break;
      }
    }
    return new Token(Kind.NAME, start, pos, src.substring(start, pos), 0);
  }

  private int skipDigits() {
    int from = pos;
    while (pos < src.length() && isDigit(src.charAt(pos))) {
      pos++;
    }
    return pos - from;
  }

  private static Kind symbol(char c) {
    switch (c) {
      case '+': return Kind.PLUS;
      case '-': return Kind.MINUS;
      case '*': return Kind.STAR;
      case '/': return Kind.SLASH;
      case '@': return Kind.AT;
      case '^': return Kind.CARET;
      case '(': return Kind.LPAREN;
      case ')': return Kind.RPAREN;
      case ',': return Kind.COMMA;
      default: return null;
    }
  }

  /** Says which character it is (by code point when it may be invisible or look like ASCII) and what to type instead. */
  static String strayCharacter(int cp) {
    String shown = cp > 0x20 && cp < 0x7f ? "'" + (char) cp + "'" : describeCodePoint(cp);
    String hint;
    switch (cp) {
      case 0x2212: case 0x2013: case 0x2014: hint = "; use '-' for minus"; break;
      case 0x00D7: case 0x00B7: case 0x22C5: case 0x2217: hint = "; use '*' to multiply"; break;
      case 0x00F7: case 0x2215: hint = "; use '/' to divide"; break;
      case 0x00B2: hint = "; write x^2 for a square"; break;
      case 0x00B3: hint = "; write x^3 for a cube"; break;
      case '[': case ']': case '{': case '}': hint = "; group with '(' and ')'"; break;
      default:
        hint = isLetterOutsideAscii(cp) ? "; names use ASCII letters, digits, '_' and '.'" : "";
    }
    return "unexpected character " + shown + hint;
  }

  private static String describeCodePoint(int cp) {
    String name = Character.getName(cp);
    String code = String.format(Locale.ROOT, "U+%04X", cp);
    return (isVisible(cp) ? "'" + new String(Character.toChars(cp)) + "' " : "")
        + "(" + code + (name == null ? "" : " " + name) + ")";
  }

  /** False for controls, spaces, format characters, lone surrogates and unassigned code points: quoting those shows nothing. */
  private static boolean isVisible(int cp) {
    switch (Character.getType(cp)) {
      case Character.CONTROL: case Character.FORMAT: case Character.SURROGATE: case Character.PRIVATE_USE:
      case Character.UNASSIGNED: case Character.SPACE_SEPARATOR: case Character.LINE_SEPARATOR:
      case Character.PARAGRAPH_SEPARATOR:
        return false;
      default:
        return true;
    }
  }

  private static boolean isLetterOutsideAscii(int cp) {
    return cp > 0x7f && Character.isLetter(cp);
  }

  static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isNameStart(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
  }

  private static boolean isNamePart(char c) {
    return isNameStart(c) || isDigit(c);
  }

  /** True if the whole text is one name token. */
  static boolean isName(String text) {
    if (text == null || text.isEmpty() || !isNameStart(text.charAt(0))) {
      return false;
    }
    for (int i = 1; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean dotBetweenParts = c == '.' && i + 1 < text.length() && isNamePart(text.charAt(i + 1));
      if (!isNamePart(c) && !dotBetweenParts) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasNonZeroDigit(String number) {
    for (int i = 0; i < number.length(); i++) {
      char c = number.charAt(i);
      if (c == 'e' || c == 'E') {
        return false;
      }
      if (c >= '1' && c <= '9') {
        return true;
      }
    }
    return false;
  }

  static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 37) + "...";
  }
}
