package org.mailassure.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 speaking Graph's JSON, for the Graph SDK to talk to. Replies are
 * scripted per request; every request is recorded, and the most requests ever in flight at once.
 */
public final class LoopbackGraph implements AutoCloseable {

  /** One request as the server saw it. */
  public record Request(String method, String path, Map<String, List<String>> headers, String body) {
    public String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }
  }

  /** A scripted reply. */
  public record Reply(int status, Map<String, String> headers, String body) {
    public static Reply accepted() {
      return new Reply(202, Map.of(), "");
    }

    public static Reply error(int status, String code, String message, Map<String, String> headers) {
      return new Reply(status, headers,
          "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}");
    }
  }

  private final HttpServer server;
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  private final ConcurrentLinkedDeque<Reply> script = new ConcurrentLinkedDeque<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();

  public LoopbackGraph() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  /** Queues replies; when the queue is empty, every request gets 202 Accepted. */
  public LoopbackGraph then(Reply... replies) {
    script.addAll(List.of(replies));
    return this;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1.0";
  }

  public List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  public int maxInFlight() {
    return maxInFlight.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    try {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
          Map.copyOf(ex.getRequestHeaders()), body));
      Reply reply = script.pollFirst();
      if (reply == null) {
        reply = Reply.accepted();
      }
      reply.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
      byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
      if (out.length > 0) {
        ex.getResponseHeaders().add("Content-Type", "application/json");
      }
      ex.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        ex.getResponseBody().write(out);
      }
    } finally {
      inFlight.decrementAndGet();
      ex.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
