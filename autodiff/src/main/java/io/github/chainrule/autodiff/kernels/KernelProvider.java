package io.github.chainrule.autodiff.kernels;

/**
 * Chooses the kernel implementation once, at class initialisation, after Lucene's
 * VectorizationProvider: the Vector API twin when the incubator module is present and the class
 * loads, plain Java otherwise. The system property {@code chainrule.kernels=java} forces the
 * plain kernels (useful to compare, or to rule SIMD out when hunting a numerical difference).
 */
final class KernelProvider {
  static final Kernels INSTANCE = choose();

  private KernelProvider() {}

  private static Kernels choose() {
    String forced = System.getProperty("chainrule.kernels", "");
    if (forced.equals("java")) {
      return new JavaKernels();
    }
    boolean vectorModule = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    if (!vectorModule) {
      // One line on stderr, not a logger: it must be seen once, and must not pollute stdout.
      System.err.println("chainrule: plain-Java kernels; "
          + "run java with --add-modules jdk.incubator.vector for SIMD");
      return new JavaKernels();
    }
    try {
      // Loaded reflectively so that this class never links against the incubator module itself.
      return (Kernels) Class.forName("io.github.chainrule.autodiff.kernels.VectorKernels")
          .getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      System.err.println("chainrule: Vector API kernels unavailable (" + e + "); plain-Java kernels");
      return new JavaKernels();
    }
  }
}
