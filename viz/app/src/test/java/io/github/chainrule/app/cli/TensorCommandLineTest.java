package io.github.chainrule.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.chainrule.autodiff.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Vectors and matrices on the command line: --at values, the tensor ops of expressions, and what grad prints. */
class TensorCommandLineTest {
  /** Heaton's 2-2-1 sigmoid network with the book's weights, input (1, 0) and target 1, as one expression. */
  static final String HEATON = "sum(0.5*(sigmoid(W2 @ sigmoid(W1 @ x + b1) + b2) - 1)^2)";
  static final String HEATON_AT = "W1=[[-0.07,0.22],[0.95,0.46]],b1=[-0.46,0.10],W2=[[-0.22,0.58]],b2=[0.78],x=[1,0]";

  @TempDir
  Path dir;

  @Test
  void heatonsNetworkIsOneCommandAndItsGradientsMatchTheHandDerivation() throws IOException {
    CliRun r = CliRun.of("grad", HEATON, "--at", HEATON_AT, "--json");
    assertEquals(0, r.code(), r.toString());
    JsonNode json = new ObjectMapper().readTree(r.out());

    // Backpropagation by hand, in plain doubles: h = σ(W1·x + b1), o = σ(W2·h + b2), L = ½(o − 1)².
    double[][] w1 = {{-0.07, 0.22}, {0.95, 0.46}};
    double[] b1 = {-0.46, 0.10};
    double[] w2 = {-0.22, 0.58};
    double b2 = 0.78;
    double[] x = {1, 0};
    double[] h = new double[2];
    for (int i = 0; i < 2; i++) {
      h[i] = sigmoid(w1[i][0] * x[0] + w1[i][1] * x[1] + b1[i]);
    }
    double o = sigmoid(w2[0] * h[0] + w2[1] * h[1] + b2);
    double deltaOut = (o - 1) * o * (1 - o);
    double[] deltaHidden = {deltaOut * w2[0] * h[0] * (1 - h[0]), deltaOut * w2[1] * h[1] * (1 - h[1])};

    assertEquals(0.5 * (o - 1) * (o - 1), json.get("value").asDouble(), 1e-17);
    JsonNode g = json.get("gradient");
    assertClose(new double[] {deltaOut * h[0], deltaOut * h[1]}, flat(g.get("W2")));
    assertClose(new double[] {deltaOut}, flat(g.get("b2")));
    assertClose(new double[] {deltaHidden[0] * x[0], deltaHidden[0] * x[1], deltaHidden[1] * x[0], deltaHidden[1] * x[1]},
        flat(g.get("W1")));
    assertClose(deltaHidden, flat(g.get("b1")));
    assertClose(new double[] {deltaHidden[0] * w1[0][0] + deltaHidden[1] * w1[1][0],
        deltaHidden[0] * w1[0][1] + deltaHidden[1] * w1[1][1]}, flat(g.get("x")));
    // The book's numbers as the gallery's node-gradients page prints them: output 0.755495, δ(O1) = −dL/db2 = 0.0451656.
    assertEquals(0.755495, o, 5e-7);
    assertEquals(-0.0451656, flat(g.get("b2"))[0], 5e-8);
    assertTrue(json.get("passed").asBoolean(), "the numerical check passes for every element");
    assertEquals(11, json.get("checks").size(), "one check per element of W1, b1, W2, b2 and x");
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  /** The two computations may round differently: 1e-17 is a few ulps at these magnitudes (all below 0.05). */
  private static void assertClose(double[] expected, double[] actual) {
    assertArrayEquals(expected, actual, 1e-17);
  }

  private static double[] flat(JsonNode nested) {
    return nested.isArray()
        ? java.util.stream.StreamSupport.stream(nested.spliterator(), false).flatMapToDouble(n -> java.util.Arrays.stream(flat(n))).toArray()
        : new double[] {nested.asDouble()};
  }

  @Test
  void theNodeTableShowsEachNodesShapeAndCompactValues() {
    CliRun r = CliRun.of("grad", HEATON, "--at", HEATON_AT);
    assertEquals(0, r.code(), r.toString());
    List<String> lines = r.out().lines().toList();
    assertTrue(lines.contains("d/dW1  [[0.002317516201188757,0],[-0.005030362827888578,-0]]"), r.out());
    String header = lines.stream().filter(l -> l.startsWith("node ")).findFirst().orElseThrow();
    assertEquals(List.of("node", "op", "shape", "value", "gradient"), List.of(header.trim().split("\\s+")));
    assertTrue(lines.stream().anyMatch(l -> l.matches("W1\\s+variable\\s+\\[2,2\\]\\s+\\[\\[-0\\.07, 0\\.22\\], \\[0\\.95, 0\\.46\\]\\]"
        + "\\s+\\[\\[0\\.00231752, 0\\], \\[-0\\.00503036, 0\\]\\]")), r.out());
    assertTrue(lines.stream().anyMatch(l -> l.matches("W1 @ x\\s+matmul\\s+\\[2\\]\\s+\\[-0\\.07, 0\\.95\\]\\s+.*")), r.out());
  }

  @Test
  void theDotGraphShowsShapesAndValuesOfTensors() throws IOException {
    Path dot = dir.resolve("heaton.dot");
    CliRun r = CliRun.of("grad", HEATON, "--at", HEATON_AT, "--dot", dot.toString());
    assertEquals(0, r.code(), r.toString());
    String text = Files.readString(dot);
    assertTrue(text.contains("<B>W1 @ x</B>") && text.contains("matmul &#xB7; shape [2]"), text);
    assertTrue(text.contains("value [[-0.07, 0.22],<BR/>       [0.95, 0.46]]"), text);
  }

  @Test
  void explainTakesTensorsToo() {
    CliRun r = CliRun.of("explain", "sum(W @ x)", "--at", "W=[[1,2],[3,4]],x=[1,-1]", "--wrt", "x");
    assertEquals(0, r.code(), r.toString());
    // d/dx sum(W x) = column sums of W.
    assertTrue(r.out().contains("df/dx = [4, 6]"), r.out());
  }

  @Test
  void aNonScalarValueIsRefusedWithTheReductionsToUse() {
    CliRun r = CliRun.of("grad", "W @ x", "--at", "W=[[1,2],[3,4]],x=[1,0]");
    assertEquals(1, r.code(), r.toString());
    assertEquals("chainrule grad: 'W @ x' has shape [2], and grad needs one number to differentiate: wrap it in"
        + " sum(...) or mean(...)\n", r.err());
  }

  @Test
  void aShapeMismatchNamesTheOpBothShapesAndTheNodes() {
    CliRun r = CliRun.of("grad", "sum(W @ x)", "--at", "W=[[1,2],[3,4]],x=[1,0,3]");
    assertEquals(1, r.code(), r.toString());
    assertEquals("chainrule grad: in 'W @ x': matmul: shapes [2,2] and [3] do not align (W · x): 2 columns against 3"
        + " rows\n", r.err());
  }

  @Test
  void broadcastingFollowsTheLibrarysRules() {
    // A column [2,1] plus a row [3] is a [2,3] grid; its sum is 3·(1+2) + 2·(10+20+30).
    CliRun r = CliRun.of("grad", "sum(c + r)", "--at", "c=[[1],[2]],r=[10,20,30]", "--json");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("\"value\" : 129.0"), r.out());
    assertTrue(r.out().contains("\"c\" : [ [ 3.0 ], [ 3.0 ] ]") && r.out().contains("\"r\" : [ 2.0, 2.0, 2.0 ]"), r.out());
  }

  // ---------------------------------------------------------------- reading --at

  @Test
  void commasInsideBracketsBelongToTheValue() {
    Map<String, Tensor> v = Values.parse(List.of("W=[[1,2],[3,4]],x=[1,0]", "s=-2.5", " y = [ 1e-3 , 2 ] "), "--at");
    assertEquals(List.of("W", "x", "s", "y"), List.copyOf(v.keySet()));
    assertArrayEquals(new int[] {2, 2}, v.get("W").shape());
    assertArrayEquals(new double[] {1, 2, 3, 4}, v.get("W").toArray());
    assertArrayEquals(new int[] {2}, v.get("x").shape());
    assertEquals(0, v.get("s").rank());
    assertEquals(-2.5, v.get("s").item());
    assertArrayEquals(new double[] {1e-3, 2}, v.get("y").toArray());
    assertArrayEquals(new int[] {2, 1, 3}, Values.value("[[[1,2,3]],[[4,5,6]]]", 0).shape());
  }

  @Test
  void formatWritesWhatParseReadsBackToTheSameBits() {
    Tensor t = Tensor.of(new double[] {0.1, -0.0, 1e-300, 2.0 / 3, 5, Math.PI}, 3, 1, 2);
    assertEquals("[[[0.10000000000000001,-0]],[[1e-300,0.66666666666666663]],[[5,3.1415926535897931]]]", Values.format(t));
    Tensor back = Values.value(Values.format(t), 0);
    assertArrayEquals(t.shape(), back.shape());
    for (int i = 0; i < t.size(); i++) {
      assertEquals(Double.doubleToRawLongBits(t.data()[i]), Double.doubleToRawLongBits(back.data()[i]));
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "W=[[1,2],[3]]          | --at W=[[1,2],[3]]: the lists at depth 2 must all have the same length: the first has 2, the one at character 10 has 1",
      "W=[[1,2],3]            | --at W=[[1,2],3]: the list at character 3 holds a number where the lists before it hold lists",
      "W=[[1,2],[[3],[4]]]    | --at W=[[1,2],[[3],[4]]]: the list at character 10 holds a list where the lists before it hold numbers",
      "W=[]                   | --at W=[]: the list at character 3 is empty",
      "W=[1 2]                | --at W=[1 2]: expected ',' or ']' at character 6, found '2'",
      "W=[1;2]                | --at W=[1;2]: '1;2' is not a number",
      "W=[1]x                 | --at W=[1]x: unexpected 'x' after the closing ']'",
      "W=                     | --at W=: a number is missing",
      "W=[1]],x=1             | --at W=[1]],x=1: a ']' at character 6 closes no '['",
      "'W=[[1,2],x=1'         | --at W=[[1,2],x=1: 1 '[' is not closed",
      "W=1,W=2                | --at W=2: W is given twice",
      "[1,2]                  | --at [1,2]: expected NAME=VALUE, such as x=2 or W=[[1,2],[3,4]]",
  })
  void eachMalformedValueIsAUsageErrorSayingWhatAndWhere(String at, String message) {
    CliRun r = CliRun.of("grad", "sum(W)", "--at", at);
    assertEquals(2, r.code(), r.toString());
    assertEquals("chainrule grad: " + message, r.err().lines().findFirst().orElse(""));
  }

  @Test
  void listsNestedBeyondTheLimitAreRefusedWithoutDeepRecursion() {
    String deep = "[".repeat(10_000) + "1" + "]".repeat(10_000);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Values.value(deep, 0));
    assertEquals("lists nest more than " + Values.MAX_RANK + " deep", e.getMessage());
  }
}
