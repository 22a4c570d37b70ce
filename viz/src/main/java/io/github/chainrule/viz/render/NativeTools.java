package io.github.chainrule.viz.render;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds native programs (the system's Graphviz {@code dot}, Chromium) on PATH, and says whether a
 * missing one is allowed. Nothing chainrule does by default needs one; tests that compare against
 * or drive one skip without it, except under {@code CI=true}, where a missing tool is a failure, so
 * that CI always runs the whole suite:
 *
 * <pre>{@code
 * Optional<Path> dot = NativeTools.find("dot");
 * if (dot.isEmpty() && NativeTools.required()) { throw new AssertionError(NativeTools.missing("dot")); }
 * }</pre>
 */
public final class NativeTools {
  /** The environment variable CI services set to {@code true}; with it, missing tools are failures. */
  public static final String CI_VARIABLE = "CI";

  private NativeTools() {}

  /** The first of {@code names} found as an executable file in a directory of PATH. */
  public static Optional<Path> find(String... names) {
    return findIn(System.getenv("PATH"), names);
  }

  /** The first of {@code names} in the directories of {@code pathVariable} (PATH syntax). */
  static Optional<Path> findIn(String pathVariable, String... names) {
    if (pathVariable == null) {
      return Optional.empty();
    }
    boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    for (String name : names) {
      for (String dir : pathVariable.split(File.pathSeparator)) {
        if (dir.isEmpty()) {
          continue;
        }
        for (String file : windows ? List.of(name + ".exe", name) : List.of(name)) {
          Path candidate = Path.of(dir, file);
          if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
            return Optional.of(candidate);
          }
        }
      }
    }
    return Optional.empty();
  }

  /** True when {@value #CI_VARIABLE}{@code =true}: every native tool a test needs must be there. */
  public static boolean required() {
    return "true".equalsIgnoreCase(System.getenv(CI_VARIABLE));
  }

  /** One line saying that none of {@code names} is on PATH, for a skipped or failed test. */
  public static String missing(String... names) {
    return "no native " + String.join(" or ", names) + " on PATH"
        + (required() ? " (" + CI_VARIABLE + "=true: every tool the tests use must be installed)" : "");
  }
}
