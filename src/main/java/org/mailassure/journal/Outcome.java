package org.mailassure.journal;

/** What an attempt came to, as the journal's {@code outcome} field records it. */
public enum Outcome {
  /** The relay or Graph accepted the probe. */
  SENT("sent"),
  /** The attempt failed and no further attempt will be made for this slot. */
  FAILED("failed"),
  /** The attempt failed temporarily; another follows after backoff. */
  RETRYING("retrying"),
  /** The daemon was not running at the slot and it is older than {@code probe.catch-up}. */
  MISSED("missed");

  private final String journalName;

  Outcome(String journalName) {
    this.journalName = journalName;
  }

  /** Whether the slot is settled: nothing more will be tried for it. */
  public boolean terminal() {
    return this != RETRYING;
  }

  public String journalName() {
    return journalName;
  }

  public static Outcome fromJournal(String name) {
    for (Outcome o : values()) {
      if (o.journalName.equals(name)) {
        return o;
      }
    }
    throw new IllegalArgumentException("unknown outcome '" + name + "'");
  }
}
