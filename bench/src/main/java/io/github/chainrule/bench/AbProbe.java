package io.github.chainrule.bench;

import io.github.chainrule.autodiff.GradMode;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.kernels.Comparison;
import io.github.chainrule.autodiff.ops.Arithmetic;
import io.github.chainrule.autodiff.ops.Elementwise;
import io.github.chainrule.autodiff.ops.Functions;
import io.github.chainrule.nn.init.RandomTensors;
import io.github.chainrule.autodiff.kernels.Binary;
import io.github.chainrule.autodiff.kernels.Kernels;
import io.github.chainrule.autodiff.kernels.Unary;
import io.github.chainrule.autodiff.kernels.VectorKernels;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Side-by-side timing of variants in one JVM, interleaved call by call (A, B, C, A, B, C, …), so
 * that a change in the machine's load hits every variant alike. On a core shared with other
 * processes a JMH run of A followed by one of B measures the load as much as the code; this
 * compares the variants within each round and reports the median over rounds of thread CPU time
 * (which excludes time spent waiting for a core) and of wall time, and the best round.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     io.github.chainrule.bench.AbProbe gemm 64,256,1024 6x2,4x3
 * java ... AbProbe gemm 1024 4x3,4x3:128:96:inplace,4x3:256:96:packed   (tile:kc:mc:A, blocking)
 * java ... AbProbe elementwise 1048576
 * java ... AbProbe relubackward 1048576
 * java ... AbProbe addrelu 128 512
 * java ... AbProbe mlpfused 784-512-512-10 128
 * java ... AbProbe mlpparts      (the large MLP's step against its GEMMs above the threshold)
 * java ... AbProbe mlp2cpu       (its step on 2 threads: CPU time of the caller and of the pool)
 * </pre>
 *
 * <p>Besides time, each variant's median bytes allocated per call (the thread's allocation counter).
 */
public final class AbProbe {
  private AbProbe() {}

  /** One timed thing: a name and a call. */
  record Variant(String name, Runnable call, double work) {
    Variant(String name, Runnable call) {
      this(name, call, 0);
    }
  }

  public static void main(String[] args) {
    String what = args.length > 0 ? args[0] : "gemm";
    int seconds = Integer.getInteger("ab.seconds", 6);
    // One thread: CPU time is the calling thread's, and GEMMs from 2^20 multiply-adds would
    // otherwise hand half their work to the pool, where it is not counted.
    io.github.chainrule.autodiff.kernels.Parallelism.setThreads(Integer.getInteger("ab.threads", 1));
    switch (what) {
      case "gemm": {
        int[] sizes = ints(args.length > 1 ? args[1] : "64,128,256,512,1024");
        String[] tiles = (args.length > 2 ? args[2] : "6x2,4x3").split(",");
        for (int n : sizes) {
          double[] a = RandomTensors.randn(1, n, n).data();
          double[] b = RandomTensors.randn(2, n, n).data();
          List<Variant> vs = new ArrayList<>();
          for (String t : tiles) {
            // A tile ("4x3"), or a tile with its blocking: "4x3:128:96:packed" (kc, mc, and
            // "packed" to pack A always or "inplace" to read an untransposed A in place).
            String[] f = t.split(":");
            Kernels k = f.length == 1 ? new VectorKernels(t)
                : new VectorKernels(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]), f[3].equals("packed"));
            vs.add(new Variant(t, () -> k.gemm(false, false, n, n, n, a, 0, b, 0, new double[n * n], 0)));
          }
          report("gemm n=" + n, 2.0 * n * n * n, "GFLOPS", vs, seconds);
        }
        break;
      }
      case "elementwise": {
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 1 << 20;
        Tensor ta = RandomTensors.randn(1, size);
        Tensor tb = RandomTensors.randn(2, size);
        Tensor tout = Tensor.zeros(size);
        double[] out = tout.data();
        Kernels k = Kernels.get();
        Kernels java = new io.github.chainrule.autodiff.kernels.JavaKernels();
        List<Variant> vs = List.of(
            new Variant("a.add(b)", () -> sink = ta.add(tb)),
            new Variant("ADD.forwardInto(out, a, b)", () -> Arithmetic.ADD.forwardInto(tout, ta, tb)),
            new Variant("add kernel, reused out", () -> k.binary(Binary.ADD, ta.data(), 0, tb.data(), 0, out, 0, size)),
            new Variant("a.relu()", () -> sink = ta.relu()),
            new Variant("RELU.forwardInto(out, a)", () -> Functions.RELU.forwardInto(tout, ta)),
            new Variant("relu kernel, reused out", () -> k.unary(Unary.RELU, 0, ta.data(), 0, out, 0, size)),
            new Variant("new double[size]", () -> sink = new double[size]),
            new Variant("add, plain-Java kernel", () -> java.binary(Binary.ADD, ta.data(), 0, tb.data(), 0, out, 0, size)),
            new Variant("relu, plain-Java kernel", () -> java.unary(Unary.RELU, 0, ta.data(), 0, out, 0, size)));
        report("elementwise size=" + size, 0, "", vs, seconds);
        break;
      }
      case "relubackward": {
        // relu's VJP as main computes it (g times a step mask tensor) against the fused one.
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 1 << 20;
        Tensor x = RandomTensors.randn(1, size);
        Tensor g = RandomTensors.randn(2, size);
        Tensor[] in = {x};
        try (GradMode.Scope off = Tensor.noGrad()) {
          report("relu backward size=" + size, 0, "", List.of(
              new Variant("g.mul(mask(step, x))", () -> sink = g.mul(Elementwise.mask(Comparison.STEP, x, 0.0))),
              new Variant("masked(step, x, g), fused", () -> sink = Elementwise.masked(Comparison.STEP, x, 0.0, g)),
              new Variant("RELU.backward (engine's call)", () -> sink = Functions.RELU.backward(in, null, g))), seconds);
        }
        break;
      }
      case "addrelu": {
        // A hidden layer's bias and ReLU, forward only, no graph: [batch, width] against [width].
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int width = args.length > 2 ? Integer.parseInt(args[2]) : 512;
        Tensor z = RandomTensors.randn(1, batch, width);
        Tensor b = RandomTensors.randn(2, width);
        report("bias + relu [" + batch + ", " + width + "]", 0, "", List.of(
            new Variant("z.add(b).relu()", () -> sink = z.add(b).relu()),
            new Variant("apply(ADD_RELU, z, b)", () -> sink = Tensor.apply(Arithmetic.ADD_RELU, z, b))), seconds);
        break;
      }
      case "mlpfused": {
        // The large MLP's training step, with its hidden layers' bias + ReLU as two nodes or one.
        String spec = args.length > 1 ? args[1] : "784-512-512-10";
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        Workloads.Mlp plain = new Workloads.Mlp(Workloads.sizes(spec), batch, 42, 1e-3);
        Workloads.Mlp fused = new Workloads.Mlp(Workloads.sizes(spec), batch, 42, 1e-3).fuseBiasRelu(true);
        report("MLP " + spec + " b" + batch + " step, bias + relu as two nodes or one", 0, "", List.of(
            new Variant("add, relu", () -> sinkD = plain.step()),
            new Variant("addRelu", () -> sinkD = fused.step())), seconds);
        break;
      }
      case "gemmpeak": {
        // GEMM and the peak probes interleaved: the probe must read above the GEMM it bounds.
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        double[] a = RandomTensors.randn(1, n, n).data();
        double[] b = RandomTensors.randn(2, n, n).data();
        Kernels k = Kernels.get();
        Benchmarks.Peak p = new Benchmarks.Peak();
        report("gemm n=" + n + " against the FMA probes", 0, "GFLOPS", List.of(
            new Variant("gemm " + n, () -> k.gemm(false, false, n, n, n, a, 0, b, 0, new double[n * n], 0), 2.0 * n * n * n),
            new Variant("fma8", () -> sinkD = p.fma8(), Benchmarks.Peak.flops(8)),
            new Variant("fma12", () -> sinkD = p.fma12(), Benchmarks.Peak.flops(12)),
            new Variant("fma14", () -> sinkD = p.fma14(), Benchmarks.Peak.flops(14))), seconds);
        break;
      }
      case "mlp2": {
        // The large MLP's training step on 1 and 2 kernel threads, alternating: wall time, since
        // CPU time cannot show what a second thread saves.
        Workloads.Mlp mlp = new Workloads.Mlp(Workloads.sizes("784-512-512-10"), 128, 42, 1e-3);
        report("MLP 784-512-512-10 b128 step, 1 against 2 threads", 0, "", List.of(
            new Variant("1 thread", () -> {
              io.github.chainrule.autodiff.kernels.Parallelism.setThreads(1);
              sinkD = mlp.step();
            }),
            new Variant("2 threads", () -> {
              io.github.chainrule.autodiff.kernels.Parallelism.setThreads(2);
              sinkD = mlp.step();
            })), seconds);
        break;
      }
      case "mlpparts": {
        // Where the large MLP's single-thread step goes: the step against its five GEMMs above
        // the parallel threshold, called directly at the step's shapes and transposes. The rest
        // of the step (what stays on the calling thread) is the step minus their sum.
        Workloads.Mlp mlp = new Workloads.Mlp(Workloads.sizes("784-512-512-10"), 128, 42, 1e-3);
        Kernels k = Kernels.get();
        List<Variant> vs = new ArrayList<>();
        vs.add(new Variant("step", () -> sinkD = mlp.step()));
        int[][] shapes = {{0, 0, 128, 512, 784}, {0, 0, 128, 512, 512}, {0, 1, 128, 512, 512},
            {1, 0, 512, 512, 128}, {1, 0, 784, 512, 128}};
        for (int[] s : shapes) {
          boolean ta = s[0] == 1;
          boolean tb = s[1] == 1;
          int m = s[2];
          int n = s[3];
          int kk = s[4];
          double[] a = RandomTensors.randn(1, m * kk).data();
          double[] b = RandomTensors.randn(2, kk * n).data();
          double[] c = new double[m * n];
          vs.add(new Variant("gemm" + (ta ? "T" : "N") + (tb ? "T" : "N") + " " + m + "x" + n + "x" + kk,
              () -> k.gemm(ta, tb, m, n, kk, a, 0, b, 0, c, 0), 2.0 * m * n * kk));
        }
        report("MLP 784-512-512-10 b128 step and its large GEMMs, "
            + io.github.chainrule.autodiff.kernels.Parallelism.threads() + " thread(s)", 0, "GFLOPS", vs, seconds);
        break;
      }
      case "mlp2cpu": {
        // The large MLP's step on 2 kernel threads: CPU time of the calling thread against that
        // of the pool's threads. What the caller runs alone is the serial part Amdahl's law needs.
        io.github.chainrule.autodiff.kernels.Parallelism.setThreads(2);
        Workloads.Mlp mlp = new Workloads.Mlp(Workloads.sizes("784-512-512-10"), 128, 42, 1e-3);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long warmEnd = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < warmEnd) {
          sinkD = mlp.step();
        }
        long[] workers = Arrays.stream(mx.getThreadInfo(mx.getAllThreadIds()))
            .filter(t -> t != null && t.getThreadName().equals("chainrule-kernel"))
            .mapToLong(java.lang.management.ThreadInfo::getThreadId).toArray();
        long w0 = 0;
        for (long id : workers) {
          w0 += mx.getThreadCpuTime(id);
        }
        long c0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        int steps = 0;
        long end = t0 + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
          sinkD = mlp.step();
          steps++;
        }
        long wall = System.nanoTime() - t0;
        long caller = mx.getCurrentThreadCpuTime() - c0;
        long w1 = 0;
        for (long id : workers) {
          w1 += mx.getThreadCpuTime(id);
        }
        System.out.printf(Locale.ROOT, "MLP 784-512-512-10 b128 step, 2 threads: %d steps; load average %s%n"
            + "  per step: caller cpu %.2f ms, pool cpu %.2f ms (%d pool threads), wall %.2f ms%n",
            steps, load(), caller / 1e6 / steps, (w1 - w0) / 1e6 / steps, workers.length, wall / 1e6 / steps);
        break;
      }
      case "peak": {
        Benchmarks.Peak p = new Benchmarks.Peak();
        int lanes = Benchmarks.Peak.S.length();
        for (int chains : new int[] {8, 12, 14}) {
          Runnable r = chains == 8 ? () -> sinkD = p.fma8() : chains == 12 ? () -> sinkD = p.fma12() : () -> sinkD = p.fma14();
          report("fma, " + chains + " chains of " + lanes + " lanes", Benchmarks.Peak.flops(chains), "GFLOPS",
              List.of(new Variant("fma" + chains, r)), seconds);
        }
        break;
      }
      default:
        throw new IllegalArgumentException("AbProbe: gemm, gemmpeak, elementwise, relubackward, addrelu, "
            + "mlpfused, mlp2, mlpparts, mlp2cpu or peak, not " + what);
    }
  }

  static volatile Object sink;
  static volatile double sinkD;

  static int[] ints(String csv) {
    return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
  }

  /**
   * Warms every variant up for a second, then runs rounds of one call each until {@code seconds}
   * have passed, and prints per variant the median and best CPU and wall time per call.
   */
  static void report(String title, double work, String unit, List<Variant> vs, int seconds) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long warmEnd = System.nanoTime() + 2_000_000_000L;
    while (System.nanoTime() < warmEnd) {
      for (Variant v : vs) {
        v.call().run();
      }
    }
    int cap = 1 << 16;
    long[][] c = new long[vs.size()][cap];
    long[][] w = new long[vs.size()][cap];
    long[][] bytes = new long[vs.size()][cap];
    com.sun.management.ThreadMXBean alloc = (com.sun.management.ThreadMXBean) mx;
    long self = Thread.currentThread().getId();
    int rounds = 0;
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    SplittableRandom rng = new SplittableRandom(7);
    int[] order = new int[vs.size()];
    while (System.nanoTime() < end && rounds < cap) {
      // A random order per round, so no variant always runs right after the same other one
      // (whose cache footprint or garbage it would inherit).
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      for (int i = order.length - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      for (int i : order) {
        long b0 = alloc.getThreadAllocatedBytes(self);
        long c0 = mx.getCurrentThreadCpuTime();
        long w0 = System.nanoTime();
        vs.get(i).call().run();
        w[i][rounds] = System.nanoTime() - w0;
        c[i][rounds] = mx.getCurrentThreadCpuTime() - c0;
        bytes[i][rounds] = alloc.getThreadAllocatedBytes(self) - b0;
      }
      rounds++;
    }
    System.out.printf(Locale.ROOT, "%s: %d rounds; load average %s%n", title, rounds, load());
    double base = 0;
    for (int i = 0; i < vs.size(); i++) {
      long[] ci = Arrays.copyOf(c[i], rounds);
      long[] wi = Arrays.copyOf(w[i], rounds);
      long[] bi = Arrays.copyOf(bytes[i], rounds);
      Arrays.sort(ci);
      Arrays.sort(wi);
      Arrays.sort(bi);
      double medCpu = ci[rounds / 2] / 1e3;
      double medWall = wi[rounds / 2] / 1e3;
      double bestWall = wi[0] / 1e3;
      if (i == 0) {
        base = medCpu;
      }
      double wk = vs.get(i).work() > 0 ? vs.get(i).work() : work;
      String rate = wk > 0
          ? String.format(Locale.ROOT, "  %6.1f %s (median cpu)  %6.1f (best wall)", wk / medCpu / 1e3, unit,
              wk / bestWall / 1e3)
          : "";
      System.out.printf(Locale.ROOT, "  %-30s cpu median %10.1f us  wall median %10.1f us  best %10.1f us  %5.2fx  %10d B%s%n",
          vs.get(i).name(), medCpu, medWall, bestWall, base / medCpu, bi[rounds / 2], rate);
    }
  }

  static String load() {
    try {
      return new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/loadavg"))).trim();
    } catch (java.io.IOException e) {
      return "?";
    }
  }
}
