package io.thermocline.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A tiny HTTP server on 127.0.0.1 that answers with scripted responses and records requests. */
final class ScriptedHttpServer implements AutoCloseable {
  record Request(String method, String path, String query, Map<String, String> headers, String body) {}

  record Response(int status, String body) {}

  private final HttpServer server;
  private final String prefix;
  private final Deque<Response> script = new ArrayDeque<>();
  private final List<Request> requests = new ArrayList<>();

  ScriptedHttpServer(String prefix) throws IOException {
    this.prefix = prefix;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + prefix;
  }

  synchronized ScriptedHttpServer respond(int status, String body) {
    script.add(new Response(status, body));
    return this;
  }

  synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  synchronized Request last() {
    return requests.get(requests.size() - 1);
  }

  private void handle(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    ex.getRequestHeaders().forEach((k, v) -> headers.put(k, String.join(",", v)));
    Response r;
    synchronized (this) {
      requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
          ex.getRequestURI().getRawQuery(), headers, body));
      r = script.isEmpty() ? new Response(500, "{\"error_code\":50001,\"message\":\"no scripted response\"}") : script.poll();
    }
    byte[] out = r.body().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", HttpSchemaRegistryClient.CONTENT_TYPE);
    ex.sendResponseHeaders(r.status(), out.length == 0 ? -1 : out.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(out);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
