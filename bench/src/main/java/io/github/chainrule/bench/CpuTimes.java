package io.github.chainrule.bench;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.init.RandomTensors;
import io.github.chainrule.autodiff.kernels.Parallelism;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * The single-thread workloads of {@link Benchmarks}, timed in process CPU time instead of wall
 * time, for {@code bench/compare --cpu-time}. On a machine whose cores are shared with other
 * busy processes (load averages of 10–25 were common while this was written), wall time measures
 * the scheduler: a JMH run there put a 2-16-16-1 training step at 42 ms instead of ~30 µs, because
 * the JIT's own threads barely ran. Process CPU time counts only the time this JVM ran, GC and
 * JIT threads included, so the allocation a workload causes is still paid for; what it cannot
 * remove is the slowdown other processes cause through shared caches, memory bandwidth and (on
 * the host) shared cores.
 *
 * <p>Each workload is warmed up for {@code cpu.warmup} seconds of CPU time, then timed in
 * batches of at least 250 ms for {@code cpu.measure} seconds; the score is the CPU time of the
 * whole measurement per call (GC included), the batches are kept as raw data. Prints JMH's JSON format
 * (the fields {@code compare_report.py} reads), so one report serves both.
 *
 * <pre>java --add-modules jdk.incubator.vector -Xms1g -Xmx1g -XX:+AlwaysPreTouch \
 *     -cp bench/target/benchmarks.jar io.github.chainrule.bench.CpuTimes [regex]</pre>
 */
public final class CpuTimes {
  private CpuTimes() {}

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /** A workload: JMH's benchmark name and parameters, and one call. */
  record Work(String benchmark, Map<String, String> params, DoubleSupplier call) {}

  static volatile double sink;

  public static void main(String[] args) {
    Parallelism.setThreads(1);
    String filter = args.length > 0 ? args[0] : ".*";
    double warmup = Double.parseDouble(System.getProperty("cpu.warmup", "4"));
    double measure = Double.parseDouble(System.getProperty("cpu.measure", "4"));
    List<Work> works = new ArrayList<>();
    for (int n : new int[] {64, 128, 256, 512, 1024}) {
      Tensor a = RandomTensors.randn(1, n, n);
      Tensor b = RandomTensors.randn(2, n, n);
      works.add(new Work("Matmul.matmul", Map.of("n", "" + n, "threads", "1"), () -> a.matmul(b).data()[0]));
    }
    Benchmarks.Peak peak = new Benchmarks.Peak();
    works.add(new Work("Peak.fma8", Map.of(), peak::fma8));
    works.add(new Work("Peak.fma12", Map.of(), peak::fma12));
    works.add(new Work("Peak.fma14", Map.of(), peak::fma14));
    Benchmarks.Elementwise e = new Benchmarks.Elementwise();
    e.size = 1 << 20;
    e.setup();
    e.output();
    Map<String, String> size = Map.of("size", "" + e.size);
    works.add(new Work("Elementwise.add", size, () -> e.add().data()[0]));
    works.add(new Work("Elementwise.relu", size, () -> e.relu().data()[0]));
    works.add(new Work("Elementwise.sum", size, e::sum));
    works.add(new Work("Elementwise.addKernel", size, () -> e.addKernel()[0]));
    works.add(new Work("Elementwise.reluKernel", size, () -> e.reluKernel()[0]));
    works.add(new Work("Elementwise.allocate", size, () -> e.allocate().length));
    for (String config : new String[] {"2-16-16-1:100", "784-256-10:64", "784-512-512-10:128"}) {
      String[] parts = config.split(":");
      Workloads.Mlp mlp = new Workloads.Mlp(Workloads.sizes(parts[0]), Integer.parseInt(parts[1]), 42, 1e-3);
      works.add(new Work("Mlp.trainStep", Map.of("config", config, "threads", "1"), mlp::step));
    }
    Workloads.WideSgd wide = new Workloads.WideSgd();
    works.add(new Work("WideSgd.step", Map.of(), wide::step));
    Workloads.MicrogradDemo demo = new Workloads.MicrogradDemo();
    works.add(new Work("Micrograd.step", Map.of(), demo::step));
    Workloads.MicrogradAdjoint adjoint = new Workloads.MicrogradAdjoint();
    works.add(new Work("MicrogradAdjoint.step", Map.of(), adjoint::step));
    Tensor x = Tensor.scalar(0.3).named("x").requiresGrad();
    Tensor c = Tensor.scalar(0.5);
    works.add(new Work("ScalarGraph.build100kAndBackward", Map.of(), () -> Workloads.scalarChain(x, c, 100_000)));
    Benchmarks.ScalarGraph plain = new Benchmarks.ScalarGraph();
    works.add(new Work("ScalarGraph.plainLoop100k", Map.of(), plain::plainLoop100k));

    StringBuilder json = new StringBuilder("[\n");
    for (Work w : works) {
      if (!w.benchmark().matches(filter)) {
        continue;
      }
      double[] timed = time(w.call(), warmup, measure);
      double[] perCall = Arrays.copyOf(timed, timed.length - 1);
      double mean = timed[timed.length - 1];
      double best = Arrays.stream(perCall).min().orElse(mean);
      double median = mean;
      System.err.printf(Locale.ROOT, "  chainrule %-34s %-40s %12.2f us (mean over %d batches, best %.2f)%n",
          w.benchmark(), w.params(), mean, perCall.length, best);
      if (json.length() > 2) {
        json.append(",\n");
      }
      StringBuilder params = new StringBuilder();
      w.params().forEach((k, v) -> params.append(params.length() == 0 ? "" : ", ")
          .append('"').append(k).append("\": \"").append(v).append('"'));
      StringBuilder raw = new StringBuilder();
      for (double v : perCall) {
        raw.append(raw.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", v));
      }
      json.append(String.format(Locale.ROOT,
          "  {\"benchmark\": \"io.github.chainrule.bench.Benchmarks.%s\", \"params\": {%s}, "
              + "\"primaryMetric\": {\"score\": %.4f, \"scoreUnit\": \"us/op\", \"rawData\": [[%s]]}}",
          w.benchmark(), params, median, raw));
    }
    json.append("\n]");
    System.out.println(json);
  }

  /**
   * Per-call CPU microseconds of each measured batch, the last element being the mean over all
   * of them. HotSpot reads process CPU time from times(), in 10 ms ticks, so batches run for at
   * least 250 ms (a tick is then 4 % of one batch) and the score is the total over the whole
   * measurement divided by the calls, which a tick moves by 0.25 % in 4 s.
   */
  static double[] time(DoubleSupplier call, double warmupSeconds, double measureSeconds) {
    long t0 = OS.getProcessCpuTime();
    long warmEnd = t0 + (long) (warmupSeconds * 1e9);
    while (OS.getProcessCpuTime() < warmEnd) {
      sink = call.getAsDouble();
    }
    // Calibrate on warm code: the warm-up's average includes the interpreter's first calls.
    long c0 = OS.getProcessCpuTime();
    int calibration = 0;
    while (OS.getProcessCpuTime() - c0 < 100_000_000L) {
      sink = call.getAsDouble();
      calibration++;
    }
    double perCall = (OS.getProcessCpuTime() - c0) / (double) calibration;
    int batch = (int) Math.max(1, Math.ceil(250e6 / Math.max(1, perCall)));
    List<Double> out = new ArrayList<>();
    long start = OS.getProcessCpuTime();
    long measureEnd = start + (long) (measureSeconds * 1e9);
    long total = 0;
    while (OS.getProcessCpuTime() < measureEnd || out.size() < 3) {
      long s = OS.getProcessCpuTime();
      for (int i = 0; i < batch; i++) {
        sink = call.getAsDouble();
      }
      out.add((OS.getProcessCpuTime() - s) / 1e3 / batch);
      total += batch;
    }
    out.add((OS.getProcessCpuTime() - start) / 1e3 / total);
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
