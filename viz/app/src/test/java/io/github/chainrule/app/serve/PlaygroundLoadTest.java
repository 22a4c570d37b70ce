package io.github.chainrule.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The load figures of bench/PLAYGROUND.md: 50 sessions training at once, each with its stream
 * open, while clients call /api/grad as fast as they can. A benchmark, not a test of speed: it
 * asserts only that every request succeeded. Run with {@code -Dplayground.load=true}.
 */
@EnabledIfSystemProperty(named = "playground.load", matches = "true")
class PlaygroundLoadTest {
  static final int SESSIONS = 50;
  static final int CLIENTS = 8;
  static final Duration WINDOW = Duration.ofSeconds(20);

  @Test
  void fiftySessionsTrainingWhileClientsAskForGradients() throws Exception {
    ObjectMapper json = new ObjectMapper();
    try (PlaygroundServer server = PlaygroundServer.start("127.0.0.1", 0)) {
      Http http = Http.to(server);
      HttpClient streams = HttpClient.newHttpClient();
      List<String> ids = new ArrayList<>();
      AtomicLong frames = new AtomicLong();
      for (int i = 0; i < SESSIONS; i++) {
        String id = json.readTree(http.post("/api/sessions", "{\"data\": \"circles\", \"hidden\": [8], "
            + "\"activation\": \"tanh\", \"optimizer\": \"adam\", \"lr\": 0.02, \"seed\": " + i + "}").body())
            .get("id").asText();
        ids.add(id);
        streams.sendAsync(HttpRequest.newBuilder(server.address().resolve("/api/sessions/" + id + "/stream")).build(),
            HttpResponse.BodyHandlers.ofLines()).thenAccept(r -> r.body().forEach(l -> {
              if (l.startsWith("data: ")) {
                frames.incrementAndGet();
              }
            }));
        assertEquals(200, http.post("/api/sessions/" + id + "/control", "{\"action\": \"play\", \"speed\": 200}").status());
      }
      Thread.sleep(2000);
      long stepsBefore = totalSteps(http, ids, json);
      long framesBefore = frames.get();
      AtomicBoolean running = new AtomicBoolean(true);
      ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
      AtomicLong failures = new AtomicLong();
      long maxHeap = 0;
      List<CompletableFuture<Void>> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int seed = c;
        clients.add(CompletableFuture.runAsync(() -> {
          int i = 0;
          while (running.get()) {
            double x = seed + (i++ % 100) / 10.0;
            long t0 = System.nanoTime();
            try {
              Http.Answer a = http.post("/api/grad", "{\"expression\": \"relu(w*x + b)*v + sin(w*x)\", \"at\": "
                  + "{\"w\": 0.5, \"x\": " + x + ", \"b\": 0.1, \"v\": 2}}");
              if (a.status() != 200) {
                failures.incrementAndGet();
              }
            } catch (Exception e) {
              failures.incrementAndGet();
            }
            latencies.add(System.nanoTime() - t0);
          }
        }));
      }
      long t0 = System.nanoTime();
      while (System.nanoTime() - t0 < WINDOW.toNanos()) {
        Thread.sleep(250);
        maxHeap = Math.max(maxHeap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
      }
      running.set(false);
      CompletableFuture.allOf(clients.toArray(new CompletableFuture[0])).join();
      double seconds = (System.nanoTime() - t0) / 1e9;
      long steps = totalSteps(http, ids, json) - stepsBefore;
      long framesSeen = frames.get() - framesBefore;
      System.gc();
      Thread.sleep(500);
      long heapAfterGc = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      long[] ms = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
      String report = String.format(Locale.ROOT, """
          %d sessions training (2-8-1 tanh on circles, 200 points, Adam, asked for 200 steps/s each), each with its \
          event stream open; %d clients calling POST /api/grad back to back for %.1f s; %d cores, %s
          /api/grad: %d requests, %.0f req/s, latency p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d failed
          training: %.0f steps/s over all sessions (%.0f per session); streams: %.1f frames/s per session
          heap: %.0f MB at most while running, %.0f MB after a GC with the %d sessions alive; %d threads
          """, SESSIONS, CLIENTS, seconds, Runtime.getRuntime().availableProcessors(), Runtime.version(),
          ms.length, ms.length / seconds, pct(ms, 0.50), pct(ms, 0.99), ms[ms.length - 1] / 1e6, failures.get(),
          steps / seconds, steps / seconds / SESSIONS, framesSeen / seconds / SESSIONS, maxHeap / 1e6,
          heapAfterGc / 1e6, server.sessions().size(), Thread.activeCount());
      System.out.print(report);
      Files.createDirectories(Path.of("target", "playground"));
      Files.writeString(Path.of("target", "playground", "load.txt"), report);
      assertEquals(0, failures.get());
    }
  }

  private static double pct(long[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
  }

  private static long totalSteps(Http http, List<String> ids, ObjectMapper json) throws Exception {
    long total = 0;
    for (String id : ids) {
      total += json.readTree(http.get("/api/sessions/" + id + "/frame").body()).get("step").asLong();
    }
    return total;
  }

}
