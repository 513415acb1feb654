package org.mailassure.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real HTTP server on 127.0.0.1 speaking Graph's JSON for what mailassure uses: {@code sendMail}
 * (202) and a mailbox's inbox {@code messageRules} (list, create, update, delete), kept in memory
 * per mailbox. Replies can be scripted ahead (429, 403, …), a latency added to every answer, and
 * every request is recorded with the most requests ever in flight at once. For tests, benchmarks
 * and demos; it never listens beyond loopback.
 */
public final class LoopbackGraph implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  static {
    // The JDK server writes headers and body in two segments; without TCP_NODELAY, Nagle's
    // algorithm and the client's delayed ACK add ~40 ms to every answer, which no real Graph does.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private static final String OVERSIZED = "X-Loopback-Oversized";

  private static final Pattern RULES =
      Pattern.compile("/v1\\.0/users/([^/]+)/mailFolders/inbox/messageRules(?:/([^/?]+))?");
  private static final Pattern SEND_MAIL = Pattern.compile("/v1\\.0/users/([^/]+)/sendMail");

  /** One request as the server saw it. */
  public record Request(
      String method, String path, Map<String, List<String>> headers, String body, String query) {
    public String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }

    public boolean isWrite() {
      return !method.equals("GET");
    }
  }

  /** A scripted reply. */
  public record Reply(int status, Map<String, String> headers, String body) {
    /** An error whose JSON body goes on for this many bytes, streamed, never held. */
    public static Reply oversized(int status, long bytes) {
      return new Reply(status, Map.of(OVERSIZED, Long.toString(bytes)), "");
    }

    public static Reply accepted() {
      return new Reply(202, Map.of(), "");
    }

    public static Reply error(
        int status, String code, String message, Map<String, String> headers) {
      return new Reply(
          status,
          headers,
          "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}");
    }
  }

  private final HttpServer server;
  private final ExecutorService executor =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "loopback-graph");
            t.setDaemon(true);
            return t;
          });
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  private final ConcurrentLinkedDeque<Reply> script = new ConcurrentLinkedDeque<>();
  private final Map<String, Map<String, ObjectNode>> rules = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final AtomicInteger ids = new AtomicInteger();
  private volatile Duration latency = Duration.ZERO;
  private volatile int pageSize = Integer.MAX_VALUE;
  private final java.util.concurrent.atomic.AtomicLong oversizedSent =
      new java.util.concurrent.atomic.AtomicLong();

  public LoopbackGraph() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Queues replies, answered before anything else; then requests are served normally. */
  public LoopbackGraph then(Reply... replies) {
    script.addAll(List.of(replies));
    return this;
  }

  /** Adds this delay before every answer, as a distant Graph would. */
  /** How many bytes of oversized bodies went out before the client stopped reading. */
  public long oversizedSent() {
    return oversizedSent.get();
  }

  /**
   * Lists at most this many rules a page, with {@code @odata.nextLink} to the next (Graph pages
   * collections this way, and a client must follow the link until there is none).
   */
  public LoopbackGraph pageSize(int rules) {
    this.pageSize = rules;
    return this;
  }

  public LoopbackGraph latency(Duration latency) {
    this.latency = latency;
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

  /** The rules stored for a mailbox, in creation order. */
  public List<JsonNode> rules(String mailbox) {
    return List.copyOf(rules.getOrDefault(mailbox.toLowerCase(), Map.of()).values());
  }

  /** Stores a rule as if someone had made it by hand; returns its id. */
  public String addRule(String mailbox, String json) throws IOException {
    ObjectNode rule = (ObjectNode) JSON.readTree(json);
    String id = "rule-" + ids.incrementAndGet();
    rule.put("id", id);
    store(mailbox).put(id, rule);
    return id;
  }

  /** Changes a stored rule in place, as a person editing it in Outlook would. */
  public void editRule(String mailbox, String id, String fieldPath, JsonNode value) {
    ObjectNode node = store(mailbox).get(id);
    String[] parts = fieldPath.split("\\.");
    for (int i = 0; i < parts.length - 1; i++) {
      node = (ObjectNode) node.get(parts[i]);
    }
    node.set(parts[parts.length - 1], value);
  }

  private Map<String, ObjectNode> store(String mailbox) {
    return rules.computeIfAbsent(
        mailbox.toLowerCase(), k -> Collections.synchronizedMap(new LinkedHashMap<>()));
  }

  private void handle(HttpExchange ex) throws IOException {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    try {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Request request =
          new Request(
              ex.getRequestMethod(),
              ex.getRequestURI().getRawPath(),
              Map.copyOf(ex.getRequestHeaders()),
              body,
              ex.getRequestURI().getRawQuery());
      requests.add(request);
      if (!latency.isZero()) {
        Thread.sleep(latency.toMillis());
      }
      Reply reply = script.pollFirst();
      if (reply == null) {
        reply = serve(request);
      }
      if (reply.headers().containsKey(OVERSIZED)) {
        long size = Long.parseLong(reply.headers().get(OVERSIZED));
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(reply.status(), 0);
        try (var stream = ex.getResponseBody()) {
          stream.write(
              "{\"error\":{\"code\":\"Huge\",\"message\":\"".getBytes(StandardCharsets.UTF_8));
          byte[] chunk = new byte[64 << 10];
          java.util.Arrays.fill(chunk, (byte) 'a');
          for (long sent = 0; sent < size; sent += chunk.length) {
            stream.write(chunk);
            oversizedSent.addAndGet(chunk.length);
          }
        } catch (IOException clientStopped) {
          // the client stopped reading: what a bounded client does
        }
        return;
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
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      inFlight.decrementAndGet();
      ex.close();
    }
  }

  private Reply serve(Request r) throws IOException {
    if (SEND_MAIL.matcher(r.path()).matches() && r.method().equals("POST")) {
      return Reply.accepted();
    }
    Matcher m = RULES.matcher(r.path());
    if (!m.matches()) {
      return Reply.error(404, "ResourceNotFound", "not served by the loopback Graph", Map.of());
    }
    String mailbox = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
    String id = m.group(2);
    Map<String, ObjectNode> box = store(mailbox);
    switch (r.method()) {
      case "GET" -> {
        int skip = 0;
        if (r.query() != null) {
          for (String p : r.query().split("&")) {
            if (p.startsWith("%24skiptoken=") || p.startsWith("$skiptoken=")) {
              skip = Integer.parseInt(p.substring(p.indexOf('=') + 1));
            }
          }
        }
        List<ObjectNode> all;
        synchronized (box) {
          all = new ArrayList<>(box.values());
        }
        ObjectNode page = JSON.createObjectNode();
        ArrayNode value = page.putArray("value");
        int end = (int) Math.min(all.size(), (long) skip + pageSize);
        all.subList(Math.min(skip, all.size()), end).forEach(value::add);
        if (end < all.size()) {
          page.put(
              "@odata.nextLink",
              baseUrl() + r.path().substring("/v1.0".length()) + "?$skiptoken=" + end);
        }
        return new Reply(200, Map.of(), JSON.writeValueAsString(page));
      }
      case "POST" -> {
        ObjectNode rule = (ObjectNode) JSON.readTree(r.body());
        String newId = "rule-" + ids.incrementAndGet();
        rule.put("id", newId);
        box.put(newId, rule);
        return new Reply(201, Map.of(), JSON.writeValueAsString(rule));
      }
      case "PATCH" -> {
        ObjectNode rule = box.get(id);
        if (rule == null) {
          return Reply.error(
              404,
              "ErrorItemNotFound",
              "The specified object was not found in the store.",
              Map.of());
        }
        // Graph's update semantics (Update messageRule; OData 4.0 §11.4.3): properties left out
        // keep their values, and a property given, a complex one such as actions or conditions
        // included, replaces the old value whole; nested fields are not merged. So a client that
        // sends only actions.markAsRead loses forwardTo; mailassure sends whole values.
        rule.setAll((ObjectNode) JSON.readTree(r.body()));
        return new Reply(200, Map.of(), JSON.writeValueAsString(rule));
      }
      case "DELETE" -> {
        return box.remove(id) == null
            ? Reply.error(
                404,
                "ErrorItemNotFound",
                "The specified object was not found in the store.",
                Map.of())
            : new Reply(204, Map.of(), "");
      }
      default -> {
        return Reply.error(405, "MethodNotAllowed", r.method(), Map.of());
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
