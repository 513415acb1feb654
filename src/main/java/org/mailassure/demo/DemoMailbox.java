package org.mailassure.demo;

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
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's stand-in for one Exchange Online mailbox behind Microsoft Graph, on 127.0.0.1 and an
 * ephemeral port: it holds the messages put in its inbox, answers the inbox listing the reply agent
 * makes ({@code $filter} on received time and sender) and keeps every reply posted to it. It never
 * listens beyond loopback. Thread-safe.
 */
final class DemoMailbox implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LIST =
      Pattern.compile("/v1\\.0/users/([^/]+)/mailFolders/inbox/messages");
  private static final Pattern REPLY =
      Pattern.compile("/v1\\.0/users/([^/]+)/messages/([^/]+)/reply");
  private static final Pattern FILTER =
      Pattern.compile(
          "receivedDateTime ge (\\S+) and from/emailAddress/address eq '((?:[^']|'')*)'");

  /** A reply as the mailbox received it. */
  record Posted(String messageId, String to, String text) {}

  private final HttpServer server;
  private final String mailbox;
  private final Map<String, ObjectNode> inbox = new LinkedHashMap<>();
  private final List<Posted> replies = new ArrayList<>();
  private int lists;

  DemoMailbox(String mailbox) throws IOException {
    this.mailbox = mailbox;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", this::handle);
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1.0";
  }

  /** Puts a message in the inbox, as Exchange does on delivery. */
  synchronized void deliver(
      String id, String internetMessageId, Instant received, String from, String replyTo) {
    ObjectNode m = JSON.createObjectNode();
    m.put("id", id);
    m.put("internetMessageId", internetMessageId);
    m.put("receivedDateTime", received.toString());
    m.put("subject", "Email security assessment");
    m.putObject("from").putObject("emailAddress").put("address", from);
    m.putArray("toRecipients").addObject().putObject("emailAddress").put("address", mailbox);
    m.putArray("replyTo").addObject().putObject("emailAddress").put("address", replyTo);
    inbox.put(id, m);
  }

  synchronized List<Posted> replies() {
    return List.copyOf(replies);
  }

  synchronized int lists() {
    return lists;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      byte[] body = ex.getRequestBody().readNBytes(1 << 16);
      Matcher list = LIST.matcher(path);
      Matcher reply = REPLY.matcher(path);
      if (ex.getRequestMethod().equals("GET") && list.matches() && mine(list.group(1))) {
        send(ex, 200, list(ex.getRequestURI().getRawQuery()));
      } else if (ex.getRequestMethod().equals("POST") && reply.matches() && mine(reply.group(1))) {
        send(ex, reply(URLDecoder.decode(reply.group(2), StandardCharsets.UTF_8), body), null);
      } else {
        send(
            ex,
            404,
            "{\"error\":{\"code\":\"ResourceNotFound\",\"message\":\"not served by the demo\"}}");
      }
    }
  }

  private boolean mine(String user) {
    return URLDecoder.decode(user, StandardCharsets.UTF_8).equalsIgnoreCase(mailbox);
  }

  private synchronized String list(String rawQuery) throws IOException {
    lists++;
    String filter = "";
    for (String p : rawQuery == null ? new String[0] : rawQuery.split("&")) {
      String k =
          URLDecoder.decode(p.substring(0, Math.max(0, p.indexOf('='))), StandardCharsets.UTF_8);
      if (k.equals("$filter")) {
        filter = URLDecoder.decode(p.substring(p.indexOf('=') + 1), StandardCharsets.UTF_8);
      }
    }
    Matcher f = FILTER.matcher(filter);
    ObjectNode page = JSON.createObjectNode();
    ArrayNode value = page.putArray("value");
    if (f.matches()) {
      Instant since = OffsetDateTime.parse(f.group(1)).toInstant();
      String from = f.group(2).replace("''", "'");
      for (ObjectNode m : inbox.values()) {
        if (!Instant.parse(m.get("receivedDateTime").asText()).isBefore(since)
            && m.at("/from/emailAddress/address").asText().equalsIgnoreCase(from)) {
          value.add(m);
        }
      }
    }
    return JSON.writeValueAsString(page);
  }

  private synchronized int reply(String id, byte[] body) throws IOException {
    if (!inbox.containsKey(id)) {
      return 404;
    }
    JsonNode request = JSON.readTree(body);
    JsonNode message = member(request, "message");
    JsonNode to = message.path("toRecipients");
    replies.add(
        new Posted(
            id,
            to.size() == 1 ? to.get(0).at("/emailAddress/address").asText() : to.toString(),
            member(request, "comment").asText()));
    return 202;
  }

  /** Graph reads action parameters without regard to case (its metadata says "Comment"). */
  private static JsonNode member(JsonNode node, String name) {
    var it = node.fields();
    while (it.hasNext()) {
      var e = it.next();
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  private static void send(HttpExchange ex, int status, String json) throws IOException {
    if (json == null) {
      ex.sendResponseHeaders(status, -1);
      return;
    }
    byte[] out = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, out.length);
    ex.getResponseBody().write(out);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
