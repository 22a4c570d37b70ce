package io.github.chainrule.app.serve;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP calls against a running playground, for the API tests. */
record Http(URI base, HttpClient client) {
  record Answer(int status, String body) {}

  static Http to(PlaygroundServer server) {
    return new Http(server.address(), HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
  }

  Answer post(String path, String json) throws IOException, InterruptedException {
    return post(path, HttpRequest.BodyPublishers.ofString(json));
  }

  Answer post(String path, HttpRequest.BodyPublisher body) throws IOException, InterruptedException {
    HttpRequest r = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json").POST(body).build();
    HttpResponse<String> a = client.send(r, HttpResponse.BodyHandlers.ofString());
    return new Answer(a.statusCode(), a.body());
  }

  Answer get(String path) throws IOException, InterruptedException {
    HttpRequest r = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60)).GET().build();
    HttpResponse<String> a = client.send(r, HttpResponse.BodyHandlers.ofString());
    return new Answer(a.statusCode(), a.body());
  }
}
