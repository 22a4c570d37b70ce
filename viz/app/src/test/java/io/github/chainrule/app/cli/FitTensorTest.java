package io.github.chainrule.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.chainrule.nn.init.RandomTensors;
import io.github.chainrule.viz.plot.TickLabels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fit with tensor parameters and gathered inputs, in process, against numbers computed here. */
class FitTensorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  // Three rows of two features and a target.
  private static final double[][] X = {{1, 2}, {0, -1}, {3, 0.5}};
  private static final double[] Y = {4, -1, 2};

  @TempDir
  Path dir;
  private Path data;

  @BeforeEach
  void writeData() throws IOException {
    data = dir.resolve("d.csv");
    StringBuilder csv = new StringBuilder("x1,x2,y\n");
    for (int i = 0; i < X.length; i++) {
      csv.append(X[i][0]).append(',').append(X[i][1]).append(',').append(Y[i]).append('\n');
    }
    Files.writeString(data, csv);
  }

  private CliRun fit(String model, String... extra) {
    List<String> args = new ArrayList<>(List.of("fit", "--model", model, "--data", data.toString(), "--target", "y"));
    args.addAll(Arrays.asList(extra));
    return CliRun.of(args.toArray(new String[0]));
  }

  private JsonNode params(CliRun r) throws IOException {
    assertEquals(0, r.code(), r.toString());
    return JSON.readTree(dir.resolve("r/params.json").toFile());
  }

  @Test
  void gatheredColumnsAreOneRowPerSampleAndATensorStartIsTakenAsWritten() throws IOException {
    JsonNode p = params(fit("x @ w + c", "--inputs", "x=x1,x2", "--params", "w=[0.5,-2],c=0.25", "--epochs", "0",
        "--report", dir.resolve("r").toString()));
    double sq = 0;
    for (int i = 0; i < X.length; i++) {
      double e = 0.5 * X[i][0] - 2 * X[i][1] + 0.25 - Y[i];
      sq += e * e;
    }
    assertEquals(sq / 3, p.get("loss").get("value").asDouble(), 1e-15);
    assertEquals("[0.5,-2.0]", p.get("parameters").get("w").toString());
    assertEquals("[0.5,-2.0]", p.get("initial").get("w").toString());
    assertEquals(2, p.get("gradients").get("w").size(), "a gradient of w's shape");
  }

  @Test
  void aShapeDrawsFromTheSeedInTheOrderTheParametersAppear() throws IOException {
    JsonNode p = params(fit("x @ W @ v + c", "--inputs", "x=x1,x2", "--params", "v:3,W:2x3,c", "--seed", "5",
        "--epochs", "0", "--report", dir.resolve("r").toString()));
    double[] draws = RandomTensors.randn(5, 6 + 3 + 1).toArray();
    JsonNode w = p.get("initial").get("W");
    assertEquals(2, w.size());
    assertEquals(draws[1], w.get(0).get(1).asDouble(), 0, "W comes first in the model, so it takes the first draws");
    assertEquals(draws[3], w.get(1).get(0).asDouble(), 0, "row by row");
    assertEquals(draws[6], p.get("initial").get("v").get(0).asDouble(), 0);
    assertEquals(draws[9], p.get("initial").get("c").asDouble(), 0);
  }

  @Test
  void theFinalTensorsPrintOnOneLineEachAndGoBackIntoParams() {
    CliRun first = fit("x @ w + c", "--inputs", "x=x1,x2", "--params", "w=[0,0],c=0", "--lr", "0.05", "--epochs", "20");
    assertEquals(0, first.code(), first.toString());
    String w = value(first, "w");
    assertTrue(w.matches("\\[[^,\\]]+,[^,\\]]+\\]"), w);
    CliRun again = fit("x @ w + c", "--inputs", "x=x1,x2", "--params", "w=" + w + ",c=" + value(first, "c"), "--epochs", "0");
    assertEquals(loss(first), loss(again), "17 digits carry the exact doubles");
  }

  @Test
  void aParameterOfTenThousandValuesIsTracedByItsNormAndTheRecordIsBounded() throws IOException {
    CliRun r = fit("mean(W) * x1 + c", "--params", "W:100x100,c=0", "--lr", "0.1", "--epochs", "600",
        "--report", dir.resolve("r").toString());
    assertEquals(0, r.code(), r.toString());
    List<String> lines = Files.readAllLines(dir.resolve("r/trajectory.csv"));
    assertEquals("step,epoch,loss,|W|,c,|grad_W|,grad_c", lines.get(0));
    double norm = 0;
    for (double d : RandomTensors.randn(0, 10_000).toArray()) {
      norm += d * d;
    }
    assertEquals(Math.sqrt(norm), Double.parseDouble(lines.get(1).split(",")[3]), 1e-9);
    assertEquals(1 + 300, lines.size(), "418 steps kept one by one (2^22 values / 10001), then 1 in 2");
    assertTrue(r.out().contains("more than the 418 the record keeps one by one"), r.out());
    assertTrue(value(r, "W").startsWith("[100,100] {min="), "a summary, not 10k numbers: " + r.out());
    assertEquals(100, params(r).get("parameters").get("W").size(), "params.json has every value");
    String svg = Files.readString(dir.resolve("r/parameters.svg"), StandardCharsets.UTF_8);
    assertTrue(svg.contains("|W|"), "the chart draws W's norm");
    assertEquals(List.of(), TickLabels.problems(svg));
  }

  @Test
  void chartsOfASmallNetworkDrawEachElementAndTheirTicksKeepApart() throws IOException {
    CliRun r = fit("tanh(x @ W) @ v", "--inputs", "x=x1,x2", "--params", "W:2x2,v:2", "--seed", "3", "--lr", "0.05",
        "--epochs", "137", "--report", dir.resolve("r").toString());
    assertEquals(0, r.code(), r.toString());
    for (String chart : List.of("loss", "parameters", "gradients")) {
      String svg = Files.readString(dir.resolve("r").resolve(chart + ".svg"), StandardCharsets.UTF_8);
      assertEquals(List.of(), TickLabels.problems(svg), chart + ".svg");
    }
    String values = Files.readString(dir.resolve("r/parameters.svg"), StandardCharsets.UTF_8);
    assertTrue(values.contains("W[1,0]") && values.contains("v[1]"), "six lines, one per element");
    assertTrue(Files.readString(dir.resolve("r/gradients.svg")).contains("grad_W[1,0]"));
    assertFalse(Files.exists(dir.resolve("r/fit.svg")), "no curve of y against two inputs at once");
  }

  @Test
  void aTensorFitThatOverflowsNamesTheNodeAndTheStep() {
    CliRun r = fit("exp(x @ W) @ v", "--inputs", "x=x1,x2", "--params", "W=[[300,0],[0,1]],v=[1,1]");
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().startsWith("chainrule fit: training diverged: the loss mse is Inf at step 0 (epoch 0, batch 0);"
        + " the first non-finite value in evaluation order is exp(x @ W) of shape [3,2]"), r.err());
  }

  // ---------------------------------------------------------------- mistakes

  @Test
  void shapesThatDoNotFitAreAnErrorBeforeTrainingNamingTheOpTheShapesAndTheNames() {
    CliRun r = fit("x @ W + b", "--inputs", "x=x1,x2", "--params", "W:3x2,b:2", "--report", dir.resolve("r").toString());
    assertEquals(1, r.code(), r.toString());
    assertEquals("chainrule fit: the model 'x @ W + b' does not fit the data's shapes (W [3,2], b [2], x [3,2], for a"
        + " batch of 3 rows): in 'x @ W': matmul: shapes [3,2] and [3,2] do not align (x · W): 2 columns against 3"
        + " rows\n", r.err());
    assertEquals("", r.out(), "nothing trained");
  }

  @Test
  void aModelGivingSeveralNumbersPerRowSaysHowToReduceThem() {
    CliRun r = fit("x @ W", "--inputs", "x=x1,x2", "--params", "W:2x4");
    assertEquals(1, r.code(), r.toString());
    assertEquals("chainrule fit: the model 'x @ W' gives shape [3,4] for a batch of 3 rows (W [2,4], x [3,2]); it"
        + " must give one prediction per row: [3] or [3,1], so reduce the 4 columns, e.g. with @ a parameter of"
        + " shape [4]\n", r.err());
  }

  @Test
  void aNameForNumberedColumnsSuggestsGatheringThem() {
    CliRun r = fit("x @ w", "--params", "w:2");
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().contains("uses x, which is neither a column of " + data + " (its columns are x1, x2 and y) nor"
        + " declared in --params; to gather x1 and x2 into one input x of shape [rows, 2], give --inputs x=x1,x2."),
        r.err());
  }

  @Test
  void shapesAndTensorsWrittenWronglyAreUsageErrorsThatSayWhat() {
    assertUsage("--params W:2,3,b:2: did you mean W:2x3?", "W:2,3,b:2",
        "--params W:2,3: the sizes of a shape are joined by x, not commas: did you mean W:2x3?");
    assertUsage("W=2x3 is not a number", "W=2x3,b:2",
        "--params W=2x3: '2x3' is not a number; for a random start of shape 2x3 write W:2x3");
    assertUsage("brackets", "W:[2,3],b:2",
        "--params W:[2,3]: '[2,3]' is not a shape; a shape is sizes joined by x, as in W:2x3: did you mean W:2x3?");
    assertUsage("ragged", "W=[[1,2],[3]],b:2",
        "--params W=[[1,2],[3]]: the lists at depth 2 must all have the same length: the first has 2, the one at"
            + " character 10 has 1");
    assertUsage("both", "W:2x2=[[1,2],[3,4]],b:2",
        "--params W:2x2=[[1,2],[3,4]]: give a start (W=VALUE) or a shape for a random start (W:2x2), not both");
    assertUsage("zero", "W:0x2,b:2", "--params W:0x2: each size of a shape must be from 1 to 16777216, got 0");
  }

  private void assertUsage(String what, String params, String message) {
    CliRun r = fit("x @ W + b", "--inputs", "x=x1,x2", "--params", params);
    assertEquals(2, r.code(), what + ": " + r);
    assertTrue(r.err().startsWith("chainrule fit: " + message + "\n"), what + ": " + r.err());
  }

  @Test
  void inputsNamingWhatIsNotThereAreErrorsWithTheNearestColumn() {
    CliRun missing = fit("x @ w", "--inputs", "x=x1,x3", "--params", "w:2");
    assertEquals(1, missing.code(), missing.toString());
    assertEquals("chainrule fit: --inputs x=x1,x3: x3 is not a column of " + data + " (its columns are x1, x2 and y);"
        + " did you mean 'x1'?\n", missing.err());
    CliRun target = fit("x @ w", "--inputs", "x=x1,y", "--params", "w:2");
    assertEquals("chainrule fit: --inputs x=x1,y: y is the target; the model must predict it from the other columns\n",
        target.err());
    CliRun stranger = fit("x @ w", "--inputs", "z=x1,x2", "--params", "w:2");
    assertTrue(stranger.err().startsWith("chainrule fit: --inputs z=...: 'z' is not a variable of 'x @ w'"),
        stranger.err());
    CliRun both = fit("x @ w", "--inputs", "x=x1,x2", "--params", "w:2,x:2");
    assertEquals("chainrule fit: --params x=...: x is given in --inputs, so it is an input of the model, not a"
        + " parameter\n", both.err());
  }

  private static String value(CliRun r, String name) {
    return r.out().lines().filter(l -> l.matches("  " + name + " += .*")).findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in " + r)).replaceFirst("^  " + name + " += ", "");
  }

  private static String loss(CliRun r) {
    return r.out().lines().filter(l -> l.startsWith("loss = ")).findFirst().orElseThrow().split(" ")[2];
  }
}
