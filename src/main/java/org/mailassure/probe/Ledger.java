package org.mailassure.probe;

import java.time.Instant;
import java.util.Optional;
import org.mailassure.journal.JournalEntry;
import org.mailassure.state.StoreException;

/** Where a {@link ProbeSender} asks before each attempt and records after it. */
public interface Ledger {
  /**
   * Asked before each attempt of a domain's probe for a slot.
   *
   * @return empty to make the attempt; else why not, and nothing is sent
   */
  Optional<String> mayAttempt(String domain, Instant slot);

  /** Records one attempt, durably, before the sender goes on. */
  void record(JournalEntry entry) throws StoreException;

  /** For sends outside the schedule ({@code send}, the demo): no claim, every attempt recorded. */
  static Ledger unclaimed(org.mailassure.state.StateStore store) {
    return new Ledger() {
      @Override
      public Optional<String> mayAttempt(String domain, Instant slot) {
        return Optional.empty();
      }

      @Override
      public void record(JournalEntry entry) throws StoreException {
        store.record(entry);
      }
    };
  }
}
