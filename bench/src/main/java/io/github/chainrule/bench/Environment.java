package io.github.chainrule.bench;

import io.github.chainrule.autodiff.kernels.JavaKernels;
import io.github.chainrule.autodiff.kernels.Kernels;
import io.github.chainrule.autodiff.kernels.Parallelism;
import java.util.Locale;

/**
 * Prints, as one JSON object, what the benchmarks ran on from the JVM's side: the JDK, the kernel
 * implementation chosen at start-up and its vector width. Read by {@code bench/compare}.
 */
public final class Environment {
  private Environment() {}

  public static void main(String[] args) {
    String kernels = Kernels.get().name();
    String tile = Kernels.get() instanceof JavaKernels ? ((JavaKernels) Kernels.get()).gemmTile() : "?";
    int lanes = 1;
    if (kernels.equals("vector")) {
      lanes = jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED.length();
    }
    System.out.printf(Locale.ROOT,
        "{\"java_version\": \"%s\", \"java_vm\": \"%s %s\", \"kernels\": \"%s\", \"vector_lanes\": %d,"
            + " \"gemm_tile\": \"%s\", \"kernel_threads\": %d, \"cores\": %d}%n",
        System.getProperty("java.version"), System.getProperty("java.vm.name"),
        System.getProperty("java.vm.version"), kernels, lanes, tile, Parallelism.threads(),
        Runtime.getRuntime().availableProcessors());
  }
}
