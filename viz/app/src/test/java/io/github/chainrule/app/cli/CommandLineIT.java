package io.github.chainrule.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.chainrule.autodiff.Format;
import io.github.chainrule.app.gallery.Demo;
import io.github.chainrule.app.gallery.Gallery;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each command end to end, through the real {@code ./chainrule} launcher and the shaded jar, the way a
 * person runs them: the printed output and the files written, against values this test derives on
 * its own (by hand for derivatives, in closed form for the least-squares fit).
 */
class CommandLineIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  // f(x, y) = x*y + sin(x) at (2, 3): f = 6 + sin 2, df/dx = y + cos x = 3 + cos 2, df/dy = x = 2.
  private static final String F = "x*y + sin(x)";
  private static final double F_VALUE = 6 + Math.sin(2);
  private static final double DF_DX = 3 + Math.cos(2);
  private static final double DF_DY = 2;

  @TempDir
  Path dir;

  // ---------------------------------------------------------------- grad

  @Test
  void gradPrintsValueGradientsEveryNodeAndTheCheck() throws Exception {
    Launcher.Result r = Launcher.run(dir, "grad", F, "--at", "x=2,y=3", "--check");
    assertEquals(0, r.code(), r.toString());
    assertEquals("", r.err(), "nothing on stderr, not even the JVM's incubator warning: " + r);
    assertEquals(F + "   at x=2, y=3", r.out().lines().findFirst().orElseThrow());
    assertEquals(F_VALUE, number(r.out(), "^value  (\\S+)$"), 1e-15);
    assertEquals(DF_DX, number(r.out(), "^d/dx  (\\S+)$"), 1e-15);
    assertEquals(DF_DY, number(r.out(), "^d/dy  (\\S+)$"), 0);

    Map<String, String[]> rows = new LinkedHashMap<>();
    r.out().lines().dropWhile(l -> !l.startsWith("node ")).skip(1).takeWhile(l -> !l.isBlank())
        .forEach(l -> {
          String[] cells = l.trim().split("\\s{2,}");
          rows.put(cells[0], cells);
        });
    assertEquals(List.of("x", "y", "x*y", "sin(x)", F), new ArrayList<>(rows.keySet()), r.toString());
    assertArrayEquals4(rows.get("x"), "x", "variable", "2", Format.number(DF_DX));
    assertArrayEquals4(rows.get("y"), "y", "variable", "3", "2");
    assertArrayEquals4(rows.get("x*y"), "x*y", "mul", "6", "1");
    assertArrayEquals4(rows.get("sin(x)"), "sin(x)", "sin", Format.number(Math.sin(2)), "1");
    assertArrayEquals4(rows.get(F), F, "add", Format.number(F_VALUE), "1");

    assertTrue(r.out().contains("PASSED: 2 elements, 0 failed, 0 at kinks"), r.toString());
    assertTrue(r.out().contains("numerical check of every node:"), r.toString());
    assertTrue(r.out().contains("PASSED: 5 nodes, 5 elements, 0 failed, 0 at kinks"), r.toString());
  }

  @Test
  void gradJsonIsMachineReadableAndTheGraphFilesAreWritten() throws Exception {
    Launcher.Result r = Launcher.run(dir, "grad", F, "--at", "x=2,y=3", "--json", "--check",
        "--dot", "graph/f.dot", "--svg", "graph/f.svg");
    assertEquals(0, r.code(), r.toString());
    JsonNode root = JSON.readTree(r.out());
    assertEquals(F, root.get("expression").asText());
    assertEquals(F_VALUE, root.get("value").asDouble(), 1e-15);
    assertEquals(DF_DX, root.get("gradient").get("x").asDouble(), 1e-15);
    assertEquals(DF_DY, root.get("gradient").get("y").asDouble(), 0);

    // Every node's gradient by the chain rule: the sum and the product pass 1 down to their inputs.
    Map<String, Double> expected = new LinkedHashMap<>();
    expected.put("x", DF_DX);
    expected.put("y", DF_DY);
    expected.put("x*y", 1.0);
    expected.put("sin(x)", 1.0);
    expected.put(F, 1.0);
    Map<String, Double> actual = new LinkedHashMap<>();
    for (JsonNode n : root.get("nodes")) {
      actual.put(n.get("name").asText(), n.get("gradient").asDouble());
    }
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((name, g) -> assertEquals(g, actual.get(name), 1e-15, name));
    JsonNode sin = root.get("nodes").get(3);
    assertEquals("sin", sin.get("op").asText());
    assertEquals(Math.sin(2), sin.get("value").asDouble(), 1e-15);
    assertEquals(0, sin.get("inputs").get(0).asInt(), "sin(x) reads node 0, x");

    assertEquals(2, root.get("checks").size());
    for (JsonNode c : root.get("checks")) {
      assertEquals("PASS", c.get("status").asText());
      double want = c.get("input").asText().equals("x") ? DF_DX : DF_DY;
      assertEquals(want, c.get("numeric").asDouble(), 1e-7, "central difference of " + c.get("input"));
    }
    assertEquals(5, root.get("nodeChecks").size());
    root.get("nodeChecks").forEach(c -> assertEquals("PASS", c.get("status").asText(), c.toString()));
    assertTrue(root.get("passed").asBoolean());

    String dot = Files.readString(dir.resolve("graph/f.dot"));
    assertTrue(dot.startsWith("digraph"), dot);
    assertTrue(dot.contains("sin(x)"), dot);
    String svg = Files.readString(dir.resolve("graph/f.svg"));
    assertTrue(svg.contains("<svg"), "rendered by Graphviz: " + svg.substring(0, Math.min(200, svg.length())));
    assertTrue(svg.contains("sin(x)"));
  }

  // ---------------------------------------------------------------- explain

  @Test
  void explainSplitsTheGradientIntoItsChainRuleContributions() throws Exception {
    Launcher.Result r = Launcher.run(dir, "explain", F, "--at", "x=2,y=3", "--wrt", "x");
    assertEquals(0, r.code(), r.toString());
    assertEquals("f = " + F + "   at x=2, y=3", r.out().lines().findFirst().orElseThrow());
    assertTrue(r.out().contains("df/dx = " + Format.number(DF_DX)), r.toString());
    // Through x*y: 1 × y = 3; through sin(x): 1 × cos 2.
    assertTrue(r.out().contains("df/dx*y = 1 × dx*y/dx = 3  →  3"), r.toString());
    assertTrue(r.out().contains("× dsin(x)/dx = " + Format.number(Math.cos(2)) + "  →  " + Format.number(Math.cos(2))),
        r.toString());
    assertTrue(r.out().contains("all 2 paths sum to " + Format.number(DF_DX)), r.toString());
  }

  // ---------------------------------------------------------------- fit

  /** y = 2.5x − 0.7 plus noise at x = 0, 0.1, ..., 1, and a column the model does not use. */
  private Path linearData(double[] x, double[] y) throws IOException {
    SplittableRandom random = new SplittableRandom(11);
    StringBuilder csv = new StringBuilder("x,unused,y\n");
    for (int i = 0; i < x.length; i++) {
      x[i] = i / 10.0;
      y[i] = 2.5 * x[i] - 0.7 + 0.2 * (random.nextDouble() - 0.5);
      csv.append(x[i]).append(',').append(i * 100).append(',').append(y[i]).append('\n');
    }
    Path file = dir.resolve("line.csv");
    Files.writeString(file, csv);
    return file;
  }

  @Test
  void fitFindsTheLeastSquaresLineAndWritesParamsTrajectoryPlotsAndReport() throws Exception {
    double[] x = new double[11];
    double[] y = new double[11];
    linearData(x, y);
    int n = x.length;
    // Least squares in closed form.
    double mx = Arrays.stream(x).average().orElseThrow();
    double my = Arrays.stream(y).average().orElseThrow();
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < n; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
    }
    double a = sxy / sxx;
    double b = my - a * mx;

    Launcher.Result r = Launcher.run(dir, "fit", "--model", "a*x + b", "--data", "line.csv", "--target", "y",
        "--params", "a=0,b=0", "--lr", "0.5", "--epochs", "1000", "--report", "rep");
    assertEquals(0, r.code(), r.toString());
    double printedA = number(r.out(), "^  a = (\\S+)$");
    double printedB = number(r.out(), "^  b = (\\S+)$");
    double printedLoss = number(r.out(), "^loss = (\\S+) ");
    assertEquals(a, printedA, 1e-12, r.toString());
    assertEquals(b, printedB, 1e-12, r.toString());
    assertEquals(mse(x, y, a, b), printedLoss, 1e-15, r.toString());

    // params.json holds the same doubles as printed: 17 digits round-trip.
    JsonNode params = JSON.readTree(dir.resolve("rep/params.json").toFile());
    assertEquals(printedA, params.get("parameters").get("a").asDouble(), 0);
    assertEquals(printedB, params.get("parameters").get("b").asDouble(), 0);
    assertEquals(printedLoss, params.get("loss").get("value").asDouble(), 0);
    assertEquals("mse", params.get("loss").get("name").asText());
    assertEquals("[\"x\"]", params.get("inputs").toString(), "only the columns the model uses are inputs");
    assertEquals(1000, params.get("steps").asInt());
    assertEquals(0, params.get("gradients").get("a").asDouble(), 1e-12, "at the minimum the gradient vanishes");

    // trajectory.csv: step 0 at the initial values, each next row one SGD step on.
    List<String> lines = Files.readAllLines(dir.resolve("rep/trajectory.csv"));
    assertEquals("step,epoch,loss,a,b,grad_a,grad_b", lines.get(0));
    assertEquals(1 + 1000, lines.size());
    double[] row0 = row(lines.get(1));
    double gradA0 = 0;
    double gradB0 = 0;
    for (int i = 0; i < n; i++) {
      gradA0 += -2.0 / n * y[i] * x[i];   // d/da mean((a x + b − y)²) at a = b = 0
      gradB0 += -2.0 / n * y[i];
    }
    assertArrayEquals(new double[] {0, 0, mse(x, y, 0, 0), 0, 0, gradA0, gradB0}, row0, 1e-13);
    double[] row1 = row(lines.get(2));
    assertEquals(1, row1[0]);
    assertEquals(1, row1[1], "one batch per epoch: step 1 is epoch 1");
    assertEquals(-0.5 * gradA0, row1[3], 1e-14);
    assertEquals(-0.5 * gradB0, row1[4], 1e-14);
    assertEquals(mse(x, y, row1[3], row1[4]), row1[2], 1e-13);

    for (String chart : List.of("loss.svg", "parameters.svg", "gradients.svg", "fit.svg")) {
      String svg = Files.readString(dir.resolve("rep").resolve(chart));
      assertTrue(svg.contains("<svg") && svg.contains("<polyline"), chart);
    }
    String html = Files.readString(dir.resolve("rep/index.html"));
    assertEquals(4, html.split("<img ", -1).length - 1, "four plots in the report");
    assertTrue(html.contains("<svg"), "the graph of the loss, inline");
    assertTrue(html.contains(Numbers.full(printedA)), "the final a in the report");
  }

  @Test
  void fitInShuffledMiniBatchesWithMomentumRecordsEveryStep() throws Exception {
    linearData(new double[11], new double[11]);
    Launcher.Result r = Launcher.run(dir, "fit", "--model", "a*x + b", "--data", "line.csv", "--target", "y",
        "--params", "a=1,b=1", "--optimizer", "momentum", "--lr", "0.1", "--batch", "4", "--shuffle", "7",
        "--epochs", "3", "--report", "rep");
    assertEquals(0, r.code(), r.toString());
    List<String> lines = Files.readAllLines(dir.resolve("rep/trajectory.csv"));
    assertEquals(1 + 3 * 3, lines.size(), "3 epochs of 3 batches (4 + 4 + 3 rows)");
    double[] epochs = lines.stream().skip(1).mapToDouble(l -> row(l)[1]).toArray();
    assertArrayEquals(new double[] {0, 0, 0, 1, 1, 1, 2, 2, 2}, epochs, 0);
    // torch.optim.SGD with momentum 0.9: buf = g at the first step, then 0.9·buf + g; p -= lr·buf.
    double[] s0 = row(lines.get(1));
    double[] s1 = row(lines.get(2));
    double[] s2 = row(lines.get(3));
    assertEquals(s0[3] - 0.1 * s0[5], s1[3], 1e-15);
    assertEquals(s1[3] - 0.1 * (0.9 * s0[5] + s1[5]), s2[3], 1e-15);
    assertEquals(s1[4] - 0.1 * (0.9 * s0[6] + s1[6]), s2[4], 1e-15);
    assertTrue(r.out().contains("3 batches of 4 rows, shuffled: 9 steps"), r.toString());
  }

  @Test
  void aDivergingFitStopsWithTheStepAndStillWritesTheTrajectory() throws Exception {
    linearData(new double[11], new double[11]);
    Launcher.Result r = Launcher.run(dir, "fit", "--model", "a*x + b", "--data", "line.csv", "--target", "y",
        "--params", "a=0,b=0", "--lr", "5", "--epochs", "5000", "--report", "rep");
    assertEquals(1, r.code(), r.toString());
    Matcher m = Pattern.compile("chainrule fit: training diverged: the (?:loss|gradient).* at step (\\d+) ").matcher(r.err());
    assertTrue(m.find(), r.toString());
    int step = Integer.parseInt(m.group(1));
    assertTrue(r.err().contains("the trajectory of the " + step + " completed steps is in rep/trajectory.csv"), r.toString());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
    List<String> lines = Files.readAllLines(dir.resolve("rep/trajectory.csv"));
    assertEquals(1 + step, lines.size());
    double[] last = row(lines.get(lines.size() - 1));
    assertTrue(Math.abs(last[3]) > 1e100, "the last completed step is far out: " + lines.get(lines.size() - 1));
    assertFalse(Files.exists(dir.resolve("rep/params.json")), "no final parameters for a fit that failed");
  }

  @Test
  void fitReadsASpreadsheetExportWithTextColumns() throws Exception {
    // Excel's "CSV UTF-8": a byte order mark, CRLF, quoted text; only x and y are the model's.
    Files.write(dir.resolve("sheet.csv"), ("\uFEFFid,x,label,y\r\nr1,1,low,1.5\r\nr2,2,\"mid, or so\",2\r\n"
        + ",,,\r\nr3,3,high,6\r\n").getBytes(StandardCharsets.UTF_8));
    Launcher.Result r = Launcher.run(dir, "fit", "--model", "a*x + b", "--data", "sheet.csv", "--target", "y",
        "--params", "a=2,b=-1", "--epochs", "0");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("3 rows; inputs x;"), r.toString());
    // a*x + b predicts 1, 3, 5 against 1.5, 2, 6.
    assertEquals((0.25 + 1 + 1) / 3, number(r.out(), "^loss = (\\S+) "), 1e-15, r.toString());
  }

  // ---------------------------------------------------------------- demo

  @Test
  void demoListsAndRunsTheGallery() throws Exception {
    Launcher.Result list = Launcher.run(dir, "demo", "--list");
    assertEquals(0, list.code(), list.toString());
    List<Demo> demos = Gallery.all();
    if (demos.isEmpty()) {
      assertEquals("no demos are registered in this build\n", list.out());
    }
    for (Demo d : demos) {
      assertTrue(list.out().contains(d.name() + "  "), d.name() + " not listed: " + list);
    }
    Launcher.Result unknown = Launcher.run(dir, "demo", "relu-parabolla");
    assertEquals(1, unknown.code(), unknown.toString());
    assertTrue(unknown.err().startsWith("chainrule demo: unknown demo 'relu-parabolla'"), unknown.toString());
    if (!demos.isEmpty()) {
      String name = demos.get(0).name();
      Launcher.Result run = Launcher.run(dir, "demo", name, "--out", "gallery");
      assertEquals(0, run.code(), run.toString());
      assertTrue(run.out().startsWith("== " + name + ": "), run.toString());
      assertEquals("", run.err(), "no progress bar when the output is not a terminal");
      Matcher m = Pattern.compile("(?m)^   report: (.+)$").matcher(run.out());
      assertTrue(m.find(), run.toString());
      Path report = dir.resolve(m.group(1));
      assertTrue(Files.isRegularFile(report), report.toString());
      assertTrue(report.startsWith(dir.resolve("gallery").resolve(name)), report.toString());
    }
  }

  /**
   * XOR, which no line separates, from a CSV with a 2-3-1 network written as one expression: the
   * two feature columns gathered into x [rows, 2], tensor parameters drawn from --seed. The test
   * evaluates the printed network itself, in plain doubles, on the four rows.
   */
  @Test
  void fitTrainsATensorNetworkOnXorAndWritesItsShapes() throws Exception {
    Files.writeString(dir.resolve("xor.csv"), "x1,x2,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n");
    Launcher.Result r = Launcher.run(dir, "fit", "--model", "sigmoid(tanh(x @ W + b) @ v + c)", "--data", "xor.csv",
        "--target", "y", "--inputs", "x=x1,x2", "--params", "W:2x3,b:3,v:3,c=0", "--seed", "1", "--optimizer", "adam",
        "--lr", "0.1", "--epochs", "500", "--report", "rep");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("inputs x = [x1, x2] as [rows, 2]"), r.toString());

    JsonNode params = JSON.readTree(dir.resolve("rep/params.json").toFile());
    JsonNode p = params.get("parameters");
    assertEquals(2, p.get("W").size(), "W's rows");
    assertEquals(3, p.get("W").get(0).size(), "W's columns");
    assertEquals(3, p.get("b").size());
    assertEquals(3, p.get("v").size());
    assertTrue(p.get("c").isNumber(), "a scalar stays a number: " + p.get("c"));
    assertEquals("{\"x\":[\"x1\",\"x2\"]}", params.get("inputColumns").toString());
    assertEquals(p.get("W").toString(), JSON.readTree(lineValue(r.out(), "W")).toString(),
        "the printout is the same nested list, at full precision");

    double[][] rows = {{0, 0, 0}, {0, 1, 1}, {1, 0, 1}, {1, 1, 0}};
    double sq = 0;
    for (double[] row : rows) {
      double z = p.get("c").asDouble();
      for (int j = 0; j < 3; j++) {
        double h = p.get("b").get(j).asDouble();
        for (int i = 0; i < 2; i++) {
          h += row[i] * p.get("W").get(i).get(j).asDouble();
        }
        z += Math.tanh(h) * p.get("v").get(j).asDouble();
      }
      double prediction = 1 / (1 + Math.exp(-z));
      assertEquals(row[2], prediction, 0.1, "XOR" + Arrays.toString(row));
      sq += (prediction - row[2]) * (prediction - row[2]);
    }
    assertEquals(sq / 4, params.get("loss").get("value").asDouble(), 1e-12);

    List<String> lines = Files.readAllLines(dir.resolve("rep/trajectory.csv"));
    assertEquals("step,epoch,loss,\"W[0,0]\",\"W[0,1]\",\"W[0,2]\",\"W[1,0]\",\"W[1,1]\",\"W[1,2]\",b[0],b[1],b[2],"
        + "v[0],v[1],v[2],c,\"grad_W[0,0]\",\"grad_W[0,1]\",\"grad_W[0,2]\",\"grad_W[1,0]\",\"grad_W[1,1]\","
        + "\"grad_W[1,2]\",grad_b[0],grad_b[1],grad_b[2],grad_v[0],grad_v[1],grad_v[2],grad_c", lines.get(0));
    double first = Double.parseDouble(lines.get(1).split(",")[2]);
    assertTrue(first > 100 * params.get("loss").get("value").asDouble(), "the loss falls: from " + first + " to "
        + params.get("loss"));
    for (String chart : List.of("loss.svg", "parameters.svg", "gradients.svg")) {
      assertTrue(Files.readString(dir.resolve("rep").resolve(chart)).contains("<polyline"), chart);
    }
  }

  /** The value printed for parameter {@code name} in fit's "parameters" block. */
  private static String lineValue(String out, String name) {
    Matcher m = Pattern.compile("(?m)^  " + Pattern.quote(name) + " += (\\S+)$").matcher(out);
    assertTrue(m.find(), "no parameter " + name + " in\n" + out);
    return m.group(1);
  }

  // ---------------------------------------------------------------- the launcher itself

  @Test
  void versionAndErrorsThroughTheLauncher() throws Exception {
    Launcher.Result version = Launcher.run(dir, "--version");
    assertEquals(0, version.code(), version.toString());
    assertTrue(version.out().matches("(?s)chainrule \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R.*"), version.toString());

    Launcher.Result parse = Launcher.run(dir, "grad", "x +* y", "--at", "x=1,y=2");
    assertEquals(1, parse.code(), parse.toString());
    assertTrue(parse.err().startsWith("chainrule grad: bad expression: column 4: "), parse.toString());
    assertTrue(parse.err().endsWith("\n  x +* y\n     ^\n"), parse.toString());

    Launcher.Result usage = Launcher.run(dir, "fit", "--model", "a*x");
    assertEquals(2, usage.code(), usage.toString());
    assertTrue(usage.err().contains("Missing required options: '--data=FILE.csv', '--target=COLUMN'"), usage.toString());
  }

  @Test
  void withoutAJarAndWithBuildsOffTheLauncherSaysHowToBuild() throws Exception {
    Path elsewhere = Files.createDirectories(dir.resolve("clone"));
    Path launcher = Files.copy(Launcher.root().resolve("chainrule"), elsewhere.resolve("chainrule"));
    Launcher.Result r = Launcher.run(launcher, dir, Map.of(), "--version");
    assertEquals(3, r.code(), r.toString());
    assertTrue(r.err().contains("chainrule.jar is missing or older than the sources, and CHAINRULE_NO_BUILD is set"),
        r.toString());
    assertTrue(r.err().contains("-pl viz/app -am package"), r.toString());
    assertEquals("", r.out());
  }

  // ---------------------------------------------------------------- helpers

  private static double number(String text, String regex) {
    Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
    assertTrue(m.find(), "no line matching " + regex + " in\n" + text);
    return Double.parseDouble(m.group(1));
  }

  private static double[] row(String csvLine) {
    return Arrays.stream(csvLine.split(",")).mapToDouble(Double::parseDouble).toArray();
  }

  private static double mse(double[] x, double[] y, double a, double b) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      double e = a * x[i] + b - y[i];
      s += e * e;
    }
    return s / x.length;
  }

  private static void assertArrayEquals4(String[] actual, String... expected) {
    assertEquals(Arrays.asList(expected), Arrays.asList(actual));
  }

  private static void assertArrayEquals(double[] expected, double[] actual, double tolerance) {
    org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, tolerance);
  }
}
