package org.mailassure.journal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the journal says about each domain, kept small so the daemon can hold it all year: the
 * latest settled scheduled slot, the last entry, the last success and attempt, the count of failed
 * slots and the TLS of the last success. Built once from the journal and updated as entries are
 * appended. Thread-safe.
 */
public final class JournalState {

  /** One domain's summary. */
  public record DomainState(
      String domain,
      Instant lastSettledSlot,
      JournalEntry lastEntry,
      JournalEntry lastScheduled,
      Instant lastSuccess,
      Instant lastAttempt,
      long failures,
      long missed,
      String tlsProtocol,
      String tlsCipher) {

    DomainState with(JournalEntry e) {
      boolean scheduled = "schedule".equals(e.trigger());
      Instant slot = e.slot().toInstant();
      Instant settled = lastSettledSlot;
      if (scheduled && e.outcome().terminal() && (settled == null || slot.isAfter(settled))) {
        settled = slot;
      }
      boolean sent = e.outcome() == Outcome.SENT;
      boolean attempt = e.outcome() != Outcome.MISSED;
      return new DomainState(
          domain,
          settled,
          e,
          scheduled ? e : lastScheduled,
          sent ? max(lastSuccess, e.sentAt()) : lastSuccess,
          attempt ? max(lastAttempt, e.sentAt()) : lastAttempt,
          failures + (e.outcome() == Outcome.FAILED ? 1 : 0),
          missed + (e.outcome() == Outcome.MISSED ? 1 : 0),
          sent ? e.tlsProtocol() : tlsProtocol,
          sent ? e.tlsCipher() : tlsCipher);
    }

    private static Instant max(Instant a, Instant b) {
      return a == null || b.isAfter(a) ? b : a;
    }
  }

  private final Map<String, DomainState> domains = new LinkedHashMap<>();

  public static JournalState of(List<JournalEntry> entries) {
    JournalState s = new JournalState();
    entries.forEach(s::apply);
    return s;
  }

  public synchronized void apply(JournalEntry e) {
    domains.compute(
        e.domain(),
        (k, v) ->
            (v == null ? new DomainState(k, null, null, null, null, null, 0, 0, null, null) : v)
                .with(e));
  }

  /**
   * Whether a scheduled slot of the domain is settled: it, or a later slot, was sent, failed or
   * missed.
   */
  public synchronized boolean settled(String domain, Instant slot) {
    DomainState d = domains.get(domain);
    return d != null && d.lastSettledSlot() != null && !slot.isAfter(d.lastSettledSlot());
  }

  public synchronized Optional<DomainState> get(String domain) {
    return Optional.ofNullable(domains.get(domain));
  }
}
