package org.mailassure.readiness;

/** A check's verdict, ordered from best to worst (skip is outside the order). */
public enum Status {
  PASS,
  WARN,
  FAIL,
  SKIP;

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The worse of two verdicts; skip never wins over a real one. */
  public Status worst(Status other) {
    if (this == SKIP) {
      return other;
    }
    if (other == SKIP) {
      return this;
    }
    return other.ordinal() > ordinal() ? other : this;
  }
}
