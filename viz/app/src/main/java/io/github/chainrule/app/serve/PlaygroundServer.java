package io.github.chainrule.app.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The playground's HTTP server: the JDK's own {@code com.sun.net.httpserver}, a thin adapter over
 * the explorer and the training sessions. Routes:
 *
 * <pre>
 * GET  /                          the page (web/index.html); every asset comes from the jar
 * GET  /web/NAME                  the page's scripts and style, from a fixed list in the jar
 * POST /api/grad                  {"expression", "at"} → the JSON of chainrule grad --json
 * POST /api/explore               … plus "output", "layout" → values, gradients, edges, layout
 * POST /api/explain               … plus "node" → Explain's text and NodeCheck's rows for it
 * POST /api/steps                 … → the forward and backward passes node by node
 * POST /api/sessions              a trainer setup → a session id and its first frame
 * POST /api/sessions/ID/control   {"action": step|play|pause|reset, "steps", "lr", "speed"}
 * GET  /api/sessions/ID/stream    server-sent events: the latest frame, at a bounded rate
 * GET  /api/sessions/ID/frame     the latest frame once
 * GET  /api/sessions/ID/export/K  K = dot, svg, weights, trajectory, report
 * </pre>
 *
 * No route reads or writes a file: static assets are classpath resources from a fixed list, and
 * uploads stay in memory.
 */
public final class PlaygroundServer implements AutoCloseable {
  private static final Map<String, String> ASSETS = Map.of(
      "index.html", "text/html; charset=utf-8",
      "playground.js", "text/javascript; charset=utf-8",
      "explorer.js", "text/javascript; charset=utf-8",
      "trainer.js", "text/javascript; charset=utf-8",
      "state.js", "text/javascript; charset=utf-8",
      "playground.css", "text/css; charset=utf-8");

  private final HttpServer server;
  private final ExecutorService workers;
  private final Explorer explorer;

  Explorer explorer() {
    return explorer;
  }
  private final Sessions sessions;
  private final AtomicInteger streams = new AtomicInteger();
  private final Limits limits;

  private PlaygroundServer(HttpServer server, ExecutorService workers, Limits limits) {
    this.server = server;
    this.workers = workers;
    this.limits = limits;
    this.explorer = new Explorer(limits);
    this.sessions = new Sessions(limits);
  }

  /** Starts serving on {@code host:port} (port 0: any free port). */
  public static PlaygroundServer start(String host, int port) throws IOException {
    return start(host, port, Limits.defaults());
  }

  static PlaygroundServer start(String host, int port, Limits limits) throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 128);
    // Streams hold a thread each while open, so there are enough for every allowed stream and the
    // ordinary requests besides; queued requests wait, they are not dropped.
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(limits.streams() + 16, limits.streams() + 16, 30,
        TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "playground-http-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    http.setExecutor(pool);
    PlaygroundServer s = new PlaygroundServer(http, pool, limits);
    http.createContext("/", s::handle);
    http.start();
    return s;
  }

  /** {@code http://127.0.0.1:8080/}. */
  public URI address() {
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + a.getPort() + "/");
  }

  @Override
  public void close() {
    server.stop(0);
    sessions.close();
    workers.shutdownNow();
  }

  private void handle(HttpExchange x) throws IOException {
    try {
      route(x);
    } catch (ApiError e) {
      sendError(x, e.status, e.getMessage());
    } catch (IllegalArgumentException | IllegalStateException e) {
      sendError(x, 400, e.getMessage() == null ? e.toString() : e.getMessage());
    } catch (IOException e) {
      // The browser went away mid-answer: nothing to tell it.
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      sendError(x, 500, "internal error: " + e);
    } finally {
      x.close();
    }
  }

  private void route(HttpExchange x) throws IOException {
    String path = x.getRequestURI().getRawPath();
    if (path.equals("/") || path.equals("/index.html")) {
      requireMethod(x, "GET");
      asset(x, "index.html");
      return;
    }
    if (path.startsWith("/web/")) {
      requireMethod(x, "GET");
      asset(x, path.substring("/web/".length()));
      return;
    }
    if (!path.startsWith("/api/")) {
      throw ApiError.notFound("no page at " + path + " (the playground is at /)");
    }
    switch (path) {
      case "/api/grad" -> sendJson(x, 200, explorer.grad(body(x, "grad")));
      case "/api/explore" -> sendJson(x, 200, explorer.explore(body(x, "explore")).toString());
      case "/api/explain" -> sendJson(x, 200, explorer.explain(body(x, "explain")).toString());
      case "/api/steps" -> sendJson(x, 200, explorer.steps(body(x, "steps")).toString());
      case "/api/sessions" -> sendJson(x, 200, sessions.create(body(x, "sessions")));
      case "/api/presets" -> sendJson(x, 200, Sessions.presets());
      case "/api/limits" -> sendJson(x, 200, limits.json());
      default -> sessionRoute(x, path);
    }
  }

  Sessions sessions() {
    return sessions;
  }

  private void sessionRoute(HttpExchange x, String path) throws IOException {
    String[] parts = path.split("/");
    // "", "api", "sessions", ID, what[, kind]
    if (!path.startsWith("/api/sessions/") || parts.length < 5) {
      throw ApiError.notFound("no API route " + path);
    }
    TrainingSession s = sessions.get(parts[3]);
    switch (parts[4]) {
      case "control" -> sendJson(x, 200, s.control(body(x, "control")));
      case "frame" -> sendJson(x, 200, s.latestFrame().json());
      case "stream" -> stream(x, s);
      case "export" -> {
        requireMethod(x, "GET");
        Export e = s.export(parts.length > 5 ? parts[5] : "");
        x.getResponseHeaders().set("Content-Type", e.contentType());
        x.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"" + e.fileName() + "\"");
        send(x, 200, e.bytes());
      }
      default -> throw ApiError.notFound("no API route " + path);
    }
  }

  /**
   * Server-sent events: the latest frame whenever it changes, at most {@code framesPerSecond} a
   * second. Training never waits for this loop; a slow reader simply misses the frames in between.
   */
  private void stream(HttpExchange x, TrainingSession s) throws IOException {
    requireMethod(x, "GET");
    if (streams.incrementAndGet() > limits.streams()) {
      streams.decrementAndGet();
      throw ApiError.tooMany("too many open streams (the limit is " + limits.streams() + "); close some tabs");
    }
    try {
      x.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      x.getResponseHeaders().set("Cache-Control", "no-store");
      x.sendResponseHeaders(200, 0);
      OutputStream out = x.getResponseBody();
      long sent = -1;
      long lastWrite = System.nanoTime();
      long period = 1_000_000_000L / limits.framesPerSecond();
      while (!s.isClosed()) {
        long start = System.nanoTime();
        TrainingSession.Frame f = s.latestFrame();
        if (f.seq() != sent) {
          out.write(("data: " + f.json() + "\n\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
          sent = f.seq();
          lastWrite = System.nanoTime();
          // The rate bound: at most framesPerSecond, and building frames takes at most a fifth of
          // this thread's time however large the network; versions in between are skipped.
          long pause = Math.max(period, 5 * (lastWrite - start));
          Thread.sleep(pause / 1_000_000L);
        } else if (System.nanoTime() - lastWrite > 15_000_000_000L) {
          out.write(": still here\n\n".getBytes(StandardCharsets.UTF_8)); // a closed tab fails this write
          out.flush();
          lastWrite = System.nanoTime();
        }
        s.awaitFrameAfter(sent, 1_000_000_000L);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      streams.decrementAndGet();
    }
  }

  private static void requireMethod(HttpExchange x, String method) {
    if (!x.getRequestMethod().equals(method)) {
      throw new ApiError(405, x.getRequestURI().getPath() + " takes " + method + ", not " + x.getRequestMethod());
    }
  }

  /**
   * The request body, refused past the size limit. The rest of an oversized body (up to {@link
   * #DRAINED} bytes) is read and dropped first so that the browser, still sending, gets the 413
   * answer instead of a reset connection; anything larger is cut off.
   */
  private byte[] body(HttpExchange x, String route) throws IOException {
    requireMethod(x, "POST");
    try (InputStream in = x.getRequestBody()) {
      byte[] b = in.readNBytes(limits.requestBytes() + 1);
      if (b.length > limits.requestBytes()) {
        long rest = drain(in);
        throw tooLarge(route, rest < DRAINED ? b.length + rest : -1);
      }
      return b;
    }
  }

  /** Bytes of an oversized body read and dropped before answering 413. */
  static final long DRAINED = 64L * 1024 * 1024;

  private static long drain(InputStream in) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    for (int n; total < DRAINED && (n = in.read(buffer)) > 0; ) {
      total += n;
    }
    return total;
  }

  private ApiError tooLarge(String route, long bytes) {
    // Closing the connection is how the rest of a huge body is refused; the browser gets this answer first.
    return ApiError.tooLarge(route + ": the request body " + (bytes >= 0 ? "has " + bytes + " bytes" : "is larger")
        + "; the limit is " + limits.requestBytes() + " bytes");
  }

  private void asset(HttpExchange x, String name) throws IOException {
    String type = ASSETS.get(name);
    if (type == null) {
      throw ApiError.notFound("no asset " + name);
    }
    byte[] bytes;
    try (InputStream in = PlaygroundServer.class.getResourceAsStream("web/" + name)) {
      if (in == null) {
        throw new ApiError(500, "asset " + name + " is missing from the jar");
      }
      bytes = in.readAllBytes();
    }
    x.getResponseHeaders().set("Content-Type", type);
    x.getResponseHeaders().set("Cache-Control", "no-cache");
    send(x, 200, bytes);
  }

  private static void sendJson(HttpExchange x, int status, String json) throws IOException {
    x.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    send(x, status, json.getBytes(StandardCharsets.UTF_8));
  }

  private static void sendError(HttpExchange x, int status, String message) {
    try {
      JsonNode body = Requests.JSON.createObjectNode().put("error", message);
      if (status == 413) {
        x.getResponseHeaders().set("Connection", "close");
      }
      sendJson(x, status, body.toString());
    } catch (IOException | RuntimeException ignored) {
      // Headers already sent (a stream failed half way) or the browser left: nothing more to say.
    }
  }

  private static void send(HttpExchange x, int status, byte[] bytes) throws IOException {
    x.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = x.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
