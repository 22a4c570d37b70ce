package io.github.chainrule.autodiff.properties;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.autodiff.Tensor;
import java.util.ArrayDeque;
import java.util.Deque;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Not a test: surefire does not pick this class by name. {@link RandomGraphPrinterTest} runs it
 * through the JUnit Platform to see what a failing random-graph property reports. The property
 * fails, on purpose, on every graph holding a sine, as a property would with a broken sine
 * derivative; its message is the graph, as in {@link RandomGraphPropertyTest}.
 */
class ShrinkingFixture {
  @Provide
  Arbitrary<RandomGraph> graphs() {
    return RandomGraph.arbitrary();
  }

  @Property(seed = "20251125", tries = 2_000)
  void noGraphHoldsASine(@ForAll("graphs") RandomGraph graph) {
    assertTrue(!holdsSine(graph.build(graph.leaves())), graph::toString);
  }

  private static boolean holdsSine(Tensor out) {
    Deque<Tensor> todo = new ArrayDeque<>();
    todo.push(out);
    while (!todo.isEmpty()) {
      Tensor t = todo.pop();
      if (t.op() != null && t.op().name().equals("sin")) {
        return true;
      }
      t.inputs().forEach(todo::push);
    }
    return false;
  }
}
