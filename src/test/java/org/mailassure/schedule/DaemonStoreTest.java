package org.mailassure.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.config.Config;
import org.mailassure.journal.JournalEntry;
import org.mailassure.journal.Outcome;
import org.mailassure.probe.transport.SmtpTransport;
import org.mailassure.state.StateStore;
import org.mailassure.state.Stores;
import org.mailassure.testing.Fixtures;
import org.mailassure.testing.LoopbackRelay;
import org.mailassure.testing.MutableClock;
import org.mailassure.testing.Records;
import org.sqlite.SQLiteConfig;

/**
 * The daemon against its SQLite store under the failures issue 11 lists: a slot left in the future
 * by a clock step, a full disk, years of history. Simulated time, a real loopback relay, a real
 * SQLite file; a full disk is SQLite's own SQLITE_FULL, raised by capping the database at its
 * current size ({@code PRAGMA max_page_count}), as a full file system raises it.
 */
class DaemonStoreTest {
  @TempDir Path dir;
  private LoopbackRelay relay;

  @BeforeEach
  void start() throws Exception {
    Fixtures.writeMaterial(dir);
    relay = LoopbackRelay.starttls();
  }

  @AfterEach
  void stop() {
    relay.close();
  }

  private Config config(int domains) throws Exception {
    StringBuilder list = new StringBuilder();
    for (int i = 1; i <= domains; i++) {
      list.append("  - name: d")
          .append(i)
          .append(".example.gov.uk\n    mailbox: secureemailreply@d")
          .append(i)
          .append(".example.gov.uk\n");
    }
    return Fixtures.config(
        dir,
        String.format(
            Locale.ROOT,
            """
        state-dir: state
        probe:
          schedule: "0 6 * * *"
          time-zone: UTC
          catch-up: 6h
          transport: smtp
          retry: { attempts: 3, backoff: 10m, max-backoff: 1h }
          smtp: { host: 127.0.0.1, port: %d, auth: none, trust-store: ca.pem }
        domains:
        %s""",
            relay.port(),
            list));
  }

  private static JournalEntry sent(String domain, Instant slot) {
    return new JournalEntry(
        OffsetDateTime.ofInstant(slot, ZoneOffset.UTC),
        domain,
        slot.plusSeconds(2),
        "<x@" + domain + ">",
        Outcome.SENT,
        1,
        "smtp",
        "schedule",
        "TLSv1.3",
        "TLS_AES_256_GCM_SHA384",
        "none",
        null);
  }

  private SimulatedWaiter run(
      Config config,
      String from,
      String to,
      Daemon.StoreOpener opener,
      java.util.function.IntConsumer onWait)
      throws Exception {
    MutableClock clock = new MutableClock(Instant.parse(from));
    SimulatedWaiter waiter = new SimulatedWaiter(clock, Instant.parse(to));
    if (onWait != null) {
      waiter.onWait(onWait);
    }
    Daemon daemon =
        new Daemon(config, clock, waiter, c -> new SmtpTransport(null), () -> config, "test");
    if (opener != null) {
      daemon.storeOpener(opener);
    }
    waiter.attach(daemon);
    daemon.run();
    return waiter;
  }

  private Map<String, Long> deliveriesByMessageId() {
    return relay.received().stream()
        .map(r -> new String(r.data()))
        .map(m -> m.lines().filter(l -> l.startsWith("Message-ID: ")).findFirst().orElseThrow())
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
  }

  @Test
  void aSlotLeftInTheFutureByAClockStepNeverSilencesTheDomainAndIsFlaggedInTheMetrics()
      throws Exception {
    Config c = config(1);
    Instant future = Instant.parse("2026-12-29T06:00:00Z");
    Records.add(c.stateDir(), sent("d1.example.gov.uk", Instant.parse("2026-11-28T06:00:00Z")));
    Records.add(c.stateDir(), sent("d1.example.gov.uk", future));

    run(c, "2026-11-29T05:59:00Z", "2026-11-29T06:30:00Z", null, null);

    assertThat(deliveriesByMessageId())
        .containsOnlyKeys("Message-ID: <mailassure.20261129T060000Z@d1.example.gov.uk>");
    String metrics = Files.readString(c.stateDir().resolve("mailassure.prom"));
    assertThat(metrics)
        .contains(
            "mailassure_probe_future_slot_timestamp_seconds{domain=\"d1.example.gov.uk\"} "
                + future.getEpochSecond())
        .contains(
            "mailassure_probe_last_success_timestamp_seconds{domain=\"d1.example.gov.uk\"} "
                // The probe left at the slot: sent_at is the clock then.
                + Instant.parse("2026-11-29T06:00:00Z").getEpochSecond());
  }

  @Test
  void aFullDiskStopsSendingUntilItIsFreedThenEverySlotGoesOnceAndNoneIsCalledMissed()
      throws Exception {
    Config c = config(20);
    Path file = c.stateDir().resolve(Stores.SQLITE_FILE);
    for (int i = 1; i <= 20; i++) {
      Records.add(
          c.stateDir(), sent("d" + i + ".example.gov.uk", Instant.parse("2026-11-28T06:00:00Z")));
    }
    AtomicBoolean full = new AtomicBoolean(true);
    List<String> metricsWhileFull = new ArrayList<>();
    Daemon.StoreOpener opener =
        cfg -> {
          StateStore s =
              new StateStore(
                  StateStore.Kind.SQLITE,
                  () -> {
                    SQLiteConfig sc = new SQLiteConfig();
                    sc.setBusyTimeout(10_000);
                    if (full.get()) {
                      // Not one page more than the file has now: SQLITE_FULL on growth.
                      sc.setMaxPageCount(1);
                    }
                    Connection conn = sc.createConnection("jdbc:sqlite:" + file);
                    return conn;
                  },
                  file.toString(),
                  "test/1/0",
                  true);
          s.migrate();
          return s;
        };
    java.util.function.IntConsumer hooks =
        n -> {
          if (n == 3) {
            try {
              metricsWhileFull.add(Files.readString(c.stateDir().resolve("mailassure.prom")));
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
          if (n == 6) {
            full.set(false);
          }
        };

    run(c, "2026-11-29T05:59:00Z", "2026-11-30T07:00:00Z", opener, hooks);

    Map<String, Long> got = deliveriesByMessageId();
    List<String> expected = new ArrayList<>();
    for (String day : List.of("20261129", "20261130")) {
      for (int i = 1; i <= 20; i++) {
        expected.add("Message-ID: <mailassure." + day + "T060000Z@d" + i + ".example.gov.uk>");
      }
    }
    assertThat(got).containsOnlyKeys(expected).allSatisfy((id, n) -> assertThat(n).isOne());
    List<JournalEntry> records = Records.in(c.stateDir());
    assertThat(records).noneMatch(e -> e.outcome() == Outcome.MISSED);
    assertThat(records.stream().filter(e -> e.outcome() == Outcome.SENT).count())
        .isEqualTo(20 + 40);
    assertThat(metricsWhileFull).singleElement().asString().contains("mailassure_state_store_up 0");
    assertThat(Files.readString(c.stateDir().resolve("mailassure.prom")))
        .contains("mailassure_state_store_up 1");
  }

  @Test
  void aThousandDaysOfHistoryAreNotReadAtStartTheDueSlotGoesAndNothingIsMissed() throws Exception {
    Config c = config(3);
    List<JournalEntry> history = new ArrayList<>();
    Instant first = Instant.parse("2026-11-28T06:00:00Z").minus(Duration.ofDays(999));
    for (int day = 0; day < 1000; day++) {
      for (int i = 1; i <= 3; i++) {
        history.add(sent("d" + i + ".example.gov.uk", first.plus(Duration.ofDays(day))));
      }
    }
    try (StateStore s = Records.store(c.stateDir())) {
      s.recordAll(history, "seeded", "by the test");
    }
    run(c, "2026-11-29T05:59:00Z", "2026-11-29T07:00:00Z", null, null);

    assertThat(deliveriesByMessageId())
        .containsOnlyKeys(
            "Message-ID: <mailassure.20261129T060000Z@d1.example.gov.uk>",
            "Message-ID: <mailassure.20261129T060000Z@d2.example.gov.uk>",
            "Message-ID: <mailassure.20261129T060000Z@d3.example.gov.uk>");
    // The 400-day retention pruned what is older, in the daemon, after start.
    List<JournalEntry> left = Records.in(c.stateDir());
    assertThat(left).noneMatch(e -> e.outcome() == Outcome.MISSED);
    assertThat(left)
        .allMatch(
            e ->
                !e.sentAt()
                    .isBefore(Instant.parse("2026-11-29T05:59:00Z").minus(Duration.ofDays(400))));
  }
}
