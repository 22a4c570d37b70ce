package io.github.chainrule.app.serve;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Where a slider move's server time goes, for the browser test's 33-node expression: thread CPU time
 * (not wall time: the machine is shared) of one {@code /api/explore} answer with the layout reused,
 * and of one first answer that lays the graph out. A benchmark, run with {@code -Dplayground.load=true};
 * it asserts only that a value-only move lays nothing out.
 */
@EnabledIfSystemProperty(named = "playground.load", matches = "true")
class ExploreCostBenchmark {
  static final String EXPRESSION = "relu(w*x + b)*v + sin(w*x)*cos(b) + tanh(v*x - w) + exp(-x*x)*w + sigmoid(b*v) "
      + "+ log(1 + x*x)*abs(v - b)";

  @Test
  void cpuTimeOfOneMove() {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    var process = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Explorer explorer = new Explorer(Limits.defaults());
    String layout = null;
    double[] firstMs = new double[5];
    for (int i = 0; i < firstMs.length; i++) {
      // A fresh explorer each time: its layout cache is empty, so the answer lays the graph out.
      // Process CPU time: Graphviz lays out on its own worker thread.
      Explorer fresh = new Explorer(Limits.defaults());
      long t0 = process.getProcessCpuTime();
      ObjectNode a = fresh.explore(body(2, null));
      firstMs[i] = (process.getProcessCpuTime() - t0) / 1e6;
      layout = a.get("layout").asText();
    }
    for (int i = 0; i < 200; i++) {
      explorer.explore(body(1 + i * 1e-3, layout)).toString();
    }
    long renders = explorer.layoutsRendered();
    int n = 200;
    double[] moveMs = new double[n];
    long bytes = 0;
    long allocated = 0;
    for (int i = 0; i < n; i++) {
      long a0 = threads.getCurrentThreadAllocatedBytes();
      long t0 = threads.getCurrentThreadCpuTime();
      String answer = explorer.explore(body(1 + i * 0.01, layout)).toString();
      moveMs[i] = (threads.getCurrentThreadCpuTime() - t0) / 1e6;
      allocated += threads.getCurrentThreadAllocatedBytes() - a0;
      bytes += answer.getBytes(StandardCharsets.UTF_8).length;
      assertFalse(answer.contains("\"svg\""), "a value-only move sends no layout");
    }
    Arrays.sort(moveMs);
    Arrays.sort(firstMs);
    System.out.printf(Locale.ROOT, "explore, 33-node expression, thread CPU time: value-only move median %.2f ms "
        + "(min %.2f, max %.2f) over %d, %d bytes of JSON and %d bytes allocated per answer; first answer with a "
        + "layout: median %.1f ms (min %.1f) of process CPU time over %d; layouts rendered by the moves: %d%n", moveMs[n / 2], moveMs[0],
        moveMs[n - 1], n, bytes / n, allocated / n, firstMs[firstMs.length / 2], firstMs[0], firstMs.length,
        explorer.layoutsRendered() - renders);
  }

  /** relu-sum at its 1024 units: training steps per CPU second, and a frame's size. */
  @Test
  void reluSumStepRateAndFrameBytes() throws Exception {
    var process = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (PlaygroundServer server = PlaygroundServer.start("127.0.0.1", 0)) {
      Http http = Http.to(server);
      var json = new com.fasterxml.jackson.databind.ObjectMapper();
      String id = json.readTree(http.post("/api/sessions", "{\"demo\": \"relu-sum\"}").body()).get("id").asText();
      var first = json.readTree(http.post("/api/sessions/" + id + "/control", "{\"action\": \"step\"}").body());
      int steps = 4000;
      long t0 = process.getProcessCpuTime();
      long w0 = System.nanoTime();
      http.post("/api/sessions/" + id + "/control", "{\"action\": \"run\", \"steps\": " + steps + "}");
      Http.Answer a;
      do {
        Thread.sleep(100);
        a = http.get("/api/sessions/" + id + "/frame");
      } while (json.readTree(a.body()).get("step").asLong() < steps + 1);
      double cpu = (process.getProcessCpuTime() - t0) / 1e9;
      double wall = (System.nanoTime() - w0) / 1e9;
      var frame = json.readTree(a.body());
      System.out.printf(Locale.ROOT, "relu-sum %s, %d full-batch Adam steps (capped at %d a second): %.2f s process "
          + "CPU (%.0f steps per CPU second, frame polling included), %.2f s wall; frame %d bytes; loss %s after 1 "
          + "step, %s after %d%n", frame.get("sizes").asText(), steps, Limits.defaults().stepsPerSecond(), cpu,
          steps / cpu, wall, a.body().getBytes(StandardCharsets.UTF_8).length, first.get("loss"), frame.get("loss"),
          steps + 1);
    }
  }

  private static byte[] body(double w, String layout) {
    return ("{\"expression\": \"" + EXPRESSION + "\", \"at\": {\"b\": 0.5, \"v\": 1.5, \"w\": " + w + ", \"x\": 1}"
        + (layout == null ? "" : ", \"layout\": \"" + layout + "\"") + "}").getBytes(StandardCharsets.UTF_8);
  }
}
