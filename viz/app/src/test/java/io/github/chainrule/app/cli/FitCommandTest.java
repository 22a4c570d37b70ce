package io.github.chainrule.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How fit's names map to losses, optimisers and parameters, in process, against hand-computed numbers. */
class FitCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  // Three rows; the model a*x + b at a = 2, b = -1 predicts 1, 3, 5 against 1.5, 2, 6.
  private static final double[] X = {1, 2, 3};
  private static final double[] Y = {1.5, 2, 6};

  @TempDir
  Path dir;
  private Path data;

  @BeforeEach
  void writeData() throws IOException {
    data = dir.resolve("d.csv");
    Files.writeString(data, "# a comment line\nx,y\n1,1.5\n2,2\n\n3,6\n");
  }

  private JsonNode fit(String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("fit", "--model", "a*x + b", "--data", data.toString(), "--target", "y",
        "--report", dir.resolve("r").toString()));
    args.addAll(Arrays.asList(extra));
    CliRun r = CliRun.of(args.toArray(new String[0]));
    assertEquals(0, r.code(), r.toString());
    return JSON.readTree(dir.resolve("r/params.json").toFile());
  }

  @Test
  void eachLossNameComputesThatLoss() throws IOException {
    double[] e = {1 - 1.5, 3 - 2, 5 - 6};   // prediction − target
    double sse = e[0] * e[0] + e[1] * e[1] + e[2] * e[2];
    double abs = Math.abs(e[0]) + Math.abs(e[1]) + Math.abs(e[2]);
    assertEquals(sse / 3, fit("--params", "a=2,b=-1", "--epochs", "0", "--loss", "mse").get("loss").get("value").asDouble(), 1e-15);
    assertEquals(sse, fit("--params", "a=2,b=-1", "--epochs", "0", "--loss", "sse").get("loss").get("value").asDouble(), 1e-15);
    assertEquals(sse / 2, fit("--params", "a=2,b=-1", "--epochs", "0", "--loss", "half-sse").get("loss").get("value").asDouble(), 1e-15);
    assertEquals(abs / 3, fit("--params", "a=2,b=-1", "--epochs", "0", "--loss", "mae").get("loss").get("value").asDouble(), 1e-15);
  }

  @Test
  void bceTakesProbabilities() throws IOException {
    Files.writeString(data, "x,y\n-1,0\n2,1\n");
    JsonNode p = JSON.readTree(fitOther("sigmoid(a*x)", "--params", "a=0.5", "--epochs", "0", "--loss", "bce").toFile());
    double p1 = 1 / (1 + Math.exp(0.5));   // sigmoid(-0.5), target 0
    double p2 = 1 / (1 + Math.exp(-1.0));  // sigmoid(1), target 1
    double bce = -(Math.log(1 - p1) + Math.log(p2)) / 2;
    assertEquals(bce, p.get("loss").get("value").asDouble(), 1e-15);
  }

  @Test
  void bceWithLogitsTakesRawScoresAndBceNamesItForThem() throws IOException {
    Files.writeString(data, "x,y\n-1,0\n2,1\n");
    JsonNode p = JSON.readTree(fitOther("a*x", "--params", "a=0.5", "--epochs", "0", "--loss", "bce-with-logits").toFile());
    // softplus(s) − s·y at the scores s = −0.5 (target 0) and 1 (target 1).
    double expected = (Math.log1p(Math.exp(-0.5)) + (Math.log1p(Math.exp(1.0)) - 1.0)) / 2;
    assertEquals(expected, p.get("loss").get("value").asDouble(), 1e-15);

    CliRun r = CliRun.of("fit", "--model", "a*x", "--data", data.toString(), "--target", "y", "--params", "a=2",
        "--epochs", "1", "--loss", "bce");
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().contains("probabilities must lie in [0, 1]. For raw scores use --loss bce-with-logits"), r.toString());
  }

  private Path fitOther(String model, String... extra) {
    List<String> args = new ArrayList<>(List.of("fit", "--model", model, "--data", data.toString(), "--target", "y",
        "--report", dir.resolve("r").toString()));
    args.addAll(Arrays.asList(extra));
    CliRun r = CliRun.of(args.toArray(new String[0]));
    assertEquals(0, r.code(), r.toString());
    return dir.resolve("r/params.json");
  }

  /** The full-batch gradient of the mse at a = 2, b = −1: (2/3) Σ e·x and (2/3) Σ e. */
  private static double[] gradientAtStart() {
    double ga = 0;
    double gb = 0;
    for (int i = 0; i < 3; i++) {
      double e = 2 * X[i] - 1 - Y[i];
      ga += 2.0 / 3 * e * X[i];
      gb += 2.0 / 3 * e;
    }
    return new double[] {ga, gb};
  }

  private double[] firstStep(String optimizer, String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("--params", "a=2,b=-1", "--epochs", "1", "--lr", "0.1", "--optimizer", optimizer));
    args.addAll(Arrays.asList(extra));
    JsonNode p = fit(args.toArray(new String[0]));
    return new double[] {p.get("parameters").get("a").asDouble(), p.get("parameters").get("b").asDouble()};
  }

  @Test
  void eachOptimizerNameTakesItsFirstStep() throws IOException {
    double[] g = gradientAtStart();
    assertTrue(g[0] != 0 && g[1] != 0);
    // sgd and momentum: the first step is lr·g (the momentum buffer starts as g).
    assertArrayEquals(new double[] {2 - 0.1 * g[0], -1 - 0.1 * g[1]}, firstStep("sgd"));
    assertArrayEquals(new double[] {2 - 0.1 * g[0], -1 - 0.1 * g[1]}, firstStep("momentum"));
    // nesterov: g + momentum·buf = 1.9·g.
    assertArrayEquals(new double[] {2 - 0.1 * 1.9 * g[0], -1 - 0.1 * 1.9 * g[1]}, firstStep("nesterov"));
    // rmsprop: s = (1 − 0.99)·g², so the step is lr·g / (0.1·|g| + eps).
    assertArrayEquals(new double[] {2 - 0.1 * g[0] / (Math.sqrt(0.01 * g[0] * g[0]) + 1e-8),
        -1 - 0.1 * g[1] / (Math.sqrt(0.01 * g[1] * g[1]) + 1e-8)}, firstStep("rmsprop"));
    // adam: bias-corrected moments are g and g², so the step is lr·g / (|g| + eps).
    assertArrayEquals(new double[] {2 - 0.1 * g[0] / (Math.abs(g[0]) + 1e-8), -1 - 0.1 * g[1] / (Math.abs(g[1]) + 1e-8)},
        firstStep("adam"));
    // adamw: the same after decaying the weights by lr·0.01.
    assertArrayEquals(new double[] {2 * (1 - 0.001) - 0.1 * g[0] / (Math.abs(g[0]) + 1e-8),
        -1 * (1 - 0.001) - 0.1 * g[1] / (Math.abs(g[1]) + 1e-8)}, firstStep("adamw"));
    // Hyper-parameters reach the optimiser: sgd with weight decay 0.5 steps on g + 0.5·p.
    assertArrayEquals(new double[] {2 - 0.1 * (g[0] + 0.5 * 2), -1 - 0.1 * (g[1] + 0.5 * -1)},
        firstStep("sgd", "--weight-decay", "0.5"));
  }

  private static void assertArrayEquals(double[] expected, double[] actual) {
    org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, 1e-14);
  }

  @Test
  void parametersDeclaredWithoutAValueGetSeededRandomInitialValues() throws IOException {
    JsonNode first = fit("--epochs", "0", "--seed", "5", "--params", "a,b");
    JsonNode again = fit("--epochs", "0", "--seed", "5", "--params", "a,b");
    JsonNode other = fit("--epochs", "0", "--seed", "6", "--params", "a,b");
    assertEquals(first.get("initial"), again.get("initial"));
    assertNotEquals(first.get("initial").get("a"), other.get("initial").get("a"));
    JsonNode partly = fit("--epochs", "0", "--seed", "5", "--params", "a,b=7");
    assertEquals(7.0, partly.get("initial").get("b").asDouble());
    assertEquals(first.get("initial").get("a"), partly.get("initial").get("a"), "a is the first draw either way");
  }

  @Test
  void dottedParameterNamesKeepTheirNames() throws IOException {
    JsonNode p = JSON.readTree(fitOther("out.w*relu(hidden.w*x + hidden.b) + out.b",
        "--params", "out.w=1,hidden.w=1,hidden.b=0,out.b=0", "--epochs", "0").toFile());
    List<String> names = new ArrayList<>();
    p.get("parameters").fieldNames().forEachRemaining(names::add);
    assertEquals(List.of("out.w", "hidden.w", "hidden.b", "out.b"), names);
    String header = Files.readAllLines(dir.resolve("r/trajectory.csv")).get(0);
    assertEquals("step,epoch,loss,out.w,hidden.w,hidden.b,out.b,grad_out.w,grad_hidden.w,grad_hidden.b,grad_out.b", header);
  }

  @Test
  void aModelWithoutInputsPredictsOneValueForEveryRow() throws IOException {
    // The mse of a constant c is least at the mean of y.
    JsonNode p = JSON.readTree(fitOther("c", "--params", "c=0", "--lr", "0.5", "--epochs", "200").toFile());
    assertEquals((1.5 + 2 + 6) / 3, p.get("parameters").get("c").asDouble(), 1e-12);
  }

  @Test
  void columnsTheModelDoesNotUseMayHoldText() throws IOException {
    Files.writeString(data, "id,x,label,y\nr1,1,low,1.5\nr2,2,\"mid, or so\",2\nr3,3,high,6\n");
    JsonNode p = fit("--params", "a=2,b=-1", "--epochs", "0");
    assertEquals(List.of("x"), toList(p.get("inputs")));
    // (1 - 1.5)^2 + (3 - 2)^2 + (5 - 6)^2 over 3 rows, as in eachLossNameComputesThatLoss.
    assertEquals(2.25 / 3, p.get("loss").get("value").asDouble(), 1e-15);
    JsonNode constant = JSON.readTree(fitOther("c", "--params", "c=0", "--lr", "0.5", "--epochs", "200").toFile());
    assertEquals((1.5 + 2 + 6) / 3, constant.get("parameters").get("c").asDouble(), 1e-12);
  }

  private static List<String> toList(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
