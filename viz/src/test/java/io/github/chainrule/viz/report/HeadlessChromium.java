package io.github.chainrule.viz.report;

import io.github.chainrule.viz.render.RequiresTool;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Chromium, headless, offline, with a fresh profile per run. Without Chromium the test is
 * skipped with one line saying so, or fails under CI=true, which installs it ({@link RequiresTool}).
 */
final class HeadlessChromium {
  private final Path executable;
  private final Path workDir;

  private HeadlessChromium(Path executable, Path workDir) {
    this.executable = executable;
    this.workDir = workDir;
  }

  static HeadlessChromium find(Path workDir) {
    return new HeadlessChromium(RequiresTool.tool("chromium", "chromium-browser", "google-chrome"), workDir);
  }

  /** Takes a screenshot of {@code page} at the given window size. */
  Path screenshot(Path page, int width, int height) throws IOException, InterruptedException {
    Path png = workDir.resolve("screenshot.png");
    run(List.of("--hide-scrollbars", "--window-size=" + width + "," + height, "--screenshot=" + png,
        page.toUri().toString()), "screenshot");
    if (!Files.exists(png)) {
      throw new AssertionError("chromium wrote no screenshot to " + png);
    }
    return png;
  }

  /** The DOM after the page loaded, serialised. */
  String dumpDom(Path page) throws IOException, InterruptedException {
    return run(List.of("--dump-dom", page.toUri().toString()), "dom");
  }

  private String run(List<String> args, String tag) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory(workDir, "profile-");
    Path out = workDir.resolve(tag + ".out");
    Path err = workDir.resolve(tag + ".err");
    List<String> command = new ArrayList<>(List.of(executable.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--user-data-dir=" + profile));
    command.addAll(args);
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish within 120 s: " + command);
    }
    if (p.exitValue() != 0) {
      throw new AssertionError("chromium exited with " + p.exitValue() + ": " + Files.readString(err));
    }
    return Files.readString(out, StandardCharsets.UTF_8);
  }
}
