package io.github.chainrule.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.viz.plot.TickLabels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fit --report's charts, as files and in index.html: vector pictures whose tick labels read. */
class FitChartsTest {
  private static final Pattern IMAGE = Pattern.compile("<img alt=\"([^\"]*)\"[^>]*src=\"data:image/svg\\+xml;base64,([^\"]+)\"");

  @TempDir
  Path dir;

  /** The run lengths whose x ticks collided ("1,0001,1251,2501,375") or were odd ("0 134 268 402"). */
  @Test
  void everyChartOfRunsOfAwkwardLengthsHasRoundTicksThatKeepApart() throws IOException {
    StringBuilder csv = new StringBuilder("x,y\n");
    for (int i = 0; i < 11; i++) {
      csv.append(i / 10.0).append(',').append(3 * i / 10.0 + 1 + 0.05 * Math.sin(7 * i)).append('\n');
    }
    Files.writeString(dir.resolve("line.csv"), csv);
    for (int epochs : new int[] {402, 1375}) {
      Path report = dir.resolve("r" + epochs);
      CliRun r = CliRun.of("fit", "--model", "a*x + b", "--data", dir.resolve("line.csv").toString(), "--target", "y",
          "--params", "a=0,b=0", "--lr", "0.05", "--epochs", String.valueOf(epochs), "--report", report.toString());
      assertEquals(0, r.code(), r.toString());
      for (String chart : List.of("loss", "parameters", "gradients", "fit")) {
        String svg = Files.readString(report.resolve(chart + ".svg"), StandardCharsets.UTF_8);
        assertEquals(List.of(), TickLabels.problems(svg), epochs + " epochs, " + chart + ".svg");
      }
      String html = Files.readString(report.resolve("index.html"), StandardCharsets.UTF_8);
      Matcher m = IMAGE.matcher(html);
      int charts = 0;
      while (m.find()) {
        charts++;
        String svg = new String(Base64.getDecoder().decode(m.group(2)), StandardCharsets.UTF_8);
        assertEquals(List.of(), TickLabels.problems(svg), "index.html, '" + m.group(1) + "'");
      }
      assertEquals(4, charts, "four charts in the page");
      String steps = Files.readString(report.resolve("parameters.svg"), StandardCharsets.UTF_8);
      List<String> x = TickLabels.read(steps).stream().filter(l -> l.axis().equals("x")).map(TickLabels.Label::text)
          .toList();
      assertEquals("0", x.get(0), "steps counted from 0: " + x);
      assertTrue(x.size() >= 5, "enough step ticks to read off: " + x);
    }
  }
}
