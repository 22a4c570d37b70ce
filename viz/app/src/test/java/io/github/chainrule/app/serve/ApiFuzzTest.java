package io.github.chainrule.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The API fuzzed: arbitrary bytes, JSON-shaped bodies with wrong types, huge and non-finite numbers
 * and unknown fields, and expressions mutated from valid ones. Every answer is a 2xx or a 4xx with
 * an {"error"} (never a 500, never a hang), and the server still answers a valid request after.
 */
class ApiFuzzTest {
  static PlaygroundServer server;
  static Http http;

  @BeforeContainer
  static void start() throws Exception {
    server = PlaygroundServer.start("127.0.0.1", 0);
    http = Http.to(server);
  }

  @AfterContainer
  static void stop() {
    server.close();
    System.out.printf("api fuzz: %d requests, %d answered 200, %d answered 4xx, 0 answered otherwise%n",
        ok.get() + refused.get(), ok.get(), refused.get());
  }

  static final java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
  static final java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();

  static final String[] ROUTES = {"/api/grad", "/api/explore", "/api/explain", "/api/steps", "/api/sessions"};

  @Property(tries = 150)
  void arbitraryBytesGetA4xx(@ForAll("routes") String route, @ForAll byte[] body) throws Exception {
    check(route, new String(body, StandardCharsets.ISO_8859_1));
  }

  @Property(tries = 300)
  void jsonShapedBodiesGetA2xxOrA4xx(@ForAll("routes") String route, @ForAll("bodies") String body) throws Exception {
    check(route, body);
  }

  @Property(tries = 200)
  void mutatedExpressionsGetA2xxOrA4xx(@ForAll("routes") String route, @ForAll("expressions") String expression,
      @ForAll("numbers") String x) throws Exception {
    String escaped = expression.replace("\\", "\\\\").replace("\"", "\\\"");
    check(route, "{\"expression\": \"" + escaped + "\", \"at\": {\"x\": " + x + ", \"y\": 2, \"w\": 0.5}}");
  }

  private static void check(String route, String body) throws Exception {
    Http.Answer a = http.post(route, body);
    assertTrue(a.status() == 200 || (a.status() >= 400 && a.status() < 500), route + " " + body + " -> " + a.status()
        + " " + a.body());
    if (a.status() != 200) {
      assertTrue(a.body().startsWith("{\"error\":"), a.body());
    }
    (a.status() == 200 ? ok : refused).incrementAndGet();
    assertEquals(200, http.post("/api/grad", "{\"expression\": \"x\", \"at\": {\"x\": 1}}").status(), "still serving");
    server.sessions().closeAll(); // sessions a body started must not train on through the other tries
  }

  @Provide
  Arbitrary<String> routes() {
    return Arbitraries.of(ROUTES);
  }

  @Provide
  Arbitrary<String> numbers() {
    return Arbitraries.oneOf(Arbitraries.of("1e999", "-1e999", "NaN", "\"NaN\"", "1e-400", "null", "true", "[]", "{}",
        "123456789012345678901234567890", "0", "-0", "2"), Arbitraries.doubles().map(d -> Double.toString(d)));
  }

  @Provide
  Arbitrary<String> values() {
    return Arbitraries.lazyOf(() -> Arbitraries.oneOf(numbers(), Arbitraries.strings().ofMaxLength(20).map(s -> "\""
        + s.replace("\\", "").replace("\"", "") + "\""), Arbitraries.of("[1, 2]", "[4, 4, 4]", "[0]", "[33]", "[-1]",
        "\"x*y + sin(x)\"", "\"relu(w*x)\"", "\"symmetry\"", "\"csv\"", "\"x,y\\n1,2\\n\"", "{\"x\": 2}")));
  }

  @Provide
  Arbitrary<String> bodies() {
    Arbitrary<String> field = Arbitraries.of("expression", "at", "output", "node", "layout", "demo", "hidden", "data",
        "lr", "momentum", "init", "seed", "steps", "csv", "loss", "optimizer", "activation", "colour", "");
    Arbitrary<String> entry = Combinators.combine(field, values()).as((f, v) -> "\"" + f + "\": " + v);
    return entry.list().ofMaxSize(6).map(l -> "{" + String.join(", ", l) + "}");
  }

  @Provide
  Arbitrary<String> expressions() {
    Arbitrary<String> seeds = Arbitraries.of("x*y + sin(x)", "relu(w*x + y)*w", "log(x)/y", "max(x, y) - min(w, x)^2",
        "sqrt(abs(x))", "exp(exp(exp(x)))", "x/0", "tanh(sigmoid(softplus(x)))");
    Arbitrary<Character> junk = Arbitraries.of('(', ')', '*', '+', '-', '/', '^', ',', '.', 'e', 'x', '9', ' ', '\u00e9');
    return Combinators.combine(seeds, Arbitraries.integers().between(0, 40), junk, Arbitraries.integers().between(0, 3))
        .as((s, at, c, op) -> {
          int i = Math.min(at, s.length());
          return switch (op) {
            case 0 -> s.substring(0, i) + c + s.substring(i);
            case 1 -> s.substring(0, i) + s.substring(Math.min(s.length(), i + 1));
            case 2 -> s.repeat(1 + at % 5);
            default -> "(".repeat(at * 3) + s;
          };
        });
  }
}
