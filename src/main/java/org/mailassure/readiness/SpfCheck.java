package org.mailassure.readiness;

import java.util.List;
import java.util.Locale;
import org.mailassure.readiness.dns.DnsAnswer;
import org.mailassure.readiness.dns.DnsClient;
import org.xbill.DNS.Type;

/**
 * {@code spf}: one {@code v=spf1} record (RFC 7208 section 4.5), ending in {@code ~all} or {@code
 * -all}, with {@code include:spf.protection.outlook.com} when mail is on Microsoft 365, and at most
 * 10 DNS-querying terms (section 4.6.4) and 2 void lookups after following includes and redirects.
 */
final class SpfCheck {
  static final String OUTLOOK = "spf.protection.outlook.com";
  private static final int MAX_LOOKUPS = 10;
  private static final int MAX_VOID = 2;

  private final DnsClient dns;
  private int lookups;
  private int voids;
  private boolean outlook;
  private boolean loop;

  private SpfCheck(DnsClient dns) {
    this.dns = dns;
  }

  static CheckResult run(DnsClient dns, String domain, List<String> mx) {
    return new SpfCheck(dns).check(domain, mx);
  }

  private CheckResult check(String domain, List<String> mx) {
    DnsAnswer a = dns.get(domain, Type.TXT);
    if (a instanceof DnsAnswer.Failed f) {
      return CheckResult.couldNotCheck(CheckId.SPF, domain + " TXT", f.reason());
    }
    boolean m365 = MxCheck.microsoft365(mx);
    String suggested = "v=spf1 " + (m365 ? "include:" + OUTLOOK + " " : "") + "-all";
    List<String> spf = Txt.versioned(a, "v=spf1");
    if (spf.isEmpty()) {
      return CheckResult.fail(
          CheckId.SPF,
          "no v=spf1 record at " + domain,
          "publish one TXT record at " + domain + ": \"" + suggested + "\"");
    }
    if (spf.size() > 1) {
      return CheckResult.fail(
          CheckId.SPF,
          spf.size()
              + " v=spf1 records at "
              + domain
              + "; receivers treat several as a permanent error (RFC 7208 section 4.5)",
          "merge them into one record, e.g. \"" + suggested + "\"");
    }
    String record = spf.get(0);
    CheckResult.Builder b = new CheckResult.Builder(CheckId.SPF).note(record);
    String all = allQualifier(record);
    if (all == null && redirectOf(record) == null) {
      b.problem(
          Status.FAIL,
          "no all mechanism: mail from anywhere else is 'neutral'",
          "end the record with -all (or ~all while you check your senders)");
    } else if ("+".equals(all) || "?".equals(all)) {
      b.problem(
          Status.FAIL,
          "ends in " + all + "all, which lets anyone send as " + domain,
          "end the record with -all (or ~all while you check your senders)");
    }
    walk(record, domain, 0);
    if (m365 && !outlook) {
      b.problem(
          Status.FAIL,
          "MX is Microsoft 365 but the record does not include " + OUTLOOK,
          "add include:" + OUTLOOK + " before the all mechanism");
    }
    if (loop) {
      b.problem(Status.FAIL, "an include or redirect loops back on itself", "remove the loop");
    }
    if (lookups > MAX_LOOKUPS) {
      b.problem(
          Status.FAIL,
          lookups
              + " DNS-querying terms after expansion; the limit is "
              + MAX_LOOKUPS
              + " (RFC 7208 section 4.6.4), beyond it receivers return permerror",
          "flatten or remove includes so that at most 10 remain");
    } else {
      b.note(lookups + " of " + MAX_LOOKUPS + " DNS lookups");
    }
    if (voids > MAX_VOID) {
      b.problem(
          Status.FAIL,
          voids + " void lookups (names with no record); the limit is " + MAX_VOID,
          "remove includes of names that publish no SPF record");
    }
    return b.build();
  }

  /** Counts DNS-querying terms through includes and redirects (RFC 7208 sections 4.6.4, 5, 6.1). */
  private void walk(String record, String domain, int depth) {
    if (depth > 10) {
      loop = true;
      return;
    }
    for (String term : record.strip().split("\\s+")) {
      String t = term.toLowerCase(Locale.ROOT);
      String bare = t.isEmpty() ? t : ("+-~?".indexOf(t.charAt(0)) >= 0 ? t.substring(1) : t);
      if (bare.startsWith("include:")) {
        lookups++;
        String target = bare.substring("include:".length());
        if (target.equals(OUTLOOK)) {
          outlook = true;
        }
        follow(target, depth);
      } else if (bare.startsWith("redirect=")) {
        lookups++;
        follow(bare.substring("redirect=".length()), depth);
      } else if (bare.equals("a")
          || bare.startsWith("a:")
          || bare.startsWith("a/")
          || bare.equals("mx")
          || bare.startsWith("mx:")
          || bare.startsWith("mx/")
          || bare.equals("ptr")
          || bare.startsWith("ptr:")
          || bare.startsWith("exists:")) {
        lookups++;
      }
    }
  }

  private void follow(String target, int depth) {
    if (lookups > MAX_LOOKUPS * 3) {
      return;
    }
    DnsAnswer a = dns.get(target, Type.TXT);
    List<String> spf = Txt.versioned(a, "v=spf1");
    if (a.absent() || spf.isEmpty()) {
      voids++;
      return;
    }
    walk(spf.get(0), target, depth + 1);
  }

  private static String allQualifier(String record) {
    for (String term : record.strip().split("\\s+")) {
      String t = term.toLowerCase(Locale.ROOT);
      if (t.equals("all") || t.equals("+all")) {
        return "+";
      }
      if (t.length() == 4 && t.endsWith("all") && "-~?".indexOf(t.charAt(0)) >= 0) {
        return t.substring(0, 1);
      }
    }
    return null;
  }

  private static String redirectOf(String record) {
    for (String term : record.strip().split("\\s+")) {
      if (term.toLowerCase(Locale.ROOT).startsWith("redirect=")) {
        return term.substring("redirect=".length());
      }
    }
    return null;
  }
}
