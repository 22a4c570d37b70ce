package io.github.chainrule.autodiff.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.expr.Node.Operator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Properties over many generated inputs:
 * <ol>
 *   <li>every well-formed tree prints to text that parses back to an equal tree;</li>
 *   <li>every string whatsoever (random Unicode, soups of the language's own tokens, valid text with
 *       one character changed, and very deep or long input) either parses, or throws
 *       {@link ParseException}; no other exception, and no case runs longer than its time bound.</li>
 * </ol>
 * A successful parse must also print and re-parse to itself and build a graph with every variable
 * bound. The number of inputs tried is printed at the end.
 */
class ExpressionPropertiesTest {
  /** Generous: a hang, not slowness, is what this bound is for. A case normally takes microseconds. */
  private static final long CASE_BOUND_SECONDS = 10;

  private static final AtomicLong TRIED = new AtomicLong();
  private static final AtomicLong PARSED = new AtomicLong();
  private static final AtomicLong REFUSED = new AtomicLong();
  private static final AtomicLong ROUND_TRIPS = new AtomicLong();
  private static ExecutorService worker;

  @BeforeContainer
  static void startWorker() {
    worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "expression-fuzz");
      t.setDaemon(true);  // a hung case must not keep the test JVM alive
      return t;
    });
  }

  @AfterContainer
  static void report() {
    worker.shutdownNow();
    System.out.printf("expression fuzz: %d inputs tried (%d parsed, %d refused with ParseException);"
        + " %d generated trees round-tripped%n", TRIED.get(), PARSED.get(), REFUSED.get(), ROUND_TRIPS.get());
  }

  // ---------------------------------------------------------------- 1. print and re-parse

  @Property(tries = 3000)
  void everyTreePrintsToTextThatParsesBackToAnEqualTree(@ForAll("trees") Node tree) {
    String text = Expression.of(tree).toString();
    Expression reparsed = Expression.parse(text);
    assertEquals(tree, reparsed.root(), text);
    assertEquals(text, reparsed.toString());
    ROUND_TRIPS.incrementAndGet();
  }

  @Provide
  Arbitrary<Node> trees() {
    return tree(6);
  }

  private Arbitrary<Node> tree(int depth) {
    if (depth == 0) {
      return leaf();
    }
    Arbitrary<Node> sub = Arbitraries.lazy(() -> tree(depth - 1));
    // '@' refuses constant operands (they are scalars); such a pair becomes a product instead.
    Arbitrary<Node> binary = Combinators.combine(
        Arbitraries.of(Operator.ADD, Operator.SUB, Operator.MUL, Operator.DIV, Operator.MATMUL), sub, sub)
        .as((op, a, b) -> op == Operator.MATMUL && (a.isConstant() || b.isConstant())
            ? Node.binary(Operator.MUL, a, b) : Node.binary(op, a, b));
    Arbitrary<Node> power = Combinators.combine(sub, constant(3)).as((b, e) -> Node.binary(Operator.POW, b, e));
    Arbitrary<Node> unaryCall = Combinators.combine(
        Arbitraries.of(Builtin.values()).filter(f -> f.arity() == 1), sub).as((f, a) -> (Node) Node.call(f, a));
    // Integer parameters from -3 to 3, some in range for the variables' shapes and some not.
    Arbitrary<Node> wholeNumber = Arbitraries.integers().between(-3, 3)
        .map(i -> i < 0 ? Node.negate(Node.number(-i)) : Node.number(i));
    Arbitrary<Node> callWithInts = Combinators.combine(
        Arbitraries.of(Builtin.values()).filter(f -> !f.ints().isEmpty() && f.tensors() == 1), sub, wholeNumber.list().ofSize(2))
        .as((f, a, ints) -> {
          Node[] args = new Node[1 + f.ints().size()];
          args[0] = a;
          for (int i = 1; i < args.length; i++) {
            args[i] = ints.get(i - 1);
          }
          return (Node) Node.call(f, args);
        });
    Arbitrary<Node> binaryCall = Combinators.combine(Arbitraries.of(Builtin.named("max").orElseThrow(), Builtin.named("min").orElseThrow()), sub, sub)
        .as((f, a, b) -> (Node) Node.call(f, a, b));
    return Arbitraries.frequencyOf(
        Tuple.of(3, leaf()),
        Tuple.of(4, binary),
        Tuple.of(1, sub.map(Node::negate)),
        Tuple.of(1, power),
        Tuple.of(2, unaryCall),
        Tuple.of(1, callWithInts),
        Tuple.of(1, binaryCall));
  }

  /** Exponents: trees without variables. */
  private Arbitrary<Node> constant(int depth) {
    if (depth == 0) {
      return number();
    }
    Arbitrary<Node> sub = Arbitraries.lazy(() -> constant(depth - 1));
    return Arbitraries.frequencyOf(
        Tuple.of(4, number()),
        Tuple.of(2, sub.map(Node::negate)),
        Tuple.of(1, Combinators.combine(
            Arbitraries.of(Operator.ADD, Operator.SUB, Operator.MUL, Operator.DIV, Operator.POW), sub, sub).as(Node::binary)),
        Tuple.of(1, sub.map(a -> Node.call(Builtin.named("sqrt").orElseThrow(), a))));
  }

  private Arbitrary<Node> leaf() {
    return Arbitraries.frequencyOf(Tuple.of(1, number()), Tuple.of(2, variable()));
  }

  private Arbitrary<Node> number() {
    return Arbitraries.oneOf(
        Arbitraries.of(0.0, 1.0, 2.0, 0.5, 1e-4, 0.1, 1e15, 123456789012345.0, Double.MIN_VALUE, Double.MAX_VALUE),
        Arbitraries.doubles().between(0, 1e6),
        Arbitraries.doubles().between(0, Double.MAX_VALUE))
        .map(Node::number);
  }

  private Arbitrary<Node> variable() {
    Arbitrary<String> part = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withChars('_')
        .ofMinLength(1).ofMaxLength(4);
    Arbitrary<String> tail = Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('_').ofMaxLength(3);
    Arbitrary<String> simple = Combinators.combine(part, tail).as(String::concat);
    Arbitrary<String> dotted = Combinators.combine(simple, simple, Arbitraries.integers().between(0, 9))
        .as((a, b, i) -> a + "." + i + "." + b);
    return Arbitraries.frequencyOf(Tuple.of(4, simple), Tuple.of(1, dotted))
        .filter(name -> Builtin.named(name).isEmpty())
        .map(Node::variable);
  }

  // ---------------------------------------------------------------- 2. arbitrary text: parse or ParseException

  @Property(tries = 10_000)
  void arbitraryUnicodeParsesOrIsRefusedCleanly(@ForAll("unicode") String text) throws Exception {
    parseOrRefuse(text);
  }

  @Property(tries = 10_000)
  void soupsOfTheLanguagesTokensParseOrAreRefusedCleanly(@ForAll("tokenSoup") String text) throws Exception {
    parseOrRefuse(text);
  }

  @Property(tries = 10_000)
  void validTextWithOneCharacterChangedParsesOrIsRefusedCleanly(@ForAll("mutated") String text) throws Exception {
    parseOrRefuse(text);
  }

  @Property(tries = 200)
  void deepAndLongInputIsRefusedCleanlyOrParsed(@ForAll("hostile") String text) throws Exception {
    parseOrRefuse(text);
  }

  @Provide
  Arbitrary<String> unicode() {
    // all(): any char, lone surrogates included.
    return Arbitraries.strings().all().ofMaxLength(80);
  }

  @Provide
  Arbitrary<String> tokenSoup() {
    Arbitrary<String> token = Arbitraries.of(
        "x", "y", "w1", "hidden.w1", "a.", "2", "0.5", ".5", "2.", "1e-4", "1e", "1e999", "1e-999", "007",
        "+", "-", "*", "/", "^", "**", "(", ")", ",", " ", "\t", "\n", ".",
        "relu", "sigmoid", "tanh", "exp", "log", "sqrt", "abs", "sin", "cos", "softplus", "max", "min", "sigmod",
        "sum", "mean", "transpose", "transpose(", "@", " @ ", "W.T", "sum(", "sum(x, 0)", "mean(x, -1)", ", 1",
        ", -2", "transpose(x, 0, 1)",
        "relu(", "max(", "\u2212", "\u00d7", "\u00b2", "\u03b8", "#", "\u0000", "\ud83d\ude00", "\ud800");
    return token.list().ofMaxSize(40).map(tokens -> String.join("", tokens));
  }

  @Provide
  Arbitrary<String> mutated() {
    Arbitrary<String> valid = trees().map(tree -> Expression.of(tree).toString());
    Arbitrary<Character> replacement = Arbitraries.oneOf(
        Arbitraries.of('(', ')', ',', '.', '-', '+', '*', '/', '@', '^', 'e', 'E', '0', '9', 'x', ' ', '_'),
        Arbitraries.chars());
    return Combinators.combine(valid, Arbitraries.integers().between(0, 1000), replacement,
        Arbitraries.of("insert", "delete", "replace")).as((text, at, c, how) -> {
          int i = text.isEmpty() ? 0 : at % text.length();
          switch (how) {
            case "insert": return text.substring(0, i) + c + text.substring(i);
            case "delete": return text.isEmpty() ? text : text.substring(0, i) + text.substring(i + 1);
            default: return text.isEmpty() ? String.valueOf(c) : text.substring(0, i) + c + text.substring(i + 1);
          }
        });
  }

  @Provide
  Arbitrary<String> hostile() {
    Arbitrary<Integer> n = Arbitraries.integers().between(1, 12_000);
    return Combinators.combine(n, Arbitraries.of("(", "-", "sin(", "x^", "x^-", "x+", "x*", "1", "a.", "((x)+"))
        .as((count, unit) -> unit.repeat(Math.min(count, 12_000 / unit.length() + 1)));
  }

  /** The property itself: on a worker thread with a time bound, the only outcomes are a parse or a ParseException. */
  private static void parseOrRefuse(String text) throws Exception {
    TRIED.incrementAndGet();
    Future<Boolean> outcome = worker.submit(() -> {
      Expression e;
      try {
        e = Expression.parse(text);
      } catch (ParseException refused) {
        if (refused.reason().isEmpty() || !refused.getMessage().contains("^")) {
          throw new AssertionError("a ParseException without a reason or caret: " + refused.getMessage());
        }
        return false;
      }
      // Accepted text must mean something: it prints back to an equal tree, and with scalars bound
      // it builds a graph, unless it multiplies matrices or transposes, which scalars are not.
      assertEquals(e, Expression.parse(e.toString()), text);
      Map<String, Tensor> bindings = new HashMap<>();
      Map<String, int[]> shapes = new HashMap<>();
      for (String v : e.variables()) {
        bindings.put(v, Tensor.scalar(0.7));
        shapes.put(v, new int[0]);
      }
      if (ExpectedShape.of(e.root(), shapes).isPresent()) {
        e.build(bindings).item();
      } else {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> e.build(bindings), text);
        assertTrue(refused.getMessage().matches("(?s)in '.*': (matmul|transpose|sum|mean): .*\\[.*"), refused.getMessage());
      }
      return true;
    });
    try {
      (outcome.get(CASE_BOUND_SECONDS, TimeUnit.SECONDS) ? PARSED : REFUSED).incrementAndGet();
    } catch (TimeoutException hung) {
      outcome.cancel(true);
      throw new AssertionError("no result within " + CASE_BOUND_SECONDS + " s for: " + abbreviate(text));
    } catch (ExecutionException failed) {
      throw new AssertionError("unexpected " + failed.getCause() + " for: " + abbreviate(text), failed.getCause());
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "... (" + text.length() + " chars)";
  }
}
