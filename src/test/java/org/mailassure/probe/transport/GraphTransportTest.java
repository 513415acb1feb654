package org.mailassure.probe.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailassure.config.Config;
import org.mailassure.graph.Credentials;
import org.mailassure.graph.GraphClients;
import org.mailassure.journal.JournalEntry;
import org.mailassure.journal.Outcome;
import org.mailassure.probe.ProbeResult;
import org.mailassure.probe.ProbeSender;
import org.mailassure.testing.Fixtures;
import org.mailassure.testing.LoopbackGraph;
import org.mailassure.testing.LoopbackGraph.Reply;
import org.mailassure.testing.RecordingSleeper;
import org.mailassure.testing.Records;

/**
 * The graph transport through the real Graph SDK against a loopback server speaking Graph's JSON.
 */
class GraphTransportTest {
  private static final Instant NOW = Instant.parse("2026-11-29T06:00:00Z");
  private static final String TOKEN = "graph-test-token-1234567890";

  @TempDir Path dir;
  private LoopbackGraph graph;
  private final RecordingSleeper sleeper = new RecordingSleeper();
  private Config config;

  @BeforeEach
  void start() throws Exception {
    graph = new LoopbackGraph();
    config =
        Fixtures.config(
            dir,
            """
        state-dir: state
        graph:
          tenant-id: contoso.onmicrosoft.com
          base-url: %s
          auth: { type: token, token-env: MAILASSURE_GRAPH_TOKEN }
        probe:
          transport: graph
          retry: { attempts: 4, backoff: 1m, max-backoff: 10m }
        domains:
          - name: example.gov.uk
            mailbox: secureemailreply@example.gov.uk
        """
                .formatted(graph.baseUrl()));
  }

  @AfterEach
  void stop() {
    graph.close();
  }

  private ProbeResult send() throws Exception {
    var credential = Credentials.of(config.graph(), Map.of("MAILASSURE_GRAPH_TOKEN", TOKEN));
    var transport =
        new GraphTransport(
            GraphClients.create(config.graph(), credential), Clock.fixed(NOW, ZoneOffset.UTC));
    return new ProbeSender(
            config,
            transport,
            Records.ledger(config.stateDir()),
            Clock.fixed(NOW, ZoneOffset.UTC),
            sleeper,
            "test")
        .send(config.domains().get(0), NOW, "manual", null);
  }

  @Test
  void theProbeIsPostedAsBase64MimeToTheSendersSendMail() throws Exception {
    ProbeResult result = send();

    assertThat(result.sent()).as(result.error()).isTrue();
    assertThat(graph.requests())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.method()).isEqualTo("POST");
              assertThat(r.path())
                  .isEqualTo("/v1.0/users/secureemailreply%40example.gov.uk/sendMail");
              assertThat(r.header("Content-Type")).startsWith("text/plain");
              assertThat(r.header("Authorization")).isEqualTo("Bearer " + TOKEN);
              String mime =
                  new String(
                      Base64.getDecoder().decode(r.body().strip()), StandardCharsets.US_ASCII);
              assertThat(mime)
                  .contains("From: secureemailreply@example.gov.uk\r\n")
                  .contains("To: emailsecurity@domaininformation.service.gov.uk\r\n")
                  .contains("Message-ID: <mailassure.20261129T060000Z@example.gov.uk>\r\n")
                  .contains(
                      "Subject: Email security probe from example.gov.uk at 2026-11-29 06:00 +00:00\r\n");
            });
    assertThat(result.dkim().journalName()).isEqualTo("provider");
  }

  @Test
  void a429IsWaitedOutForItsRetryAfterThenSent() throws Exception {
    graph.then(
        Reply.error(429, "ApplicationThrottled", "Too many requests", Map.of("Retry-After", "7")));

    ProbeResult result = send();

    assertThat(result.sent()).as(result.error()).isTrue();
    assertThat(graph.requests()).hasSize(2);
    assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(7));
    assertThat(Records.in(config.stateDir()))
        .extracting(JournalEntry::outcome)
        .containsExactly(Outcome.RETRYING, Outcome.SENT);
  }

  @ParameterizedTest(name = "Retry-After: {0}")
  @ValueSource(strings = {"86400", "9223372036854775807", "99999999999999999999999"})
  void aRetryAfterLongerThanMaxBackoffEndsTheSlotsTriesWithTheServersAskNamed(String retryAfter)
      throws Exception {
    // RFC 9110 §10.2.3: Retry-After is delay-seconds (any non-negative integer). mailassure waits
    // at most probe.retry.max-backoff (10 min in this config), so a longer ask is a failed attempt.
    graph.then(
        Reply.error(
            429, "ApplicationThrottled", "Too many requests", Map.of("Retry-After", retryAfter)));

    ProbeResult result = send();

    assertThat(result.sent()).isFalse();
    assertThat(result.error())
        .contains("HTTP 429")
        .contains("the server asked to wait")
        .contains("longer than probe.retry.max-backoff (10 min)");
    assertThat(graph.requests()).hasSize(1);
    assertThat(sleeper.waits()).isEmpty();
    assertThat(Records.in(config.stateDir()))
        .extracting(JournalEntry::outcome)
        .containsExactly(Outcome.FAILED);
  }

  @Test
  void anErrorBodyOfAGigabyteIsCutOffAtItsBoundAndReportedInWords() throws Exception {
    graph.then(Reply.oversized(500, 1L << 30));

    ProbeResult result = send();

    assertThat(result.sent()).isFalse();
    assertThat(result.error()).contains("longer than 4 MiB; not read");
    assertThat(result.error()).doesNotContain("Exception");
    // The client stopped near 4 MiB; the rest is what socket buffers took.
    assertThat(graph.oversizedSent()).isLessThan(64L << 20);
  }

  @Test
  void a503WithoutRetryAfterBacksOffByThePolicy() throws Exception {
    graph.then(Reply.error(503, "ServiceUnavailable", "busy", Map.of()));

    ProbeResult result = send();

    assertThat(result.sent()).isTrue();
    assertThat(sleeper.waits()).containsExactly(Duration.ofMinutes(1));
  }

  @Test
  void a403NamesThePermissionAndTheMailboxAndIsNotRetried() throws Exception {
    graph.then(Reply.error(403, "ErrorAccessDenied", "Access is denied.", Map.of()));

    ProbeResult result = send();

    assertThat(result.failure()).isEqualTo(SendFailure.Kind.AUTHENTICATION);
    assertThat(result.error())
        .contains("Mail.Send")
        .contains("secureemailreply@example.gov.uk")
        .contains("ErrorAccessDenied");
    assertThat(graph.requests()).hasSize(1);
  }

  @Test
  void a404SaysTheMailboxDoesNotExist() throws Exception {
    graph.then(Reply.error(404, "ErrorInvalidUser", "The requested user is invalid.", Map.of()));

    ProbeResult result = send();

    assertThat(result.failure()).isEqualTo(SendFailure.Kind.PERMANENT);
    assertThat(result.error()).contains("no mailbox secureemailreply@example.gov.uk");
  }

  @Test
  void theTokenNeverReachesTheJournal() throws Exception {
    graph.then(Reply.error(401, "InvalidAuthenticationToken", "Access token is empty.", Map.of()));

    send();

    assertThat(Records.rawBytes(config.stateDir()))
        .doesNotContain(TOKEN)
        .contains("Graph refused the token");
  }
}
