package io.github.chainrule.bench;

import io.github.chainrule.autodiff.Tensor;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.function.DoubleSupplier;

/**
 * Per-step thread CPU time and allocation of the small-model workloads, for A/B comparisons on a
 * machine shared with other jobs. JMH times wall clock, which on a loaded 2-core VM measures the
 * scheduler as much as the code (runs of the same jar differed 2× there); the CPU time of the
 * measuring thread does not count the time it waits for a core. It leaves out the collector's own
 * threads, so read it next to JMH's {@code -prof gc} figures, not instead of them.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Xms1g -Xmx1g -cp bench/target/benchmarks.jar \
 *     io.github.chainrule.bench.CpuTimeProbe [seconds per workload] [micrograd|chain|mlp|wide]
 * </pre>
 *
 * Name one workload to run it alone in the JVM, as a JMH fork would: run together, the earlier
 * workloads' types reach the shared call sites and change what the JIT inlines for the later ones.
 */
public final class CpuTimeProbe {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private CpuTimeProbe() {}

  public static void main(String[] args) {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 4;
    String only = args.length > 1 ? args[1] : "";
    if (only.isEmpty() || only.equals("micrograd")) {
      Workloads.MicrogradDemo micrograd = new Workloads.MicrogradDemo();
      probe("micrograd demo step", seconds, micrograd::step);
    }
    if (only.isEmpty() || only.equals("chain")) {
      Tensor x = Tensor.scalar(0.3).named("x").requiresGrad();
      Tensor c = Tensor.scalar(0.5);
      probe("100k scalar nodes", seconds, () -> Workloads.scalarChain(x, c, 100_000));
    }
    if (only.isEmpty() || only.equals("mlp")) {
      Workloads.Mlp mlp = new Workloads.Mlp(Workloads.sizes("2-16-16-1"), 100, 42, 1e-3);
      probe("MLP 2-16-16-1 b100", seconds, mlp::step);
    }
    if (only.isEmpty() || only.equals("wide")) {
      Workloads.WideSgd wide = new Workloads.WideSgd();
      probe("1->1024->1 SGD", seconds, wide::step);
    }
  }

  /** Warms up for half the time, then reports min and median CPU µs per step and bytes per step. */
  private static void probe(String name, double seconds, DoubleSupplier step) {
    long tid = Thread.currentThread().getId();
    long warmEnd = System.nanoTime() + (long) (seconds * 0.5e9);
    double sink = 0;
    while (System.nanoTime() < warmEnd) {
      sink += step.getAsDouble();
    }
    // Batches of steps long enough (>= 1 ms of CPU) for the clock's resolution not to matter.
    int batch = 1;
    long t0 = THREADS.getCurrentThreadCpuTime();
    while (THREADS.getCurrentThreadCpuTime() - t0 < 1_000_000) {
      sink += step.getAsDouble();
      batch++;
    }
    double[] perStep = new double[200];
    int count = 0;
    long bytes0 = THREADS.getThreadAllocatedBytes(tid);
    long steps = 0;
    long end = System.nanoTime() + (long) (seconds * 1e9);
    while (count < perStep.length && System.nanoTime() < end) {
      long c0 = THREADS.getCurrentThreadCpuTime();
      for (int i = 0; i < batch; i++) {
        sink += step.getAsDouble();
      }
      perStep[count++] = (THREADS.getCurrentThreadCpuTime() - c0) / 1e3 / batch;
      steps += batch;
    }
    long bytes = THREADS.getThreadAllocatedBytes(tid) - bytes0;
    double[] s = Arrays.copyOf(perStep, count);
    Arrays.sort(s);
    System.out.printf("%-22s cpu min %10.2f  median %10.2f us/step  %10.0f B/step  (%d batches of %d)%s%n",
        name, s[0], s[count / 2], (double) bytes / steps, count, batch, sink == 42 ? " " : "");
  }
}
