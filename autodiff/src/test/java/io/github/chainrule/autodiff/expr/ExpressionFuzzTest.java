package io.github.chainrule.autodiff.expr;

import io.github.chainrule.autodiff.testing.RandomTensors;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.chainrule.autodiff.Tensor;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;

/**
 * The expression parser under Jazzer, a coverage-guided fuzzer: it mutates text towards branches of
 * the lexer and parser that no input has reached yet. {@link ExpressionPropertiesTest} covers the same
 * ground with jqwik's random generators; this one finds what only coverage feedback reaches.
 *
 * <p>Every input must either be refused with a {@link ParseException} that carries a reason and a
 * caret, or parse to an expression that prints and re-parses to itself, and, bound to scalars, to
 * broadcasting tensors and to matrices, either builds a graph of the shape {@link ExpectedShape}
 * works out (evaluating to the same bits as the built graph for scalars) and back-propagates a
 * gradient of the right shape to every variable, or is refused by the op whose shapes do not fit,
 * with a message naming the sub-expression and the shapes. Nothing else may happen: no
 * other exception, and no input running longer than {@value #CASE_BOUND_SECONDS} s (a hang). The
 * bound is kept here rather than with JUnit's {@code @Timeout}, which Jazzer's fuzzing mode would apply
 * to the whole fuzzing run.
 *
 * <p>A plain {@code mvn verify} replays the committed inputs in
 * {@code src/test/resources/io/github/chainrule/autodiff/expr/ExpressionFuzzTestInputs/}. To fuzz
 * for real (one target per JVM; the new corpus goes to {@code .cifuzz-corpus/}, findings into the
 * inputs directory, where they then replay as regression cases):
 * <pre>
 * JAZZER_FUZZ=1 JAZZER_MAX_DURATION=60s mvn -pl autodiff -am test -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dtest=ExpressionFuzzTest
 * </pre>
 */
class ExpressionFuzzTest {
  /** Shapes that all broadcast together, so elementwise expressions build with them: [], [3], [2,1], [2,3]. */
  private static final List<int[]> BROADCASTING = List.of(new int[0], new int[] {3}, new int[] {2, 1}, new int[] {2, 3});
  /** Shapes for matrix products: [2,2], [2], a batch [3,2,2]. */
  private static final List<int[]> MATRICES = List.of(new int[] {2, 2}, new int[] {2}, new int[] {3, 2, 2});

  /**
   * A hang guard, far above the microseconds a case takes: not a performance threshold. Generous
   * because when fuzzing, the first inputs also pay for Jazzer instrumenting every class they load.
   */
  private static final long CASE_BOUND_SECONDS = 60;

  private static ExecutorService worker = newWorker();

  private static ExecutorService newWorker() {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "expression-jazzer");
      t.setDaemon(true);  // a hung case must not keep the test JVM alive
      return t;
    });
  }

  @AfterAll
  static void stopWorker() {
    worker.shutdownNow();
  }

  @FuzzTest(maxDuration = "60s")
  @DictionaryEntries({"relu(", "sigmoid(", "tanh(", "exp(", "log(", "sqrt(", "abs(", "sin(", "cos(", "softplus(",
      "max(", "min(", "sum(", "mean(", "transpose(", ", 0)", ", -1)", ", 0, 1)", "@", " @ ", "W @ x", "^", "**", "1e-4", "1e999", ".5", "2.", "hidden.w1", "layers.0.bias", ", ", ")", "-"})
  void parsesBuildsAndDifferentiatesOrIsRefusedCleanly(FuzzedDataProvider data) throws Exception {
    String text = data.consumeRemainingAsString();
    Future<?> outcome = worker.submit(() -> check(text));
    try {
      outcome.get(CASE_BOUND_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException hung) {
      outcome.cancel(true);
      worker.shutdownNow();  // the hung thread keeps the old worker: later cases get a fresh one
      worker = newWorker();
      throw new AssertionError("no result within " + CASE_BOUND_SECONDS + " s for: " + abbreviate(text));
    } catch (ExecutionException failed) {
      if (failed.getCause() instanceof AssertionError) {
        throw (AssertionError) failed.getCause();
      }
      throw new AssertionError("unexpected " + failed.getCause() + " for: " + abbreviate(text), failed.getCause());
    }
  }

  private static void check(String text) {
    Expression e;
    try {
      e = Expression.parse(text);
    } catch (ParseException refused) {
      assertFalse(refused.reason().isEmpty(), "a ParseException without a reason");
      assertTrue(refused.getMessage().contains("^"), () -> "a ParseException without a caret: " + refused.getMessage());
      return;
    }
    assertEquals(e, Expression.parse(e.toString()), () -> "the canonical text of '" + text + "' parses differently");

    // Scalars: the graph and evaluate() agree to the bit, and every variable receives a scalar gradient.
    Map<String, Tensor> scalars = new LinkedHashMap<>();
    Map<String, Double> values = new HashMap<>();
    for (int i = 0; i < e.variables().size(); i++) {
      double v = 0.3 + 0.37 * i;
      scalars.put(e.variables().get(i), Tensor.scalar(v).requiresGrad());
      values.put(e.variables().get(i), v);
    }
    if (buildsWithTheExpectedShape(text, e, scalars)) {
      Tensor out = e.build(scalars);
      double evaluated = e.evaluate(values);
      assertEquals(0, Double.compare(out.item(), evaluated),
          () -> "'" + text + "': the graph gives " + out.item() + ", evaluate() gives " + evaluated);
      backwardReachesEveryVariable(text, out, scalars);
    }

    // Tensors: the output has the shape the documented rules give (broadcasting, matmul, reductions
    // whole or along an axis, transpose) or an op refuses, and each variable's gradient has the variable's shape.
    for (List<int[]> family : List.of(BROADCASTING, MATRICES)) {
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      for (int i = 0; i < e.variables().size(); i++) {
        tensors.put(e.variables().get(i), RandomTensors.uniform(i, -2, 2, family.get(i % family.size())).requiresGrad());
      }
      if (buildsWithTheExpectedShape(text, e, tensors)) {
        backwardReachesEveryVariable(text, e.build(tensors).sum(), tensors);
      }
    }
  }

  /**
   * Builds with {@code bindings} and checks the output's shape against {@link ExpectedShape}; where
   * the rules say an op must refuse, checks that it does, naming the sub-expression and the shapes.
   */
  private static boolean buildsWithTheExpectedShape(String text, Expression e, Map<String, Tensor> bindings) {
    Map<String, int[]> shapes = new HashMap<>();
    bindings.forEach((name, t) -> shapes.put(name, t.shape()));
    Optional<int[]> expected = ExpectedShape.of(e.root(), shapes);
    if (expected.isEmpty()) {
      IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> e.build(bindings),
          () -> "'" + text + "' should be refused for shapes " + describe(shapes));
      assertTrue(refused.getMessage().startsWith("in '") && refused.getMessage().contains("["),
          () -> "'" + text + "': a refusal that names no sub-expression or shape: " + refused.getMessage());
      return false;
    }
    assertArrayEquals(expected.get(), e.build(bindings).shape(), () -> text + " for shapes " + describe(shapes));
    return true;
  }

  private static String describe(Map<String, int[]> shapes) {
    StringBuilder out = new StringBuilder();
    shapes.forEach((name, s) -> out.append(name).append('=').append(Arrays.toString(s)).append(' '));
    return out.toString().trim();
  }

  private static void backwardReachesEveryVariable(String text, Tensor out, Map<String, Tensor> leaves) {
    if (leaves.isEmpty()) {
      assertFalse(out.needsGrad(), text);
      return;
    }
    out.backward();
    leaves.forEach((name, leaf) -> assertArrayEquals(leaf.shape(), leaf.grad().shape(),
        () -> "'" + text + "': the gradient of " + name + " has the wrong shape"));
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "... (" + text.length() + " chars)";
  }
}
