package io.github.chainrule.viz.render;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Renders DOT text to SVG or PNG with Graphviz's {@code dot} program.
 *
 * <pre>{@code
 * Graphviz.onPath().render(DotExporter.toDot(loss), Graphviz.Format.SVG, Path.of("loss.svg"));
 * }</pre>
 *
 * <p>{@code dot} runs as a separate process with the DOT text in a temporary file, its standard
 * error captured to another (so no pipe can fill up and block it) and a time limit (60 s unless
 * changed), after which it is killed. A non-zero exit or a time-out throws {@link
 * GraphvizException} with what {@code dot} said; warnings from a successful run are returned in
 * {@link Rendering#warnings()}.
 */
public final class Graphviz {
  /** System property naming the dot executable, for installs outside PATH. */
  public static final String DOT_PROPERTY = "chainrule.dot";

  /** Output formats {@code dot} is asked for. */
  public enum Format {
    SVG("svg"), PNG("png");

    private final String flag;

    Format(String flag) {
      this.flag = flag;
    }

    /** The file extension and {@code -T} value. */
    public String extension() {
      return flag;
    }
  }

  /** A finished rendering: the file written, and whatever {@code dot} printed on standard error. */
  public record Rendering(Path file, String warnings) {}

  private final Path executable;
  private final Duration timeout;

  private Graphviz(Path executable, Duration timeout) {
    this.executable = executable;
    this.timeout = timeout;
  }

  /**
   * The {@code dot} named by the {@value #DOT_PROPERTY} system property, or else the first on PATH.
   *
   * @throws GraphvizNotFoundException saying how to install Graphviz
   */
  public static Graphviz onPath() {
    String configured = System.getProperty(DOT_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      Path p = Path.of(configured);
      if (!Files.isExecutable(p)) {
        throw new GraphvizNotFoundException("-D" + DOT_PROPERTY + "=" + configured + " is not an executable file");
      }
      return new Graphviz(p, Duration.ofSeconds(60));
    }
    return find(System.getenv("PATH"));
  }

  /** The first {@code dot} in the directories of {@code pathVariable} (PATH syntax). */
  static Graphviz find(String pathVariable) {
    boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    if (pathVariable != null) {
      for (String dir : pathVariable.split(File.pathSeparator)) {
        if (dir.isEmpty()) {
          continue;
        }
        for (String name : windows ? List.of("dot.exe", "dot") : List.of("dot")) {
          Path candidate = Path.of(dir, name);
          if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
            return new Graphviz(candidate, Duration.ofSeconds(60));
          }
        }
      }
    }
    throw new GraphvizNotFoundException("searched PATH=" + pathVariable);
  }

  /** True if {@link #onPath()} would find {@code dot}. */
  public static boolean isInstalled() {
    try {
      onPath();
      return true;
    } catch (GraphvizNotFoundException e) {
      return false;
    }
  }

  /** The same executable with another time limit. */
  public Graphviz withTimeout(Duration timeout) {
    checkArgument(!timeout.isNegative() && !timeout.isZero(), "graphviz: timeout must be positive, got %s", timeout);
    return new Graphviz(executable, timeout);
  }

  /** The executable that will run. */
  public Path executable() {
    return executable;
  }

  /** Renders {@code dotSource} into {@code target} in {@code format}. */
  public Rendering render(String dotSource, Format format, Path target) throws IOException {
    checkNotNull(dotSource, "graphviz: dot source is null");
    Path input = Files.createTempFile("chainrule-", ".dot");
    try {
      Files.writeString(input, dotSource, StandardCharsets.UTF_8);
      return renderFile(input, format, target);
    } finally {
      Files.deleteIfExists(input);
    }
  }

  /** Renders the DOT file {@code dotFile} into {@code target} in {@code format}. */
  public Rendering renderFile(Path dotFile, Format format, Path target) throws IOException {
    Path errors = Files.createTempFile("chainrule-dot-", ".err");
    try {
      Path parent = target.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Process process = new ProcessBuilder(executable.toString(), "-T" + format.extension(),
          "-o", target.toString(), dotFile.toString())
          .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(errors.toFile())
          .start();
      boolean finished;
      try {
        finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new GraphvizException("graphviz: interrupted while dot rendered " + dotFile, "");
      }
      String stderr = Files.readString(errors, StandardCharsets.UTF_8).strip();
      if (!finished) {
        process.destroyForcibly();
        throw new GraphvizException("graphviz: dot did not finish rendering " + dotFile + " within "
            + (timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms")
            + " and was stopped; draw fewer nodes (DotOptions.withMaxNodes)", stderr);
      }
      if (process.exitValue() != 0) {
        throw new GraphvizException("graphviz: dot exited with status " + process.exitValue() + " rendering "
            + dotFile + " to " + format.extension() + ": " + stderr, stderr);
      }
      return new Rendering(target, stderr);
    } finally {
      Files.deleteIfExists(errors);
    }
  }

  /** Renders to bytes in memory (through a temporary file). */
  public byte[] renderBytes(String dotSource, Format format) throws IOException {
    Path out = Files.createTempFile("chainrule-", "." + format.extension());
    try {
      render(dotSource, format, out);
      return Files.readAllBytes(out);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static File nullDevice() {
    return new File(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows") ? "NUL" : "/dev/null");
  }
}
