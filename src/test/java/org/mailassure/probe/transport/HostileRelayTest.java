package org.mailassure.probe.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.config.Config;
import org.mailassure.config.ConfigLoader;
import org.mailassure.journal.JournalEntry;
import org.mailassure.journal.Outcome;
import org.mailassure.probe.ProbeResult;
import org.mailassure.probe.ProbeSender;
import org.mailassure.testing.Fixtures;
import org.mailassure.testing.HostileRelay;
import org.mailassure.testing.HostileRelay.Misbehaviour;
import org.mailassure.testing.RecordingSleeper;
import org.mailassure.testing.Records;

/**
 * Relays that misbehave on purpose: a clean close (EOF) is a network fault like a reset, so it is
 * retried (RFC 5321 §3.8: a connection lost before the final reply to DATA means the message must
 * be sent again); a line that never ends is cut off at a bound and recorded as a protocol failure.
 */
class HostileRelayTest {
  private static final Instant NOW = Instant.parse("2026-11-29T06:00:00Z");

  @TempDir Path dir;
  private final RecordingSleeper sleeper = new RecordingSleeper();

  @BeforeEach
  void material() throws Exception {
    Fixtures.writeMaterial(dir);
  }

  private Config config(int port) throws Exception {
    return config(port, "starttls");
  }

  private Config config(int port, String security) throws Exception {
    Path file = dir.resolve("mailassure.yaml");
    Files.writeString(
        file,
        """
        state-dir: %s/state
        probe:
          transport: smtp
          retry: { attempts: 3, backoff: 1m, max-backoff: 5m }
          smtp: { host: 127.0.0.1, port: %d, security: %s, auth: none, trust-store: ca.pem }
        domains:
          - name: example.gov.uk
            mailbox: secureemailreply@example.gov.uk
        """
            .formatted(dir, port, security));
    return new ConfigLoader(Map.of(), false).load(file);
  }

  private ProbeResult send(Config config) throws Exception {
    return send(config, SmtpTransport.ATTEMPT_LIMIT);
  }

  private ProbeResult send(Config config, java.time.Duration attemptLimit) throws Exception {
    try (SmtpTransport transport = new SmtpTransport(null, attemptLimit)) {
      return new ProbeSender(
              config,
              transport,
              Records.ledger(config.stateDir()),
              Clock.fixed(NOW, ZoneOffset.UTC),
              sleeper,
              "test")
          .send(config.domains().get(0), NOW, "manual", null);
    }
  }

  private java.util.List<JournalEntry> journal(Config config) throws Exception {
    return Records.in(config.stateDir());
  }

  @Test
  void aGreetingLineThatNeverEndsIsCutOffAtTheBoundAndRecorded() throws Exception {
    try (HostileRelay relay =
        new HostileRelay(Fixtures.LOOPBACK.serverContext(), Misbehaviour.ENDLESS_GREETING_LINE)) {
      Config config = config(relay.port());

      ProbeResult result = send(config);

      assertThat(result.sent()).isFalse();
      assertThat(result.error()).contains("sent more than", "without ending the line");
      assertThat(journal(config))
          .last()
          .extracting(JournalEntry::outcome)
          .isEqualTo(Outcome.FAILED);
      // The client stopped reading near its bound; the rest sat in socket buffers at most.
      assertThat(relay.endlessBytes()).isLessThan(32 << 20);
    }
  }

  @Test
  void anEndlessGreetingInsideImplicitTlsIsCutOffAtTheSessionsBound() throws Exception {
    try (HostileRelay relay =
        new HostileRelay(
            Fixtures.LOOPBACK.serverContext(), Misbehaviour.ENDLESS_GREETING_LINE_OVER_TLS)) {
      Config config = config(relay.port(), "implicit-tls");

      ProbeResult result = send(config);

      assertThat(result.sent()).isFalse();
      assertThat(result.error())
          .contains("sent more than 8 MiB in one session; mailassure stopped reading")
          .doesNotContain("handshake");
      assertThat(relay.connections()).isEqualTo(1);
      assertThat(relay.endlessBytes()).isLessThan(64 << 20);
    }
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.EnumSource(
      value = Misbehaviour.class,
      names = {
        "EOF_AT_GREETING",
        "EOF_AFTER_EHLO",
        "EOF_AFTER_STARTTLS",
        "EOF_AFTER_MAIL_FROM",
        "EOF_AFTER_DATA"
      })
  void aCleanCloseAtAnyStageIsATemporaryFaultRetriedAndRecorded(Misbehaviour stage)
      throws Exception {
    try (HostileRelay relay = new HostileRelay(Fixtures.LOOPBACK.serverContext(), stage)) {
      Config config = config(relay.port());

      ProbeResult result = send(config);

      assertThat(result.sent()).isFalse();
      assertThat(result.failure()).as(result.error()).isEqualTo(SendFailure.Kind.TEMPORARY);
      if (stage == Misbehaviour.EOF_AT_GREETING) {
        assertThat(result.error()).contains("closed the connection before it replied");
      }
      assertThat(relay.connections()).isEqualTo(3);
      assertThat(journal(config))
          .extracting(JournalEntry::outcome)
          .containsExactly(Outcome.RETRYING, Outcome.RETRYING, Outcome.FAILED);
    }
  }

  @Test
  void aGreetingDrippedAByteAtATimeIsCutOffAtTheAttemptsTimeLimit() throws Exception {
    try (HostileRelay relay =
        new HostileRelay(Fixtures.LOOPBACK.serverContext(), Misbehaviour.DRIP_FEED)) {
      Config config = config(relay.port());
      long started = System.nanoTime();

      ProbeResult result = send(config, java.time.Duration.ofSeconds(1));

      double seconds = (System.nanoTime() - started) / 1e9;
      assertThat(result.sent()).isFalse();
      assertThat(result.error()).contains("timed out");
      // Three attempts of at most 1 s each (the back-offs are recorded, not waited).
      assertThat(seconds).isLessThan(10);
      assertThat(journal(config))
          .last()
          .extracting(JournalEntry::outcome)
          .isEqualTo(Outcome.FAILED);
    }
  }

  @Test
  void aGreetingOf421IsRetriedAndOf554IsFinalBothWithTheRelaysWords() throws Exception {
    // RFC 5321 §4.2.1: 4yz is a transient negative completion, 5yz a permanent one.
    try (HostileRelay busy =
        new HostileRelay(Fixtures.LOOPBACK.serverContext(), Misbehaviour.GREETING_421)) {
      ProbeResult result = send(config(busy.port()));
      assertThat(result.failure()).isEqualTo(SendFailure.Kind.TEMPORARY);
      assertThat(result.error()).contains("refused the session: 421 4.3.2");
      assertThat(busy.connections()).isEqualTo(3);
    }
    try (HostileRelay closed =
        new HostileRelay(Fixtures.LOOPBACK.serverContext(), Misbehaviour.GREETING_554)) {
      ProbeResult result = send(config(closed.port()));
      assertThat(result.failure()).isEqualTo(SendFailure.Kind.PERMANENT);
      assertThat(result.error()).contains("refused the session: 554 5.7.1");
      assertThat(closed.connections()).isEqualTo(1);
    }
  }
}
