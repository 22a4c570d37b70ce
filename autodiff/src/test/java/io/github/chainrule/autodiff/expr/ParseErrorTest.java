package io.github.chainrule.autodiff.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of malformed expression, with the exact column the caret points at and the exact reason. */
class ParseErrorTest {

  static ParseException parseError(String text) {
    return assertThrows(ParseException.class, () -> Expression.parse(text));
  }

  /**
   * "relu, sigmoid, tanh, ..., transpose": what a message for an unknown function lists, each function
   * of the op table once in the table's order. Read from the table, so that a new op does not break
   * this test.
   */
  static String knownFunctions() {
    return Builtin.values().stream().map(Builtin::text).distinct().collect(Collectors.joining(", "));
  }

  @Test
  void theListOfKnownFunctionsNamesEachBuiltinOnceInTheTablesOrder() {
    // Today's functions, in order; a new op may come anywhere between them without breaking this.
    String listed = parseError("foo(x)").reason().replaceFirst("^.*known functions: ", "");
    int at = -1;
    for (String f : new String[] {"relu", "sigmoid", "tanh", "exp", "log", "sqrt", "abs", "sin", "cos",
        "softplus", "max", "min", "sum", "mean", "transpose"}) {
      int next = (", " + listed + ", ").indexOf(", " + f + ", ");
      assertTrue(next > at, f + " is missing or out of order in: " + listed);
      assertEquals(next, (", " + listed + ", ").lastIndexOf(", " + f + ", "), f + " is listed twice in: " + listed);
      at = next;
    }
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        // ---- nothing, or too little
        Arguments.of("", 1, "empty expression, expected an operand"),
        Arguments.of(" \t ", 1, "empty expression, expected an operand"),
        Arguments.of("2 +", 4, "unexpected end of input, expected an operand"),
        Arguments.of("-", 2, "unexpected end of input, expected an operand"),
        Arguments.of("x^", 3, "unexpected end of input, expected an operand"),
        Arguments.of("()", 2, "unexpected ')', expected an operand (a number, a name, '(' or '-')"),
        Arguments.of("*x", 1, "unexpected '*', expected an operand (a number, a name, '(' or '-')"),
        Arguments.of("+x", 1, "unexpected '+', expected an operand (a number, a name, '(' or '-')"),
        Arguments.of("x**2", 3, "unexpected '*', expected an operand (a number, a name, '(' or '-'); use '^' for powers"),
        Arguments.of("x * * 2", 5, "unexpected '*', expected an operand (a number, a name, '(' or '-')"),
        // ---- parentheses
        Arguments.of("relu(w1*x + b1", 15, "expected ')' to close '(' at column 5, found end of input"),
        Arguments.of("(a + b", 7, "expected ')' to close '(' at column 1, found end of input"),
        Arguments.of("((a + b) * c", 13, "expected ')' to close '(' at column 1, found end of input"),
        Arguments.of("(a b)", 4, "expected ')' to close '(' at column 1, found 'b'"),
        Arguments.of("a + b)", 6, "unexpected ')' with no matching '('"),
        Arguments.of("max(a b)", 7, "expected ',' or ')' to close '(' at column 4, found 'b'"),
        Arguments.of("max(a,)", 7, "unexpected ')', expected an operand (a number, a name, '(' or '-')"),
        Arguments.of("a, b", 2, "unexpected ',' outside a function call"),
        // ---- a missing operator
        Arguments.of("x y", 3, "unexpected 'y', expected an operator (+ - * / @ ^) or end of input; to multiply write 'x*y'"),
        Arguments.of("2 x", 3, "unexpected 'x', expected an operator (+ - * / @ ^) or end of input; to multiply write '2*x'"),
        Arguments.of("(a)(b)", 4, "unexpected '(', expected an operator (+ - * / @ ^) or end of input"),
        Arguments.of("2x", 2, "malformed number '2x'; to multiply write '2*x'"),
        // ---- functions
        Arguments.of("sigmod(x)", 1, "unknown function 'sigmod'; did you mean 'sigmoid'?"),
        Arguments.of("a + tahn(x)", 5, "unknown function 'tahn'; did you mean 'tanh'?"),
        Arguments.of("Relu(x)", 1, "unknown function 'Relu'; did you mean 'relu'?"),
        Arguments.of("softpuls(x)", 1, "unknown function 'softpuls'; did you mean 'softplus'?"),
        Arguments.of("foo(x)", 1, "unknown function 'foo'; known functions: " + knownFunctions()),
        Arguments.of("x(y)", 1, "unknown function 'x'; known functions: " + knownFunctions()),
        Arguments.of("max(a)", 1, "max(a, b) takes 2 arguments, got 1"),
        Arguments.of("sum(x, 0, 1)", 1, "sum takes 1 or 2 arguments (sum(x) or sum(x, axis)), got 3"),
        Arguments.of("transpose(W, 0)", 1, "transpose takes 1 or 3 arguments (transpose(x) or"
            + " transpose(x, axis0, axis1)), got 2"),
        // ---- integer parameters: whole numbers as written, refused at the argument itself
        Arguments.of("sum(x, y)", 8, "in sum(x, axis), axis is a whole number written as one, such as 0 or -1;"
            + " found 'y'"),
        Arguments.of("1 + mean(W, 0.5)", 13, "in mean(x, axis), axis is a whole number written as one, such as 0"
            + " or -1; found '0.5'"),
        Arguments.of("sum(x,  1 + 1)", 9, "in sum(x, axis), axis is a whole number written as one, such as 0 or -1;"
            + " found '1 + 1'"),
        Arguments.of("sum(x, --1)", 8, "in sum(x, axis), axis is a whole number written as one, such as 0 or -1;"
            + " found '--1'"),
        Arguments.of("sum(x, 1e10)", 8, "in sum(x, axis), axis is a whole number written as one, such as 0 or -1;"
            + " found '1e10'"),
        Arguments.of("transpose(W, 0, a.b)", 17, "in transpose(x, axis0, axis1), axis1 is a whole number written"
            + " as one, such as 0 or -1; found 'a.b'"),
        Arguments.of("2 @ x", 1, "'2' is a number, and '@' (matrix product) needs a vector or a matrix on each side;"
            + " to scale, write '*'"),
        Arguments.of("W @ (1 + 2)", 5, "'(1 + 2)' is a number, and '@' (matrix product) needs a vector or a matrix on"
            + " each side; to scale, write '*'"),
        Arguments.of("W @", 4, "unexpected end of input, expected an operand"),
        Arguments.of("transpose @ x", 1, "'transpose' is a function; call it as transpose(...)"),
        Arguments.of("2*min(a, b, c)", 3, "min(a, b) takes 2 arguments, got 3"),
        Arguments.of("relu(a, b)", 1, "relu(x) takes 1 argument, got 2"),
        Arguments.of("exp()", 1, "exp(x) takes 1 argument, got 0"),
        Arguments.of("relu + 1", 1, "'relu' is a function; call it as relu(...)"),
        // ---- powers
        Arguments.of("x^y", 3, "the exponent of '^' must be a constant, such as 2, -0.5 or (1/3);"
            + " for a variable exponent y write exp(y*log(x))"),
        Arguments.of("2^(1 + x)", 3, "the exponent of '^' must be a constant, such as 2, -0.5 or (1/3);"
            + " for a variable exponent y write exp(y*log(x))"),
        // ---- numbers
        Arguments.of("1e999", 1, "number '1e999' is too large for a double (the largest is about 1.8e308)"),
        Arguments.of("x + 2e308", 5, "number '2e308' is too large for a double (the largest is about 1.8e308)"),
        Arguments.of("1e-999", 1, "number '1e-999' is too small for a double and would become 0"
            + " (the smallest is about 4.9e-324)"),
        Arguments.of("1e", 3, "malformed number '1e': expected digits after the exponent 'e'"),
        Arguments.of("2.5E+", 6, "malformed number '2.5E+': expected digits after the exponent 'E'"),
        Arguments.of("1.2.3", 4, "malformed number '1.2.3'"),
        Arguments.of("x + .", 5, "a number needs at least one digit, found '.'"),
        // ---- names
        Arguments.of("hidden.", 7, "malformed name 'hidden.': a '.' inside a name must be followed by a letter,"
            + " digit or '_'"),
        Arguments.of("a..b", 2, "malformed name 'a.': a '.' inside a name must be followed by a letter,"
            + " digit or '_'"),
        // ---- stray characters, ASCII and not
        Arguments.of("x # y", 3, "unexpected character '#'"),
        Arguments.of("a = b", 3, "unexpected character '='"),
        Arguments.of("[a]", 1, "unexpected character '['; group with '(' and ')'"),
        Arguments.of("x \u00d7 y", 3, "unexpected character '\u00d7' (U+00D7 MULTIPLICATION SIGN); use '*' to multiply"),
        Arguments.of("x \u2212 y", 3, "unexpected character '\u2212' (U+2212 MINUS SIGN); use '-' for minus"),
        Arguments.of("x\u00b2", 2, "unexpected character '\u00b2' (U+00B2 SUPERSCRIPT TWO); write x^2 for a square"),
        Arguments.of("\u03b8*x", 1, "unexpected character '\u03b8' (U+03B8 GREEK SMALL LETTER THETA);"
            + " names use ASCII letters, digits, '_' and '.'"),
        Arguments.of("a\u00a0+ b", 2, "unexpected character (U+00A0 NO-BREAK SPACE)"),
        Arguments.of("a +\u0000b", 4, "unexpected character (U+0000 NULL)"),
        Arguments.of("x\u200b", 2, "unexpected character (U+200B ZERO WIDTH SPACE)"),
        // Columns count code points: a character outside the BMP (two Java chars) is one column.
        Arguments.of("\u03b1\u03b2 \ud83d\ude00", 1, "unexpected character '\u03b1' (U+03B1 GREEK SMALL LETTER ALPHA);"
            + " names use ASCII letters, digits, '_' and '.'"),
        Arguments.of("x + \ud83d\ude00", 5, "unexpected character '\ud83d\ude00' (U+1F600 GRINNING FACE)"));
  }

  @Test
  void aLoneSurrogateIsNamedByItsCodeAndNotEchoedAsAGlyph() {
    ParseException e = parseError("x\ud800");
    assertEquals(2, e.column());
    assertTrue(e.reason().startsWith("unexpected character (U+D800"), e.reason());
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void eachMalformedInputNamesTheColumnAndWhatWasExpected(String text, int column, String reason) {
    ParseException e = parseError(text);
    assertEquals(reason, e.reason());
    assertEquals(column, e.column());
    assertEquals(text, e.input());
    assertTrue(e.getMessage().startsWith("column " + column + ": " + reason + "\n"), e.getMessage());
  }

  @Test
  void theMessageShowsTheInputWithACaretUnderTheColumn() {
    assertEquals("column 15: expected ')' to close '(' at column 5, found end of input\n"
        + "  relu(w1*x + b1\n"
        + "                ^", parseError("relu(w1*x + b1").getMessage());
    assertEquals("column 1: unknown function 'sigmod'; did you mean 'sigmoid'?\n"
        + "  sigmod(x)\n"
        + "  ^", parseError("sigmod(x)").getMessage());
  }

  @Test
  void tabsAndNewlinesAreShownAsSpacesSoTheCaretStaysAligned() {
    assertEquals("column 7: unexpected character '#'\n"
        + "  a +\tb\n#\n"
            .replace('\t', ' ').replace("b\n#", "b #")
        + "        ^", parseError("a +\tb\n#").getMessage());
  }

  @Test
  void aParseExceptionIsAnIllegalArgumentException() {
    assertTrue(IllegalArgumentException.class.isAssignableFrom(ParseException.class));
  }

  // ---------------------------------------------------------------- limits on hostile input

  @Test
  void inputLongerThanTheLimitIsRefusedAtTheFirstCharacterPastIt() {
    String text = "x+".repeat(6_000) + "x";
    ParseException e = parseError(text);
    assertEquals("expression is too long: 12001 characters, the limit is 10000", e.reason());
    assertEquals(Expression.MAX_LENGTH + 1, e.column());
    // The echo is a window around the column, not twelve thousand characters.
    String[] lines = e.getMessage().split("\n");
    assertEquals(3, lines.length);
    assertTrue(lines[1].length() < 100, lines[1]);
    assertEquals(lines[1].indexOf("..."), 2);
    assertEquals('^', lines[2].charAt(lines[2].length() - 1));
  }

  @Test
  void inputAtTheLengthLimitIsAccepted() {
    String text = "x".repeat(Expression.MAX_LENGTH);
    assertEquals(1, Expression.parse(text).variables().size());
  }

  @Test
  void nestingDeeperThanTheLimitIsRefusedWithoutOverflowingTheStack() {
    int limit = Expression.MAX_NESTING;
    assertEquals("x", Expression.parse("(".repeat(limit) + "x" + ")".repeat(limit)).toString());
    ParseException parens = parseError("(".repeat(3_000) + "x" + ")".repeat(3_000));
    assertEquals("expression nests too deeply: more than 100 levels of parentheses, calls, unary minus or exponents",
        parens.reason());
    assertEquals(limit + 1, parens.column());
    assertEquals(limit + 1, parseError("-".repeat(9_000) + "x").column());
    // Each "^-2" enters two levels (the exponent and its minus); the 101st is the '^' of the 51st.
    assertEquals(3 * (limit / 2) + 2, parseError("x" + "^-2".repeat(3_000)).column());
    // The caret is on the 101st call's "(".
    assertEquals(4 * limit + 4, parseError("sin(".repeat(1_500) + "x" + ")".repeat(1_500)).column());
  }

  @Test
  void aTreeDeeperThanTheLimitIsRefusedAtTheOperatorThatCrossesIt() {
    int limit = Expression.MAX_DEPTH;
    assertEquals(limit, Expression.parse("x" + "+x".repeat(limit - 1)).root().depth());
    ParseException e = parseError("x" + "+x".repeat(4_000));
    assertEquals("expression is too deep: more than 1000 operations applied one to the result of another;"
        + " split it into smaller expressions", e.reason());
    assertEquals(2 * limit, e.column());
  }

  @Test
  void longNamesAreAbbreviatedInMessages() {
    String name = "q".repeat(500);
    ParseException e = parseError(name + "(x)");
    assertEquals("unknown function '" + "q".repeat(37) + "...'; known functions: " + knownFunctions(), e.reason());
  }
}
