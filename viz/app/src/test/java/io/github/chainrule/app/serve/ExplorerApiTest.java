package io.github.chainrule.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.chainrule.app.cli.GradJson;
import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExplorerApiTest extends ServerTest {
  @Test
  void gradAnswersWithTheJsonOfTheCommandLine() throws Exception {
    Http.Answer a = http.post("/api/grad", "{\"expression\": \"x*y + sin(x)\", \"at\": {\"x\": 2, \"y\": 3}}");
    assertEquals(200, a.status(), a.body());
    String cli = GradJson.evaluate("x*y + sin(x)", Map.of("x", 2.0, "y", 3.0), "--at");
    assertEquals(JSON.readTree(cli), JSON.readTree(a.body()));
    JsonNode g = JSON.readTree(a.body()).get("gradient");
    assertEquals(3 + Math.cos(2), g.get("x").asDouble(), 1e-15);
    assertEquals(2, g.get("y").asDouble(), 0);
  }

  @Test
  void aParseErrorIsA400WithTheCaret() throws Exception {
    Http.Answer a = http.post("/api/grad", "{\"expression\": \"x*y + sin(x\", \"at\": {\"x\": 2, \"y\": 3}}");
    assertEquals(400, a.status());
    String error = JSON.readTree(a.body()).get("error").asText();
    assertTrue(error.startsWith("bad expression: column 12: "), error);
    assertTrue(error.contains("x*y + sin(x\n") && error.endsWith("^"), error);
  }

  @Test
  void badBodiesGetAnErrorNamingTheProblem() throws Exception {
    assertError("{\"expression\": \"x\", \"at\": {\"x\": 1e999}}", 400, "at.x = Infinity is not a finite number");
    assertError("{\"expression\": \"x\", \"at\": {\"x\": \"NaN\"}}", 400, "at.x must be a number");
    assertError("{\"expression\": \"x\", \"at\": {\"x\": 1}, \"colour\": 1}", 400, "unknown field 'colour'");
    assertError("{\"expression\": ", 400, "the body is not valid JSON");
    assertError("[1, 2]", 400, "the body must be a JSON object");
    assertError("{\"expression\": \"x\"}", 400, "variable x has no value");
    assertError("{\"expression\": \"" + "x+".repeat(50_000) + "x\", \"at\": {\"x\": 1}}", 413,
        "field 'expression' has 100001 characters; the limit is 2000");
  }

  @Test
  void aFiftyMegabyteBodyIsRefusedAndTheServerKeepsAnswering() throws Exception {
    byte[] huge = new byte[50 * 1024 * 1024];
    java.util.Arrays.fill(huge, (byte) ' ');
    Http.Answer a = http.post("/api/grad", HttpRequest.BodyPublishers.ofByteArray(huge));
    assertEquals(413, a.status(), a.body());
    assertTrue(a.body().contains("the limit is 524288 bytes"), a.body());
    assertEquals(200, http.post("/api/grad", "{\"expression\": \"x\", \"at\": {\"x\": 1}}").status());
  }

  @Test
  void exploreGivesEachNodeTheNonFiniteWarningTheGraphWouldDraw() throws Exception {
    JsonNode nodes = JSON.readTree(http.post("/api/explore",
        "{\"expression\": \"sqrt(x) + sqrt(y)\", \"at\": {\"x\": 0, \"y\": -1}}").body()).get("nodes");
    Map<String, String> warnings = new java.util.TreeMap<>();
    nodes.forEach(n -> warnings.put(n.get("name").asText(), n.get("warning").isNull() ? null : n.get("warning").asText()));
    // sqrt'(0) = Inf; sqrt(-1) = NaN, and its derivative 1/(2·NaN) too.
    assertEquals("Inf in grad", warnings.get("x"), warnings.toString());
    assertEquals("NaN in grad", warnings.get("y"), warnings.toString());
    assertEquals("NaN in value", warnings.get("sqrt(y)"), warnings.toString());
    assertEquals(null, warnings.get("sqrt(x)"), warnings.toString());
    assertEquals("NaN in value", warnings.get("sqrt(x) + sqrt(y)"), warnings.toString());
  }

  @Test
  void exploreSendsTheLayoutOnlyWhenTheStructureChanges() throws Exception {
    JsonNode first = JSON.readTree(http.post("/api/explore",
        "{\"expression\": \"x*y + sin(x)\", \"at\": {\"x\": 2, \"y\": 3}}").body());
    String layout = first.get("layout").asText();
    assertTrue(first.has("svg") || first.has("svgError"));
    JsonNode moved = JSON.readTree(http.post("/api/explore",
        "{\"expression\": \"x*y + sin(x)\", \"at\": {\"x\": 1, \"y\": 3}, \"layout\": \"" + layout + "\"}").body());
    assertEquals(layout, moved.get("layout").asText());
    assertTrue(!moved.has("svg"), "same structure, no new layout");
    assertEquals(3 + Math.cos(1), moved.get("gradient").get("x").asDouble(), 1e-15);
    JsonNode other = JSON.readTree(http.post("/api/explore",
        "{\"expression\": \"x*y + cos(x)\", \"at\": {\"x\": 1, \"y\": 3}, \"layout\": \"" + layout + "\"}").body());
    assertTrue(!other.get("layout").asText().equals(layout));
  }

  @Test
  void theLimitsAreOnePageAway() throws Exception {
    Http.Answer a = http.get("/api/limits");
    assertEquals(200, a.status(), a.body());
    assertEquals(524288, JSON.readTree(a.body()).get("requestBytes").asInt());
    assertEquals(600, JSON.readTree(a.body()).get("idleSeconds").asInt());
  }

  @Test
  void exploreKeepsTheSlidersOfAnEditedExpression() throws Exception {
    JsonNode a = JSON.readTree(http.post("/api/explore",
        "{\"expression\": \"w*x\", \"at\": {\"x\": 2, \"y\": 3}}").body());
    assertEquals(JSON.readTree("{\"w\": 1.0, \"x\": 2.0}"), a.get("at"), "y dropped, w new at 1");
    assertEquals(2, a.get("gradient").get("w").asDouble(), 0);
    Http.Answer strict = http.post("/api/grad", "{\"expression\": \"w*x\", \"at\": {\"x\": 2, \"y\": 3}}");
    assertEquals(400, strict.status(), "grad stays as strict as the command line: " + strict.body());
  }

  @Test
  void stepsReportEveryContributionInTheEnginesOrder() throws Exception {
    JsonNode steps = JSON.readTree(http.post("/api/steps",
        "{\"expression\": \"x*y + sin(x)\", \"at\": {\"x\": 2, \"y\": 3}}").body());
    double[] toX = steps.get("backward").findParents("toName").stream()
        .filter(s -> s.get("toName").asText().equals("x")).mapToDouble(s -> s.get("contribution").asDouble()).toArray();
    assertEquals(2, toX.length);
    assertEquals(3 + Math.cos(2), toX[0] + toX[1], 1e-15);
  }

  private static void assertError(String body, int status, String message) throws Exception {
    Http.Answer a = http.post("/api/grad", body);
    assertEquals(status, a.status(), a.body());
    String error = JSON.readTree(a.body()).get("error").asText();
    assertTrue(error.contains(message), error);
  }
}
