package io.github.chainrule.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PipedReader;
import java.io.PipedWriter;
import java.io.PrintWriter;
import java.io.BufferedReader;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ServeCommandTest {
  @Test
  void theFirstLineIsTheAddressAndThePageIsThere() throws Exception {
    ServeCommand serve = new ServeCommand();
    PipedWriter pipe = new PipedWriter();
    BufferedReader lines = new BufferedReader(new PipedReader(pipe, 1 << 16));
    CommandLine cli = new CommandLine(serve).setOut(new PrintWriter(pipe, true)).setErr(new PrintWriter(new StringWriter()));
    CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> cli.execute("--port", "0"));
    String first = lines.readLine();
    assertTrue(first.matches("chainrule playground: http://127\\.0\\.0\\.1:\\d+/"), first);
    URI address = URI.create(first.substring("chainrule playground: ".length()));
    HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(address).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("<title>chainrule playground</title>"));
    serve.stopped.countDown();
    assertEquals(0, run.get(30, TimeUnit.SECONDS));
  }

  @Test
  void bindingBeyondLoopbackWarns() throws Exception {
    ServeCommand serve = new ServeCommand();
    StringWriter err = new StringWriter();
    PipedWriter pipe = new PipedWriter();
    BufferedReader lines = new BufferedReader(new PipedReader(pipe, 1 << 16));
    CommandLine cli = new CommandLine(serve).setOut(new PrintWriter(pipe, true)).setErr(new PrintWriter(err, true));
    CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> cli.execute("--port", "0", "--host", "0.0.0.0"));
    lines.readLine();
    serve.stopped.countDown();
    assertEquals(0, run.get(30, TimeUnit.SECONDS));
    assertTrue(err.toString().startsWith("serve: warning: bound to 0.0.0.0, not loopback"), err.toString());
  }

  @Test
  void aPortInUseIsAnInputErrorSayingWhatToDo() throws Exception {
    try (PlaygroundServer taken = PlaygroundServer.start("127.0.0.1", 0)) {
      StringWriter err = new StringWriter();
      int code = new CommandLine(new ServeCommand()).setErr(new PrintWriter(err, true))
          .execute("--port", Integer.toString(taken.address().getPort()));
      assertTrue(code != 0);
      assertTrue(err.toString().contains("choose another --port, or --port 0 for any free one"), err.toString());
    }
  }
}
