package org.mailassure.readiness;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mailassure.probe.dkim.TagList;
import org.mailassure.readiness.dns.DnsAnswer;
import org.mailassure.readiness.dns.DnsClient;
import org.xbill.DNS.Type;

/**
 * {@code dmarc}: one {@code v=DMARC1} record at {@code _dmarc} (RFC 7489 section 6.1) with {@code
 * p=quarantine} or {@code p=reject}; {@code p=none} is a warning, as are {@code pct<100} and a
 * subdomain policy weaker than {@code p}; every expected report destination is in {@code rua}, and
 * an external destination has authorised the domain (section 7.1).
 */
final class DmarcCheck {
  private static final List<String> STRENGTH = List.of("none", "quarantine", "reject");

  private DmarcCheck() {}

  /**
   * The Public Suffix List, read once. crawler-commons reads it on first use without a lock, so the
   * worker threads of a many-domain check that reached it together each read the whole list
   * (thirty-two copies in a 1,000-domain run, a second of CPU and as much again in garbage
   * collection): the first caller reads it here while the others wait for it, as class
   * initialisation guarantees.
   */
  private static final class PublicSuffixes {
    private static final crawlercommons.domains.EffectiveTldFinder LIST =
        crawlercommons.domains.EffectiveTldFinder.getInstance();

    static void read() {
      java.util.Objects.requireNonNull(LIST);
    }
  }

  /**
   * The Organizational Domain (RFC 7489 section 3.2): the public suffix (from the Public Suffix
   * List that crawler-commons carries) plus one label; null when the name is itself a suffix. A
   * name under a top-level domain the list does not know (one delegated after the list was made)
   * takes the list's default rule, "*", as the PSL's algorithm and libpsl do: its last two labels.
   * A final dot (the root) is not part of the name.
   */
  static String organisationalDomain(String domain) {
    PublicSuffixes.read();
    String name = domain.toLowerCase(Locale.ROOT);
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    String assigned =
        crawlercommons.domains.EffectiveTldFinder.getAssignedDomain(name, true, false);
    if (assigned != null && !assigned.isEmpty()) {
      return assigned;
    }
    if (crawlercommons.domains.EffectiveTldFinder.getEffectiveTLD(name, false) == null) {
      int last = name.lastIndexOf('.');
      int before = last > 0 ? name.lastIndexOf('.', last - 1) : -1;
      return last > 0 && last < name.length() - 1 ? name.substring(before + 1) : null;
    }
    return null;
  }

  /** Whether two names share an Organizational Domain (RFC 7489 section 3.2). */
  static boolean sameOrganisation(String a, String b) {
    String orgA = organisationalDomain(a);
    return orgA != null ? orgA.equals(organisationalDomain(b)) : a.equalsIgnoreCase(b);
  }

  /**
   * What a pct below 100 does (RFC 7489 section 6.6.4): the mail it leaves out of "reject" is
   * treated "as though the "quarantine" policy applies", and the mail it leaves out of "quarantine"
   * gets "local message classification as normal".
   */
  static String pctProblem(String pct, String p) {
    if (!pct.matches("[0-9]{1,3}") || Integer.parseInt(pct) > 100) {
      return "pct=" + pct + " is not a percentage from 0 to 100 (RFC 7489 section 6.3)";
    }
    String rest =
        switch (p) {
          case "reject" -> "receivers quarantine the rest instead";
          case "quarantine" -> "receivers deliver the rest as usual";
          default -> "p=none asks nothing of receivers either way";
        };
    int percent = Integer.parseInt(pct);
    return "pct="
        + pct
        + " applies p="
        + p
        + " to "
        + (percent == 0 ? "none" : percent + "%")
        + " of the mail that fails DMARC; "
        + rest
        + " (RFC 7489 section 6.6.4)";
  }

  static CheckResult run(DnsClient dns, String domain, List<String> expectedRua) {
    String name = "_dmarc." + domain;
    DnsAnswer a = dns.get(name, Type.TXT);
    if (a instanceof DnsAnswer.Failed f) {
      return CheckResult.couldNotCheck(CheckId.DMARC, name + " TXT", f);
    }
    String suggested = "v=DMARC1; p=quarantine; rua=" + String.join(",", expectedRua);
    List<String> records = Txt.exactVersion(a, Txt.DMARC1);
    String inherited = null;
    if (records.isEmpty()) {
      // RFC 7489 section 6.6.3: with no record of its own, a receiver asks the Organizational
      // Domain (section 3.2, found with the Public Suffix List) and applies its sp= (or p=).
      String org = organisationalDomain(domain);
      if (org != null && !org.equals(domain)) {
        String orgName = "_dmarc." + org;
        DnsAnswer o = dns.get(orgName, Type.TXT);
        if (o instanceof DnsAnswer.Failed f) {
          return CheckResult.couldNotCheck(CheckId.DMARC, orgName + " TXT", f);
        }
        List<String> orgRecords = Txt.exactVersion(o, Txt.DMARC1);
        if (orgRecords.size() == 1) {
          records = orgRecords;
          inherited = org;
        }
      }
    }
    if (records.isEmpty()) {
      return CheckResult.fail(
          CheckId.DMARC,
          "no v=DMARC1 record at " + name,
          "publish a TXT record at " + name + ": \"" + suggested + "\"");
    }
    if (records.size() > 1) {
      return CheckResult.fail(
          CheckId.DMARC,
          records.size()
              + " v=DMARC1 records at "
              + name
              + "; receivers then apply none (RFC 7489 section 6.6.3)",
          "keep exactly one record");
    }
    Map<String, String> tags = new java.util.LinkedHashMap<>();
    List<String> capitalised = new ArrayList<>();
    try {
      // Tag names in any case: RFC 7489 section 6.4 spells them as ABNF strings ("p", "sp",
      // "rua"), which are case-insensitive (RFC 5234 section 2.3), as v= is read already, and as
      // OpenDMARC and Mail::DMARC read them. Two names that differ only in case are one tag twice.
      for (Map.Entry<String, String> tag : TagList.parse(records.get(0)).entrySet()) {
        String lower = tag.getKey().toLowerCase(Locale.ROOT);
        if (!lower.equals(tag.getKey())) {
          capitalised.add(tag.getKey());
        }
        if (tags.put(lower, tag.getValue()) != null) {
          throw new IllegalArgumentException(
              "the tag " + lower + " appears twice (its name in different cases)");
        }
      }
    } catch (IllegalArgumentException e) {
      return CheckResult.fail(
          CheckId.DMARC,
          "the record does not parse: " + e.getMessage(),
          "publish \"" + suggested + "\"");
    }
    CheckResult.Builder b = new CheckResult.Builder(CheckId.DMARC);
    if (!capitalised.isEmpty()) {
      // RFC 7489 section 6.3 takes DKIM's tag-value syntax, where "Tags MUST be interpreted in a
      // case-sensitive manner" (RFC 6376 section 3.2): a receiver that follows that sees no P=.
      b.problem(
          Status.WARN,
          "tag names not in lower case ("
              + String.join(", ", capitalised.stream().map(TxtFields::shown).toList())
              + "): DMARC's grammar and receivers such as OpenDMARC read them in any case, but"
              + " DMARC's tag-value syntax is DKIM's, whose tags are case-sensitive (RFC 6376"
              + " section 3.2), so some receivers ignore them",
          "write every tag name in lower case (v=DMARC1; p=...; rua=...)");
    }
    if (inherited != null) {
      b.note("no record of its own: receivers apply the organisational domain " + inherited + "'s");
    }
    String p = tags.getOrDefault("p", "").strip().toLowerCase(Locale.ROOT);
    String sp = tags.get("sp");
    boolean badSp = sp != null && !STRENGTH.contains(sp.strip().toLowerCase(Locale.ROOT));
    // RFC 7489 section 6.6.3, step 6: "If a retrieved policy record does not contain a valid "p"
    // tag, or contains an "sp" tag that is not valid, then" the rua decides: p=none, or no DMARC.
    String invalid =
        !STRENGTH.contains(p)
            ? "p= is missing or not none/quarantine/reject"
            : badSp ? "sp=" + TxtFields.shown(sp.strip()) + " is not none/quarantine/reject" : null;
    if (invalid != null) {
      boolean validRua =
          java.util.Arrays.stream(tags.getOrDefault("rua", "").split(","))
              .map(String::strip)
              .anyMatch(
                  u ->
                      u.toLowerCase(Locale.ROOT)
                          .matches("(mailto:[^@\\s]+@[^@\\s]+|https?://\\S+)"));
      if (!validRua) {
        // RFC 7489 section 6.6.3: no valid p= and no valid rua: "the Mail Receiver applies no
        // DMARC processing to this message".
        return CheckResult.fail(
            CheckId.DMARC,
            invalid
                + ", and there is no valid rua, so receivers apply no DMARC at all (RFC 7489"
                + " section 6.6.3)",
            "publish \"" + suggested + "\"");
      }
      // Section 6.6.3: with a valid rua, receivers "act as if a record containing a valid "v"
      // tag and "p=none" was retrieved".
      b.problem(
          Status.WARN,
          invalid
              + "; with a valid rua receivers treat the whole record as p=none (RFC 7489 section"
              + " 6.6.3): nothing spoofed is stopped",
          badSp && STRENGTH.contains(p)
              ? "set sp= to none, quarantine or reject, or remove it"
              : "set p=quarantine, then p=reject");
      p = "none";
    } else {
      if (inherited != null && sp != null) {
        // RFC 7489 section 6.3: sp= is the policy "for all subdomains" of the domain that
        // publishes it; the record was judged whole above (section 6.6.3, step 6).
        p = sp.strip().toLowerCase(Locale.ROOT);
      }
      if (p.equals("none")) {
        b.problem(
            Status.WARN,
            "p=none only monitors: spoofed mail is still delivered",
            "once the reports show your own mail passing, raise it to p=quarantine and then p=reject, as the guidance advises");
      }
    }
    b.note("p=" + p);
    String pct = tags.get("pct");
    if (pct != null && !pct.strip().equals("100")) {
      b.problem(Status.WARN, pctProblem(pct.strip(), p), "remove pct (it defaults to 100)");
    }
    if (inherited == null
        && sp != null
        && STRENGTH.indexOf(sp.toLowerCase(Locale.ROOT)) >= 0
        && STRENGTH.indexOf(sp.toLowerCase(Locale.ROOT)) < STRENGTH.indexOf(p)) {
      b.problem(
          Status.WARN,
          "sp=" + sp + " is weaker than p=" + p + " for subdomains",
          "remove sp (subdomains then get p) or set it as strong as p");
    }
    List<String> rua = uris(tags.get("rua"));
    for (String want : expectedRua) {
      if (!rua.contains(want.toLowerCase(Locale.ROOT))) {
        b.problem(
            Status.FAIL,
            "rua does not include " + want,
            "add " + want + " to rua= (comma-separated)");
      }
    }
    String owner = inherited != null ? inherited : domain;
    checkDestinations(dns, b, rua, owner, domain, "rua", Status.FAIL);
    // Failure reports (ruf) are optional, and few receivers send them; an unauthorised
    // destination loses them, which is worth a warning, not a failure.
    checkDestinations(dns, b, uris(tags.get("ruf")), owner, domain, "ruf", Status.WARN);
    if (!rua.isEmpty()) {
      b.note("rua=" + String.join(",", rua));
    }
    return b.build();
  }

  /** The URIs of a rua= or ruf= value, without their size limits ("!10m"), in lower case. */
  private static List<String> uris(String value) {
    List<String> out = new ArrayList<>();
    for (String uri : (value == null ? "" : value).split(",")) {
      String u = uri.strip();
      if (!u.isEmpty()) {
        out.add(u.replaceAll("!\\d+[kmgt]?$", "").toLowerCase(Locale.ROOT));
      }
    }
    return out;
  }

  /**
   * RFC 7489 section 7.1: a destination outside the Organizational Domain of the domain whose
   * record names it (an "external report destination") must authorise that domain with a v=DMARC1
   * record at {@code <owner>._report._dmarc.<destination>}; receivers send it nothing otherwise.
   */
  private static void checkDestinations(
      DnsClient dns,
      CheckResult.Builder b,
      List<String> uris,
      String owner,
      String domain,
      String tag,
      Status unauthorised) {
    for (String u : uris) {
      if (!u.startsWith("mailto:") || !u.contains("@")) {
        continue;
      }
      String dest = u.substring(u.indexOf('@') + 1);
      if (sameOrganisation(dest, owner)) {
        continue;
      }
      String auth = owner + "._report._dmarc." + dest;
      DnsAnswer authorised = dns.get(auth, Type.TXT);
      if (authorised instanceof DnsAnswer.Failed f) {
        b.unanswered("the authorisation " + auth, f);
      } else if (Txt.exactVersion(authorised, Txt.DMARC1).isEmpty()) {
        b.problem(
            unauthorised,
            "the external "
                + tag
                + " destination "
                + dest
                + " has not authorised reports for "
                + domain
                + " (no v=DMARC1 at "
                + auth
                + ")",
            "ask the operator of " + dest + " to publish it, or use another " + tag);
      }
    }
  }
}
