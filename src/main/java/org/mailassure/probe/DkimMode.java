package org.mailassure.probe;

/** Who signs a probe, as the journal's {@code dkim} field records it. */
public enum DkimMode {
  /** mailassure signed it with the domain's local keys before it left. */
  SIGNED("signed"),
  /** Sent through Microsoft 365 (graph transport), which signs with the tenant's DKIM keys. */
  PROVIDER("provider"),
  /** No local keys and a relay that is not known to sign. */
  NONE("none");

  private final String journalName;

  DkimMode(String journalName) {
    this.journalName = journalName;
  }

  public String journalName() {
    return journalName;
  }

  public static DkimMode fromJournal(String name) {
    for (DkimMode m : values()) {
      if (m.journalName.equals(name)) {
        return m;
      }
    }
    return NONE;
  }
}
