package io.github.chainrule.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Two builds of the GEMM side by side in one JVM: each benchmarks jar is loaded in its own class
 * loader, and their {@code VectorKernels.gemm} calls are interleaved as in {@link AbProbe} (random
 * order per round, median thread CPU time, one kernel thread), so that main and a branch meet
 * the same load. It also reports how many elements of C differ in bits from the first variant's.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     io.github.chainrule.bench.JarsAbProbe 64,512,128x512x784 main=/tmp/main.jar branch=bench/target/benchmarks.jar
 * ... branch256=bench/target/benchmarks.jar:4x3:256:96   (a tile, or a tile with kc and mc)
 * </pre>
 *
 * <p>Sizes are n (square) or MxNxK; {@code -Dab.trans=NT} transposes B, {@code -Dab.seconds} sets
 * the measured time per size.
 */
public final class JarsAbProbe {
  private JarsAbProbe() {}

  public static void main(String[] args) throws Exception {
    int seconds = Integer.getInteger("ab.seconds", 6);
    String trans = System.getProperty("ab.trans", "NN");
    boolean ta = trans.charAt(0) == 'T';
    boolean tb = trans.charAt(1) == 'T';
    List<String> names = new ArrayList<>();
    List<Object> kernels = new ArrayList<>();
    List<Method> gemms = new ArrayList<>();
    Map<String, ClassLoader> loaders = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      String[] nameJar = args[i].split("=", 2);
      String[] f = nameJar[1].split(":");
      ClassLoader cl = loaders.get(f[0]);
      if (cl == null) {
        cl = new URLClassLoader(new URL[] {Path.of(f[0]).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        loaders.put(f[0], cl);
      }
      cl.loadClass("io.github.chainrule.autodiff.kernels.Parallelism").getMethod("setThreads", int.class).invoke(null, 1);
      Class<?> vk = cl.loadClass("io.github.chainrule.autodiff.kernels.VectorKernels");
      Object k = f.length == 1 ? vk.getConstructor().newInstance()
          : f.length == 2 ? vk.getConstructor(String.class).newInstance(f[1])
          : vk.getConstructor(String.class, int.class, int.class, boolean.class)
              .newInstance(f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]), false);
      names.add(nameJar[0] + " (" + vk.getMethod("gemmTile").invoke(k) + ")");
      kernels.add(k);
      gemms.add(vk.getMethod("gemm", boolean.class, boolean.class, int.class, int.class, int.class,
          double[].class, int.class, double[].class, int.class, double[].class, int.class));
    }
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    for (String size : args[0].split(",")) {
      String[] d = size.split("x");
      int m = Integer.parseInt(d[0]);
      int n = d.length > 1 ? Integer.parseInt(d[1]) : m;
      int kk = d.length > 2 ? Integer.parseInt(d[2]) : m;
      Random r = new Random(n);
      double[] a = new double[m * kk];
      double[] b = new double[kk * n];
      for (int i = 0; i < a.length; i++) {
        a[i] = r.nextGaussian();
      }
      for (int i = 0; i < b.length; i++) {
        b[i] = r.nextGaussian();
      }
      int v = kernels.size();
      double[][] cs = new double[v][m * n];
      Runnable[] calls = new Runnable[v];
      for (int i = 0; i < v; i++) {
        Object k = kernels.get(i);
        Method g = gemms.get(i);
        double[] c = cs[i];
        calls[i] = () -> {
          try {
            g.invoke(k, ta, tb, m, n, kk, a, 0, b, 0, c, 0);
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
          }
        };
      }
      long warm = System.nanoTime() + 2_500_000_000L;
      while (System.nanoTime() < warm) {
        for (Runnable call : calls) {
          call.run();
        }
      }
      for (int i = 1; i < v; i++) {
        int differ = 0;
        for (int q = 0; q < m * n; q++) {
          differ += Double.doubleToRawLongBits(cs[0][q]) != Double.doubleToRawLongBits(cs[i][q]) ? 1 : 0;
        }
        if (differ > 0) {
          System.out.println("  bits: " + names.get(i) + " differs from " + names.get(0) + " in " + differ
              + " of " + m * n + " elements");
        }
      }
      int cap = 1 << 16;
      long[][] t = new long[v][cap];
      int rounds = 0;
      SplittableRandom rng = new SplittableRandom(7);
      int[] order = new int[v];
      String load0 = AbProbe.load();
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      while (System.nanoTime() < end && rounds < cap) {
        for (int i = 0; i < v; i++) {
          order[i] = i;
        }
        for (int i = v - 1; i > 0; i--) {
          int j = rng.nextInt(i + 1);
          int x = order[i];
          order[i] = order[j];
          order[j] = x;
        }
        for (int i : order) {
          long c0 = mx.getCurrentThreadCpuTime();
          calls[i].run();
          t[i][rounds] = mx.getCurrentThreadCpuTime() - c0;
        }
        rounds++;
      }
      System.out.printf(Locale.ROOT, "gemm %s %s: %d rounds, %tT UTC, load average %s .. %s, java %s%n",
          trans, size, rounds, new Date(), load0, AbProbe.load(), Runtime.version());
      double base = 0;
      for (int i = 0; i < v; i++) {
        long[] ti = Arrays.copyOf(t[i], rounds);
        Arrays.sort(ti);
        double med = ti[rounds / 2] / 1e3;
        if (i == 0) {
          base = med;
        }
        System.out.printf(Locale.ROOT, "  %-22s cpu median %11.1f us  %5.1f GFLOPS  (best %5.1f)  %5.3fx%n",
            names.get(i), med, 2.0 * m * n * kk / med / 1e3, 2.0 * m * n * kk / ti[0], base / med);
      }
    }
  }
}
