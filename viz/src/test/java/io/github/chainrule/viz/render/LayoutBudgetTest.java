package io.github.chainrule.viz.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.viz.Fixtures;
import io.github.chainrule.viz.dot.DotOptions;
import io.github.chainrule.viz.report.HtmlReport;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Graphs too large to lay out are drawn collapsed, and the drawing says so. */
class LayoutBudgetTest {
  @Test
  void aGraphWithinTheBudgetIsDrawnAsAskedFor() {
    DotOptions options = DotOptions.defaults();
    LayoutBudget.Plan plan = LayoutBudget.plan(Fixtures.mlpLoss(true), options);
    assertSame(options, plan.options());
    assertEquals("", plan.note());
  }

  @Test
  void aLargerGraphIsCollapsedWithANoteSayingHowMuch() {
    Tensor chain = Fixtures.tanhChain(5_000);
    LayoutBudget.Plan plan = LayoutBudget.plan(chain, DotOptions.defaults());
    assertEquals(LayoutBudget.CHAIN, plan.options().collapsedChains());
    assertEquals(LayoutBudget.MAX_NODES, plan.options().maxNodes());
    assertTrue(plan.note().startsWith("The graph has 5,001 nodes, more than the 1,000"), plan.note());
  }

  @Test
  void optionsThatAlreadyDrawFewerNodesAreKept() {
    DotOptions few = DotOptions.defaults().withMaxNodes(50);
    assertSame(few, LayoutBudget.plan(Fixtures.tanhChain(5_000), few).options());
  }

  @Test
  void theReportDrawsTheCollapsedGraphAndSaysWhy() throws IOException {
    String html = HtmlReport.titled("Deep").graph("Chain", Fixtures.tanhChain(5_000), DotOptions.defaults()).toHtml();
    assertTrue(html.contains("<p>Chain: The graph has 5,001 nodes"), "the note");
    assertTrue(html.contains("4,998 nodes in a chain"), "the chain drawn as one box");
  }
}
