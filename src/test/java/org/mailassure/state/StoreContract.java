package org.mailassure.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mailassure.journal.JournalEntry;
import org.mailassure.journal.JournalState;
import org.mailassure.journal.Outcome;

/**
 * What every state store engine must do, run against real SQLite files and a real PostgreSQL server
 * by the two subclasses. Expected values come from the definitions in SPEC.md and the README (a
 * slot is settled by a terminal scheduled record; failures and misses are counters; the TLS shown
 * is the last success's), worked out by hand from each test's input.
 */
abstract class StoreContract {
  static final Instant T0 = Instant.parse("2026-11-29T06:00:00Z");
  static final Duration LEASE = Duration.ofMinutes(40);
  private final List<StateStore> opened = new ArrayList<>();

  /** A store over the test's one database, as a process named {@code holder} would open it. */
  abstract StateStore newStore(String holder, boolean soleWriter) throws Exception;

  /** Runs SQL on the test's database behind the store's back. */
  abstract void execute(String sql) throws Exception;

  StateStore store(String holder, boolean soleWriter) throws Exception {
    StateStore s = newStore(holder, soleWriter);
    opened.add(s);
    s.migrate();
    return s;
  }

  StateStore store() throws Exception {
    return store("host-a/1/aa", false);
  }

  @AfterEach
  void closeStores() {
    opened.forEach(StateStore::close);
  }

  static JournalEntry entry(
      String domain, Instant slot, Outcome outcome, String trigger, String tls, String error) {
    return new JournalEntry(
        OffsetDateTime.ofInstant(slot, ZoneOffset.ofHours(1)),
        domain,
        slot.plusSeconds(3),
        "<mailassure.x@" + domain + ">",
        outcome,
        outcome == Outcome.MISSED ? 0 : 1,
        "smtp",
        trigger,
        tls,
        tls == null ? null : "TLS_AES_256_GCM_SHA384",
        "signed",
        error);
  }

  static JournalEntry sent(String domain, Instant slot) {
    return entry(domain, slot, Outcome.SENT, "schedule", "TLSv1.3", null);
  }

  @Test
  void recordsReadBackOldestFirstWithEveryFieldAndTheSlotsOffset() throws Exception {
    StateStore s = store();
    JournalEntry a = entry("a.gov.uk", T0, Outcome.RETRYING, "schedule", null, "451 busy");
    JournalEntry b = sent("a.gov.uk", T0.plusSeconds(600));
    JournalEntry c = entry("b.gov.uk", T0, Outcome.SENT, "manual", "TLSv1.2", null);
    s.record(a);
    s.record(b);
    s.record(c);

    List<JournalEntry> all = new ArrayList<>();
    s.history(null, null, all::add);
    assertThat(all).containsExactly(a, c, b);
    assertThat(all.get(0).slot().getOffset()).isEqualTo(ZoneOffset.ofHours(1));

    List<JournalEntry> one = new ArrayList<>();
    s.history("a.gov.uk", T0.plusSeconds(60), one::add);
    assertThat(one).containsExactly(b);
  }

  @Test
  void aFreshStoreIsAtTheLatestSchemaAndMigratingAgainChangesNothing() throws Exception {
    StateStore s = store();
    s.record(sent("a.gov.uk", T0));
    s.migrate();
    assertThat(s.schemaVersion()).isEqualTo(Schema.latest());
    List<JournalEntry> all = new ArrayList<>();
    s.history(null, null, all::add);
    assertThat(all).hasSize(1);
  }

  @Test
  void aStoreWrittenByANewerMailassureIsRefusedWithTheUpgradeAdvice() throws Exception {
    store();
    execute("UPDATE schema_version SET version = " + (Schema.latest() + 1));

    StateStore newer = newStore("host-b/2/bb", false);
    opened.add(newer);
    assertThatThrownBy(newer::migrate)
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("schema version " + (Schema.latest() + 1))
        .hasMessageContaining("upgrade mailassure");
  }

  @Test
  void theSummaryCountsFailuresAndMissesAndKeepsTheTlsOfTheLastSuccess() throws Exception {
    StateStore s = store();
    Instant day = T0;
    s.record(sent("a.gov.uk", day));
    s.record(
        entry("a.gov.uk", day.plus(Duration.ofDays(1)), Outcome.RETRYING, "schedule", null, "451"));
    s.record(
        entry("a.gov.uk", day.plus(Duration.ofDays(1)), Outcome.FAILED, "schedule", null, "550"));
    s.recordMissed(
        entry("a.gov.uk", day.plus(Duration.ofDays(2)), Outcome.MISSED, "schedule", null, "down"),
        day.plus(Duration.ofDays(3)));

    JournalState.DomainState d =
        s.summary(day.plus(Duration.ofDays(3))).get("a.gov.uk").orElseThrow();
    // One slot failed for good (the retrying record is not a failure), one was missed.
    assertThat(d.failures()).isEqualTo(1);
    assertThat(d.missed()).isEqualTo(1);
    assertThat(d.lastSuccess()).isEqualTo(day.plusSeconds(3));
    assertThat(d.tlsProtocol()).isEqualTo("TLSv1.3");
    assertThat(d.lastSettledSlot()).isEqualTo(day.plus(Duration.ofDays(2)));
    assertThat(d.lastEntry().outcome()).isEqualTo(Outcome.MISSED);
    assertThat(d.lastAttempt()).isEqualTo(day.plus(Duration.ofDays(1)).plusSeconds(3));
    assertThat(d.futureSlot()).isNull();
  }

  @Test
  void aSlotIsClaimedByOneHolderAndTakenOverOnlyWhenItsLeaseRunsOut() throws Exception {
    StateStore a = store("host-a/1/aa", false);
    StateStore b = store("host-b/2/bb", false);

    assertThat(a.claim("a.gov.uk", T0, T0, LEASE).outcome())
        .isEqualTo(StateStore.ClaimOutcome.CLAIMED);
    StateStore.Claim held = b.claim("a.gov.uk", T0, T0.plusSeconds(5), LEASE);
    assertThat(held.outcome()).isEqualTo(StateStore.ClaimOutcome.HELD);
    assertThat(held.holder()).isEqualTo("host-a/1/aa");
    assertThat(held.leaseUntil()).isEqualTo(T0.plus(LEASE));
    // The holder renews before its next attempt.
    assertThat(a.claim("a.gov.uk", T0, T0.plusSeconds(60), LEASE).outcome())
        .isEqualTo(StateStore.ClaimOutcome.CLAIMED);
    assertThat(b.claim("a.gov.uk", T0, T0.plus(LEASE), LEASE).outcome())
        .isEqualTo(StateStore.ClaimOutcome.HELD);

    // The holder stops renewing (it died): once the lease is over, the other host takes over,
    // and the old holder, if it wakes, has lost it.
    Instant after = T0.plusSeconds(60).plus(LEASE).plusSeconds(1);
    assertThat(b.claim("a.gov.uk", T0, after, LEASE).outcome())
        .isEqualTo(StateStore.ClaimOutcome.CLAIMED);
    assertThat(a.claim("a.gov.uk", T0, after.plusSeconds(1), LEASE).outcome())
        .isEqualTo(StateStore.ClaimOutcome.HELD);

    b.record(sent("a.gov.uk", T0));
    assertThat(a.claim("a.gov.uk", T0, after.plusSeconds(2), LEASE).outcome())
        .isEqualTo(StateStore.ClaimOutcome.SETTLED);
    assertThat(a.lastSettledSlot("a.gov.uk", after)).contains(T0);
  }

  @Test
  void aSoleWriterTakesOverAnUnsettledClaimAtOnce() throws Exception {
    StateStore dead = store("host-a/1/aa", true);
    dead.claim("a.gov.uk", T0, T0, LEASE);
    dead.close();

    StateStore restarted = store("host-a/9/cc", true);
    assertThat(restarted.claim("a.gov.uk", T0, T0.plusSeconds(30), LEASE).outcome())
        .isEqualTo(StateStore.ClaimOutcome.CLAIMED);
  }

  @Test
  void aMissIsRecordedOnceWhenTwoHostsBothSeeIt() throws Exception {
    StateStore a = store("host-a/1/aa", false);
    StateStore b = store("host-b/2/bb", false);
    JournalEntry miss = entry("a.gov.uk", T0, Outcome.MISSED, "schedule", null, "down");
    Instant later = T0.plus(Duration.ofDays(1));

    assertThat(a.recordMissed(miss, later)).isTrue();
    assertThat(b.recordMissed(miss, later)).isFalse();
    assertThat(a.summary(later).get("a.gov.uk").orElseThrow().missed()).isEqualTo(1);
  }

  @Test
  void aMissIsNotRecordedOverALiveHoldersClaim() throws Exception {
    StateStore a = store("host-a/1/aa", false);
    StateStore b = store("host-b/2/bb", false);
    a.claim("a.gov.uk", T0, T0, LEASE);
    JournalEntry miss = entry("a.gov.uk", T0, Outcome.MISSED, "schedule", null, "down");

    assertThat(b.recordMissed(miss, T0.plusSeconds(60))).isFalse();
    assertThat(b.recordMissed(miss, T0.plus(LEASE).plusSeconds(1))).isTrue();
  }

  @Test
  void aSettledSlotInTheFutureIsReportedAndNeverStandsForTheLatestSettledSlot() throws Exception {
    StateStore s = store();
    Instant now = T0.plus(Duration.ofDays(1));
    Instant future = now.plus(Duration.ofDays(30));
    s.record(sent("a.gov.uk", T0));
    s.record(sent("a.gov.uk", future));

    assertThat(s.lastSettledSlot("a.gov.uk", now)).contains(T0);
    JournalState.DomainState d = s.summary(now).get("a.gov.uk").orElseThrow();
    assertThat(d.futureSlot()).isEqualTo(future);
    // What was recorded while the clock was ahead never stands for the last success.
    assertThat(d.lastSuccess()).isEqualTo(T0.plusSeconds(3));
    assertThat(d.lastEntry().slot().toInstant()).isEqualTo(T0);
    // A slot a little ahead (hosts' clocks differ by seconds) is not "in the future".
    s.record(sent("b.gov.uk", now.plusSeconds(30)));
    assertThat(s.summary(now).get("b.gov.uk").orElseThrow().futureSlot()).isNull();
  }

  @Test
  void pruningDeletesOldRecordsAndClaimsButKeepsTheCounters() throws Exception {
    StateStore s = store();
    for (int day = 0; day < 10; day++) {
      s.record(
          entry("a.gov.uk", T0.plus(Duration.ofDays(day)), Outcome.FAILED, "schedule", null, "x"));
    }
    Instant now = T0.plus(Duration.ofDays(10));

    assertThat(s.prune(T0.plus(Duration.ofDays(7)), now)).isEqualTo(7);

    List<JournalEntry> left = new ArrayList<>();
    s.history(null, null, left::add);
    assertThat(left).hasSize(3);
    assertThat(s.lastSettledSlot("a.gov.uk", T0.plus(Duration.ofDays(6)))).isEmpty();
    assertThat(s.summary(now).get("a.gov.uk").orElseThrow().failures()).isEqualTo(10);
    assertThat(s.meta("pruned_at")).contains(now.toString());
  }

  @Test
  void aFailedWriteLeavesNothingHalfDoneAndTheStoreIsUsedAgainAfterwards() throws Exception {
    StateStore s = store();
    // A record that breaks a column's constraint fails inside its transaction: nothing of it
    // (neither the attempt nor the summary nor the claim) is kept.
    JournalEntry broken =
        new JournalEntry(
            OffsetDateTime.ofInstant(T0, ZoneOffset.UTC),
            null,
            T0,
            "<x@a.gov.uk>",
            Outcome.SENT,
            1,
            "smtp",
            "schedule",
            null,
            null,
            "none",
            null);
    assertThatThrownBy(() -> s.record(broken))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot be written");

    s.record(sent("a.gov.uk", T0));
    List<JournalEntry> all = new ArrayList<>();
    s.history(null, null, all::add);
    assertThat(all).extracting(JournalEntry::domain).containsExactly("a.gov.uk");
  }
}
