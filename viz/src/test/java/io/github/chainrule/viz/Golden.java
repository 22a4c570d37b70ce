package io.github.chainrule.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files under src/test/resources/golden. Run the tests with {@code -Dgolden.update=true} to
 * rewrite them after an intended change, then review the diff.
 */
public final class Golden {
  public static final Path DIR = Path.of("src/test/resources/golden");

  private Golden() {}

  public static void assertMatches(String name, String actual) throws IOException {
    Path file = DIR.resolve(name + ".dot");
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(DIR);
      Files.writeString(file, actual, StandardCharsets.UTF_8);
    }
    assertTrue(Files.exists(file), "golden file " + file.toAbsolutePath() + " is missing; run with -Dgolden.update=true");
    assertEquals(Files.readString(file, StandardCharsets.UTF_8), actual, "export differs from " + file
        + " (if the change is intended, rerun with -Dgolden.update=true and review the diff)");
  }
}
