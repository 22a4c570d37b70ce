package io.github.chainrule.autodiff.expr;

import io.github.chainrule.autodiff.testing.RandomTensors;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * caret, or parse to an expression that prints and re-parses to itself, builds a graph with scalar
 * and with broadcasting tensor bindings, evaluates to the same bits as the built graph, and
 * back-propagates a gradient of the right shape to every variable. Nothing else may happen: no
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
  /** Shapes that all broadcast together, so any parsed expression builds with them: [], [3], [2,1], [2,3]. */
  private static final List<int[]> SHAPES = List.of(new int[0], new int[] {3}, new int[] {2, 1}, new int[] {2, 3});

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
      "max(", "min(", "^", "**", "1e-4", "1e999", ".5", "2.", "hidden.w1", "layers.0.bias", ", ", ")", "-"})
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
    Tensor out = e.build(scalars);
    assertEquals(0, out.rank(), text);
    double evaluated = e.evaluate(values);
    assertEquals(0, Double.compare(out.item(), evaluated),
        () -> "'" + text + "': the graph gives " + out.item() + ", evaluate() gives " + evaluated);
    backwardReachesEveryVariable(text, out, scalars);

    // Tensors that broadcast: the output has the broadcast shape of the variables, and each gradient its variable's.
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    int[] expected = new int[0];
    for (int i = 0; i < e.variables().size(); i++) {
      int[] shape = SHAPES.get(i % SHAPES.size());
      tensors.put(e.variables().get(i), RandomTensors.uniform(i, -2, 2, shape).requiresGrad());
      expected = broadcast(expected, shape);
    }
    Tensor broadcastOut = e.build(tensors);
    assertArrayEquals(expected, broadcastOut.shape(), text);
    backwardReachesEveryVariable(text, broadcastOut.sum(), tensors);
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

  /** NumPy broadcasting of two shapes known to be compatible. */
  private static int[] broadcast(int[] a, int[] b) {
    int[] out = new int[Math.max(a.length, b.length)];
    Arrays.fill(out, 1);
    for (int i = 1; i <= out.length; i++) {
      int da = i <= a.length ? a[a.length - i] : 1;
      int db = i <= b.length ? b[b.length - i] : 1;
      out[out.length - i] = Math.max(da, db);
    }
    return out;
  }
}
