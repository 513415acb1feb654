package org.mailassure.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.config.Config;
import org.mailassure.journal.JournalEntry;
import org.mailassure.journal.Outcome;
import org.mailassure.probe.transport.SmtpTransport;
import org.mailassure.testing.Fixtures;
import org.mailassure.testing.LoopbackRelay;
import org.mailassure.testing.MutableClock;
import org.mailassure.testing.Records;
import org.subethamail.smtp.RejectException;

/**
 * The daemon over simulated time (an injected clock, no real waiting) and a real loopback relay:
 * each case asserts the exact probes the relay received and the journal lines.
 */
class DaemonTest {
  @TempDir Path dir;
  private LoopbackRelay relay;
  private int port;

  @BeforeEach
  void start() throws Exception {
    Fixtures.writeMaterial(dir);
    relay = LoopbackRelay.starttls();
    port = relay.port();
  }

  @AfterEach
  void stop() {
    if (relay != null) {
      relay.close();
    }
  }

  private Config config(String schedule, String catchUp, String retry) throws Exception {
    return Fixtures.config(
        dir,
        """
        state-dir: state
        probe:
          schedule: "%s"
          time-zone: Europe/London
          catch-up: %s
          transport: smtp
          retry: %s
          smtp: { host: 127.0.0.1, port: %d, auth: none, trust-store: ca.pem }
        domains:
          - name: example.gov.uk
            mailbox: secureemailreply@example.gov.uk
            dkim: [{ selector: mailassure1, private-key-file: rsa.pem }]
        """
            .formatted(schedule, catchUp, retry, port));
  }

  private Config daily() throws Exception {
    return config("0 6 * * *", "6h", "{ attempts: 3, backoff: 10m, max-backoff: 1h }");
  }

  private SimulatedWaiter run(Config config, String from, String to) throws Exception {
    MutableClock clock = new MutableClock(Instant.parse(from));
    SimulatedWaiter waiter = new SimulatedWaiter(clock, Instant.parse(to));
    Daemon daemon =
        new Daemon(config, clock, waiter, c -> new SmtpTransport(null), () -> config, "test");
    waiter.attach(daemon);
    daemon.run();
    return waiter;
  }

  private List<JournalEntry> journal(Config config) throws Exception {
    return Records.in(config.stateDir());
  }

  private List<String> lines(Config config) throws Exception {
    return journal(config).stream()
        .map(e -> e.slot().toInstant() + " " + e.outcome().journalName())
        .toList();
  }

  private void seed(Config config, String slot, Outcome outcome) throws Exception {
    Records.add(
        config.stateDir(),
        new JournalEntry(
            OffsetDateTime.parse(slot),
            "example.gov.uk",
            Instant.parse(slot).plusSeconds(2),
            "<x@example.gov.uk>",
            outcome,
            1,
            "smtp",
            "schedule",
            "TLSv1.3",
            "TLS_AES_256_GCM_SHA384",
            "signed",
            null));
  }

  @Test
  void neverRanAndStartedWithinCatchUpItSendsTheLatestSlotThenEveryDay() throws Exception {
    Config c = daily();
    run(c, "2026-11-29T07:00:00Z", "2026-12-02T12:00:00Z");
    assertThat(relay.received()).hasSize(4);
    assertThat(lines(c))
        .containsExactly(
            "2026-11-29T06:00:00Z sent",
            "2026-11-30T06:00:00Z sent",
            "2026-12-01T06:00:00Z sent",
            "2026-12-02T06:00:00Z sent");
  }

  @Test
  void aSlotDueNowIsSentAtOnce() throws Exception {
    Config c = daily();
    run(c, "2026-11-29T06:00:00Z", "2026-11-29T06:30:00Z");
    assertThat(relay.received()).hasSize(1);
    assertThat(lines(c)).containsExactly("2026-11-29T06:00:00Z sent");
  }

  @Test
  void aSlotMissedWithinCatchUpIsSentOnceOnStart() throws Exception {
    Config c = daily();
    seed(c, "2026-11-28T06:00:00Z", Outcome.SENT);
    run(c, "2026-11-29T11:59:00Z", "2026-11-29T20:00:00Z");
    assertThat(relay.received()).hasSize(1);
    assertThat(lines(c)).containsExactly("2026-11-28T06:00:00Z sent", "2026-11-29T06:00:00Z sent");
  }

  @Test
  void aSlotMissedBeyondCatchUpIsRecordedAsMissedAndTheNextIsSent() throws Exception {
    Config c = daily();
    seed(c, "2026-11-28T06:00:00Z", Outcome.SENT);
    run(c, "2026-11-29T12:01:00Z", "2026-11-30T07:00:00Z");
    assertThat(relay.received()).hasSize(1);
    assertThat(lines(c))
        .containsExactly(
            "2026-11-28T06:00:00Z sent",
            "2026-11-29T06:00:00Z missed",
            "2026-11-30T06:00:00Z sent");
  }

  @Test
  void manyMissedSlotsAreSentOnceNotOneByOne() throws Exception {
    Config c = daily();
    seed(c, "2026-11-24T06:00:00Z", Outcome.SENT);
    run(c, "2026-11-29T08:00:00Z", "2026-11-29T09:00:00Z");
    assertThat(relay.received()).hasSize(1);
    assertThat(lines(c))
        .containsExactly(
            "2026-11-24T06:00:00Z sent",
            "2026-11-25T06:00:00Z missed",
            "2026-11-26T06:00:00Z missed",
            "2026-11-27T06:00:00Z missed",
            "2026-11-28T06:00:00Z missed",
            "2026-11-29T06:00:00Z sent");
  }

  @Test
  void catchUpZeroNeverCatchesUpButStillSendsOnTime() throws Exception {
    Config c = config("0 6 * * *", "0", "{ attempts: 1 }");
    seed(c, "2026-11-28T06:00:00Z", Outcome.SENT);
    run(c, "2026-11-29T06:30:00Z", "2026-11-30T06:10:00Z");
    assertThat(relay.received()).hasSize(1);
    assertThat(lines(c))
        .containsExactly(
            "2026-11-28T06:00:00Z sent",
            "2026-11-29T06:00:00Z missed",
            "2026-11-30T06:00:00Z sent");
  }

  @Test
  void neverRanAndStartedBeyondCatchUpItStartsAtTheNextSlotWithoutRecordingAMiss()
      throws Exception {
    Config c = daily();
    run(c, "2026-11-29T20:00:00Z", "2026-11-30T07:00:00Z");
    assertThat(relay.received()).hasSize(1);
    assertThat(lines(c)).containsExactly("2026-11-30T06:00:00Z sent");
  }

  @Test
  void aClockMovedBackDoesNotResendASettledSlot() throws Exception {
    Config c = daily();
    run(c, "2026-11-29T05:00:00Z", "2026-11-29T07:00:00Z");
    run(c, "2026-11-28T20:00:00Z", "2026-11-29T08:00:00Z");
    assertThat(relay.received()).hasSize(1);
    assertThat(lines(c)).containsExactly("2026-11-29T06:00:00Z sent");
  }

  @Test
  void aRestartAfterTheJournalWriteSendsNothingAgain() throws Exception {
    Config c = daily();
    run(c, "2026-11-29T05:00:00Z", "2026-11-29T06:00:05Z");
    run(c, "2026-11-29T06:00:06Z", "2026-11-29T12:00:00Z");
    assertThat(relay.received()).hasSize(1);
    assertThat(lines(c)).containsExactly("2026-11-29T06:00:00Z sent");
  }

  @Test
  void aCrashAfterTheRelayAcceptedButBeforeTheJournalWriteSendsTheSlotAgain() throws Exception {
    Config c = daily();
    run(c, "2026-11-29T05:00:00Z", "2026-11-29T06:00:05Z");
    // The crash: the relay has the probe and the claim was committed before the attempt, but
    // the record's transaction never was. A restart takes the dead process's claim over.
    try (var db =
            new org.sqlite.SQLiteConfig()
                .createConnection("jdbc:sqlite:" + c.stateDir().resolve("mailassure.db"));
        var st = db.createStatement()) {
      st.executeUpdate("DELETE FROM attempts");
      st.executeUpdate("DELETE FROM domains");
      st.executeUpdate("UPDATE claims SET settled = 0");
    }
    run(c, "2026-11-29T06:00:06Z", "2026-11-29T12:00:00Z");
    assertThat(relay.received()).hasSize(2);
    assertThat(relay.received())
        .extracting(r -> new String(r.data()))
        .allMatch(m -> m.contains("Message-ID: <mailassure.20261129T060000Z@example.gov.uk>"));
    assertThat(lines(c)).containsExactly("2026-11-29T06:00:00Z sent");
  }

  @Test
  void londonsSpringForwardDayHasExactlyOneProbe() throws Exception {
    Config c = config("30 1 * * *", "1h", "{ attempts: 1 }");
    run(c, "2026-03-28T00:00:00Z", "2026-03-30T23:00:00Z");
    assertThat(relay.received()).hasSize(3);
    assertThat(lines(c))
        .containsExactly(
            "2026-03-28T01:30:00Z sent", "2026-03-29T01:30:00Z sent", "2026-03-30T00:30:00Z sent");
  }

  @Test
  void londonsFallBackDayHasExactlyOneProbe() throws Exception {
    Config c = config("30 1 * * *", "1h", "{ attempts: 1 }");
    run(c, "2026-10-24T00:00:00Z", "2026-10-26T23:00:00Z");
    assertThat(relay.received()).hasSize(3);
    assertThat(lines(c))
        .containsExactly(
            "2026-10-24T00:30:00Z sent", "2026-10-25T00:30:00Z sent", "2026-10-26T01:30:00Z sent");
  }

  @Test
  void aRelayDownForPartOfTheWindowIsRetriedUntilItIsBack() throws Exception {
    relay.close();
    Config c = config("0 6 * * *", "6h", "{ attempts: 5, backoff: 10m, max-backoff: 1h }");
    MutableClock clock = new MutableClock(Instant.parse("2026-11-29T05:59:00Z"));
    SimulatedWaiter waiter = new SimulatedWaiter(clock, Instant.parse("2026-11-29T12:00:00Z"));
    AtomicReference<LoopbackRelay> back = new AtomicReference<>();
    waiter.onWait(
        n -> {
          if (n == 3) { // the first wait is for the slot; two retries fail while the relay is down
            back.set(
                LoopbackRelay.builder(LoopbackRelay.Mode.STARTTLS)
                    .port(port)
                    .tls(Fixtures.LOOPBACK.serverContext())
                    .build()
                    .start());
          }
        });
    Daemon daemon = new Daemon(c, clock, waiter, x -> new SmtpTransport(null), () -> c, "test");
    waiter.attach(daemon);
    try {
      daemon.run();
      relay = back.get();
      assertThat(relay.received()).hasSize(1);
      assertThat(journal(c))
          .extracting(JournalEntry::outcome)
          .containsExactly(Outcome.RETRYING, Outcome.RETRYING, Outcome.SENT);
      assertThat(journal(c))
          .extracting(e -> e.sentAt().toString())
          .containsExactly("2026-11-29T06:00:00Z", "2026-11-29T06:10:00Z", "2026-11-29T06:30:00Z");
    } finally {
      if (back.get() != null) {
        back.get().close();
      }
      relay = null;
    }
  }

  @Test
  void retriesStopBeforeTheNextSlotAndThatSlotIsSentAfresh() throws Exception {
    relay.close();
    int[] transactions = {0};
    relay =
        LoopbackRelay.builder(LoopbackRelay.Mode.STARTTLS)
            .port(port)
            .tls(Fixtures.LOOPBACK.serverContext())
            .replies(i -> transactions[0]++ < 6 ? new RejectException(451, "4.3.0 busy") : null)
            .build()
            .start();
    Config c = config("0 6 * * *", "6h", "{ attempts: 100, backoff: 4h, max-backoff: 4h }");
    run(c, "2026-11-29T06:00:00Z", "2026-11-30T06:30:00Z");
    List<JournalEntry> entries = journal(c);
    List<JournalEntry> first =
        entries.stream()
            .filter(e -> e.slot().toInstant().equals(Instant.parse("2026-11-29T06:00:00Z")))
            .toList();
    assertThat(first)
        .extracting(JournalEntry::outcome)
        .containsExactly(
            Outcome.RETRYING,
            Outcome.RETRYING,
            Outcome.RETRYING,
            Outcome.RETRYING,
            Outcome.RETRYING,
            Outcome.FAILED);
    assertThat(first.get(first.size() - 1).sentAt())
        .isBefore(Instant.parse("2026-11-30T06:00:00Z"));
    assertThat(first.get(first.size() - 1).error())
        .endsWith(
            "; not tried again, as the next try (4 h away) would fall in the last minute before"
                + " the next slot");
    assertThat(relay.received()).hasSize(1);
    assertThat(lines(c)).last().isEqualTo("2026-11-30T06:00:00Z sent");
  }

  @Test
  void a550IsFinalForTheSlotAndTheNextSlotTriesAgain() throws Exception {
    relay.close();
    int[] transactions = {0};
    relay =
        LoopbackRelay.builder(LoopbackRelay.Mode.STARTTLS)
            .port(port)
            .tls(Fixtures.LOOPBACK.serverContext())
            .replies(i -> transactions[0]++ == 0 ? new RejectException(550, "5.7.1 denied") : null)
            .build()
            .start();
    Config c = daily();
    run(c, "2026-11-29T06:00:00Z", "2026-11-30T07:00:00Z");
    assertThat(lines(c))
        .containsExactly("2026-11-29T06:00:00Z failed", "2026-11-30T06:00:00Z sent");
    assertThat(relay.received()).hasSize(1);
  }

  @Test
  void aDomainNeverProvenShowsItsLastSuccessAsZeroSoThatTheStalenessAlertFires() throws Exception {
    relay.close();
    relay =
        LoopbackRelay.builder(LoopbackRelay.Mode.STARTTLS)
            .port(port)
            .tls(Fixtures.LOOPBACK.serverContext())
            .replies(i -> new RejectException(550, "5.7.1 denied"))
            .build()
            .start();
    Config c = daily();
    run(c, "2026-11-29T06:00:00Z", "2026-11-29T07:00:00Z");
    assertThat(Files.readString(c.stateDir().resolve("mailassure.prom")))
        .contains("mailassure_probe_last_success_timestamp_seconds{domain=\"example.gov.uk\"} 0\n")
        .contains("mailassure_probe_failures_total{domain=\"example.gov.uk\"} 1\n");
  }

  @Test
  void aDaemonLimitedToSomeDomainsProbesOnlyThose() throws Exception {
    Config c =
        Fixtures.config(
            dir,
            """
        state-dir: state
        probe:
          schedule: "0 6 * * *"
          transport: smtp
          smtp: { host: 127.0.0.1, port: %d, auth: none, trust-store: ca.pem }
        domains:
          - name: a.gov.uk
            mailbox: secureemailreply@a.gov.uk
          - name: b.gov.uk
            mailbox: secureemailreply@b.gov.uk
        """
                .formatted(port));
    MutableClock clock = new MutableClock(Instant.parse("2026-11-29T06:00:00Z"));
    SimulatedWaiter waiter = new SimulatedWaiter(clock, Instant.parse("2026-11-29T07:00:00Z"));
    Daemon daemon =
        new Daemon(c, clock, waiter, x -> new SmtpTransport(null), () -> c, "test")
            .only(java.util.Set.of("b.gov.uk"));
    waiter.attach(daemon);
    daemon.run();
    assertThat(relay.received())
        .extracting(LoopbackRelay.Received::from)
        .containsExactly("secureemailreply@b.gov.uk");
    assertThat(Files.readString(c.stateDir().resolve("mailassure.prom")))
        .doesNotContain("a.gov.uk");
  }

  @Test
  void metricsAreWrittenForTheTextfileCollector() throws Exception {
    Config c = daily();
    run(c, "2026-11-29T06:00:00Z", "2026-11-29T07:00:00Z");
    String prom = Files.readString(c.stateDir().resolve("mailassure.prom"));
    assertThat(prom)
        .contains("# TYPE mailassure_probe_last_success_timestamp_seconds gauge")
        .contains(
            "mailassure_probe_last_success_timestamp_seconds{domain=\"example.gov.uk\"} 1795932000")
        .contains(
            "mailassure_probe_last_attempt_timestamp_seconds{domain=\"example.gov.uk\"} 1795932000")
        .contains("mailassure_probe_failures_total{domain=\"example.gov.uk\"} 0")
        .containsPattern(
            "mailassure_probe_tls_info\\{domain=\"example.gov.uk\",protocol=\"TLSv1\\.[23]\",cipher=\"TLS_[A-Z0-9_]+\"} 1")
        .contains("mailassure_next_slot_timestamp_seconds 1796018400");
    assertThat(c.stateDir().resolve("mailassure.prom.tmp")).doesNotExist();
  }

  @Test
  void anInvalidConfigOnReloadKeepsTheRunningOne() throws Exception {
    Config c = daily();
    MutableClock clock = new MutableClock(Instant.parse("2026-11-29T05:00:00Z"));
    SimulatedWaiter waiter = new SimulatedWaiter(clock, Instant.parse("2026-11-30T07:00:00Z"));
    Daemon[] d = new Daemon[1];
    d[0] =
        new Daemon(
            c,
            clock,
            waiter,
            x -> new SmtpTransport(null),
            () -> {
              throw new org.mailassure.config.ConfigException(
                  "mailassure.yaml:3:5: probe.schedule: bad");
            },
            "test");
    waiter.attach(d[0]);
    waiter.onWait(
        n -> {
          if (n == 1) {
            d[0].reload();
          }
        });
    d[0].run();
    assertThat(relay.received()).hasSize(2);
  }
}
