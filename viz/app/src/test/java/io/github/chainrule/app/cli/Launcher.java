package io.github.chainrule.app.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the real {@code ./chainrule} launcher in a subprocess, as a person would, with
 * CHAINRULE_NO_BUILD=1 so that it uses the jar the build just made and never starts Maven.
 */
final class Launcher {
  private static final long TIMEOUT_SECONDS = 120;

  /** What one run did. */
  record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private Launcher() {}

  /** The repository root: from the build ({@code chainrule.root}), else the nearest parent holding the launcher. */
  static Path root() {
    String configured = System.getProperty("chainrule.root");
    if (configured != null) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("chainrule")) && Files.isDirectory(p.resolve("viz"))) {
        return p;
      }
    }
    throw new AssertionError("cannot find the repository root (the directory of ./chainrule) above " + Path.of("").toAbsolutePath());
  }

  /** Runs {@code ./chainrule args...} in {@code workDir}. */
  static Result run(Path workDir, String... args) throws IOException, InterruptedException {
    return run(root().resolve("chainrule"), workDir, Map.of(), args);
  }

  static Result run(Path launcher, Path workDir, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(launcher.toString());
    command.addAll(List.of(args));
    return exec(command, workDir, env, new File("/dev/null"), TIMEOUT_SECONDS);
  }

  /** Runs {@code ./chainrule args...} in {@code workDir} with {@code input} as its standard input. */
  static Result runWithInput(Path workDir, String input, String... args) throws IOException, InterruptedException {
    Path inputFile = Files.createTempFile(workDir, "stdin", ".txt");
    Files.writeString(inputFile, input);
    List<String> command = new ArrayList<>();
    command.add(root().resolve("chainrule").toString());
    command.addAll(List.of(args));
    return exec(command, workDir, Map.of(), inputFile.toFile(), TIMEOUT_SECONDS);
  }

  /** Runs any command the way the launcher is run: output read to its end, killed after the timeout. */
  static Result exec(List<String> command, Path workDir, Map<String, String> env, File input, long timeoutSeconds)
      throws IOException, InterruptedException {
    String shown = String.join(" ", command);
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(input));
    pb.environment().put("CHAINRULE_NO_BUILD", "1");
    pb.environment().putAll(env);
    Process p = pb.start();
    // Read both pipes to their end: the end comes when every writer has closed, the launcher's stderr
    // filter included, which may outlive java by a moment.
    CompletableFuture<String> out = readAll(p.getInputStream());
    CompletableFuture<String> err = readAll(p.getErrorStream());
    boolean finished = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    if (!finished) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    assertTrue(finished, shown + " did not finish in " + timeoutSeconds + " s");
    try {
      return new Result(p.exitValue(), out.get(30, TimeUnit.SECONDS), err.get(30, TimeUnit.SECONDS));
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("reading the output of " + shown, e);
    }
  }

  private static CompletableFuture<String> readAll(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (InputStream s = in) {
        return new String(s.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, Launcher::daemon);
  }

  /** A thread per pipe: a blocked read must never wait for a pool thread. */
  private static void daemon(Runnable r) {
    Thread t = new Thread(r, "chainrule-output");
    t.setDaemon(true);
    t.start();
  }
}
