package org.mailassure.journal;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What the state store says about each domain, read in one query from its per-domain summary (kept
 * up to date in the same transaction as every record, so nothing reads the history to answer it).
 */
public final class JournalState {

  /**
   * One domain's summary.
   *
   * @param lastSettledSlot the latest scheduled slot sent, failed for good or missed
   * @param lastEntry the latest record, null once retention pruned it
   * @param failures slots that failed for good, ever (a counter: pruning never lowers it)
   * @param missed slots not sent because nothing ran in time, ever
   * @param tlsProtocol the TLS of the last sent probe
   * @param futureSlot the latest settled slot that lies in the future (a clock stepped back after
   *     it was recorded); null when there is none
   */
  public record DomainState(
      String domain,
      Instant lastSettledSlot,
      JournalEntry lastEntry,
      Instant lastSuccess,
      Instant lastAttempt,
      long failures,
      long missed,
      String tlsProtocol,
      String tlsCipher,
      Instant futureSlot) {}

  private final Map<String, DomainState> domains;

  public JournalState(Map<String, DomainState> domains) {
    this.domains = Map.copyOf(domains);
  }

  public static JournalState empty() {
    return new JournalState(Map.of());
  }

  public Optional<DomainState> get(String domain) {
    return Optional.ofNullable(domains.get(domain));
  }
}
