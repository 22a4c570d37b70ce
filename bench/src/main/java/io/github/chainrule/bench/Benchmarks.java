package io.github.chainrule.bench;

import io.github.chainrule.nn.init.RandomTensors;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.kernels.Kernels;
import io.github.chainrule.autodiff.kernels.Parallelism;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JMH suite. Times are per operation in microseconds; {@code bench/compare} turns them into
 * GFLOPS and GB/s. Each class's {@code threads} parameter sets {@link Parallelism#setThreads} in
 * the forked JVM, so one and two threads are measured by the same jar.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar            # everything
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar Matmul -p n=256
 * </pre>
 */
public final class Benchmarks {
  private Benchmarks() {}

  /** Every fork runs with the SIMD kernels on. */
  static final String ADD_VECTOR = "--add-modules=jdk.incubator.vector";

  // Every fork pre-touches a fixed heap. On this machine's VMs the first touch of a heap page is
  // expensive (a 512 MiB pre-touch took 1-7 s depending on load), and a JVM that is still growing
  // its young generation keeps touching fresh pages, so a short measurement would time the
  // hypervisor, not the code. A long-running process has touched its heap long before, which is
  // what pre-touching reproduces. 256 MiB holds every dense workload's working set; the scalar
  // graphs get 1 GiB, because their collection cost grows with how often the graph is copied.
  static final String PRE_TOUCH = "-XX:+AlwaysPreTouch";
  static final String HEAP = "-Xms256m";
  static final String HEAP_MAX = "-Xmx256m";
  static final String BIG_HEAP = "-Xms1g";
  static final String BIG_HEAP_MAX = "-Xmx1g";

  /** C = A·B for n×n matrices through Tensor.matmul (allocating C, as torch.mm does). */
  @State(Scope.Thread)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Warmup(iterations = 5, time = 1)
  @Measurement(iterations = 5, time = 1)
  @Fork(value = 1, jvmArgsAppend = {ADD_VECTOR, HEAP, HEAP_MAX, PRE_TOUCH})
  public static class Matmul {
    @Param({"64", "128", "256", "512", "1024"})
    int n;

    @Param({"1"})
    int threads;

    Tensor a;
    Tensor b;

    @Setup
    public void setup() {
      Parallelism.setThreads(threads);
      a = RandomTensors.randn(1, n, n);
      b = RandomTensors.randn(2, n, n);
    }

    @Benchmark
    public Tensor matmul() {
      return a.matmul(b);
    }
  }

  /**
   * The machine's measured FMA peak on one core: 12 independent vector FMA chains with no memory
   * traffic (enough to cover 4 cycles of latency on 2 pipes), 2·12·L·1000 FLOP per call.
   */
  @State(Scope.Thread)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Warmup(iterations = 5, time = 1)
  @Measurement(iterations = 5, time = 1)
  @Fork(value = 1, jvmArgsAppend = {ADD_VECTOR, HEAP, HEAP_MAX, PRE_TOUCH})
  public static class Peak {
    static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    // Plain doubles, turned into vectors inside the benchmark: a vector held in a field has the
    // abstract static type DoubleVector, which C2 cannot intrinsify, and the loop would measure
    // the API's boxed fallback instead of the FMA units.
    double m = 0.999999;
    double d = 1e-9;

    /** FLOP per call of {@link #fma()}. */
    public static long flops() {
      return 2L * 12 * S.length() * 1000;
    }

    @Benchmark
    public double fma() {
      DoubleVector m = DoubleVector.broadcast(S, this.m);
      DoubleVector d = DoubleVector.broadcast(S, this.d);
      DoubleVector x = d;
      DoubleVector a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x;
      DoubleVector a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
      for (int i = 0; i < 1000; i++) {
        a0 = a0.fma(m, d); a1 = a1.fma(m, d); a2 = a2.fma(m, d); a3 = a3.fma(m, d);
        a4 = a4.fma(m, d); a5 = a5.fma(m, d); a6 = a6.fma(m, d); a7 = a7.fma(m, d);
        a8 = a8.fma(m, d); a9 = a9.fma(m, d); a10 = a10.fma(m, d); a11 = a11.fma(m, d);
      }
      return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9)
          .add(a10).add(a11).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
  }

  /** Elementwise throughput on arrays of {@code size} doubles: bytes moved per second. */
  @State(Scope.Thread)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Warmup(iterations = 5, time = 1)
  @Measurement(iterations = 5, time = 1)
  @Fork(value = 1, jvmArgsAppend = {ADD_VECTOR, HEAP, HEAP_MAX, PRE_TOUCH})
  public static class Elementwise {
    @Param({"1048576"})
    int size;

    Tensor a;
    Tensor b;

    @Setup
    public void setup() {
      a = RandomTensors.randn(1, size);
      b = RandomTensors.randn(2, size);
    }

    /** Reads 2, writes 1 array. */
    @Benchmark
    public Tensor add() {
      return a.add(b);
    }

    /** Reads 1, writes 1. */
    @Benchmark
    public Tensor relu() {
      return a.relu();
    }

    /** Reads 1. */
    @Benchmark
    public double sum() {
      return Kernels.get().sum(a.data(), 0, size);
    }
  }

  /** One SGD training step (forward, backward, update) of a batched MLP. */
  @State(Scope.Thread)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Warmup(iterations = 5, time = 1)
  @Measurement(iterations = 5, time = 1)
  @Fork(value = 1, jvmArgsAppend = {ADD_VECTOR, HEAP, HEAP_MAX, PRE_TOUCH})
  public static class Mlp {
    /** Layer sizes and batch, as "sizes:batch". */
    @Param({"2-16-16-1:100", "784-256-10:64", "784-512-512-10:128"})
    String config;

    @Param({"1"})
    int threads;

    Workloads.Mlp mlp;

    @Setup
    public void setup() {
      Parallelism.setThreads(threads);
      String[] parts = config.split(":");
      mlp = new Workloads.Mlp(Workloads.sizes(parts[0]), Integer.parseInt(parts[1]), 42, 1e-3);
    }

    @Benchmark
    public double trainStep() {
      return mlp.step();
    }
  }

  /** One batch-1 SGD step of the 1→1024→1 ReLU model. */
  @State(Scope.Thread)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Warmup(iterations = 5, time = 1)
  @Measurement(iterations = 5, time = 1)
  @Fork(value = 1, jvmArgsAppend = {ADD_VECTOR, HEAP, HEAP_MAX, PRE_TOUCH})
  public static class WideSgd {
    Workloads.WideSgd model;

    @Setup
    public void setup() {
      Parallelism.setThreads(1);
      model = new Workloads.WideSgd();
    }

    @Benchmark
    public double step() {
      return model.step();
    }
  }

  /** micrograd's demo as a scalar graph: one full-batch step. */
  @State(Scope.Thread)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Warmup(iterations = 5, time = 1)
  @Measurement(iterations = 5, time = 1)
  @Fork(value = 1, jvmArgsAppend = {ADD_VECTOR, BIG_HEAP, BIG_HEAP_MAX, PRE_TOUCH})
  public static class Micrograd {
    Workloads.MicrogradDemo demo;

    @Setup
    public void setup() {
      demo = new Workloads.MicrogradDemo();
    }

    @Benchmark
    public double step() {
      return demo.step();
    }
  }

  /** Build and back-propagate a 100k-node scalar graph. */
  @State(Scope.Thread)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Warmup(iterations = 5, time = 1)
  @Measurement(iterations = 5, time = 1)
  @Fork(value = 1, jvmArgsAppend = {ADD_VECTOR, BIG_HEAP, BIG_HEAP_MAX, PRE_TOUCH})
  public static class ScalarGraph {
    Tensor x;
    Tensor c;

    @Setup
    public void setup() {
      x = Tensor.scalar(0.3).named("x").requiresGrad();
      c = Tensor.scalar(0.5);
    }

    @Benchmark
    public double build100kAndBackward() {
      return Workloads.scalarChain(x, c, 100_000);
    }
  }
}
