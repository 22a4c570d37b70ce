package io.github.chainrule.app.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A playground on a free port for the API tests of a class, and a client for it. */
abstract class ServerTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static PlaygroundServer server;
  static Http http;

  @BeforeAll
  static void startServer() throws Exception {
    server = PlaygroundServer.start("127.0.0.1", 0);
    http = Http.to(server);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }
}
