package io.github.chainrule.viz.render;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether HotSpot will compile the embedded Graphviz's largest methods. Chicory turns each
 * WebAssembly function into one JVM method, and 19 of Graphviz's come out above HotSpot's
 * HugeMethodLimit (8,000 bytes of bytecode); by default HotSpot never compiles those, so they run
 * in its bytecode interpreter on every rendering. They are the layout's inner loops: a profile of
 * a 37-node graph with edge labels found 47 % of all samples in one of them, interpreted. Only a
 * JVM flag lifts the limit, so the library can say so but not change it (bench/RENDER.md has the
 * figures).
 */
final class HugeMethods {
  /** The flag that lets HotSpot compile them. */
  static final String FLAG = "-XX:-DontCompileHugeMethods";

  private static final AtomicBoolean HINTED = new AtomicBoolean();

  private HugeMethods() {}

  /**
   * True when this JVM refuses to compile huge methods (HotSpot's default); false when it compiles
   * them, and when it is not HotSpot or does not say.
   */
  static boolean refused() {
    try {
      HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      return hotspot != null && Boolean.parseBoolean(hotspot.getVMOption("DontCompileHugeMethods").getValue());
    } catch (RuntimeException | LinkageError e) {
      return false; // not HotSpot (no such bean or option): nothing to advise
    }
  }

  /** One line on standard error, once per JVM, when {@link #refused()}: how to render faster. */
  static void hintOnce() {
    if (refused() && HINTED.compareAndSet(false, true)) {
      System.err.println("chainrule: the embedded Graphviz runs its largest methods interpreted; run java with "
          + FLAG + " to lay out larger graphs up to 2.5x faster");
    }
  }
}
