package io.github.chainrule.autodiff.expr;

import static io.github.chainrule.autodiff.expr.Node.binary;
import static io.github.chainrule.autodiff.expr.Node.call;
import static io.github.chainrule.autodiff.expr.Node.negate;
import static io.github.chainrule.autodiff.expr.Node.number;
import static io.github.chainrule.autodiff.expr.Node.variable;
import static io.github.chainrule.autodiff.expr.Node.Operator.ADD;
import static io.github.chainrule.autodiff.expr.Node.Operator.DIV;
import static io.github.chainrule.autodiff.expr.Node.Operator.MATMUL;
import static io.github.chainrule.autodiff.expr.Node.Operator.MUL;
import static io.github.chainrule.autodiff.expr.Node.Operator.POW;
import static io.github.chainrule.autodiff.expr.Node.Operator.SUB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** What well-formed text means: the tree it parses to, its canonical text, and its variables. */
class ExpressionParseTest {
  private static final Builtin RELU = Builtin.named("relu").orElseThrow();
  private static final Builtin MAX = Builtin.named("max").orElseThrow();
  static final Node X = variable("x");
  static final Node Y = variable("y");
  static final Node Z = variable("z");

  static Node parse(String text) {
    return Expression.parse(text).root();
  }

  @Test
  void theIssueExampleParsesToTheExpectedTreeAndPrintsAsWritten() {
    String text = "relu(w1*x + b1)*v1 + relu(w2*x + b2)*v2 + c";
    Expression e = Expression.parse(text);
    Node unit1 = binary(MUL, call(RELU, binary(ADD, binary(MUL, variable("w1"), X), variable("b1"))), variable("v1"));
    Node unit2 = binary(MUL, call(RELU, binary(ADD, binary(MUL, variable("w2"), X), variable("b2"))), variable("v2"));
    assertEquals(binary(ADD, binary(ADD, unit1, unit2), variable("c")), e.root());
    assertEquals(text, e.toString());
    assertEquals(text, e.source());
    assertEquals(List.of("w1", "x", "b1", "v1", "w2", "b2", "v2", "c"), e.variables());
  }

  @Test
  void multiplicationBindsTighterThanAdditionAndPowerTighterStill() {
    assertEquals(binary(ADD, X, binary(MUL, Y, Z)), parse("x + y*z"));
    assertEquals(binary(SUB, binary(DIV, X, Y), Z), parse("x/y - z"));
    assertEquals(binary(MUL, X, binary(POW, Y, number(2))), parse("x*y^2"));
    assertEquals(binary(MUL, binary(ADD, X, Y), Z), parse("(x + y)*z"));
  }

  @Test
  void plusMinusTimesAndDivideAssociateToTheLeft() {
    assertEquals(binary(SUB, binary(SUB, X, Y), Z), parse("x - y - z"));
    assertEquals(binary(DIV, binary(DIV, X, Y), Z), parse("x/y/z"));
    assertEquals(binary(ADD, binary(SUB, X, Y), Z), parse("x - y + z"));
    assertEquals(binary(MUL, binary(DIV, X, Y), Z), parse("x/y*z"));
  }

  @Test
  void matrixProductBindsLikeTimesAsInPython() {
    assertEquals(binary(ADD, binary(MATMUL, X, Y), Z), parse("x @ y + z"));
    assertEquals(binary(MATMUL, binary(MUL, number(2), X), Y), parse("2*x @ y"));
    assertEquals(binary(MATMUL, binary(MATMUL, X, Y), Z), parse("x@y@z"));
    assertEquals(binary(MATMUL, call(Builtin.named("transpose").orElseThrow(), X), binary(POW, Y, number(2))), parse("transpose(x)@y^2"));
  }

  @Test
  void powerAssociatesToTheRight() {
    assertEquals(binary(POW, number(2), binary(POW, number(3), number(2))), parse("2^3^2"));
    assertEquals(512.0, Expression.parse("2^3^2").evaluate(Map.of()));
  }

  @Test
  void unaryMinusIsLooserThanPowerAndTighterThanProducts() {
    assertEquals(negate(binary(POW, X, number(2))), parse("-x^2"));
    assertEquals(-4.0, Expression.parse("-2^2").evaluate(Map.of()));
    assertEquals(binary(MUL, negate(X), Y), parse("-x*y"));
    assertEquals(binary(SUB, X, negate(Y)), parse("x - -y"));
    assertEquals(binary(MUL, X, negate(Y)), parse("x*-y"));
    assertEquals(negate(negate(X)), parse("--x"));
    assertEquals(binary(POW, negate(X), number(2)), parse("(-x)^2"));
  }

  @Test
  void anExponentMayBeNegatedOrAConstantExpression() {
    assertEquals(binary(POW, X, negate(number(2))), parse("x^-2"));
    assertEquals(binary(POW, X, binary(DIV, number(1), number(3))), parse("x^(1/3)"));
    assertEquals(binary(POW, X, negate(binary(POW, number(2), number(3)))), parse("x^-2^3"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "2       | 2.0",
      "2.      | 2.0",
      ".5      | 0.5",
      "0.25    | 0.25",
      "1e-4    | 1e-4",
      "1E-4    | 1e-4",
      "6.02e23 | 6.02e23",
      "3e+2    | 300",
      "007     | 7",
      "4.9e-324 | 4.9e-324",
      "1.7976931348623157e308 | 1.7976931348623157e308",
  })
  void numberLiteralsInEveryForm(String text, double value) {
    assertEquals(number(value), parse(text));
    assertEquals(value, Expression.parse(text).evaluate(Map.of()));
  }

  @Test
  void numbersPrintInTheirShortestExactForm() {
    assertEquals("2", Expression.parse("2.0").toString());
    assertEquals("0.5", Expression.parse(".5").toString());
    assertEquals("1e-4", Expression.parse("0.0001").toString());
    assertEquals("1.5e-7", Expression.parse("15e-8").toString());
    assertEquals("1e15", Expression.parse("1000000000000000").toString());
    assertEquals("0.1 + 0.2", Expression.parse("0.1+0.2").toString());
  }

  @Test
  void namesMayContainDigitsUnderscoresAndDotsBetweenParts() {
    Expression e = Expression.parse("hidden.w1*x_2 + layers.0.bias + _b + W");
    assertEquals(List.of("hidden.w1", "x_2", "layers.0.bias", "_b", "W"), e.variables());
  }

  @Test
  void variablesAreListedOnceInOrderOfFirstAppearance() {
    assertEquals(List.of("b", "a", "c"), Expression.parse("b*a + a*c - b").variables());
    assertEquals(List.of(), Expression.parse("2*3").variables());
  }

  static List<Builtin> builtins() {
    return Builtin.values();
  }

  @ParameterizedTest
  @MethodSource("builtins")
  void everyFunctionParsesToACallAndPrintsBack(Builtin f) {
    // Tensors x and y, then integer parameters 1, -2, 3, ... (a negative one is written with unary minus).
    List<String> args = new java.util.ArrayList<>(f.tensors() == 1 ? List.of("x") : List.of("x", "y"));
    List<Node> nodes = new java.util.ArrayList<>(f.tensors() == 1 ? List.of(X) : List.of(X, Y));
    for (int i = 1; i <= f.ints().size(); i++) {
      args.add(String.valueOf(i % 2 == 0 ? -i : i));
      nodes.add(i % 2 == 0 ? negate(number(i)) : number(i));
    }
    String text = f.text() + "(" + String.join(", ", args) + ")";
    assertEquals(call(f, nodes.toArray(new Node[0])), parse(text));
    assertEquals(text, Expression.parse(text).toString());
  }

  @Test
  void reductionsAlongAnAxisAreCallsWithTheAxisAsAWholeNumber() {
    Builtin sumAlong = Builtin.named("sum", 2).orElseThrow();
    Builtin transposeAxes = Builtin.named("transpose", 3).orElseThrow();
    assertEquals(call(sumAlong, X, number(0)), parse("sum(x,0)"));
    assertEquals(call(Builtin.named("mean", 2).orElseThrow(), binary(MUL, X, Y), negate(number(1))),
        parse("mean(x*y, -1)"));
    assertEquals(call(sumAlong, X, number(1)), parse("sum(x, (1))"));
    assertEquals(call(transposeAxes, X, number(0), negate(number(2))), parse("transpose(x, 0, -2)"));
    assertEquals("sum(x, 1) + mean(W @ x, -1)", Expression.parse("sum(x,(1))+mean(W@x,-1)").toString());
    assertNotEquals(parse("sum(x)"), parse("sum(x, 0)"));
    assertThrows(IllegalArgumentException.class, () -> call(sumAlong, X, Y));
    assertThrows(IllegalArgumentException.class, () -> call(sumAlong, X, number(0.5)));
  }

  @Test
  void spacingAndRedundantParenthesesDoNotChangeTheTree() {
    Expression tight = Expression.parse("max(a,b)*(c)+((d))");
    Expression loose = Expression.parse(" max( a , b ) * c\t+\n d ");
    assertEquals(tight, loose);
    assertEquals(tight.hashCode(), loose.hashCode());
    assertEquals("max(a, b)*c + d", tight.toString());
    assertNotEquals(Expression.parse("a*(b*c)"), Expression.parse("a*b*c"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "a - (b - c)   | a - (b - c)",
      "a - (b + c)   | a - (b + c)",
      "(a - b) - c   | a - b - c",
      "a*(b*c)       | a*(b*c)",
      "a/(b/c)       | a/(b/c)",
      "(a + b)*(c - d) | (a + b)*(c - d)",
      "-(a + b)      | -(a + b)",
      "-(a*b)        | -(a*b)",
      "(-a)*b        | -a*b",
      "(a^2)^3       | (a^2)^3",
      "a^(2^3)       | a^2^3",
      "(-a)^2        | (-a)^2",
      "-(a^2)        | -a^2",
      "a^(-2)        | a^-2",
      "a^(1 + 1)     | a^(1 + 1)",
      "a + (-b)      | a + -b",
      "sin((a))      | sin(a)",
      "W@x+b         | W @ x + b",
      "a @ (b @ c)   | a @ (b @ c)",
      "(a*b)@c       | a*b @ c",
      "a@(b*c)       | a @ (b*c)",
      "-a@b          | -a @ b",
  })
  void canonicalTextHasOnlyTheParenthesesTheTreeNeeds(String text, String canonical) {
    Expression e = Expression.parse(text);
    assertEquals(canonical, e.toString());
    assertEquals(e, Expression.parse(canonical));
  }

  @Test
  void treesBuiltInJavaAreCheckedLikeParsedOnes() {
    assertThrows(IllegalArgumentException.class, () -> number(-1));
    assertThrows(IllegalArgumentException.class, () -> number(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> variable("2x"));
    assertThrows(IllegalArgumentException.class, () -> variable("relu"));
    assertThrows(IllegalArgumentException.class, () -> binary(POW, X, Y));
    assertThrows(IllegalArgumentException.class, () -> call(MAX, X));
    assertThrows(IllegalArgumentException.class, () -> binary(MATMUL, number(2), X));
    assertEquals("x^(2 - 1)", Expression.of(binary(POW, X, binary(SUB, number(2), number(1)))).toString());
  }
}
