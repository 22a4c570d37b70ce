package io.github.chainrule.app.gallery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.viz.plot.TickLabels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks shared by the demo tests: the page, the files it links to, and reading key numbers. */
final class Reports {
  private static final Pattern LINK = Pattern.compile("<a href=\"([^\"]+)\"");
  private static final Pattern IMAGE = Pattern.compile("<img alt=\"([^\"]*)\"[^>]*src=\"data:image/svg\\+xml;base64,([^\"]+)\"");

  private Reports() {}

  /**
   * The demo wrote {@code dir/index.html}, non-empty, with at least {@code plots} embedded plots and
   * at least one graph; every file it links to exists next to it and is not empty. Returns the links.
   */
  static List<String> assertComplete(DemoResult result, Path dir, int plots) throws IOException {
    assertEquals(dir.resolve("index.html"), result.report());
    String html = Files.readString(result.report());
    assertTrue(html.startsWith("<!DOCTYPE html>") && html.endsWith("</html>\n"), "a whole page");
    assertTrue(count(IMAGE, html) >= plots, "expected at least " + plots + " plots, found " + count(IMAGE, html));
    assertChartsReadable(html);
    assertTrue(html.matches("(?s).*<section class=\"graph\"[^>]*>.*?<svg[^>]*>.*?</svg>.*"), "an inline SVG graph");
    List<String> links = new ArrayList<>();
    Matcher m = LINK.matcher(html);
    while (m.find()) {
      links.add(m.group(1));
    }
    assertFalse(links.isEmpty(), "the page links to its data files");
    for (String link : links) {
      Path file = dir.resolve(link);
      assertTrue(Files.isRegularFile(file), "linked file " + link + " exists");
      assertTrue(Files.size(file) > 0, "linked file " + link + " is not empty");
      assertEquals(dir.toAbsolutePath().normalize(), file.toAbsolutePath().normalize().getParent(),
          "links stay in the demo's directory");
    }
    assertFalse(result.summary().isEmpty(), "a summary for the terminal");
    return links;
  }

  /** Every chart embedded in the page has round tick labels that keep apart. */
  static void assertChartsReadable(String html) {
    Matcher m = IMAGE.matcher(html);
    while (m.find()) {
      String svg = new String(Base64.getDecoder().decode(m.group(2)), StandardCharsets.UTF_8);
      assertEquals(List.of(), TickLabels.problems(svg), "chart '" + m.group(1) + "'");
    }
  }

  static double key(DemoResult r, String name) {
    Double v = r.keyNumbers().get(name);
    assertTrue(v != null, "key number '" + name + "' among " + r.keyNumbers().keySet());
    return v;
  }

  /** |actual − expected| ≤ tol·max(1, |expected|). */
  static void assertClose(double expected, double actual, double tol, String what) {
    assertTrue(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)),
        what + ": expected " + expected + " but was " + actual);
  }

  private static int count(Pattern p, String s) {
    Matcher m = p.matcher(s);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  static double sigmoid(double s) {
    return 1 / (1 + Math.exp(-s));
  }
}
