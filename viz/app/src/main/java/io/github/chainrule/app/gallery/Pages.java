package io.github.chainrule.app.gallery;

import io.github.chainrule.autodiff.Format;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.viz.dot.DotExporter;
import io.github.chainrule.viz.dot.DotOptions;
import io.github.chainrule.viz.render.Graphviz;
import io.github.chainrule.viz.render.LayoutBudget;
import io.github.chainrule.viz.report.HtmlReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What every gallery page does the same way: the graph written as DOT and SVG beside the page and
 * inlined into it, series written as CSV for spreadsheets, numbers formatted for people, and the
 * list of files the page links to.
 */
final class Pages {
  private final Path dir;
  private final HtmlReport report;
  private final Map<String, String> files = new LinkedHashMap<>();

  Pages(Path dir, String title) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
    this.report = HtmlReport.titled(title);
  }

  HtmlReport report() {
    return report;
  }

  /**
   * Writes {@code base}.dot and {@code base}.svg, drawn by {@link Graphviz#standard()} (the embedded
   * Graphviz unless -Dchainrule.dot says otherwise), and inlines the SVG; a graph too large to lay
   * out is drawn collapsed, and the page says so.
   */
  Pages graph(String heading, String base, Tensor output, DotOptions options) throws IOException {
    Path dot = dir.resolve(base + ".dot");
    LayoutBudget.Plan plan = LayoutBudget.plan(output, options);
    if (!plan.note().isEmpty()) {
      report.paragraph(heading + ": " + plan.note());
    }
    DotExporter.with(plan.options()).write(output, dot);
    files.put(base + ".dot", "the graph in Graphviz's DOT language");
    Path svg = Graphviz.standard().renderFile(dot, Graphviz.Format.SVG, dir.resolve(base + ".svg")).file();
    files.put(base + ".svg", "the graph drawn by Graphviz");
    report.graphSvg(heading, Files.readString(svg, StandardCharsets.UTF_8), options.gradientColours() != null);
    return this;
  }

  /** Writes {@code name} as CSV: a header, then one row per index; shorter columns leave cells empty. */
  Pages csv(String name, String description, Map<String, double[]> columns) throws IOException {
    int rows = 0;
    for (double[] c : columns.values()) {
      rows = Math.max(rows, c.length);
    }
    StringBuilder sb = new StringBuilder(String.join(",", columns.keySet())).append('\n');
    for (int r = 0; r < rows; r++) {
      int k = 0;
      for (double[] c : columns.values()) {
        sb.append(k++ > 0 ? "," : "");
        if (r < c.length) {
          // Full round-trip precision: the file is data, not a picture.
          sb.append(c[r]);
        }
      }
      sb.append('\n');
    }
    Files.writeString(dir.resolve(name), sb, StandardCharsets.UTF_8);
    files.put(name, description);
    return this;
  }

  /** Adds the list of written files and writes {@code index.html}; returns its path. */
  Path write() throws IOException {
    if (!files.isEmpty()) {
      report.links("Files next to this page", files);
    }
    return report.write(dir.resolve("index.html"));
  }

  /** A number for people: six significant digits, as graphs and tables show them. */
  static String num(double v) {
    return Format.number(v);
  }

  /** A fixed-point number, for values whose scale is known (losses, weights). */
  static String fixed(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  /** One table row from cells. */
  static List<String> row(String... cells) {
    return new ArrayList<>(List.of(cells));
  }

  /** Named series in the order given (Map.of's order changes from run to run, and with it the colours). */
  static Map<String, double[]> series(Object... nameThenValues) {
    Map<String, double[]> out = new LinkedHashMap<>();
    for (int i = 0; i < nameThenValues.length; i += 2) {
      out.put((String) nameThenValues[i], (double[]) nameThenValues[i + 1]);
    }
    return out;
  }

  /** 0, 1, ..., n − 1 as doubles: the x of a per-step series. */
  static double[] steps(int n) {
    double[] s = new double[n];
    for (int i = 0; i < n; i++) {
      s[i] = i;
    }
    return s;
  }
}
