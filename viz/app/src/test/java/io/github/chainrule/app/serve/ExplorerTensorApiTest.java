package io.github.chainrule.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.chainrule.app.cli.Expressions;
import io.github.chainrule.app.cli.GradJson;
import io.github.chainrule.viz.dot.DotExporter;
import org.junit.jupiter.api.Test;

/** Tensor variables in the explorer: the same values, syntax and answers as {@code grad --at W=[[1,2],[3,4]]}. */
class ExplorerTensorApiTest extends ServerTest {
  static final String SUM_WX = "{\"expression\": \"sum(W @ x)\", \"at\": {\"W\": [[1, 2], [3, 4]], \"x\": [1, 0]}";

  JsonNode post(String route, String body) throws Exception {
    Http.Answer a = http.post(route, body);
    assertEquals(200, a.status(), a.body());
    return JSON.readTree(a.body());
  }

  @Test
  void gradOfATensorExpressionIsWhatTheCommandLinePrints() throws Exception {
    JsonNode a = post("/api/grad", SUM_WX + "}");
    String cli = GradJson.evaluateTensors("sum(W @ x)", Expressions.values("W=[[1,2],[3,4]],x=[1,0]", "--at"), "--at");
    assertEquals(JSON.readTree(cli), a);
    // d sum(Wx) / dW_ij = x_j and d/dx_j = sum_i W_ij, by hand.
    assertEquals(JSON.readTree("[[1.0, 0.0], [1.0, 0.0]]"), a.get("gradient").get("W"));
    assertEquals(JSON.readTree("[4.0, 6.0]"), a.get("gradient").get("x"));
  }

  @Test
  void theAddressesTextAndTheJsonObjectMeanTheSame() throws Exception {
    JsonNode object = post("/api/explore", SUM_WX + "}");
    JsonNode text = post("/api/explore", "{\"expression\": \"sum(W @ x)\", \"at\": \"W=[[1,2],[3,4]],x=[1,0]\"}");
    assertEquals(object.get("at"), text.get("at"));
    assertEquals(object.get("gradient"), text.get("gradient"));
    assertEquals(JSON.readTree("[2, 2]"), text.get("shapes").get("W"));
    assertEquals(JSON.readTree("[2]"), text.get("shapes").get("x"));
  }

  @Test
  void badTensorValuesAreRefusedNamingTheVariableAndWhatIsWrong() throws Exception {
    assertError("/api/grad", "{\"expression\": \"sum(W)\", \"at\": {\"W\": [[1, 2], [3]]}}", 400,
        "at.W = [[1,2],[3]]: the lists at depth 2 must all have the same length");
    assertError("/api/explore", "{\"expression\": \"sum(W)\", \"at\": \"W=[[1,2],[3,4]\"}", 400, "not closed");
    assertError("/api/explore", "{\"expression\": \"sum(W)\", \"at\": {\"W\": [1, 1e999]}}", 400,
        "at.W holds Infinity, which is not a finite number");
    assertError("/api/explore", "{\"expression\": \"sum(W)\", \"at\": {\"W\": [1, \"2\"]}}", 400, "at.W must hold numbers only, got \"2\"");
    String big = "[" + "1,".repeat(Limits.defaults().elements()) + "1]";
    assertError("/api/explore", "{\"expression\": \"sum(W)\", \"at\": {\"W\": " + big + "}}", 413,
        "hold " + (Limits.defaults().elements() + 1) + " numbers; the playground takes at most " + Limits.defaults().elements());
    Http.Answer shapes = http.post("/api/explore", "{\"expression\": \"sum(W @ x)\", \"at\": {\"W\": [[1, 2], [3, 4]], \"x\": [1, 0, 0]}}");
    assertEquals(400, shapes.status(), shapes.body());
    String error = JSON.readTree(shapes.body()).get("error").asText();
    assertTrue(error.contains("shapes [2,2] and [3] do not align (W · x)"), error);
  }

  private void assertError(String route, String body, int status, String part) throws Exception {
    Http.Answer a = http.post(route, body);
    assertEquals(status, a.status(), a.body());
    String error = JSON.readTree(a.body()).get("error").asText();
    assertTrue(error.contains(part), error);
  }

  @Test
  void movingOneElementKeepsTheLayoutAndRewritesTheMatrixLineByLine() throws Exception {
    JsonNode first = post("/api/explore", SUM_WX + "}");
    String layout = first.get("layout").asText();
    assertTrue(first.has("svg"), first.path("svgError").asText());
    JsonNode w = node(first, "W");
    assertEquals(2, w.get("valueLines").size(), "a 2×2 matrix prints one row per line");
    for (JsonNode line : w.get("valueLines")) {
      // The graph was laid out with exactly these lines (Graphviz keeps the text, escaped for XML).
      assertTrue(first.get("svg").asText().contains(line.asText().strip()), line.asText());
    }
    JsonNode moved = post("/api/explore", "{\"expression\": \"sum(W @ x)\", \"at\": {\"W\": [[1, 2], [3, 4]], "
        + "\"x\": [1, 0.5]}, \"layout\": \"" + layout + "\"}");
    assertEquals(layout, moved.get("layout").asText());
    assertFalse(moved.has("svg"), "a value-only move of a tensor lays nothing out again");
    assertEquals(JSON.readTree("[[1.0, 0.5], [1.0, 0.5]]"), moved.get("gradient").get("W"));
    assertEquals(DotExporter.valueLines("grad ", new double[] {1, 0.5, 1, 0.5}, new int[] {2, 2}, 16),
        JSON.convertValue(node(moved, "W").get("gradientLines"), java.util.List.class));
    JsonNode reshaped = post("/api/explore", "{\"expression\": \"sum(W @ x)\", \"at\": {\"W\": [[1, 2, 3], [3, 4, 5]], "
        + "\"x\": [1, 0.5, 0]}, \"layout\": \"" + layout + "\"}");
    assertFalse(reshaped.get("layout").asText().equals(layout), "new shapes, new layout");
    assertTrue(reshaped.has("svg") || reshaped.has("svgError"));
  }

  private static JsonNode node(JsonNode answer, String name) {
    for (JsonNode n : answer.get("nodes")) {
      if (n.get("name").asText().equals(name)) {
        return n;
      }
    }
    throw new AssertionError("no node " + name + " in " + answer.get("nodes"));
  }

  @Test
  void steppingBackwardSendsTensorContributionsThatSumToTheGradient() throws Exception {
    // x is used twice: by W @ x and by sum(x); it receives two contributions of shape [2].
    JsonNode steps = post("/api/steps", "{\"expression\": \"sum(W @ x) + sum(x)\", \"at\": {\"W\": [[1, 2], [3, 4]], "
        + "\"x\": [1, 0]}}");
    JsonNode grad = post("/api/explore", "{\"expression\": \"sum(W @ x) + sum(x)\", \"at\": {\"W\": [[1, 2], [3, 4]], "
        + "\"x\": [1, 0]}}").get("gradient").get("x");
    double[] sum = new double[2];
    JsonNode last = null;
    int received = 0;
    for (JsonNode step : steps.get("backward")) {
      for (JsonNode send : step.get("sends")) {
        if (send.get("toName").asText().equals("x")) {
          assertEquals(2, send.get("contribution").size());
          for (int k = 0; k < 2; k++) {
            sum[k] += send.get("contribution").get(k).asDouble();
          }
          received = send.get("received").asInt();
          last = send;
        }
      }
    }
    assertEquals(2, received);
    assertEquals(JSON.valueToTree(sum), last.get("sum"));
    assertEquals(grad, last.get("sum"));
  }

  @Test
  void clickingATensorNodeExplainsTheChosenElementAndChecksEveryElement() throws Exception {
    JsonNode explore = post("/api/explore", SUM_WX + "}");
    int w = node(explore, "W").get("id").asInt();
    JsonNode x = post("/api/explain", SUM_WX + ", \"node\": " + w + ", \"element\": 1}");
    assertEquals(JSON.readTree("[1.0, 0.0, 1.0, 0.0]"), x.get("gradient"));
    for (JsonNode n : x.get("nudges")) {
      assertEquals(1, n.get("element").asInt());
      assertEquals(0.0, n.get("predicted").asDouble(), 0, "dL/dW[0,1] = x[1] = 0");
    }
    assertEquals(4, x.get("check").get("entries").size());
    assertTrue(x.get("explanation").asText().contains("W"), x.get("explanation").asText());
    assertError("/api/explain", SUM_WX + ", \"node\": " + w + ", \"element\": 4}", 400, "'element' = 4 is outside 0..3");
  }
}
