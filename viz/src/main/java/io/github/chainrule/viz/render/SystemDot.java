package io.github.chainrule.viz.render;

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
 * The system's Graphviz {@code dot} program, run as a separate process with the DOT text in a
 * temporary file, its standard error captured to another (so no pipe can fill up and block it) and
 * a time limit, after which it is killed.
 */
final class SystemDot implements Engine {
  private final Path executable;
  private volatile String description;

  SystemDot(Path executable) {
    this.executable = executable;
  }

  Path executable() {
    return executable;
  }

  @Override
  public String description() {
    String d = description;
    if (d == null) {
      String version = "";
      try {
        // dot -V prints "dot - graphviz version 2.43.0 (0)" on standard error.
        version = run(List.of("-V"), Duration.ofSeconds(10), null).stderr()
            .replaceFirst("(?s).*?version\\s+(\\S+).*", "$1").strip();
      } catch (IOException | GraphvizException e) {
        version = "of unknown version";
      }
      d = description = "Graphviz " + version + " (system dot, " + executable + ")";
    }
    return d;
  }

  @Override
  public Output render(String dot, Graphviz.Format format, Duration timeout) throws IOException {
    Path input = Files.createTempFile("chainrule-", ".dot");
    Path output = Files.createTempFile("chainrule-", "." + format.extension());
    try {
      Files.writeString(input, dot, StandardCharsets.UTF_8);
      Result r = run(List.of("-T" + format.extension(), "-o", output.toString(), input.toString()), timeout, dot);
      if (r.status() != 0) {
        String said = r.stderr().replace(input.toString() + ": ", "");
        throw new GraphvizException("graphviz: dot exited with status " + r.status() + " rendering "
            + format.extension() + ": " + said, r.stderr());
      }
      return new Output(Files.readAllBytes(output), r.stderr().isEmpty() ? List.of() : r.stderr().lines().toList());
    } finally {
      Files.deleteIfExists(input);
      Files.deleteIfExists(output);
    }
  }

  private record Result(int status, String stderr) {}

  private Result run(List<String> args, Duration timeout, String dot) throws IOException {
    Path errors = Files.createTempFile("chainrule-dot-", ".err");
    try {
      List<String> command = new java.util.ArrayList<>(List.of(executable.toString()));
      command.addAll(args);
      Process process = new ProcessBuilder(command)
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
        throw new GraphvizException("graphviz: interrupted while " + executable + " ran", "");
      }
      String stderr = Files.readString(errors, StandardCharsets.UTF_8).strip();
      if (!finished) {
        process.destroyForcibly();
        throw new GraphvizException("graphviz: " + executable + " did not finish rendering "
            + (dot == null ? "" : String.format(Locale.ROOT, "%,d lines of DOT ", dot.lines().count()))
            + "within " + Graphviz.seconds(timeout) + " and was stopped; draw fewer nodes (DotOptions.withMaxNodes, "
            + "DotOptions.withCollapsedChains)", stderr);
      }
      return new Result(process.exitValue(), stderr);
    } finally {
      Files.deleteIfExists(errors);
    }
  }

  private static File nullDevice() {
    return new File(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows") ? "NUL" : "/dev/null");
  }
}
