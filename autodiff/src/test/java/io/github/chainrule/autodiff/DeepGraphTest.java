package io.github.chainrule.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * A chain of a million scalar ops goes through forward, backward and per-node gradients with no
 * recursion, and stays within a memory bound per node.
 *
 * <p>The bound. With compressed references (any heap under 32 GiB), a recorded scalar node is one
 * 80-byte {@code Tensor}: it holds its value and its one or two inputs in fields, not in arrays of
 * their own, and its recording number (the order a pass visits it in). The constant operand of
 * {@code mul(double)} is another 80-byte tensor. One link, {@code mul} then {@code sin}, is
 * therefore 240 bytes, which is what this test measured on JDK 17 (216 before the recording
 * number). The pass over scalars keeps each gradient as a double inside its node, so keeping
 * every gradient adds nothing (measured: 0); only a gradient asked for with {@code grad()} becomes
 * an 80-byte tensor, 160 bytes per link if all were asked for. The bound, 440 bytes per link, is
 * that 400 plus 10% for other JVM layouts.
 */
class DeepGraphTest {
  private static final int LINKS = 1_000_000;
  private static final double BYTES_PER_LINK_BOUND = 440;

  private static long usedAfterGc() {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }

  @Test
  void millionLinkChainKeepsEveryGradientWithinTheMemoryBound() {
    long before = usedAfterGc();
    Tensor x = Tensor.scalar(0.5).named("x").requiresGrad();
    Tensor y = x;
    for (int i = 0; i < LINKS; i++) {
      y = y.mul(1.0000001).sin();   // two ops per link, so 2,000,000 recorded nodes
    }
    long built = usedAfterGc();
    y.backward();
    long withGrads = usedAfterGc();

    double graphBytes = (built - before) / (double) LINKS;
    double gradBytes = (withGrads - built) / (double) LINKS;
    System.out.printf(Locale.ROOT, "deep chain: %d links (%d op nodes): %.0f bytes per link for the graph, "
        + "%.0f more with every gradient kept%n", LINKS, 2 * LINKS, graphBytes, gradBytes);

    // Every intermediate kept its gradient; spot-check the chain rule at the top of the chain.
    Tensor sinNode = y;
    Tensor mulNode = sinNode.inputs().get(0);
    assertEquals(Math.cos(mulNode.item()) * sinNode.grad().item(), mulNode.grad().item(), 1e-15);
    assertTrue(x.hasGrad() && Double.isFinite(x.grad().item()));
    assertTrue(graphBytes + gradBytes < BYTES_PER_LINK_BOUND,
        "bytes per link " + (graphBytes + gradBytes) + " above the documented bound " + BYTES_PER_LINK_BOUND);
  }
}
