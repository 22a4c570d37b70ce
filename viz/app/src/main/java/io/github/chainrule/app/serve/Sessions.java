package io.github.chainrule.app.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The training sessions, one per tab, isolated from each other: at most {@code limits.sessions()}
 * at once, each evicted after {@code limits.idle()} without a request or an open stream. All of
 * them train on one small scheduler (a thread per core), in slices, so many tabs share the CPU
 * instead of each taking a thread.
 */
final class Sessions implements AutoCloseable {
  private final Map<String, TrainingSession> byId = new ConcurrentHashMap<>();
  private final Limits limits;
  private final ScheduledExecutorService trainers;
  private final SecureRandom ids = new SecureRandom();

  Sessions(Limits limits) {
    this.limits = limits;
    AtomicInteger n = new AtomicInteger();
    ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(
        Math.max(1, Runtime.getRuntime().availableProcessors()), r -> {
          Thread t = new Thread(r, "playground-trainer-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.setRemoveOnCancelPolicy(true);
    trainers = pool;
    trainers.scheduleWithFixedDelay(this::evictIdle, 10, 10, TimeUnit.SECONDS);
  }

  /** {@code POST /api/sessions}: a setup (or {@code "demo"}), optionally {@code "steps"} to run at once. */
  String create(byte[] body) {
    ObjectNode req = Requests.object(body, "sessions", TrainerSetup.FIELDS);
    TrainerSetup setup = TrainerSetup.from(req, limits);
    String csv = Requests.optionalString(req, "sessions", "csv", null, limits.requestBytes());
    int steps = Requests.optionalInt(req, "sessions", "steps", 0, 0, limits.stepsPerRequest());
    evictIdle();
    if (byId.size() >= limits.sessions()) {
      throw ApiError.tooMany("sessions: " + byId.size() + " training sessions are open, the limit is " + limits.sessions()
          + "; close other tabs (idle sessions end after " + limits.idle().toMinutes() + " minutes)");
    }
    String id = HexFormat.of().formatHex(randomBytes());
    TrainingSession s = new TrainingSession(id, setup, csv, limits, trainers);
    byId.put(id, s);
    String frame = steps > 0 ? s.control(("{\"action\": \"run\", \"steps\": " + steps + "}").getBytes())
        : s.latestFrame().json();
    return "{\"id\": \"" + id + "\", \"frame\": " + frame + "}";
  }

  private byte[] randomBytes() {
    byte[] b = new byte[16];
    ids.nextBytes(b);
    return b;
  }

  TrainingSession get(String id) {
    TrainingSession s = byId.get(id);
    if (s == null) {
      throw ApiError.notFound("no training session " + id + " (sessions end after " + limits.idle().toMinutes()
          + " idle minutes or when the server restarts); reload the page to start again");
    }
    return s;
  }

  int size() {
    return byId.size();
  }

  void evictIdle() {
    evictIdle(limits.idle());
  }

  /** Ends the sessions idle for longer than {@code after}. */
  void evictIdle(Duration after) {
    long idle = after.toNanos();
    byId.values().removeIf(s -> {
      if (s.idleNanos() > idle) {
        s.close();
        return true;
      }
      return false;
    });
  }

  /** The presets, for the page's demo menu. */
  static String presets() {
    ObjectNode o = Requests.JSON.createObjectNode();
    TrainerSetup.PRESETS.forEach((name, setup) -> o.set(name, setup.json()));
    return o.toString();
  }

  /** Ends every session (the server keeps running). */
  void closeAll() {
    byId.values().removeIf(s -> {
      s.close();
      return true;
    });
  }

  @Override
  public void close() {
    closeAll();
    trainers.shutdownNow();
  }
}
