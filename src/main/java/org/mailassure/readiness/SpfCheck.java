package org.mailassure.readiness;

import java.util.List;
import org.mailassure.readiness.dns.DnsAnswer;
import org.mailassure.readiness.dns.DnsClient;
import org.xbill.DNS.Type;

/**
 * {@code spf}: the domain's policy as receivers evaluate it (RFC 7208, {@link SpfEvaluator}) for
 * mail from a host it does not list: one {@code v=spf1} record (section 4.5) that evaluates,
 * through its includes and redirects, to {@code fail} or {@code softfail} (the decisive {@code all}
 * is {@code -all} or {@code ~all}, wherever the evaluation reaches it); never {@code permerror} (a
 * syntax error, an unknown mechanism, an include or redirect of a domain with no SPF record, more
 * than 10 DNS-querying terms or 2 void lookups); {@code include:spf.protection.outlook.com} when
 * mail is on Microsoft 365; and no {@code ptr} (section 5.5, a warning). A DNS failure anywhere in
 * the tree is "could not check".
 */
final class SpfCheck {
  static final String OUTLOOK = "spf.protection.outlook.com";
  private static final String END_FIX =
      "end the record with -all (or ~all while you check your senders)";

  private SpfCheck() {}

  static CheckResult run(DnsClient dns, String domain, List<String> mx) {
    DnsAnswer a = dns.get(domain, Type.TXT);
    if (a instanceof DnsAnswer.Failed f) {
      return CheckResult.couldNotCheck(CheckId.SPF, domain + " TXT", f);
    }
    boolean m365 = MxCheck.microsoft365(mx);
    String suggested = "v=spf1 " + (m365 ? "include:" + OUTLOOK + " " : "") + "-all";
    List<String> spf = Txt.spf(a);
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
    SpfEvaluator e = new SpfEvaluator(dns::get, "postmaster@" + domain);
    SpfEvaluator.Outcome o = e.evaluate(domain);
    CheckResult.Builder b = new CheckResult.Builder(CheckId.SPF).note(shown(spf.get(0)));
    switch (o.result()) {
      case TEMPERROR -> {
        if (e.zoneFault()) {
          // Receivers' resolvers cannot follow it either: temperror at every receiver.
          return CheckResult.fail(
              CheckId.SPF, "receivers return temperror: " + o.reason(), CheckResult.ZONE_FIX);
        }
        return CheckResult.couldNotCheck(CheckId.SPF, "the SPF policy of " + domain, o.reason());
      }
      case PERMERROR ->
          b.problem(
              Status.FAIL,
              "receivers return permerror: " + o.reason(),
              "correct the record (a permerror makes DMARC treat SPF as failed for every sender)");
      case NONE -> b.problem(Status.FAIL, "no v=spf1 record at " + domain, null);
      case PASS ->
          b.problem(
              Status.FAIL,
              "ends in "
                  + (o.decidedBy().endsWith("all") ? o.decidedBy() : "a pass for any host")
                  + ", which lets anyone send as "
                  + domain
                  + (o.decidedBy().endsWith("all") ? "" : " (decided by " + o.decidedBy() + ")"),
              END_FIX);
      case NEUTRAL ->
          b.problem(
              Status.FAIL,
              "no match".equals(o.decidedBy())
                  ? "no all mechanism is reached: mail from anywhere else is 'neutral'"
                  : "ends in " + o.decidedBy() + ": mail from anywhere else is 'neutral'",
              END_FIX);
      case FAIL, SOFTFAIL ->
          b.note(
              "others get "
                  + o.result().name().toLowerCase(java.util.Locale.ROOT)
                  + " ("
                  + o.decidedBy()
                  + ")");
    }
    ipv6(dns, domain, o, b);
    if (o.result() != SpfEvaluator.Result.PERMERROR && m365 && !e.includes().contains(OUTLOOK)) {
      b.problem(
          Status.FAIL,
          "MX is Microsoft 365 but the record does not include " + OUTLOOK,
          "add include:" + OUTLOOK + " before the all mechanism");
    }
    if (o.result() != SpfEvaluator.Result.PERMERROR && redirectBesideAll(spf.get(0))) {
      // RFC 7208 section 6.1: "Any "redirect" modifier MUST be ignored if there is an "all"
      // mechanism anywhere in the record." pyspf and Mail::SPF (SpamAssassin's) count it towards
      // section 4.6.4's ten lookups all the same, so at the limit they return permerror.
      boolean atLimit = e.lookups() >= SpfEvaluator.MAX_LOOKUPS;
      b.problem(
          atLimit ? Status.FAIL : Status.WARN,
          atLimit
              ? "the record has an all, so its redirect= is ignored (RFC 7208 section 6.1), but"
                  + " pyspf and Mail::SPF count it as an eleventh DNS lookup and return permerror"
              : "the record has an all, so its redirect= is ignored (RFC 7208 section 6.1); pyspf"
                  + " and Mail::SPF still count it as a DNS lookup",
          "remove the redirect= (or the all, if the redirect's record should decide)");
    }
    if (e.usesPtr()) {
      b.problem(
          Status.WARN,
          "uses ptr, which RFC 7208 section 5.5 says not to use (slow, and receivers may skip it)",
          "list the senders with ip4:, ip6: or include: instead of ptr");
    }
    int octets = answerOctets(domain, (DnsAnswer.Records) a);
    if (octets > MAX_ANSWER_OCTETS) {
      // RFC 7208 section 3.4: "The published SPF record for a given domain name SHOULD remain
      // small enough that the results of a query for it will fit within 512 octets", counting
      // "any other TXT records published at the domain name".
      b.problem(
          Status.WARN,
          "the TXT answer at "
              + domain
              + " is "
              + octets
              + " octets, over the 512 an SPF answer should fit in (RFC 7208 section 3.4), so"
              + " receivers must retry over TCP or EDNS, and some give up",
          "shorten the record (move addresses into a record you include:), or remove TXT"
              + " records at "
              + domain
              + " that are no longer needed");
    }
    if (o.result() != SpfEvaluator.Result.PERMERROR) {
      b.note(e.lookups() + " of " + SpfEvaluator.MAX_LOOKUPS + " DNS lookups");
    }
    return b.build();
  }

  private static final java.util.regex.Pattern ALL = java.util.regex.Pattern.compile("[-+~?]?all");

  /**
   * Whether the record has both a redirect= modifier and an all mechanism (RFC 7208 section 6.1).
   */
  static boolean redirectBesideAll(String record) {
    boolean all = false;
    boolean redirect = false;
    for (String term : record.strip().split(" +")) {
      String t = term.toLowerCase(java.util.Locale.ROOT);
      all |= ALL.matcher(t).matches();
      redirect |= t.startsWith("redirect=");
    }
    return all && redirect;
  }

  /** RFC 7208 section 3.4's limit for the answer to an SPF question, from RFC 1035's UDP size. */
  static final int MAX_ANSWER_OCTETS = 512;

  /** A record longer than this is shown cut, with its length: the verdict says what matters. */
  private static final int SHOWN = 200;

  private static String shown(String record) {
    return record.length() <= SHOWN
        ? record
        : record.substring(0, SHOWN) + "… (" + record.length() + " characters)";
  }

  /**
   * The same policy judged for an IPv6 sender (2001:db8::77; Microsoft 365 sends over IPv6 where
   * the receiver can take it): a and mx then ask for AAAA records, so a name with only an IPv4
   * address is a void lookup there, and ip6 networks can take in every IPv6 host. What differs from
   * the IPv4 verdict for the worse is reported, named as IPv6's.
   */
  private static void ipv6(
      DnsClient dns, String domain, SpfEvaluator.Outcome v4, CheckResult.Builder b) {
    if (v4.result() != SpfEvaluator.Result.FAIL && v4.result() != SpfEvaluator.Result.SOFTFAIL) {
      return; // already reported as it is
    }
    SpfEvaluator e6 = new SpfEvaluator(dns::get, "postmaster@" + domain, true);
    SpfEvaluator.Outcome o = e6.evaluate(domain);
    switch (o.result()) {
      case PERMERROR ->
          b.problem(
              Status.FAIL,
              "for IPv6 senders receivers return permerror: " + o.reason(),
              "correct the record: for an IPv6 sender, a and mx look up AAAA records, and a name"
                  + " without one is a void lookup");
      case TEMPERROR ->
          b.problem(
              e6.zoneFault() ? Status.FAIL : Status.WARN,
              (e6.zoneFault()
                      ? "for IPv6 senders receivers return temperror: "
                      : "could not check the policy for IPv6 senders: ")
                  + o.reason(),
              e6.zoneFault()
                  ? CheckResult.ZONE_FIX
                  : "make sure readiness.dns-servers answer (or the system's resolvers), then run"
                      + " check again");
      case PASS, NEUTRAL ->
          b.problem(
              Status.FAIL,
              "for IPv6 senders it comes to "
                  + o.result().name().toLowerCase(java.util.Locale.ROOT)
                  + " (decided by "
                  + o.decidedBy()
                  + "), which lets "
                  + (o.result() == SpfEvaluator.Result.PASS
                      ? "any IPv6 host send"
                      : "IPv6 hosts send unjudged")
                  + " as "
                  + domain,
              END_FIX);
      default -> {}
    }
  }

  /**
   * The size of the DNS message that answers the TXT question for the name (RFC 1035 section 4):
   * the 12-octet header, the question (the name and 4 octets of type and class), and each TXT
   * record of the answer with its owner compressed to a 2-octet pointer (section 4.1.4) and 10
   * octets of type, class, TTL and length before its data.
   */
  static int answerOctets(String domain, DnsAnswer.Records answer) {
    int name;
    try {
      name = org.xbill.DNS.Name.fromString(domain, org.xbill.DNS.Name.root).toWire().length;
    } catch (org.xbill.DNS.TextParseException e) {
      name = domain.length() + 2;
    }
    int octets = 12 + name + 4;
    for (org.xbill.DNS.Record r : answer.records()) {
      if (r instanceof org.xbill.DNS.TXTRecord) {
        octets += 2 + 10 + r.rdataToWireCanonical().length;
      }
    }
    return octets;
  }
}
