package org.mailassure.readiness;

import java.util.List;
import java.util.Locale;
import org.mailassure.readiness.dns.DnsAnswer;
import org.mailassure.readiness.dns.DnsClient;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Type;

/** {@code mx}: the domain publishes MX records (RFC 5321 section 5.1). */
final class MxCheck {
  private MxCheck() {}

  /** The MX host names, lower-case, without the final dot; empty when none or when DNS failed. */
  static List<String> hosts(DnsClient dns, String domain) {
    DnsAnswer a = dns.get(domain, Type.MX);
    if (!(a instanceof DnsAnswer.Records r)) {
      return List.of();
    }
    return r.records().stream()
        .filter(x -> x instanceof MXRecord)
        .sorted(java.util.Comparator.comparingInt(x -> ((MXRecord) x).getPriority()))
        .map(x -> strip(((MXRecord) x).getTarget().toString()))
        .toList();
  }

  static String strip(String name) {
    String s = name.toLowerCase(Locale.ROOT);
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  /**
   * The MX hosts that have an address (A or AAAA), in preference order: those mail can reach. A
   * host whose addresses could not be asked counts as reachable, so a DNS failure never changes a
   * verdict by itself (the mx check says it could not check).
   */
  static List<String> reachable(DnsClient dns, List<String> hosts) {
    return hosts.stream()
        .filter(h -> !h.isEmpty())
        .filter(
            h -> {
              DnsAnswer v4 = dns.get(h, Type.A);
              DnsAnswer v6 = dns.get(h, Type.AAAA);
              if (v4 instanceof DnsAnswer.Failed && v6 instanceof DnsAnswer.Failed) {
                return true;
              }
              return hasAddress(v4, ARecord.class) || hasAddress(v6, AAAARecord.class);
            })
        .toList();
  }

  /**
   * The name suffixes of Exchange Online's inbound hosts: the classic {@code
   * <domain>.mail.protection.outlook.com}; {@code mx.microsoft}, where Microsoft 365 has put the MX
   * hosts of every accepted domain added since August 2025 (DNSSEC-signed, for inbound DANE); and
   * the US government and 21Vianet clouds' own.
   */
  static final List<String> EXCHANGE_ONLINE_MX =
      List.of(
          ".mail.protection.outlook.com",
          ".mx.microsoft",
          ".mail.protection.office365.us",
          ".mail.protection.partner.outlook.cn");

  /** Whether mail for the domain goes to Exchange Online. */
  static boolean microsoft365(List<String> mx) {
    return mx.stream().anyMatch(h -> EXCHANGE_ONLINE_MX.stream().anyMatch(h::endsWith));
  }

  static CheckResult run(DnsClient dns, String domain) {
    DnsAnswer a = dns.get(domain, Type.MX);
    if (a instanceof DnsAnswer.Failed f) {
      return CheckResult.couldNotCheck(CheckId.MX, domain + " MX", f);
    }
    List<String> hosts = hosts(dns, domain);
    if (hosts.contains("")) {
      // RFC 7505 section 3: a null MX, preference 0 and exchange ".", "denote[s] that there exists
      // no mail exchanger for a domain"; section 4: "A domain that advertises a null MX MUST NOT
      // advertise any other MX RR."
      return CheckResult.fail(
          CheckId.MX,
          "a null MX (0 .): the domain says it accepts no mail (RFC 7505)"
              + (hosts.size() > 1 ? ", beside other MX records, which RFC 7505 forbids" : ""),
          "remove the null MX and publish the MX record Microsoft 365 gives for the domain");
    }
    if (hosts.isEmpty()) {
      return CheckResult.fail(
          CheckId.MX,
          "no MX records for " + domain,
          "publish the MX record Microsoft 365 gives for the domain, e.g. "
              + domain
              + ". MX 0 "
              + domain.replace('.', '-')
              + ".mail.protection.outlook.com.");
    }
    CheckResult.Builder b = new CheckResult.Builder(CheckId.MX).note(String.join(", ", hosts));
    int reachable = 0;
    for (String h : hosts) {
      DnsAnswer v4 = dns.get(h, Type.A);
      DnsAnswer v6 = dns.get(h, Type.AAAA);
      if (v4 instanceof DnsAnswer.Failed f && v6 instanceof DnsAnswer.Failed) {
        b.unanswered("the address of MX host " + h, f);
        continue;
      }
      boolean address = hasAddress(v4, ARecord.class) || hasAddress(v6, AAAARecord.class);
      if (!address) {
        b.problem(
            Status.FAIL,
            "MX host " + h + " has no address (no A or AAAA), so no mail can reach it",
            "point the MX at the host Microsoft 365 gives, which has addresses");
        continue;
      }
      reachable++;
      if (aliased(v4) || aliased(v6)) {
        // RFC 2181 section 10.3: an MX's exchange "MUST NOT be an alias"; RFC 5321 section 5.1
        // tolerates it, so receivers mostly deliver, but it is an error.
        b.problem(
            Status.WARN,
            "MX host "
                + h
                + " is an alias (CNAME); an MX must name a host with addresses"
                + " (RFC 2181 section 10.3)",
            "point the MX at the canonical name the CNAME leads to");
      }
    }
    if (reachable == 0 && !hosts.isEmpty()) {
      b.note("no MX host can be reached");
    }
    return b.build();
  }

  private static boolean hasAddress(DnsAnswer a, Class<? extends org.xbill.DNS.Record> type) {
    return a instanceof DnsAnswer.Records r && r.records().stream().anyMatch(type::isInstance);
  }

  private static boolean aliased(DnsAnswer a) {
    return a instanceof DnsAnswer.Records r && !r.aliases().isEmpty();
  }
}
