package io.github.chainrule.viz.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.viz.Fixtures;
import io.github.chainrule.viz.dot.DotOptions;
import io.github.chainrule.viz.examples.ReportExample;
import io.github.chainrule.viz.examples.TinyNetworkGraph;
import io.github.chainrule.viz.graph.TensorGraph;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
  @TempDir Path dir;

  private static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  /** Everything the page loads must be inside it. */
  private static void assertSelfContained(String html) {
    assertFalse(html.contains("<script"), "no scripts");
    assertFalse(html.contains("<link"), "no linked style sheets");
    assertFalse(html.contains("@import") || html.contains("url("), "no CSS loads");
    Matcher src = Pattern.compile("\\b(src|href)=\"([^\"]*)\"").matcher(html);
    while (src.find()) {
      assertTrue(src.group(2).startsWith("data:") || src.group(2).startsWith("#"), "loads " + src.group(2));
    }
    // The only URLs left are XML namespace names, which browsers never fetch.
    for (int at = html.indexOf("http"); at >= 0; at = html.indexOf("http", at + 1)) {
      String before = html.substring(Math.max(0, at - 16), at);
      assertTrue(before.matches("(?s).*xmlns(:\\w+)?=\"$"), "unexpected URL at " + html.substring(Math.max(0, at - 40),
          Math.min(html.length(), at + 60)));
    }
  }

  @Test
  void theExampleReportRendersInARealBrowser() throws Exception {
    Path page = ReportExample.build().write(dir.resolve("report.html"));
    String html = Files.readString(page);
    assertSelfContained(html);

    HeadlessChromium chromium = HeadlessChromium.find(dir);
    BufferedImage shot = ImageIO.read(chromium.screenshot(page, 1280, 2400).toFile());
    assertEquals(1280, shot.getWidth());
    int inked = 0;
    int colourful = 0;
    for (int y = 0; y < shot.getHeight(); y += 2) {
      for (int x = 0; x < shot.getWidth(); x += 2) {
        int rgb = shot.getRGB(x, y);
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        if (r + g + b < 720) {
          inked++;
        }
        if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60) {
          colourful++;
        }
      }
    }
    int samples = (shot.getWidth() / 2) * (shot.getHeight() / 2);
    assertTrue(inked > samples / 50, "the screenshot is not blank: " + inked + " of " + samples + " samples inked");
    assertTrue(colourful > 1000, "graph nodes and plot lines are in colour: " + colourful);

    String dom = chromium.dumpDom(page);
    assertTrue(dom.contains("<h1>chainrule report"), "title heading");
    assertEquals(2, count(dom, "<section class=\"graph\" id=\"graph-\\d\">"));
    assertTrue(dom.matches("(?s).*<section class=\"graph\" id=\"graph-1\">.*?<svg[^>]*>.*?</svg>.*"), "inline SVG graph");
    assertTrue(dom.contains(">loss</text>") && dom.contains(">W1</text>"), "graph nodes drawn as SVG text");
    assertEquals(5, count(dom, "<img [^>]*src=\"data:image/svg\\+xml;base64,"), "five plots embedded");
    assertEquals(1, count(dom, "<table class=\"parameters\">"));
    for (String name : List.of("hidden.weight", "hidden.bias", "out.weight", "out.bias")) {
      assertTrue(dom.contains("<td class=\"name\">" + name + "</td>"), name + " has a row");
    }
    assertEquals(4, count(dom, "<td class=\"magnitude\""), "each parameter's gradient magnitude");
  }

  @Test
  void parameterTablesSayNotComputedBeforeBackward() {
    Tensor w = Tensor.vector(1, 2).named("w").requiresGrad();
    Tensor x = Tensor.vector(3, 4).named("x");
    String html = HtmlReport.titled("t").parameters("P", List.of(w, x)).toHtml();
    assertTrue(html.contains("<td class=\"name\">w</td><td>[2]</td><td class=\"values\">[1, 2]</td>"
        + "<td class=\"missing\">not computed</td>"), html);
    assertTrue(html.contains("<td class=\"name\">x</td><td>[2]</td><td class=\"values\">[3, 4]</td>"
        + "<td class=\"missing\">not required</td>"), html);
    w.mul(x).sum().backward();
    String after = HtmlReport.titled("t").parameters("P", List.of(w)).toHtml();
    assertTrue(after.contains("<td class=\"values\">[3, 4]</td><td class=\"magnitude\""), after);
  }

  @Test
  void namesAndTitlesAreEscaped() throws Exception {
    Tensor loss = Fixtures.nastyLoss();
    String html = HtmlReport.titled("<b>\"report\" & co</b>")
        .parameters("P & <Q>", TensorGraph.of(loss).parameters())
        .graph("G", loss, DotOptions.defaults())
        .toHtml();
    assertTrue(html.contains("<title>&lt;b&gt;&quot;report&quot; &amp; co&lt;/b&gt;</title>"));
    assertTrue(html.contains("<h2>P &amp; &lt;Q&gt;</h2>"));
    assertFalse(html.contains("<b>"));
    assertSelfContained(html);
  }

  @Test
  void twoGraphsKeepTheirIdsApart() throws Exception {
    String html = HtmlReport.titled("t")
        .graph("one", TinyNetworkGraph.loss(), DotOptions.defaults())
        .graph("two", TinyNetworkGraph.lossAfterBackward(), DotOptions.defaults())
        .toHtml();
    assertTrue(html.contains("id=\"graph1-graph0\"") && html.contains("id=\"graph2-graph0\""));
    assertFalse(html.contains("<?xml") || html.contains("<!DOCTYPE svg"), "SVG prologs are stripped inside HTML");
  }
}
