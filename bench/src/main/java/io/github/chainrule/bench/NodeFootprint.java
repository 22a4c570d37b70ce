package io.github.chainrule.bench;

import io.github.chainrule.autodiff.Tensor;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;

/**
 * Measures what a scalar node costs in memory: bytes retained per node while a graph is alive,
 * and bytes allocated per node by building it and by back-propagating through it. Prints one
 * JSON object, read by {@code bench/compare}.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     io.github.chainrule.bench.NodeFootprint</pre>
 *
 * <p>Retained bytes come from the heap in use after a full GC, with and without the graph
 * reachable; allocated bytes from HotSpot's per-thread allocation counter
 * ({@code com.sun.management.ThreadMXBean}), which counts every byte this thread allocated.
 */
public final class NodeFootprint {
  private static final int NODES = 100_000;

  private NodeFootprint() {}

  public static void main(String[] args) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long self = Thread.currentThread().getId();
    // Warm up so the counters measure compiled code, not the interpreter's first run.
    Tensor x0 = Tensor.scalar(0.3).requiresGrad();
    Tensor c = Tensor.scalar(0.5);
    for (int i = 0; i < 20; i++) {
      Workloads.scalarChain(x0, c, NODES);
    }

    long heapBefore = usedAfterGc();
    Tensor x = Tensor.scalar(0.3).named("x").requiresGrad();
    long a0 = threads.getThreadAllocatedBytes(self);
    Tensor s = x;
    for (int i = 0; i < NODES / 2; i++) {
      s = s.mul(c).add(x);
    }
    long a1 = threads.getThreadAllocatedBytes(self);
    long heapGraph = usedAfterGc();
    long a2 = threads.getThreadAllocatedBytes(self);
    s.backward();
    long a3 = threads.getThreadAllocatedBytes(self);
    long heapWithGrads = usedAfterGc();
    double check = s.item() + x.grad().item(); // keeps the graph reachable until here

    System.out.printf(Locale.ROOT,
        "{\"nodes\": %d, \"retained_bytes_per_node\": %.1f, \"retained_bytes_per_node_with_grads\": %.1f,"
            + " \"allocated_bytes_per_node_build\": %.1f, \"allocated_bytes_per_node_backward\": %.1f,"
            + " \"check\": %s}%n",
        NODES, (heapGraph - heapBefore) / (double) NODES, (heapWithGrads - heapBefore) / (double) NODES,
        (a1 - a0) / (double) NODES, (a3 - a2) / (double) NODES, Double.isFinite(check));
  }

  private static long usedAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
