package io.github.chainrule.app.serve;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.chainrule.nn.io.Safetensors;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class TrainerApiTest extends ServerTest {
  JsonNode create(String setup) throws Exception {
    Http.Answer a = http.post("/api/sessions", setup);
    assertEquals(200, a.status(), a.body());
    return JSON.readTree(a.body());
  }

  JsonNode control(String id, String body) throws Exception {
    Http.Answer a = http.post("/api/sessions/" + id + "/control", body);
    assertEquals(200, a.status(), a.body());
    return JSON.readTree(a.body());
  }

  /** Steps one at a time: each answer is the frame after that step. */
  JsonNode steps(String id, int n) throws Exception {
    JsonNode f = null;
    for (int i = 0; i < n; i++) {
      f = control(id, "{\"action\": \"step\"}");
    }
    return f;
  }

  @Test
  void theSymmetryDemosTwinsStayIdenticalForTwoHundredSteps() throws Exception {
    JsonNode s = create("{\"demo\": \"symmetry\"}");
    JsonNode f = steps(s.get("id").asText(), 200);
    assertEquals(200, f.get("step").asInt());
    JsonNode hidden = f.get("layers").get(0);
    assertEquals(hidden.get("weight").get(0), hidden.get("weight").get(1), "incoming weights of H1 and H2");
    assertEquals(hidden.get("bias").get(0), hidden.get("bias").get(1));
    JsonNode out = f.get("layers").get(1).get("weight").get(0);
    assertEquals(out.get(0), out.get(1), "outgoing weights");
    assertTrue(hidden.get("weight").get(0).get(0).asDouble() != 0.95, "and they did move");
  }

  @Test
  void xorTrainsBelowFiveHundredthsAndTheRunSetsTheSameWeightsAsSteps() throws Exception {
    String setup = "{\"data\": \"xor\", \"hidden\": [4], \"activation\": \"tanh\", \"optimizer\": \"adam\", \"lr\": 0.05, "
        + "\"init\": \"seed\", \"seed\": 1";
    JsonNode stepped = steps(create(setup + "}").get("id").asText(), 300);
    assertTrue(stepped.get("loss").asDouble() < 0.05, "loss " + stepped.get("loss"));
    JsonNode run = create(setup + ", \"steps\": 300}");
    JsonNode f = run.get("frame");
    for (int i = 0; i < 200 && f.get("step").asInt() < 300; i++) {
      Thread.sleep(50);
      f = JSON.readTree(http.get("/api/sessions/" + run.get("id").asText() + "/frame").body());
    }
    assertEquals(300, f.get("step").asInt());
    assertEquals(stepped.get("layers"), f.get("layers"), "a reloaded URL reaches the same weights");
  }

  @Test
  void aDivergingRunStopsAndNamesTheStep() throws Exception {
    JsonNode s = create("{\"data\": \"line\", \"hidden\": [1], \"activation\": \"identity\", \"optimizer\": \"sgd\", "
        + "\"lr\": 1, \"init\": \"ones\"}");
    JsonNode f = steps(s.get("id").asText(), 40);
    String error = f.get("error").asText();
    assertTrue(error.startsWith("diverged at step "), error);
    int at = f.get("step").asInt();
    assertTrue(error.startsWith("diverged at step " + (at + 1) + ": "), error);
  }

  @Test
  void exportsAreMadeInMemory() throws Exception {
    String id = create("{\"demo\": \"node-gradients\"}").get("id").asText();
    steps(id, 3);
    HttpResponse<byte[]> weights = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        http.base().resolve("/api/sessions/" + id + "/export/weights")).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, weights.statusCode());
    var tensors = Safetensors.decode(weights.body(), "export");
    assertEquals(java.util.Set.of("0.weight", "0.bias", "2.weight", "2.bias"), tensors.keySet());
    Http.Answer csv = http.get("/api/sessions/" + id + "/export/trajectory");
    assertEquals(5, csv.body().lines().count(), csv.body());
    assertTrue(csv.body().startsWith("step,train_loss,test_loss,0.weight[0,0]"), csv.body());
    Http.Answer dot = http.get("/api/sessions/" + id + "/export/dot");
    assertTrue(dot.body().startsWith("digraph chainrule {"), dot.body());
    assertTrue(dot.body().contains("one sample (row 0) at step 3"));
    Http.Answer report = http.get("/api/sessions/" + id + "/export/report");
    assertEquals(200, report.status());
    assertTrue(report.body().contains("Parameters at step 3") && report.body().contains("heaton-row"), report.body());
    assertEquals(404, http.get("/api/sessions/" + id + "/export/passwords").status());
  }

  @Test
  void setupsOutsideTheLimitsAreRefusedByName() throws Exception {
    assertEquals(400, http.post("/api/sessions", "{\"hidden\": [4, 4, 4, 4, 4]}").status());
    int width = Limits.defaults().width();
    assertTrue(http.post("/api/sessions", "{\"hidden\": [" + (width + 1) + "]}").body().contains("in 1.." + width));
    Http.Answer wide = http.post("/api/sessions", "{\"hidden\": [" + width + ", " + width + "]}");
    assertEquals(413, wide.status(), wide.body());
    assertTrue(wide.body().contains("the playground trains at most " + Limits.defaults().parameters()), wide.body());
    Http.Answer rows = http.post("/api/sessions", "{\"data\": \"csv\", \"hidden\": [" + width + "], \"csv\": \"a,b\\n"
        + "1,2\\n".repeat(2000) + "\"}");
    assertEquals(413, rows.status(), rows.body());
    assertTrue(rows.body().contains(" training rows through " + width + " hidden units"), rows.body());
    assertTrue(http.post("/api/sessions", "{\"demo\": \"nope\"}").body().contains("the demos are relu-parabola"));
    assertTrue(http.post("/api/sessions", "{\"lr\": 1e9}").body().contains("must be in (0, 10]"));
    assertTrue(http.post("/api/sessions", "{\"data\": \"csv\", \"csv\": \"a,b\\n" + "1,2\\n".repeat(5001) + "\"}").body()
        .contains("the CSV has 5001 rows; the limit is 5000"));
    assertEquals(404, http.post("/api/sessions/0123/control", "{\"action\": \"step\"}").status());
  }

  @Test
  void anUploadedCsvTrainsInMemory() throws Exception {
    JsonNode s = create("{\"data\": \"csv\", \"csv\": \"x,y\\n0,1\\n1,3\\n2,5\\n\", \"hidden\": [2]}");
    assertTrue(s.get("frame").get("data").asText().startsWith("the uploaded CSV: 3 rows"));
    assertEquals(3, s.get("frame").get("view1d").get("dataX").size());
  }

  @Test
  void theSessionCapIsEnforcedAndIdleSessionsAreEvicted() throws Exception {
    try (PlaygroundServer small = PlaygroundServer.start("127.0.0.1", 0, Limits.defaults().withSessions(2))) {
      Http h = Http.to(small);
      assertEquals(200, h.post("/api/sessions", "{}").status());
      assertEquals(200, h.post("/api/sessions", "{}").status());
      Http.Answer third = h.post("/api/sessions", "{}");
      assertEquals(429, third.status());
      assertTrue(third.body().contains("the limit is 2"), third.body());
      small.sessions().evictIdle(Duration.ZERO); // what the janitor does with limits.idle()
      assertEquals(0, small.sessions().size());
      assertEquals(200, h.post("/api/sessions", "{}").status(), "room again once the idle ones are gone");
    }
  }

  @Test
  void gradientHealthIsTheLibrarysReadingOfTheFramesGradients() throws Exception {
    JsonNode s = create("{\"hidden\": [3, 4], \"data\": \"circles\"}");
    JsonNode f = steps(s.get("id").asText(), 3);
    // The frame carries each layer's gradients: GradientHealth on them must give the recorded norms.
    java.util.Map<String, double[]> grads = new java.util.LinkedHashMap<>();
    for (JsonNode l : f.get("layers")) {
      grads.put(l.get("name").asText() + ".weight", flat(l.get("grad")));
      grads.put(l.get("name").asText() + ".bias", flat(l.get("biasGrad")));
    }
    io.github.chainrule.autodiff.inspect.GradientHealth h =
        io.github.chainrule.autodiff.inspect.GradientHealth.ofNamed(grads, 1e-3, 2.0);
    JsonNode norms = f.get("health").get("norms");
    assertEquals(h.layers().size(), norms.size());
    for (int k = 0; k < norms.size(); k++) {
      assertEquals(h.layers().get(k).norm(), norms.get(k).get(norms.get(k).size() - 1).asDouble(), 0);
    }
    assertEquals(JSON.valueToTree(h.flags()), f.get("health").get("flags"));
  }

  private static double[] flat(JsonNode nested) {
    java.util.List<Double> out = new java.util.ArrayList<>();
    nested.forEach(r -> {
      if (r.isArray()) {
        r.forEach(v -> out.add(v.asDouble()));
      } else {
        out.add(r.asDouble());
      }
    });
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  @Test
  void aDeepSigmoidStackIsFlaggedAsVanishingWithDepth() throws Exception {
    // sigmoid' <= 1/4: each layer further from the output gets a fraction of the gradient.
    JsonNode f = steps(create("{\"hidden\": [8, 8, 8, 8], \"activation\": \"sigmoid\", \"optimizer\": \"sgd\"}")
        .get("id").asText(), 1);
    String flags = f.get("health").get("flags").toString();
    assertTrue(flags.contains("vanishing with depth"), flags);
    assertTrue(f.get("health").get("growthPerLayer").asDouble() < 0.5, f.get("health").toString());
  }

  @Test
  void reluSumTrainsTheGalleryDemosWidthAndSendsABoundedFrame() throws Exception {
    java.lang.reflect.Field width = Class.forName("io.github.chainrule.app.gallery.ReluSum").getDeclaredField("WIDTH");
    width.setAccessible(true);
    int units = width.getInt(null);
    JsonNode s = create("{\"demo\": \"relu-sum\"}");
    JsonNode f = steps(s.get("id").asText(), 2);
    assertEquals("1-" + units + "-1", f.get("sizes").asText());
    JsonNode v = f.get("view1d");
    assertEquals(units, v.get("kinks").size());
    assertEquals(TrainingSession.PIECES, v.get("pieces").size());
    assertEquals(TrainingSession.PIECES, v.get("pieceUnits").size());
    int bytes = f.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    System.out.println("relu-sum frame: " + bytes + " bytes");
    assertTrue(bytes < 512 * 1024, bytes + " bytes");
  }

  @Test
  void eachReluUnitBendsAtMinusBOverAAndASmoothActivationHasNoKinks() throws Exception {
    for (String activation : new String[] {"relu", "leakyrelu", "tanh"}) {
      JsonNode f = steps(create("{\"hidden\": [3], \"activation\": \"" + activation
          + "\", \"data\": \"parabola\"}").get("id").asText(), 1);
      JsonNode kinks = f.get("view1d").get("kinks");
      assertEquals(3, kinks.size(), activation);
      for (JsonNode k : kinks) {
        assertEquals(!activation.equals("tanh"), k.isNumber(), activation + ": " + kinks);
      }
    }
  }
}
