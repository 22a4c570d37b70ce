package io.github.chainrule.app.gallery;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a demo reports back: the report it wrote, a few lines of summary for the terminal, and its
 * key numbers by name, in the order they are best read (tests check them against values they
 * derive independently).
 */
public record DemoResult(String name, Path report, List<String> summary, Map<String, Double> keyNumbers) {

  public DemoResult {
    summary = List.copyOf(summary);
    keyNumbers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(keyNumbers));
  }
}
