package org.mailassure.reply;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.cli.CliRun;
import org.mailassure.testing.LoopbackGraph;
import org.mailassure.testing.LoopbackGraph.Reply;
import org.mailassure.testing.LoopbackGraph.Request;
import org.mailassure.testing.MutableClock;
import org.mailassure.testing.RecordingSleeper;

/**
 * {@code mailassure reply} through the real Graph SDK against a loopback Graph that keeps each
 * mailbox's inbox, serves Graph's list query with paging, accepts replies and records every
 * request; with a real SQLite state store in a temporary state-dir. Expected requests follow
 * Graph's documented API: "POST /users/{id}/messages/{id}/reply" with a JSON body of "comment" and
 * "message" (whose toRecipients, when given, are the reply's recipients).
 */
class ReplyCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ASSESSMENT = "emailsecurity@domaininformation.service.gov.uk";
  private static final String MAILBOX = "secureemailreply@d1.example.gov.uk";

  @TempDir Path dir;
  private LoopbackGraph graph;
  private final RecordingSleeper sleeper = new RecordingSleeper();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T09:00:00Z"));

  @BeforeEach
  void start() throws Exception {
    graph = new LoopbackGraph();
  }

  @AfterEach
  void stop() {
    graph.close();
  }

  private Path config(String rule) throws Exception {
    String yaml =
        """
        state-dir: state
        graph:
          tenant-id: contoso.onmicrosoft.com
          base-url: %s
          auth: { type: token, token-env: MAILASSURE_GRAPH_TOKEN }
        rule: %s
        probe:
          transport: graph
        domains:
          - name: d1.example.gov.uk
            mailbox: %s
        """
            .formatted(graph.baseUrl(), rule, MAILBOX);
    Path file = dir.resolve("mailassure.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private CliRun reply(Path config, String... more) {
    String[] args = new String[more.length + 3];
    args[0] = "reply";
    args[1] = "-c";
    args[2] = config.toString();
    System.arraycopy(more, 0, args, 3, more.length);
    return CliRun.of(
        dir, Map.of("MAILASSURE_GRAPH_TOKEN", "token-for-tests"), clock, sleeper, args);
  }

  private String assessmentMessage(String id, Duration ago) {
    return graph.deliver(
        MAILBOX,
        id,
        clock.instant().minus(ago),
        ASSESSMENT,
        List.of(MAILBOX),
        List.of(),
        null,
        "Email security assessment");
  }

  private List<Request> listings() {
    return graph.requests().stream().filter(r -> r.method().equals("GET")).toList();
  }

  @Test
  void eachAssessmentMessageIsAnsweredOnceAcrossARestart() throws Exception {
    Path config = config("{ action: reply }");
    String id = assessmentMessage("<a1@assessment.example>", Duration.ofMinutes(3));

    CliRun first = reply(config);
    clock.set(clock.instant().plus(Duration.ofMinutes(5)));
    CliRun second = reply(config);

    assertThat(first.exitCode()).as(first.err() + first.out()).isZero();
    assertThat(second.exitCode()).as(second.err() + second.out()).isZero();
    assertThat(graph.replies()).hasSize(1);
    assertThat(graph.replies().get(0).messageId()).isEqualTo(id);
    assertThat(first.out()).contains("1 reply sent from 1 mailbox");
    assertThat(second.out()).contains("0 replies sent from 1 mailbox");
    // The second look reaches back over the first (the margin), sees the message, and leaves it.
    assertThat(listings()).hasSize(2);
  }

  @Test
  void statusShowsEachMailboxsLastLookAndLastReply() throws Exception {
    Path config = config("{ action: reply }");
    assessmentMessage("<s1@assessment>", Duration.ofMinutes(2));
    reply(config);
    clock.set(clock.instant().plus(Duration.ofMinutes(1)));

    CliRun r =
        CliRun.of(dir, Map.of(), clock, sleeper, "status", "--json", "-c", config.toString());

    JsonNode box = JSON.readTree(r.out()).at("/mailboxes/0");
    assertThat(box.get("mailbox").asText()).isEqualTo(MAILBOX);
    assertThat(box.get("healthy").asBoolean()).as(r.out()).isTrue();
    assertThat(box.get("last_look").asText()).isEqualTo("2026-12-06T09:00:00Z");
    assertThat(box.get("last_reply_outcome").asText()).isEqualTo("replied");
    assertThat(box.get("replies").asInt()).isEqualTo(1);
  }

  @Test
  void theListAsksGraphOnlyForTheAssessmentAddressesMessagesAndTheFieldsItReads() throws Exception {
    Path config = config("{ action: reply }");

    reply(config);

    Request list = listings().get(0);
    assertThat(list.path())
        .isEqualTo("/v1.0/users/secureemailreply%40d1.example.gov.uk/mailFolders/inbox/messages");
    String query = URLDecoder.decode(list.query(), StandardCharsets.UTF_8);
    // First look: the last 24 hours (README); 2026-12-06T09:00Z less a day.
    assertThat(query)
        .contains(
            "$filter=receivedDateTime ge 2026-12-05T09:00:00Z and from/emailAddress/address eq '"
                + ASSESSMENT
                + "'")
        .contains("$select=id,internetMessageId,receivedDateTime,from,toRecipients,ccRecipients")
        .contains("$orderby=receivedDateTime");
    assertThat(list.header("Authorization")).isEqualTo("Bearer token-for-tests");
  }

  @Test
  void messagesFromAnotherSenderOrToAnotherAddressAreLeftAlone() throws Exception {
    Path config = config("{ action: reply }");
    Instant t = clock.instant().minus(Duration.ofMinutes(2));
    graph.deliver(
        MAILBOX,
        "<x1@elsewhere>",
        t,
        "someone@elsewhere.example",
        List.of(MAILBOX),
        List.of(),
        null,
        "hello");
    graph.deliver(
        MAILBOX,
        "<x2@assessment>",
        t,
        ASSESSMENT,
        List.of("other@d1.example.gov.uk"),
        List.of(),
        null,
        "to another address");
    String cc =
        graph.deliver(
            MAILBOX,
            "<x3@assessment>",
            t,
            ASSESSMENT,
            List.of("other@d1.example.gov.uk"),
            List.of(MAILBOX.toUpperCase(Locale.ROOT)),
            null,
            "cc");

    CliRun r = reply(config);

    assertThat(r.exitCode()).as(r.err() + r.out()).isZero();
    assertThat(graph.replies()).extracting(LoopbackGraph.SentReply::messageId).containsExactly(cc);
  }

  @Test
  void aSpoofedReplyToStillGetsItsReplySentOnlyToTheAssessmentAddress() throws Exception {
    Path config = config("{ action: reply, reply-text: \"Reply from {domain}.\" }");
    graph.deliver(
        MAILBOX,
        "<spoof@assessment>",
        clock.instant().minus(Duration.ofMinutes(1)),
        ASSESSMENT,
        List.of(MAILBOX),
        List.of("victim@elsewhere.example"),
        "attacker@elsewhere.example",
        "Email security assessment");

    CliRun r = reply(config);

    assertThat(r.exitCode()).as(r.err() + r.out()).isZero();
    Request post =
        graph.requests().stream().filter(x -> x.method().equals("POST")).findFirst().orElseThrow();
    assertThat(post.path())
        .matches("/v1\\.0/users/secureemailreply%40d1\\.example\\.gov\\.uk/messages/[^/]+/reply");
    JsonNode body = JSON.readTree(post.body());
    // Graph's metadata names the reply action's parameters "Comment" and "Message" (the SDK sends
    // them so; the documentation's examples write them in lower case; Graph takes either).
    assertThat(LoopbackGraph.field(body, "comment").asText())
        .isEqualTo("Reply from d1.example.gov.uk.");
    JsonNode message = LoopbackGraph.field(body, "message");
    assertThat(message.get("toRecipients")).hasSize(1);
    assertThat(message.at("/toRecipients/0/emailAddress/address").asText()).isEqualTo(ASSESSMENT);
    // Empty lists, so nothing of the original's Cc or Reply-To is carried into the reply.
    assertThat(message.get("ccRecipients")).isEmpty();
    assertThat(message.get("bccRecipients")).isEmpty();
  }

  @Test
  void aListOverTwoPagesIsFollowedToTheEnd() throws Exception {
    graph.pageSize(1);
    Path config = config("{ action: reply }");
    assessmentMessage("<p1@assessment>", Duration.ofMinutes(9));
    assessmentMessage("<p2@assessment>", Duration.ofMinutes(4));

    CliRun r = reply(config);

    assertThat(r.exitCode()).as(r.err() + r.out()).isZero();
    assertThat(listings()).hasSize(2);
    assertThat(listings().get(1).query()).contains("skiptoken");
    assertThat(graph.replies()).hasSize(2);
  }

  @Test
  void aThrottledReplyWaitsOutRetryAfterAndIsSent() throws Exception {
    Path config = config("{ action: reply }");
    assessmentMessage("<t1@assessment>", Duration.ofMinutes(1));
    graph.thenOn(
        "POST",
        Reply.error(
            429,
            "ApplicationThrottled",
            "Application is over its MailboxConcurrency limit.",
            Map.of("Retry-After", "7")));

    CliRun r = reply(config);

    assertThat(r.exitCode()).as(r.err() + r.out()).isZero();
    assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(7));
    assertThat(graph.replies()).hasSize(1);
  }

  @Test
  void aReplyGraphForbidsIsExplainedWithThePermissionAndAnsweredOnceItIsGranted() throws Exception {
    Path config = config("{ action: reply }");
    assessmentMessage("<f1@assessment>", Duration.ofMinutes(1));
    graph.thenOn(
        "POST",
        Reply.error(403, "ErrorAccessDenied", "Access is denied. Check credentials.", Map.of()));

    CliRun denied = reply(config);
    clock.set(clock.instant().plus(Duration.ofMinutes(5)));
    CliRun granted = reply(config);

    assertThat(denied.exitCode()).isEqualTo(3);
    assertThat(denied.out())
        .contains("Graph denied the right to reply from " + MAILBOX)
        .contains("Mail.Send application permission");
    assertThat(granted.exitCode()).as(granted.err() + granted.out()).isZero();
    assertThat(graph.replies()).hasSize(1);
  }

  @Test
  void aListGraphForbidsNamesMailReadBasic() throws Exception {
    Path config = config("{ action: reply }");
    graph.thenOn("GET", Reply.error(403, "ErrorAccessDenied", "Access is denied.", Map.of()));

    CliRun r = reply(config, "--json");

    assertThat(r.exitCode()).isEqualTo(3);
    JsonNode doc = JSON.readTree(r.out());
    assertThat(doc.at("/mailboxes/0/ok").asBoolean()).isFalse();
    assertThat(doc.at("/mailboxes/0/error").asText())
        .contains("read the inbox of " + MAILBOX)
        .contains("Mail.ReadBasic");
  }

  @Test
  void theDailyCapHoldsAcrossLooks() throws Exception {
    Path config = config("{ action: reply, max-replies-per-day: 2 }");
    assessmentMessage("<c1@assessment>", Duration.ofMinutes(30));
    assessmentMessage("<c2@assessment>", Duration.ofMinutes(20));
    reply(config);
    clock.set(clock.instant().plus(Duration.ofHours(2)));
    assessmentMessage("<c3@assessment>", Duration.ofMinutes(5));

    CliRun capped = reply(config, "--json");
    clock.set(clock.instant().plus(Duration.ofHours(23)));
    assessmentMessage("<c4@assessment>", Duration.ofMinutes(1));
    CliRun nextDay = reply(config);

    assertThat(capped.exitCode()).as(capped.err() + capped.out()).isZero();
    assertThat(JSON.readTree(capped.out()).at("/mailboxes/0/messages/0/outcome").asText())
        .isEqualTo("capped");
    assertThat(nextDay.exitCode()).as(nextDay.err() + nextDay.out()).isZero();
    // c1, c2, then c3 capped for good (never answered later), then c4 a day after c1 and c2.
    assertThat(graph.replies()).hasSize(3);
  }

  @Test
  void aReplyWhoseRecordWasLostIsSentAgainOnlyOnceItsLeaseHasEnded() throws Exception {
    // What a SIGKILL between the reply and its record leaves: a claim still "sending", held by
    // a process that is gone. README: it is answered again once the 30-minute lease ends.
    Path config = config("{ action: reply }");
    assessmentMessage("<k1@assessment>", Duration.ofMinutes(1));
    Files.createDirectories(dir.resolve("state"));
    org.mailassure.state.StateStore store =
        org.mailassure.testing.Records.store(dir.resolve("state"));
    try (store) {
      new org.mailassure.state.ReplyStore(store)
          .claim(
              MAILBOX,
              "<k1@assessment>",
              "d1.example.gov.uk",
              "gone",
              clock.instant(),
              clock.instant(),
              Duration.ofMinutes(30));
    }
    // Records.store's holder is not the command's: the claim is another (dead) process's.
    CliRun held = reply(config);
    clock.set(clock.instant().plus(Duration.ofMinutes(31)));
    CliRun after = reply(config);

    assertThat(held.exitCode()).as(held.err() + held.out()).isZero();
    assertThat(after.exitCode()).as(after.err() + after.out()).isZero();
    assertThat(graph.replies()).hasSize(1);
    assertThat(after.out()).contains("1 reply sent");
  }
}
