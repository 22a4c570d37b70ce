package io.github.chainrule.viz.render;

import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * For tests that need a native program: the program, or else the test is skipped with one line
 * saying what is missing; under CI=true ({@link NativeTools#required()}) it fails instead.
 */
public final class RequiresTool {
  private RequiresTool() {}

  /** The first of {@code names} on PATH; skips the test (fails it under CI=true) when there is none. */
  public static Path tool(String... names) {
    return NativeTools.find(names).orElseGet(() -> {
      if (NativeTools.required()) {
        throw new AssertionError(NativeTools.missing(names));
      }
      String reason = NativeTools.missing(names) + ": skipped (CI=true makes this a failure)";
      // Surefire counts skips but prints no reasons; this line is the one people see.
      System.err.println(reason);
      Assumptions.abort(reason);
      throw new AssertionError("unreachable");
    });
  }

  /** The system's Graphviz, as {@link Graphviz#system()} finds it; skips like {@link #tool}. */
  public static Graphviz systemDot() {
    return Graphviz.find(tool("dot").getParent().toString());
  }
}
