package io.github.chainrule.autodiff.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.expr.Expression;
import io.github.chainrule.autodiff.properties.RandomGraph.Op;
import io.github.chainrule.autodiff.properties.RandomGraph.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * A failing random graph is reported as an expression a person can read and paste: the printer
 * writes the recipe as one expression over the leaves, that expression computes what the graph
 * computes, and jqwik shrinks a failure to the smallest recipe before printing it.
 */
class RandomGraphPrinterTest {

  @Test
  void aRecipePrintsAsOneExpressionOverItsLeaves() {
    // x0 [2,3], x1 scalar; step 1: x0 + x1 (node 2); step 2: relu of node 2; step 3: node 3 times x1.
    RandomGraph g = new RandomGraph(new int[] {0, 3}, 7, List.of(
        new Step(Op.ADD.ordinal(), 0, 1), new Step(Op.RELU.ordinal(), 2, 0), new Step(Op.MUL.ordinal(), 3, 1)));
    assertEquals("(relu((x0 + x1)) * x1)   with x0[2,3], x1[], value seed 7", g.toString());
    // Indices wrap around the nodes made so far, exactly as when building: 5 mod 2 is x1.
    RandomGraph wrapped = new RandomGraph(new int[] {1, 2}, -3, List.of(new Step(Op.SQRT.ordinal() + Op.values().length, 5, 0)));
    assertEquals("sqrt((x1)^2 + 0.1)   with x0[3], x1[2,1], value seed -3", wrapped.toString());
  }

  /** The ops whose printed form is also the expression language's syntax. */
  private static final List<Op> IN_THE_LANGUAGE = List.of(Op.NEG, Op.SQUARE, Op.SQRT, Op.EXP, Op.LOG, Op.ABS,
      Op.RELU, Op.SIGMOID, Op.TANH, Op.SIN, Op.COS, Op.SOFTPLUS, Op.POW, Op.ADD, Op.SUB, Op.MUL, Op.DIV);

  @Provide
  Arbitrary<RandomGraph> expressible() {
    Arbitrary<Step> step = Combinators.combine(Arbitraries.of(IN_THE_LANGUAGE).map(Op::ordinal),
        Arbitraries.integers().between(0, 9), Arbitraries.integers().between(0, 9)).as(Step::new);
    Arbitrary<int[]> leafShapes = Arbitraries.integers().between(0, RandomGraph.SHAPES.length - 1)
        .array(int[].class).ofMinSize(1).ofMaxSize(3);
    return Combinators.combine(leafShapes, Arbitraries.longs(), step.list().ofMinSize(1).ofMaxSize(8))
        .as(RandomGraph::new);
  }

  @Property(tries = 300)
  void thePrintedExpressionComputesWhatTheGraphComputes(@ForAll("expressible") RandomGraph graph) {
    String printed = graph.toString();
    String expression = printed.substring(0, printed.indexOf("   with "));
    Tensor[] leaves = graph.leaves();
    Expression e = Expression.parse(expression);
    Map<String, Tensor> bindings = new HashMap<>();
    for (String v : e.variables()) {
      bindings.put(v, leaves[Integer.parseInt(v.substring(1))].detach());
    }
    double[] want = graph.build(leaves).data();
    double[] got = e.build(bindings).data();
    assertEquals(want.length, got.length, printed);
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], 1e-12 * Math.max(1, Math.abs(want[i])), printed);
    }
  }

  @Test
  void aFailingPropertyShrinksToTheSmallestGraphAndPrintsItAsAnExpression() {
    List<Throwable> failures = new ArrayList<>();
    Launcher launcher = LauncherFactory.create();
    launcher.execute(LauncherDiscoveryRequestBuilder.request()
        .selectors(selectClass(ShrinkingFixture.class))
        .configurationParameter("jqwik.database", "target/jqwik-fixture-database")
        .configurationParameter("jqwik.reporting.onlyfailures", "true")
        // The fixture's report goes to the platform's listeners, not to the build's console.
        .configurationParameter("jqwik.reporting.usejunitplatform", "true")
        .build(), new TestExecutionListener() {
          @Override
          public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            result.getThrowable().filter(t -> id.isTest()).ifPresent(failures::add);
          }
        });
    assertEquals(1, failures.size(), () -> "failures: " + failures);
    Throwable shrunk = failures.get(0);
    assertNotNull(shrunk.getMessage());
    // One leaf of the first shape, value seed 0, one step: the sine itself.
    String message = shrunk.getMessage();
    assertEquals("sin(x0)   with x0[2,3], value seed 0", message.substring(0, message.indexOf(" ==> ")), message);
  }
}
