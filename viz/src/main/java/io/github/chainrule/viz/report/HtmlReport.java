package io.github.chainrule.viz.report;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static io.github.chainrule.viz.Markup.escape;

import io.github.chainrule.autodiff.Format;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.viz.dot.DotExporter;
import io.github.chainrule.viz.dot.DotOptions;
import io.github.chainrule.viz.dot.GradientColours;
import io.github.chainrule.viz.plot.Chart;
import io.github.chainrule.viz.render.Graphviz;
import io.github.chainrule.viz.render.GraphvizException;
import io.github.chainrule.viz.render.LayoutBudget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One self-contained HTML file about a model: its graph as inline SVG, plots, and tables of
 * parameters with their values and gradients. No scripts, no style sheets, fonts or images from
 * elsewhere: the file opens offline and can be mailed or archived as it is.
 *
 * <pre>{@code
 * HtmlReport.titled("Tiny network")
 *     .graph("Graph after backward()", loss, DotOptions.defaults().withEdgeLabels(true))
 *     .plot("Loss", Plots.lossCurves("Loss", history, true))
 *     .parameters("Parameters", List.of(w1, b1, w2, b2))
 *     .write(Path.of("report.html"));
 * }</pre>
 *
 * Sections appear in the order they are added. Plots are embedded as SVG images in {@code data:}
 * URIs (as images, a plot's internal ids stay apart from the page's); graphs are inlined as SVG
 * elements with their ids prefixed per graph, drawn by {@link Graphviz#standard()} (the embedded
 * Graphviz: nothing to install), each with a line naming the engine.
 */
public final class HtmlReport {
  private static final Pattern XML_PROLOG = Pattern.compile("<\\?xml[^>]*\\?>\\s*");
  private static final Pattern DOCTYPE = Pattern.compile("<!DOCTYPE[^>\\[]*(\\[[^\\]]*\\])?\\s*>\\s*");
  private static final Pattern ID = Pattern.compile("\\bid=\"");
  private static final GradientColours COLOURS = new GradientColours(1e-6, 1e3);

  private final String title;
  private final List<String> sections = new ArrayList<>();
  private Graphviz graphviz;
  private int graphs;
  private int valueLimit = 12;

  private HtmlReport(String title) {
    this.title = checkNotNull(title, "report: title is null");
  }

  /** An empty report with this title. */
  public static HtmlReport titled(String title) {
    return new HtmlReport(title);
  }

  /** Renders graphs with this Graphviz instead of {@link Graphviz#standard()}. */
  public HtmlReport withGraphviz(Graphviz graphviz) {
    this.graphviz = checkNotNull(graphviz, "report: graphviz is null");
    return this;
  }

  /** Tensors with at most {@code limit} elements show every value in tables; larger ones a summary. */
  public HtmlReport withValueLimit(int limit) {
    checkArgument(limit >= 1, "report: value limit must be at least 1, got %s", limit);
    this.valueLimit = limit;
    return this;
  }

  /** A paragraph of text. */
  public HtmlReport paragraph(String text) {
    sections.add("<p>" + escape(text) + "</p>");
    return this;
  }

  /**
   * The graph behind {@code output}, rendered by Graphviz and inlined as SVG, with the colour scale;
   * collapsed, with a paragraph saying so, when it is too large to lay out ({@link LayoutBudget}).
   */
  public HtmlReport graph(String heading, Tensor output, DotOptions options) throws IOException {
    LayoutBudget.Plan plan = LayoutBudget.plan(output, options);
    if (!plan.note().isEmpty()) {
      paragraph(heading + ": " + plan.note());
    }
    String dot = DotExporter.toDot(output, plan.options());
    Graphviz g = graphviz != null ? graphviz : Graphviz.standard();
    String svg;
    try {
      svg = g.svg(dot);
    } catch (GraphvizException e) {
      throw e.in("report '" + title + "', graph '" + heading + "'");
    }
    return graphSvg(heading, svg, options.gradientColours() != null);
  }

  /**
   * An SVG document already rendered (by Graphviz or anything else), inlined; one drawn by {@link
   * Graphviz} gets a line naming the engine under it.
   */
  public HtmlReport graphSvg(String heading, String svgDocument, boolean withColourScale) {
    int n = ++graphs;
    String svg = XML_PROLOG.matcher(svgDocument).replaceFirst("");
    svg = DOCTYPE.matcher(svg).replaceFirst("");
    // Ids must be unique in a page: prefix them per graph (Graphviz's SVG refers to none of them).
    svg = ID.matcher(svg).replaceAll("id=\"graph" + n + "-");
    checkArgument(svg.stripLeading().startsWith("<svg") || svg.stripLeading().startsWith("<!--"),
        "report: '%s' is not an SVG document", heading);
    StringBuilder sb = new StringBuilder();
    sb.append("<section class=\"graph\" id=\"graph-").append(n).append("\">\n<h2>").append(escape(heading))
        .append("</h2>\n<div class=\"scroll\">").append(svg.strip()).append("</div>\n");
    if (withColourScale) {
      sb.append(colourScale());
    }
    Graphviz.engineOf(svgDocument).ifPresent(engine -> sb.append("<p class=\"engine\">Drawn by ")
        .append(escape(engine)).append(".</p>\n"));
    sections.add(sb.append("</section>").toString());
    return this;
  }

  /** A chart, embedded as an SVG image (as an image, its ids stay apart from the page's). */
  public HtmlReport plot(String heading, Chart chart) {
    String data = "data:image/svg+xml;base64,"
        + Base64.getEncoder().encodeToString(chart.svg().getBytes(StandardCharsets.UTF_8));
    sections.add("<section class=\"plot\">\n<h2>" + escape(heading) + "</h2>\n<figure><img alt=\"" + escape(heading)
        + "\" width=\"" + chart.width() + "\" height=\"" + chart.height()
        + "\" src=\"" + data + "\"></figure>\n</section>");
    return this;
  }

  /** A table of parameters by their names. */
  public HtmlReport parameters(String heading, List<Tensor> parameters) {
    Map<String, Tensor> named = new LinkedHashMap<>();
    for (Tensor t : parameters) {
      named.put(t.label(), t);
    }
    return parameters(heading, named);
  }

  /**
   * A table with one row per parameter: name, shape, value, gradient (or "not computed") and the
   * gradient's magnitude, coloured on the same log scale as graphs.
   */
  public HtmlReport parameters(String heading, Map<String, Tensor> parameters) {
    StringBuilder sb = new StringBuilder();
    sb.append("<section class=\"parameters\">\n<h2>").append(escape(heading)).append("</h2>\n")
        .append("<table class=\"parameters\">\n<thead><tr><th>name</th><th>shape</th><th>value</th>")
        .append("<th>gradient</th><th>max |grad|</th></tr></thead>\n<tbody>\n");
    for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
      Tensor t = e.getValue();
      sb.append("<tr><td class=\"name\">").append(escape(e.getKey())).append("</td><td>")
          .append(escape(shape(t.shapeRef()))).append("</td><td class=\"values\">")
          .append(escape(Format.values(t.data(), t.shapeRef(), valueLimit))).append("</td>");
      if (t.hasGrad()) {
        double[] g = t.grad().data();
        double m = GradientColours.magnitude(g);
        sb.append("<td class=\"values\">").append(escape(Format.values(g, t.shapeRef(), valueLimit)))
            .append("</td><td class=\"magnitude\" style=\"background:").append(COLOURS.fill(g)).append(";color:")
            .append(COLOURS.text(g)).append("\">").append(escape(Format.number(m))).append("</td>");
      } else {
        String why = t.needsGrad() ? "not computed" : "not required";
        sb.append("<td class=\"missing\">").append(why).append("</td><td class=\"missing\">&#x2014;</td>");
      }
      sb.append("</tr>\n");
    }
    sections.add(sb.append("</tbody>\n</table>\n</section>").toString());
    return this;
  }

  /**
   * A table of text: a header row, then one row per list (each as long as the header). Cells are
   * escaped; a number reads best formatted with {@link Format#number}.
   */
  public HtmlReport table(String heading, List<String> header, List<List<String>> rows) {
    checkArgument(!header.isEmpty(), "report: table '%s' has no columns", heading);
    StringBuilder sb = new StringBuilder();
    sb.append("<section class=\"table\">\n<h2>").append(escape(heading)).append("</h2>\n")
        .append("<table class=\"parameters\">\n<thead><tr>");
    for (String h : header) {
      sb.append("<th>").append(escape(h)).append("</th>");
    }
    sb.append("</tr></thead>\n<tbody>\n");
    for (List<String> row : rows) {
      checkArgument(row.size() == header.size(), "report: table '%s' has %s columns but a row has %s cells: %s",
          heading, header.size(), row.size(), row);
      sb.append("<tr>");
      for (String cell : row) {
        sb.append("<td class=\"values\">").append(escape(cell)).append("</td>");
      }
      sb.append("</tr>\n");
    }
    sections.add(sb.append("</tbody>\n</table>\n</section>").toString());
    return this;
  }

  /**
   * Links to files written next to the page (data for spreadsheets, the graph as DOT), by their
   * relative paths, each with a description. The page stays readable without them.
   */
  public HtmlReport links(String heading, Map<String, String> descriptionByRelativePath) {
    StringBuilder sb = new StringBuilder();
    sb.append("<section class=\"links\">\n<h2>").append(escape(heading)).append("</h2>\n<ul>\n");
    for (Map.Entry<String, String> e : descriptionByRelativePath.entrySet()) {
      sb.append("<li><a href=\"").append(escape(e.getKey())).append("\">").append(escape(e.getKey()))
          .append("</a>: ").append(escape(e.getValue())).append("</li>\n");
    }
    sections.add(sb.append("</ul>\n</section>").toString());
    return this;
  }

  /** The page. */
  public String toHtml() {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"generator\" content=\"chainrule\">\n<title>").append(escape(title)).append("</title>\n")
        .append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n<h1>").append(escape(title))
        .append("</h1>\n");
    for (String s : sections) {
      sb.append(s).append('\n');
    }
    return sb.append("</body>\n</html>\n").toString();
  }

  /** Writes the page to {@code file} (UTF-8) and returns it. */
  public Path write(Path file) throws IOException {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, toHtml(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      // The JDK's message is often only a path (the directory in the way), not the file or the cause.
      throw new IOException("report '" + title + "': cannot write " + file + ": " + e, e);
    }
    return file;
  }

  private static String colourScale() {
    StringBuilder sb = new StringBuilder("<table class=\"scale\"><tr><th>|grad|</th>");
    for (int exp = -6; exp <= 3; exp++) {
      double m = Math.pow(10, exp);
      sb.append("<td style=\"background:").append(COLOURS.fill(m)).append(";color:").append(COLOURS.text(m))
          .append("\">1e").append(exp).append("</td>");
    }
    sb.append("<td style=\"background:").append(GradientColours.ZERO).append(";color:#000000\">exactly 0</td>")
        .append("<td style=\"background:").append(GradientColours.NON_FINITE)
        .append(";color:#ffffff\">NaN or Inf</td>");
    return sb.append("</tr></table>\n").toString();
  }

  private static String shape(int[] shape) {
    if (shape.length == 0) {
      return "scalar";
    }
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i > 0 ? ", " : "").append(shape[i]);
    }
    return sb.append(']').toString();
  }

  private static final String STYLE = String.join("\n",
      "body { font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; margin: 24px; color: #222; }",
      "h1 { font-size: 24px; } h2 { font-size: 18px; margin-top: 28px; }",
      ".scroll { overflow-x: auto; border: 1px solid #ddd; padding: 8px; }",
      ".graph svg { max-width: 100%; height: auto; }",
      "figure { margin: 0; } figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }",
      "table.parameters { border-collapse: collapse; font-size: 13px; }",
      "table.parameters th, table.parameters td { border: 1px solid #ccc; padding: 4px 8px; text-align: left;"
          + " vertical-align: top; }",
      "table.parameters th { background: #f0f0f0; }",
      "td.values, td.name { font-family: 'DejaVu Sans Mono', monospace; }",
      "td.missing { color: #777; font-style: italic; }",
      "p.engine { color: #777; font-size: 11px; margin: 4px 0 0; }",
      "table.scale { border-collapse: collapse; font-size: 11px; margin-top: 6px; }",
      "table.scale td, table.scale th { padding: 2px 6px; }",
      "");
}
