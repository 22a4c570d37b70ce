package io.github.chainrule.bench;

import io.github.chainrule.autodiff.Backward;
import io.github.chainrule.autodiff.Op;
import io.github.chainrule.autodiff.OpHook;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.kernels.Kernels;
import io.github.chainrule.autodiff.kernels.Parallelism;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the time of the two small-tensor training steps goes (issue 13: MLP 2-16-16-1 b100 and
 * 1→1024→1 SGD batch 1). For each workload it reports:
 *
 * <ul>
 *   <li>a census of one step: graph nodes, and every op that goes through {@code Tensor.apply},
 *       forward and inside backward (counted by an {@link OpHook}, in a separate step: the hook
 *       changes the engine's path, so no timing is taken with it installed);
 *   <li>thread CPU time and bytes allocated per step over many steps (the step exactly as
 *       {@link Workloads} writes it);
 *   <li>the same step cut into phases (forward, loss, backward, SGD, zeroGrad), wall time by
 *       {@code System.nanoTime} and allocation by {@code getCurrentThreadAllocatedBytes}, medians;
 *   <li>the kernels alone: the same GEMM and elementwise kernel calls on preallocated arrays, so
 *       that step − kernels is the overhead of everything around them.
 * </ul>
 *
 * <pre>java --add-modules jdk.incubator.vector -Xms256m -Xmx256m -XX:+AlwaysPreTouch \
 *     -cp bench/target/benchmarks.jar io.github.chainrule.bench.SmallPathProbe [mlp|wide|both|gemm|losshash|loopmlp|loopwide] [seconds]</pre>
 */
public final class SmallPathProbe {
  private SmallPathProbe() {}

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final Kernels K = Kernels.get();
  static volatile double sink;

  public static void main(String[] args) {
    Parallelism.setThreads(1);
    String which = args.length > 0 ? args[0] : "both";
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
    System.out.println("kernels: " + K.getClass().getSimpleName() + ", JDK " + Runtime.version());
    if (which.startsWith("loop")) {
      // The step alone, for a profiler (JFR) to sample: no phases, no kernels-only twin.
      Steps s = which.equals("loopmlp") ? new MlpSteps() : new WideSteps();
      long until = System.nanoTime() + (long) (seconds * 1e9);
      while (System.nanoTime() < until) {
        for (int i = 0; i < 100; i++) {
          sink += s.full();
        }
      }
      return;
    }
    if (which.equals("losshash")) {
      // Training's loss bits, to compare two builds: a hash of doubleToRawLongBits over every step.
      lossHash("MLP 2-16-16-1 b100", new MlpSteps(), 500);
      lossHash("1->1024->1 SGD b1", new WideSteps(), 3000);
      return;
    }
    if (which.equals("gemm")) {
      gemms(seconds);
      return;
    }
    if (!which.equals("wide")) {
      probe("MLP 2-16-16-1 b100", new MlpSteps(), seconds);
    }
    if (!which.equals("mlp")) {
      probe("1->1024->1 SGD b1", new WideSteps(), seconds);
    }
  }

  static void lossHash(String name, Steps s, int steps) {
    long hash = 17;
    double last = 0;
    for (int i = 0; i < steps; i++) {
      last = s.full();
      hash = 31 * hash + Double.doubleToRawLongBits(last);
    }
    System.out.printf(Locale.ROOT, "%s: %d steps, last loss %s, hash of the loss bits %016x%n", name, steps, last, hash);
  }

  /** A step cut into phases; {@link #phase} returns the loss after the last. */
  interface Steps {
    /** Runs phase p (0 forward, 1 loss, 2 backward, 3 sgd, 4 zeroGrad). */
    void phase(int p);

    double full();

    Tensor loss();

    void kernelsOnly();
  }

  static final String[] PHASES = {"forward", "loss", "backward", "sgd axpy", "zeroGrad"};

  static void probe(String name, Steps s, double seconds) {
    System.out.println();
    System.out.println("== " + name);
    census(s);
    // Warm up the whole step, the phased step and the kernels.
    long until = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < until) {
      for (int i = 0; i < 200; i++) {
        sink += s.full();
        for (int p = 0; p < PHASES.length; p++) {
          s.phase(p);
        }
        s.kernelsOnly();
      }
    }
    for (int round = 0; round < 3; round++) {
      // The whole step: thread CPU and allocation per call.
      int n = 0;
      long cpu0 = THREADS.getCurrentThreadCpuTime();
      long al0 = THREADS.getCurrentThreadAllocatedBytes();
      long end = System.nanoTime() + (long) (seconds / 3 * 1e9);
      while (System.nanoTime() < end) {
        for (int i = 0; i < 100; i++) {
          sink += s.full();
        }
        n += 100;
      }
      double cpuStep = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e3 / n;
      double allocStep = (double) (THREADS.getCurrentThreadAllocatedBytes() - al0) / n;
      // The kernels alone.
      int kn = 0;
      long kc0 = THREADS.getCurrentThreadCpuTime();
      long ka0 = THREADS.getCurrentThreadAllocatedBytes();
      end = System.nanoTime() + (long) (seconds / 6 * 1e9);
      while (System.nanoTime() < end) {
        for (int i = 0; i < 100; i++) {
          s.kernelsOnly();
        }
        kn += 100;
      }
      double cpuKernels = (THREADS.getCurrentThreadCpuTime() - kc0) / 1e3 / kn;
      double allocKernels = (double) (THREADS.getCurrentThreadAllocatedBytes() - ka0) / kn;
      // Phases, wall time per phase (nanoTime) and bytes, medians over steps.
      int steps = 20000;
      long[][] t = new long[PHASES.length][steps];
      long[][] a = new long[PHASES.length][steps];
      for (int i = 0; i < steps; i++) {
        for (int p = 0; p < PHASES.length; p++) {
          long b0 = THREADS.getCurrentThreadAllocatedBytes();
          long t0 = System.nanoTime();
          s.phase(p);
          long t1 = System.nanoTime();
          t[p][i] = t1 - t0;
          a[p][i] = THREADS.getCurrentThreadAllocatedBytes() - b0;
        }
      }
      StringBuilder sb = new StringBuilder();
      sb.append(String.format(Locale.ROOT, "round %d: step %.2f us CPU, %.0f B allocated/step (%d steps);"
          + " kernels alone %.2f us CPU, %.0f B/step%n", round, cpuStep, allocStep, n, cpuKernels, allocKernels));
      double sum = 0;
      for (int p = 0; p < PHASES.length; p++) {
        long[] tp = t[p].clone();
        long[] ap = a[p].clone();
        Arrays.sort(tp);
        Arrays.sort(ap);
        double med = tp[steps / 2] / 1e3;
        sum += med;
        sb.append(String.format(Locale.ROOT, "   %-9s median %7.2f us wall (p10 %.2f, p90 %.2f), %7d B%n",
            PHASES[p], med, tp[steps / 10] / 1e3, tp[steps * 9 / 10] / 1e3, ap[steps / 2]));
      }
      sb.append(String.format(Locale.ROOT, "   sum of phase medians %.2f us%n", sum));
      System.out.print(sb);
    }
  }

  /** Each GEMM call of the two steps alone, by shape: median wall and thread CPU ns per call over batches of 1000. */
  static void gemms(double seconds) {
    // transA, transB, m, n, k: MLP forward, dW (TN), dX (NT); then 1→1024→1's.
    int[][] shapes = {
      {0, 0, 100, 16, 2}, {0, 0, 100, 16, 16}, {0, 0, 100, 1, 16},
      {1, 0, 2, 16, 100}, {1, 0, 16, 16, 100}, {1, 0, 16, 1, 100},
      {0, 1, 100, 16, 16}, {0, 1, 100, 16, 1},
      {0, 0, 1, 1024, 1}, {0, 0, 1, 1, 1024}, {1, 0, 1024, 1, 1}, {0, 1, 1, 1024, 1}, {1, 0, 1, 1024, 1},
    };
    for (int[] sh : shapes) {
      boolean ta = sh[0] == 1;
      boolean tb = sh[1] == 1;
      int m = sh[2];
      int n = sh[3];
      int k = sh[4];
      double[] a = new double[m * k];
      double[] b = new double[k * n];
      double[] c = new double[m * n];
      Arrays.fill(a, 0.5);
      Arrays.fill(b, 0.25);
      long until = System.nanoTime() + (long) (seconds * 1e9);
      while (System.nanoTime() < until) {
        for (int i = 0; i < 1000; i++) {
          K.gemm(ta, tb, m, n, k, a, 0, b, 0, c, 0);
        }
      }
      long[] t = new long[31];
      long[] cpu = new long[31];
      for (int r = 0; r < t.length; r++) {
        long c0 = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
          K.gemm(ta, tb, m, n, k, a, 0, b, 0, c, 0);
        }
        t[r] = System.nanoTime() - t0;
        cpu[r] = THREADS.getCurrentThreadCpuTime() - c0;
      }
      Arrays.sort(t);
      Arrays.sort(cpu);
      double ns = t[t.length / 2] / 1000.0;
      double cpuNs = cpu[cpu.length / 2] / 1000.0;
      long a0 = THREADS.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < 1000; i++) {
        K.gemm(ta, tb, m, n, k, a, 0, b, 0, c, 0);
      }
      long bytes = (THREADS.getCurrentThreadAllocatedBytes() - a0) / 1000;
      sink += c[0];
      System.out.printf(Locale.ROOT, "gemm %s%s m=%4d n=%4d k=%4d: %8.0f ns/call wall, %8.0f ns/call thread CPU, %.2f GFLOPS (CPU), %d B/call%n",
          ta ? "T" : "N", tb ? "T" : "N", m, n, k, ns, cpuNs, 2.0 * m * n * k / cpuNs, bytes);
    }
  }

  /** Counts nodes and ops of one step, by op label, forward and inside backward. */
  static void census(Steps s) {
    Map<String, Integer> forward = new TreeMap<>();
    Map<String, Integer> backward = new TreeMap<>();
    boolean[] inBackward = {false};
    OpHook.install(new OpHook() {
      @Override
      public void afterForward(Op op, Tensor[] inputs, Tensor output) {
        StringBuilder k = new StringBuilder(op.label()).append(' ');
        for (Tensor in : inputs) {
          k.append(Arrays.toString(in.shapeRef()));
        }
        (inBackward[0] ? backward : forward).merge(k.toString(), 1, Integer::sum);
      }

      @Override
      public Tensor[] backward(Tensor node, Tensor[] inputs, Tensor g) {
        return opOf(node).backward(inputs, node, g);
      }
    });
    try {
      s.phase(0);
      s.phase(1);
      Tensor[] order = Backward.topologicalOrder(s.loss());
      inBackward[0] = true;
      s.phase(2);
      inBackward[0] = false;
      s.phase(3);
      s.phase(4);
      int ops = 0;
      for (Tensor t : order) {
        if (opOf(t) != null) {
          ops++;
        }
      }
      System.out.println("graph: " + order.length + " nodes reached by backward (" + ops + " op nodes, "
          + (order.length - ops) + " leaves)");
      System.out.println("forward ops (label, input shapes): " + total(forward) + " " + forward);
      System.out.println("ops run by backward's VJPs: " + total(backward) + " " + backward);
    } finally {
      OpHook.install(null);
    }
  }

  static int total(Map<String, Integer> m) {
    return m.values().stream().mapToInt(Integer::intValue).sum();
  }

  static Op opOf(Tensor t) {
    return t.op();
  }

  // ---------------------------------------------------------------- the two workloads, phased

  static final class MlpSteps implements Steps {
    final Workloads.Mlp m = new Workloads.Mlp(Workloads.sizes("2-16-16-1"), 100, 42, 1e-3);
    Tensor h;
    Tensor loss;
    // Kernel-only buffers: activations, gradients, weight gradients of the same shapes.
    final int[] sz = {2, 16, 16, 1};
    final int batch = 100;
    final double[][] act = new double[4][];
    final double[][] dact = new double[4][];
    final double[][] w = new double[3][];
    final double[][] dw = new double[3][];
    final double[][] bias = new double[3][];
    final double[][] db = new double[3][];

    MlpSteps() {
      for (int l = 0; l < 4; l++) {
        act[l] = new double[batch * sz[l]];
        dact[l] = new double[batch * sz[l]];
        Arrays.fill(act[l], 0.5);
      }
      for (int l = 0; l < 3; l++) {
        w[l] = m.weights[l].data().clone();
        dw[l] = new double[w[l].length];
        bias[l] = new double[sz[l + 1]];
        db[l] = new double[sz[l + 1]];
      }
    }

    @Override
    public void phase(int p) {
      switch (p) {
        case 0 -> {
          h = m.x;
          for (int l = 0; l < m.weights.length; l++) {
            h = h.matmul(m.weights[l]).add(m.biases[l]);
            if (l < m.weights.length - 1) {
              h = h.relu();
            }
          }
        }
        case 1 -> loss = h.sub(m.target).square().mean();
        case 2 -> Backward.from(loss).keepIntermediateGrads(false).run();
        case 3 -> {
          for (int l = 0; l < m.weights.length; l++) {
            K.axpy(-m.lr, m.weights[l].grad().data(), 0, m.weights[l].data(), 0, m.weights[l].size());
            K.axpy(-m.lr, m.biases[l].grad().data(), 0, m.biases[l].data(), 0, m.biases[l].size());
          }
        }
        default -> {
          for (int l = 0; l < m.weights.length; l++) {
            m.weights[l].zeroGrad();
            m.biases[l].zeroGrad();
          }
          sink += loss.item();
        }
      }
    }

    @Override
    public double full() {
      return m.step();
    }

    @Override
    public Tensor loss() {
      return loss;
    }

    /** The kernels the step runs, at the step's sizes, into preallocated arrays. */
    @Override
    public void kernelsOnly() {
      // Forward: act[l+1] = relu(act[l]·W + b).
      for (int l = 0; l < 3; l++) {
        int n = sz[l + 1];
        Arrays.fill(act[l + 1], 0.0);
        K.gemm(false, false, batch, n, sz[l], act[l], 0, w[l], 0, act[l + 1], 0);
        for (int r = 0; r < batch; r++) {
          K.addTo(bias[l], 0, act[l + 1], r * n, n);
        }
        if (l < 2) {
          K.unary(io.github.chainrule.autodiff.kernels.Unary.RELU, 0.0, act[l + 1], 0, act[l + 1], 0, act[l + 1].length);
        }
      }
      // Loss: (h - y)² mean, and its gradient 2(h - y)/N.
      double s = 0;
      for (int i = 0; i < batch; i++) {
        double d = act[3][i] - 0.25;
        s += d * d;
        dact[3][i] = 2 * d / batch;
      }
      sink += s;
      // Backward: db = Σ rows, dW = aᵀ·g, da = g·Wᵀ (not for the input), relu's mask.
      for (int l = 2; l >= 0; l--) {
        int n = sz[l + 1];
        Arrays.fill(db[l], 0.0);
        for (int r = 0; r < batch; r++) {
          K.addTo(dact[l + 1], r * n, db[l], 0, n);
        }
        Arrays.fill(dw[l], 0.0);
        K.gemm(true, false, sz[l], n, batch, act[l], 0, dact[l + 1], 0, dw[l], 0);
        if (l > 0) {
          Arrays.fill(dact[l], 0.0);
          K.gemm(false, true, batch, sz[l], n, dact[l + 1], 0, w[l], 0, dact[l], 0);
          K.maskScalarRight(io.github.chainrule.autodiff.kernels.Comparison.STEP, act[l], 0, 0.0,
              dact[l], 0, dact[l], 0, dact[l].length);
        }
      }
      // SGD.
      for (int l = 0; l < 3; l++) {
        K.axpy(-1e-9, dw[l], 0, w[l], 0, w[l].length);
        K.axpy(-1e-9, db[l], 0, bias[l], 0, bias[l].length);
      }
    }
  }

  static final class WideSteps implements Steps {
    final Workloads.WideSgd m = new Workloads.WideSgd();
    Tensor h;
    Tensor loss;
    int i;
    final double[] z = new double[1024];
    final double[] dz = new double[1024];
    final double[] a = m.a.data().clone();
    final double[] b = m.b.data().clone();
    final double[] w = m.w.data().clone();
    final double[] da = new double[1024];
    final double[] db = new double[1024];
    final double[] dw = new double[1024];
    final double[] x = {0.3};
    final double[] out = new double[1];

    @Override
    public void phase(int p) {
      switch (p) {
        case 0 -> {
          i = m.next;
          m.next = (m.next + 1) % 256;
          h = m.xs[i].matmul(m.a).add(m.b).relu().matmul(m.w);
        }
        case 1 -> loss = h.sub(m.ys[i]).square().sum();
        case 2 -> Backward.from(loss).keepIntermediateGrads(false).run();
        case 3 -> {
          for (Tensor p2 : new Tensor[] {m.a, m.b, m.w}) {
            K.axpy(-1e-3, p2.grad().data(), 0, p2.data(), 0, p2.size());
          }
        }
        default -> {
          m.a.zeroGrad();
          m.b.zeroGrad();
          m.w.zeroGrad();
          sink += loss.item();
        }
      }
    }

    @Override
    public double full() {
      return m.step();
    }

    @Override
    public Tensor loss() {
      return loss;
    }

    @Override
    public void kernelsOnly() {
      // Forward: z = x·a + b, relu, h = relu(z)·w.
      Arrays.fill(z, 0.0);
      K.gemm(false, false, 1, 1024, 1, x, 0, a, 0, z, 0);
      K.addTo(b, 0, z, 0, 1024);
      double[] r = new double[0];
      K.unary(io.github.chainrule.autodiff.kernels.Unary.RELU, 0.0, z, 0, dz, 0, 1024);
      out[0] = 0;
      K.gemm(false, false, 1, 1, 1024, dz, 0, w, 0, out, 0);
      double g = 2 * (out[0] - 0.1);
      // Backward: dw = relu(z)ᵀ·g, dr = g·wᵀ, mask, db = dr, da = xᵀ·dr.
      Arrays.fill(dw, 0.0);
      K.gemm(true, false, 1024, 1, 1, dz, 0, new double[] {g}, 0, dw, 0);
      Arrays.fill(db, 0.0);
      K.gemm(false, true, 1, 1024, 1, new double[] {g}, 0, w, 0, db, 0);
      K.maskScalarRight(io.github.chainrule.autodiff.kernels.Comparison.STEP, z, 0, 0.0, db, 0, db, 0, 1024);
      Arrays.fill(da, 0.0);
      K.gemm(true, false, 1, 1024, 1, x, 0, db, 0, da, 0);
      K.axpy(-1e-12, da, 0, a, 0, 1024);
      K.axpy(-1e-12, db, 0, b, 0, 1024);
      K.axpy(-1e-12, dw, 0, w, 0, 1024);
      sink += r.length;
    }
  }
}
