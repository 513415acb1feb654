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
import java.util.Locale;
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
 * (202), a mailbox's inbox {@code messageRules} (list, create, update, delete), its inbox {@code
 * messages} (the reply agent's filtered, paged list) and {@code reply} (202, kept), all in memory
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
  private static final Pattern MESSAGES =
      Pattern.compile("/v1\\.0/users/([^/]+)/mailFolders/inbox/messages");
  private static final Pattern REPLY =
      Pattern.compile("/v1\\.0/users/([^/]+)/messages/([^/]+)/reply");
  private static final Pattern FILTER =
      Pattern.compile(
          "receivedDateTime ge (\\S+) and from/emailAddress/address eq '((?:[^']|'')*)'");

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
  private final Map<String, ConcurrentLinkedDeque<Reply>> scriptByMethod =
      new ConcurrentHashMap<>();
  private final Map<String, Map<String, ObjectNode>> rules = new ConcurrentHashMap<>();
  private final Map<String, Map<String, ObjectNode>> inboxes = new ConcurrentHashMap<>();
  private final List<SentReply> replies = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final AtomicInteger ids = new AtomicInteger();
  private volatile Duration latency = Duration.ZERO;
  private volatile int pageSize = Integer.MAX_VALUE;
  private volatile boolean endlessRulePages;
  private final java.util.concurrent.atomic.AtomicLong oversizedSent =
      new java.util.concurrent.atomic.AtomicLong();

  public LoopbackGraph() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * A member of a JSON object found without regard to case, as Graph reads action parameters (its
   * metadata spells the reply action's {@code Comment} and {@code Message}); a missing node if
   * none.
   */
  public static JsonNode field(JsonNode node, String name) {
    var it = node.fields();
    while (it.hasNext()) {
      var e = it.next();
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  /** Queues replies for the next requests of one method (POST, GET, ...); others are served. */
  public LoopbackGraph thenOn(String method, Reply... replies) {
    scriptByMethod
        .computeIfAbsent(method, m -> new ConcurrentLinkedDeque<>())
        .addAll(List.of(replies));
    return this;
  }

  /** A reply Graph accepted: the mailbox, the message replied to and the request's JSON body. */
  public record SentReply(String mailbox, String messageId, JsonNode body) {
    /** The addresses of the reply's {@code message.toRecipients}. */
    public List<String> to() {
      List<String> out = new ArrayList<>();
      // Graph reads the action's parameters without regard to case; the SDK writes "Message".
      field(field(body, "message"), "toRecipients")
          .forEach(r -> out.add(field(field(r, "emailAddress"), "address").asText()));
      return out;
    }
  }

  /**
   * Puts a message in a mailbox's inbox, as Exchange would on delivery; returns its Graph id.
   *
   * @param to the To addresses; cc may be empty
   */
  public String deliver(
      String mailbox,
      String internetMessageId,
      java.time.Instant received,
      String from,
      List<String> to,
      List<String> cc,
      String replyTo,
      String subject) {
    ObjectNode m = JSON.createObjectNode();
    String id = "AAMk-" + ids.incrementAndGet();
    m.put("id", id);
    if (internetMessageId != null) {
      m.put("internetMessageId", internetMessageId);
    }
    m.put("receivedDateTime", received.toString());
    m.put("subject", subject);
    m.set("from", recipient(from));
    ArrayNode toNode = m.putArray("toRecipients");
    to.forEach(a -> toNode.add(recipient(a)));
    ArrayNode ccNode = m.putArray("ccRecipients");
    cc.forEach(a -> ccNode.add(recipient(a)));
    if (replyTo != null) {
      m.putArray("replyTo").add(recipient(replyTo));
    }
    inbox(mailbox).put(id, m);
    return id;
  }

  private static ObjectNode recipient(String address) {
    ObjectNode r = JSON.createObjectNode();
    r.putObject("emailAddress").put("address", address);
    return r;
  }

  /** Every reply accepted so far, in order. */
  public List<SentReply> replies() {
    synchronized (replies) {
      return List.copyOf(replies);
    }
  }

  private Map<String, ObjectNode> inbox(String mailbox) {
    return inboxes.computeIfAbsent(
        mailbox.toLowerCase(Locale.ROOT), k -> Collections.synchronizedMap(new LinkedHashMap<>()));
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

  /** Rule listings whose every page links to itself again: pages that never end. */
  public LoopbackGraph endlessRulePages() {
    this.endlessRulePages = true;
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
    return List.copyOf(rules.getOrDefault(mailbox.toLowerCase(Locale.ROOT), Map.of()).values());
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
        mailbox.toLowerCase(Locale.ROOT), k -> Collections.synchronizedMap(new LinkedHashMap<>()));
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
      if (reply == null && scriptByMethod.containsKey(request.method())) {
        reply = scriptByMethod.get(request.method()).pollFirst();
      }
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
    Matcher messages = MESSAGES.matcher(r.path());
    if (messages.matches() && r.method().equals("GET")) {
      return listMessages(URLDecoder.decode(messages.group(1), StandardCharsets.UTF_8), r);
    }
    Matcher reply = REPLY.matcher(r.path());
    if (reply.matches() && r.method().equals("POST")) {
      String mailbox = URLDecoder.decode(reply.group(1), StandardCharsets.UTF_8);
      String id = URLDecoder.decode(reply.group(2), StandardCharsets.UTF_8);
      if (!inbox(mailbox).containsKey(id)) {
        return Reply.error(
            404, "ErrorItemNotFound", "The specified object was not found in the store.", Map.of());
      }
      replies.add(new SentReply(mailbox.toLowerCase(Locale.ROOT), id, JSON.readTree(r.body())));
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
        if (endlessRulePages) {
          page.put(
              "@odata.nextLink",
              baseUrl() + r.path().substring("/v1.0".length()) + "?$skiptoken=0");
        } else if (end < all.size()) {
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

  /**
   * Lists an inbox as Graph does for the one query mailassure makes: {@code $filter} on
   * receivedDateTime and the sender's address (anything else is refused, as Graph refuses filters
   * it cannot run), {@code $orderby=receivedDateTime}, {@code $top}, {@code $select}; paged with a
   * {@code $skiptoken} in {@code @odata.nextLink}.
   */
  private Reply listMessages(String mailbox, Request r) throws IOException {
    Map<String, String> q = new LinkedHashMap<>();
    if (r.query() != null) {
      for (String p : r.query().split("&")) {
        int eq = p.indexOf('=');
        q.put(
            URLDecoder.decode(eq < 0 ? p : p.substring(0, eq), StandardCharsets.UTF_8),
            eq < 0 ? "" : URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    String skiptoken = q.get("$skiptoken");
    Map<String, String> query = q;
    if (skiptoken != null) {
      // The link carries the original query, as Graph's opaque skip token does.
      query = new LinkedHashMap<>();
      for (String p :
          new String(java.util.Base64.getUrlDecoder().decode(skiptoken), StandardCharsets.UTF_8)
              .split("\n")) {
        int eq = p.indexOf('=');
        query.put(p.substring(0, eq), p.substring(eq + 1));
      }
    }
    Matcher f = FILTER.matcher(query.getOrDefault("$filter", ""));
    if (!f.matches()) {
      return Reply.error(
          400, "ErrorInvalidUrlQueryFilter", "The filter expression is not supported.", Map.of());
    }
    java.time.Instant since = java.time.OffsetDateTime.parse(f.group(1)).toInstant();
    String from = f.group(2).replace("''", "'");
    int top = Integer.parseInt(query.getOrDefault("$top", "10"));
    int size = Math.min(top, pageSize);
    int skip = Integer.parseInt(query.getOrDefault("skip", "0"));
    List<ObjectNode> all;
    Map<String, ObjectNode> box = inbox(mailbox);
    synchronized (box) {
      all = new ArrayList<>(box.values());
    }
    List<ObjectNode> matching =
        all.stream()
            .filter(
                m -> !java.time.Instant.parse(m.get("receivedDateTime").asText()).isBefore(since))
            .filter(
                m ->
                    m.path("from")
                        .path("emailAddress")
                        .path("address")
                        .asText()
                        .equalsIgnoreCase(from))
            .sorted(
                java.util.Comparator.comparing(
                    m -> java.time.Instant.parse(m.get("receivedDateTime").asText())))
            .toList();
    java.util.Set<String> select =
        query.containsKey("$select") ? java.util.Set.of(query.get("$select").split(",")) : null;
    ObjectNode page = JSON.createObjectNode();
    ArrayNode value = page.putArray("value");
    int end = Math.min(matching.size(), skip + size);
    for (ObjectNode m : matching.subList(Math.min(skip, matching.size()), end)) {
      ObjectNode out = m.deepCopy();
      if (select != null) {
        out.retain(select);
      }
      value.add(out);
    }
    if (end < matching.size()) {
      StringBuilder token = new StringBuilder();
      for (var e : query.entrySet()) {
        if (!e.getKey().equals("skip")) {
          token.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
      }
      token.append("skip=").append(end);
      page.put(
          "@odata.nextLink",
          baseUrl()
              + r.path().substring("/v1.0".length())
              + "?$skiptoken="
              + java.util.Base64.getUrlEncoder()
                  .withoutPadding()
                  .encodeToString(token.toString().getBytes(StandardCharsets.UTF_8)));
    }
    return new Reply(200, Map.of(), JSON.writeValueAsString(page));
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
