package io.github.chainrule.bench;

import io.github.chainrule.nn.init.RandomTensors;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.ops.Arithmetic;
import io.github.chainrule.autodiff.ops.Functions;
import io.github.chainrule.autodiff.kernels.Binary;
import io.github.chainrule.autodiff.kernels.Kernels;
import io.github.chainrule.autodiff.kernels.Parallelism;
import io.github.chainrule.autodiff.kernels.Unary;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
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
   * The machine's FMA peak on one core, measured: independent chains of vector FMAs with no memory
   * traffic, {@code 2 · chains · L · ITERATIONS} FLOP per call. A core with P FMA pipes of latency
   * T cycles needs at least P·T independent chains to keep every pipe busy (Zen 3: 2 × 4 = 8,
   * Zen 2: 2 × 5 = 10), and no more than fit in the registers beside the two operands (14 of AVX2's
   * 16; AVX-512 has 32). Hence three probes, 8, 12 and 14 chains; {@code bench/compare} reports
   * the fastest iteration of the fastest probe, because an upper bound is a maximum, and on a
   * shared core the mean of iterations reads low whenever another process held the core.
   *
   * <p>Each chain accumulates through the FMA's addend, a ← m·d + a, as a GEMM tile's
   * accumulators do. The probe on main chained through a multiplicand (a ← a·m + d) and, on the
   * AVX2 VM, read 13.3–16.7 GFLOPS where the addend form read 18.1–20 in the same JVM: about
   * what a single-thread GEMM reached there (15.6), so it was no upper bound.
   */
  @State(Scope.Thread)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Warmup(iterations = 5, time = 1)
  @Measurement(iterations = 5, time = 1)
  @Fork(value = 1, jvmArgsAppend = {ADD_VECTOR, HEAP, HEAP_MAX, PRE_TOUCH})
  public static class Peak {
    static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    static final int ITERATIONS = 1000;
    // Plain doubles, turned into vectors inside the benchmark: a vector held in a field has the
    // abstract static type DoubleVector, which C2 cannot intrinsify, and the loop would measure
    // the API's boxed fallback instead of the FMA units. Each chain grows by m·d = 1e-9 per
    // step: no overflow, and no subnormals (which would take a slow path).
    double m = 0.999999;
    double d = 1e-9;

    /** FLOP per call of {@code fma<chains>()}. */
    public static long flops(int chains) {
      return 2L * chains * S.length() * ITERATIONS;
    }

    /** 8 chains. */
    @Benchmark
    public double fma8() {
      DoubleVector m = DoubleVector.broadcast(S, this.m);
      DoubleVector d = DoubleVector.broadcast(S, this.d);
      DoubleVector a0 = DoubleVector.broadcast(S, 1 * this.d), a1 = DoubleVector.broadcast(S, 2 * this.d), a2 = DoubleVector.broadcast(S, 3 * this.d), a3 = DoubleVector.broadcast(S, 4 * this.d);
      DoubleVector a4 = DoubleVector.broadcast(S, 5 * this.d), a5 = DoubleVector.broadcast(S, 6 * this.d), a6 = DoubleVector.broadcast(S, 7 * this.d), a7 = DoubleVector.broadcast(S, 8 * this.d);
      for (int i = 0; i < ITERATIONS; i++) {
        a0 = m.fma(d, a0); a1 = m.fma(d, a1); a2 = m.fma(d, a2); a3 = m.fma(d, a3);
        a4 = m.fma(d, a4); a5 = m.fma(d, a5); a6 = m.fma(d, a6); a7 = m.fma(d, a7);
      }
      return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).reduceLanes(VectorOperators.ADD);
    }

    /** 12 chains. */
    @Benchmark
    public double fma12() {
      DoubleVector m = DoubleVector.broadcast(S, this.m);
      DoubleVector d = DoubleVector.broadcast(S, this.d);
      DoubleVector a0 = DoubleVector.broadcast(S, 1 * this.d), a1 = DoubleVector.broadcast(S, 2 * this.d), a2 = DoubleVector.broadcast(S, 3 * this.d), a3 = DoubleVector.broadcast(S, 4 * this.d);
      DoubleVector a4 = DoubleVector.broadcast(S, 5 * this.d), a5 = DoubleVector.broadcast(S, 6 * this.d), a6 = DoubleVector.broadcast(S, 7 * this.d), a7 = DoubleVector.broadcast(S, 8 * this.d);
      DoubleVector a8 = DoubleVector.broadcast(S, 9 * this.d), a9 = DoubleVector.broadcast(S, 10 * this.d), a10 = DoubleVector.broadcast(S, 11 * this.d), a11 = DoubleVector.broadcast(S, 12 * this.d);
      for (int i = 0; i < ITERATIONS; i++) {
        a0 = m.fma(d, a0); a1 = m.fma(d, a1); a2 = m.fma(d, a2); a3 = m.fma(d, a3);
        a4 = m.fma(d, a4); a5 = m.fma(d, a5); a6 = m.fma(d, a6); a7 = m.fma(d, a7);
        a8 = m.fma(d, a8); a9 = m.fma(d, a9); a10 = m.fma(d, a10); a11 = m.fma(d, a11);
      }
      return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11).reduceLanes(VectorOperators.ADD);
    }

    /** 14 chains. */
    @Benchmark
    public double fma14() {
      DoubleVector m = DoubleVector.broadcast(S, this.m);
      DoubleVector d = DoubleVector.broadcast(S, this.d);
      DoubleVector a0 = DoubleVector.broadcast(S, 1 * this.d), a1 = DoubleVector.broadcast(S, 2 * this.d), a2 = DoubleVector.broadcast(S, 3 * this.d), a3 = DoubleVector.broadcast(S, 4 * this.d);
      DoubleVector a4 = DoubleVector.broadcast(S, 5 * this.d), a5 = DoubleVector.broadcast(S, 6 * this.d), a6 = DoubleVector.broadcast(S, 7 * this.d), a7 = DoubleVector.broadcast(S, 8 * this.d);
      DoubleVector a8 = DoubleVector.broadcast(S, 9 * this.d), a9 = DoubleVector.broadcast(S, 10 * this.d), a10 = DoubleVector.broadcast(S, 11 * this.d), a11 = DoubleVector.broadcast(S, 12 * this.d);
      DoubleVector a12 = DoubleVector.broadcast(S, 13 * this.d), a13 = DoubleVector.broadcast(S, 14 * this.d);
      for (int i = 0; i < ITERATIONS; i++) {
        a0 = m.fma(d, a0); a1 = m.fma(d, a1); a2 = m.fma(d, a2); a3 = m.fma(d, a3);
        a4 = m.fma(d, a4); a5 = m.fma(d, a5); a6 = m.fma(d, a6); a7 = m.fma(d, a7);
        a8 = m.fma(d, a8); a9 = m.fma(d, a9); a10 = m.fma(d, a10); a11 = m.fma(d, a11);
        a12 = m.fma(d, a12); a13 = m.fma(d, a13);
      }
      return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11).add(a12).add(a13).reduceLanes(VectorOperators.ADD);
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

    // Diagnostics: the same kernels into one output array reused across calls (what torch's
    // caching allocator gives a + b), and a fresh array alone. The ops' time is roughly the sum.
    double[] out;

    @Setup
    public void output() {
      out = new double[size];
    }

    /** add's kernel alone, writing a reused output. */
    @Benchmark
    public double[] addKernel() {
      Kernels.get().binary(Binary.ADD, a.data(), 0, b.data(), 0, out, 0, size);
      return out;
    }

    /** relu's kernel alone, writing a reused output. */
    @Benchmark
    public double[] reluKernel() {
      Kernels.get().unary(Unary.RELU, 0, a.data(), 0, out, 0, size);
      return out;
    }

    // The ops' out= form into one reused output, the like of torch.add(a, b, out=out): the op's
    // checks and dispatch included, its allocation not.
    Tensor outTensor;

    @Setup
    public void outputTensor() {
      outTensor = Tensor.zeros(size);
    }

    /** add's out= form. */
    @Benchmark
    public Tensor addInto() {
      return Arithmetic.ADD.forwardInto(outTensor, a, b);
    }

    /** relu's out= form. */
    @Benchmark
    public Tensor reluInto() {
      return Functions.RELU.forwardInto(outTensor, a);
    }

    /** A fresh zeroed array of {@code size} doubles: what every op's result costs before its kernel runs. */
    @Benchmark
    public double[] allocate() {
      return new double[size];
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

  /** micrograd's demo with its adjoint written by hand in plain doubles: the yardstick for {@link Micrograd}. */
  @State(Scope.Thread)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Warmup(iterations = 5, time = 1)
  @Measurement(iterations = 5, time = 1)
  @Fork(value = 1, jvmArgsAppend = {ADD_VECTOR, HEAP, HEAP_MAX, PRE_TOUCH})
  public static class MicrogradAdjoint {
    Workloads.MicrogradAdjoint demo;

    @Setup
    public void setup() {
      demo = new Workloads.MicrogradAdjoint();
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

    final double[] values = new double[100_000];
    final double[] grads = new double[100_000];

    /** The same chain as a plain loop over doubles, forward into a tape and back: the yardstick. */
    @Benchmark
    public double plainLoop100k() {
      return Workloads.scalarChainPlain(0.3, 0.5, 100_000, values, grads);
    }
  }
}
