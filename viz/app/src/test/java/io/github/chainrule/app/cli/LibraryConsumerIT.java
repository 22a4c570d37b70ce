package io.github.chainrule.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.autodiff.Format;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's "Use chainrule as a library" works as written: the consumer project under
 * src/test/resources/consumer is the README's pom and Main, and it builds and runs with Maven against
 * chainrule as {@code mvn install} leaves it.
 *
 * <p>Nothing is installed into the user's repository, which concurrent builds share: the build
 * (maven-install-plugin's install-file, before the integration tests) installs the library's poms and
 * jars into {@code consumer.repository} under target/, and the consumer build uses that as its local
 * repository. Everything else it needs comes from the user's repository, read as a {@code file:}
 * remote, so nothing is downloaded where the main build already fetched the same plugins and jars (on
 * a machine where something is missing there, Maven's default remote repository still supplies it).
 */
class LibraryConsumerIT {
  private static final long BUILD_TIMEOUT_SECONDS = 600;
  private static final Path CONSUMER = Launcher.root().resolve("viz/app/src/test/resources/consumer");

  @Test
  void readmeShowsTheConsumerProjectVerbatim() throws IOException {
    String readme = readme();
    for (String file : List.of("pom.xml", "src/main/java/example/Main.java")) {
      String text = Files.readString(CONSUMER.resolve(file));
      String fence = file.endsWith(".xml") ? "```xml\n" : "```java\n";
      assertTrue(readme.contains(fence + text + "```\n"),
          "README.md must show " + CONSUMER.relativize(CONSUMER.resolve(file)) + " exactly as it is in " + CONSUMER);
    }
  }

  @Test
  void consumerProjectBuildsAgainstTheInstalledArtifactsAndRunsTheReadmeExample() throws Exception {
    Path target = Path.of(System.getProperty("consumer.repository")).getParent();
    Path project = target.resolve("consumer-project");
    copyFresh(CONSUMER, project);
    Path settings = target.resolve("consumer-settings.xml");
    Files.writeString(settings, settings(Path.of(System.getProperty("user.repository"))));

    Launcher.Result r = Launcher.exec(List.of(maven(), "-B", "-ntp", "-q", "-Dstyle.color=never",
            "-s", settings.toString(), "-Dmaven.repo.local=" + System.getProperty("consumer.repository"),
            "test", "exec:exec"),
        project, Map.of(), new File("/dev/null"), BUILD_TIMEOUT_SECONDS);
    assertEquals(0, r.code(), "the consumer build failed:\n" + r);
    // Maven 3.8 writes colour resets even with -B and style.color=never.
    String out = r.out().replaceAll("\u001B\\[[;\\d]*m", "");

    // f = x·y + sin x at (2, 3): df/dx = y + cos x, df/dy = x.
    List<String> lines = out.lines().toList();
    assertEquals("Tensor f [] add = " + Format.number(6 + Math.sin(2)) + "  grad 1", lines.get(0), r.toString());
    assertEquals("Tensor x [] requiresGrad = 2  grad " + Format.number(3 + Math.cos(2)), lines.get(1), r.toString());
    assertEquals("Tensor y [] requiresGrad = 3  grad 2", lines.get(2), r.toString());
    // The points lie on y = 2x + 1, so the least-squares line is that one, which gradient descent
    // reaches (its slowest mode shrinks by 0.94 a step: 0.94^500 ≈ 4e-14).
    assertEquals(String.format(Locale.ROOT, "w = %.6f, b = %.6f", 2.0, 1.0), lines.get(3), r.toString());
    // The flag in exec:exec's arguments and in surefire's argLine (the consumer's SimdTest) took effect.
    assertEquals("kernels: vector", lines.get(4), r.toString());
    assertEquals(5, lines.size(), r.toString());

    String dot = Files.readString(project.resolve("f.dot"));
    assertTrue(dot.startsWith("digraph"), dot);
    for (String shown : List.of("x", "y", "f", Format.number(3 + Math.cos(2)))) {
      assertTrue(dot.contains(shown), "the DOT graph shows " + shown + ":\n" + dot);
    }

    // The library brings none of the application's dependencies, nor the optional progress bar: the
    // consumer's build, which fills this repository, never resolved them.
    Path repository = Path.of(System.getProperty("consumer.repository"));
    for (String absent : List.of("info/picocli", "me/tongfei", "org/jline", "io/github/chainrule/chainrule-app")) {
      assertFalse(Files.exists(repository.resolve(absent)), "the consumer's build resolved " + absent);
    }

    String readme = readme();
    assertTrue(readme.contains("`mvn -q compile exec:exec` prints:\n\n```\n" + out + "```\n"),
        "README.md must show what the example prints:\n" + out);
  }

  private static String readme() throws IOException {
    return Files.readString(Launcher.root().resolve("README.md"));
  }

  /** The user's repository as the one remote, for plugins and third-party jars. */
  private static String settings(Path userRepository) {
    String url = userRepository.toUri().toString();
    String repository = "<id>user-repository</id><url>" + url + "</url>"
        + "<releases><enabled>true</enabled></releases><snapshots><enabled>false</enabled></snapshots>";
    return "<settings><profiles><profile><id>user-repository</id>"
        + "<repositories><repository>" + repository + "</repository></repositories>"
        + "<pluginRepositories><pluginRepository>" + repository + "</pluginRepository></pluginRepositories>"
        + "</profile></profiles><activeProfiles><activeProfile>user-repository</activeProfile></activeProfiles>"
        + "</settings>\n";
  }

  private static String maven() {
    String home = System.getProperty("maven.home");
    Path mvn = home == null ? null : Path.of(home, "bin", "mvn");
    return mvn != null && Files.isExecutable(mvn) ? mvn.toString() : "mvn";
  }

  private static void copyFresh(Path from, Path to) throws IOException {
    if (Files.exists(to)) {
      try (Stream<Path> old = Files.walk(to)) {
        for (Path p : old.sorted((a, b) -> b.compareTo(a)).toList()) {
          Files.delete(p);
        }
      }
    }
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Files.copy(p, to.resolve(from.relativize(p).toString()));
      }
    }
  }
}
