package org.mailassure.readiness;

import java.util.ArrayList;
import java.util.List;
import org.mailassure.readiness.dns.DnsAnswer;

/**
 * One check's verdict for one domain: a detail line and, for anything not {@code pass}, the fix.
 */
public record CheckResult(CheckId id, Status status, String detail, String fix) {

  public static CheckResult pass(CheckId id, String detail) {
    return new CheckResult(id, Status.PASS, detail, null);
  }

  public static CheckResult skip(CheckId id, String why) {
    return new CheckResult(id, Status.SKIP, why, null);
  }

  public static CheckResult fail(CheckId id, String detail, String fix) {
    return new CheckResult(id, Status.FAIL, detail, fix);
  }

  /** The fix for a DNS question that could not be answered, the same from every check. */
  public static final String DNS_FIX =
      "make sure readiness.dns-servers answer (or the system's resolvers), then run check again";

  /** A DNS question that could not be answered: never read as "record absent". */
  public static CheckResult couldNotCheck(CheckId id, String name, String reason) {
    return fail(id, "could not check: " + name + ": " + reason, DNS_FIX);
  }

  /**
   * A DNS question that got no usable answer: "could not check" when the resolvers failed, a plain
   * failure naming the fault when the zone's data cannot be followed.
   */
  public static CheckResult couldNotCheck(CheckId id, String name, DnsAnswer.Failed f) {
    return new Builder(id).unanswered(name, f).build();
  }

  /** The fix for a CNAME chain that loops or does not end. */
  public static final String ZONE_FIX =
      "correct the CNAME records so that the chain ends at a name that holds the record";

  /**
   * Collects findings of one check and folds them into a result: worst status, details and fixes
   * joined.
   */
  public static final class Builder {
    private final CheckId id;
    private final List<String> details = new ArrayList<>();
    private final List<String> fixes = new ArrayList<>();
    private Status status = Status.PASS;

    public Builder(CheckId id) {
      this.id = id;
    }

    public Builder note(String detail) {
      details.add(detail);
      return this;
    }

    /**
     * A question about {@code name} that got no usable answer: "could not check" with the
     * resolvers' fix, or, for a zone's CNAME chain that cannot be followed, a failure of its own.
     */
    public Builder unanswered(String name, DnsAnswer.Failed f) {
      return f.zoneFault()
          ? problem(Status.FAIL, name + ": " + f.reason(), ZONE_FIX)
          : problem(Status.FAIL, "could not check: " + name + ": " + f.reason(), DNS_FIX);
    }

    public Builder problem(Status s, String detail, String fix) {
      status = status.worst(s);
      details.add(detail);
      if (fix != null && !fixes.contains(fix)) {
        fixes.add(fix);
      }
      return this;
    }

    public CheckResult build() {
      return new CheckResult(
          id,
          status,
          String.join("; ", details),
          fixes.isEmpty() ? null : String.join("; ", fixes));
    }
  }
}
