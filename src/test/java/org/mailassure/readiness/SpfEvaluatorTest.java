package org.mailassure.readiness;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mailassure.readiness.SpfEvaluator.Outcome;
import org.mailassure.readiness.SpfEvaluator.Result;
import org.mailassure.readiness.dns.DnsAnswer;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The SPF evaluator alone, without sockets: its DNS is a table of answers in memory, and every
 * question it asks is recorded. Each expectation is RFC 7208's, its text quoted beside the case;
 * {@code SpfCorpusTest} holds the same evaluator to pyspf over a real DNS server.
 */
class SpfEvaluatorTest {
  private final Map<String, List<Record>> records = new HashMap<>();
  private final Set<String> failing = new HashSet<>();
  private final List<String> asked = new ArrayList<>();

  private static String key(String name, int type) {
    String n = name.toLowerCase(Locale.ROOT);
    return (n.endsWith(".") ? n.substring(0, n.length() - 1) : n) + " " + Type.string(type);
  }

  private static Name name(String n) throws TextParseException {
    return Name.fromString(n.endsWith(".") ? n : n + ".");
  }

  /** A TXT record, split into strings of 255 characters as RFC 7208 section 3.3 says to. */
  private SpfEvaluatorTest txt(String n, String text) throws Exception {
    List<String> strings = new ArrayList<>();
    for (int i = 0; i < text.length(); i += 255) {
      strings.add(text.substring(i, Math.min(text.length(), i + 255)));
    }
    records
        .computeIfAbsent(key(n, Type.TXT), k -> new ArrayList<>())
        .add(new TXTRecord(name(n), DClass.IN, 300, strings));
    return this;
  }

  private SpfEvaluatorTest a(String n, String address) throws Exception {
    records
        .computeIfAbsent(key(n, Type.A), k -> new ArrayList<>())
        .add(new ARecord(name(n), DClass.IN, 300, InetAddress.getByName(address)));
    return this;
  }

  private SpfEvaluatorTest mx(String n, String host) throws Exception {
    List<Record> list = records.computeIfAbsent(key(n, Type.MX), k -> new ArrayList<>());
    list.add(new MXRecord(name(n), DClass.IN, 300, list.size() * 10, name(host)));
    return this;
  }

  private final Set<String> looping = new HashSet<>();

  /** A name whose CNAME chain loops: the client gives up on it, the zone's fault. */
  private SpfEvaluatorTest looping(String n) {
    looping.add(n);
    return this;
  }

  /** A name whose every question times out, as a dead or SERVFAILing server does. */
  private SpfEvaluatorTest failing(String n) {
    failing.add(n);
    return this;
  }

  private DnsAnswer answer(String n, int type) {
    asked.add(key(n, type));
    String bare = key(n, type).substring(0, key(n, type).indexOf(' '));
    if (failing.contains(bare)) {
      return new DnsAnswer.Failed("timed out");
    }
    if (looping.contains(bare)) {
      return new DnsAnswer.Failed("the CNAME chain from " + bare + " loops back on itself", true);
    }
    List<Record> r = records.get(key(n, type));
    if (r != null) {
      return new DnsAnswer.Records(r, List.of());
    }
    boolean exists = records.keySet().stream().anyMatch(k -> k.startsWith(bare + " "));
    return exists ? new DnsAnswer.NoData(List.of()) : new DnsAnswer.NoSuchDomain(List.of());
  }

  private SpfEvaluator evaluator() {
    return new SpfEvaluator(this::answer, "postmaster@example.gov.uk");
  }

  private Outcome evaluate(String domain) {
    return evaluator().evaluate(domain);
  }

  @Test
  void aTypoedMechanismIsAPermanentErrorNamingTheTerm() throws Exception {
    // RFC 7208 section 4.6: "If there are any syntax errors anywhere in the record,
    // check_host() returns immediately with the result "permerror", without further
    // interpretation"; section 5: "unknown mechanisms ... abort processing with "permerror"".
    txt("example.gov.uk", "v=spf1 ipv4:192.0.2.1 -all");

    Outcome o = evaluate("example.gov.uk");

    assertThat(o.result()).isEqualTo(Result.PERMERROR);
    assertThat(o.reason()).contains("'ipv4:192.0.2.1'");
  }

  @Test
  void aSyntaxErrorAfterTheDecidingTermIsStillAPermanentError() throws Exception {
    // Section 4.6: the whole record is parsed before it is evaluated; "-all" is not reached first.
    txt("example.gov.uk", "v=spf1 -all ip4:192.0.2.300");

    assertThat(evaluate("example.gov.uk").result()).isEqualTo(Result.PERMERROR);
  }

  @Test
  void theVersionMustBeExactlySpf1ThenASpaceOrTheEnd() throws Exception {
    // Section 4.5: "discard records that do not begin with a version section of exactly
    // "v=spf1". Note that the version section is terminated by either an SP character or the
    // end of the record."
    txt("example.gov.uk", "v=spf10 -all");

    assertThat(evaluate("example.gov.uk").result()).isEqualTo(Result.NONE);
  }

  @Test
  void twoSpfRecordsAreAPermanentError() throws Exception {
    // Section 4.5: "If the resultant record set includes more than one record, check_host()
    // produces the "permerror" result."
    txt("example.gov.uk", "v=spf1 -all").txt("example.gov.uk", "v=spf1 ~all");

    assertThat(evaluate("example.gov.uk").result()).isEqualTo(Result.PERMERROR);
  }

  @Test
  void anIncludeOfADomainWithoutSpfIsAPermanentError() throws Exception {
    // Section 5.2, the include table: check_host() of the target returns "none": "return
    // permerror".
    txt("example.gov.uk", "v=spf1 include:nospf.example.net -all")
        .a("nospf.example.net", "1.2.3.4");

    Outcome o = evaluate("example.gov.uk");

    assertThat(o.result()).isEqualTo(Result.PERMERROR);
    assertThat(o.reason()).contains("include:nospf.example.net");
  }

  @Test
  void anIncludeThatDoesNotMatchFallsThroughToTheNextTerm() throws Exception {
    // Section 5.2: the target's "fail", "softfail" or "neutral" is "not match"; evaluation goes on.
    txt("example.gov.uk", "v=spf1 include:spf.example.net ~all")
        .txt("spf.example.net", "v=spf1 ip4:192.0.2.0/24 -all");

    Outcome o = evaluate("example.gov.uk");

    assertThat(o.result()).isEqualTo(Result.SOFTFAIL);
    assertThat(o.decidedBy()).isEqualTo("~all");
  }

  @Test
  void theAllThatDecidesIsTheRedirectTargets() throws Exception {
    // Section 6.1: "the check_host() function ... is executed using the target-name as the
    // <domain> argument", and its result is the result.
    txt("example.gov.uk", "v=spf1 redirect=_spf.example.net")
        .txt("_spf.example.net", "v=spf1 ?all");

    Outcome o = evaluate("example.gov.uk");

    assertThat(o.result()).isEqualTo(Result.NEUTRAL);
    assertThat(o.decidedBy()).isEqualTo("?all");
  }

  @Test
  void aRedirectIsIgnoredWhenTheRecordHasAnAll() throws Exception {
    // Section 6.1: "any "redirect" modifier (Section 6.1) MUST be ignored" when the record
    // has an "all" mechanism (section 5.1); its target is then never asked.
    txt("example.gov.uk", "v=spf1 -all redirect=_spf.example.net");

    assertThat(evaluate("example.gov.uk").result()).isEqualTo(Result.FAIL);
    assertThat(asked).doesNotContain("_spf.example.net TXT");
  }

  @Test
  void aRedirectToADomainWithoutSpfIsAPermanentError() throws Exception {
    // Section 6.1: "if no SPF record is found, or if the <target-name> is malformed, the result
    // is a "permerror" rather than "none"."
    txt("example.gov.uk", "v=spf1 redirect=nowhere.example.net");

    Outcome o = evaluate("example.gov.uk");

    assertThat(o.result()).isEqualTo(Result.PERMERROR);
    assertThat(o.reason()).contains("redirect=nowhere.example.net");
  }

  @Test
  void tenDnsQueryingTermsAreAllowedAndAnEleventhIsAPermanentError() throws Exception {
    // Section 4.6.4: "SPF implementations MUST limit the total number of those terms to 10
    // during SPF evaluation, to avoid unreasonable load on the DNS. If this limit is exceeded,
    // the implementation MUST return "permerror"."
    StringBuilder ten = new StringBuilder("v=spf1");
    StringBuilder eleven = new StringBuilder("v=spf1");
    for (int i = 1; i <= 11; i++) {
      txt("i" + i + ".example.net", "v=spf1 ip4:192.0.2." + i + " -all");
      if (i <= 10) {
        ten.append(" include:i").append(i).append(".example.net");
      }
      eleven.append(" include:i").append(i).append(".example.net");
    }
    txt("ten.example.gov.uk", ten + " -all").txt("eleven.example.gov.uk", eleven + " -all");

    assertThat(evaluate("ten.example.gov.uk").result()).isEqualTo(Result.FAIL);
    Outcome o = evaluate("eleven.example.gov.uk");
    assertThat(o.result()).isEqualTo(Result.PERMERROR);
    assertThat(o.reason()).contains("more than 10 DNS-querying terms");
  }

  @Test
  void ip4Ip6AndAllAreNotCountedAsLookups() throws Exception {
    // Section 4.6.4: "the "all", "ip4", and "ip6" mechanisms, and the "exp" modifier ... do
    // not cause DNS queries at the time of SPF evaluation ... and they are not included in this
    // limit".
    StringBuilder record = new StringBuilder("v=spf1");
    for (int i = 1; i <= 20; i++) {
      record.append(" ip4:192.0.2.").append(i).append(" ip6:2001:db8::").append(i);
    }
    txt("example.gov.uk", record + " -all");

    SpfEvaluator e = evaluator();
    assertThat(e.evaluate("example.gov.uk").result()).isEqualTo(Result.FAIL);
    assertThat(e.lookups()).isZero();
  }

  @Test
  void twoVoidLookupsAreAllowedAndAThirdIsAPermanentError() throws Exception {
    // Section 4.6.4: "SPF implementations SHOULD limit "void lookups" to two. An implementation
    // MAY choose to make such a limit configurable. In this case, a default of two is
    // RECOMMENDED. Exceeding the limit produces a "permerror" result."; a void lookup is one
    // that returns "either a positive answer (RCODE 0) with an answer count of 0, or a "no
    // such domain" response (RCODE 3)".
    txt("two.example.gov.uk", "v=spf1 a:gone1.example.net mx:gone2.example.net -all");
    txt(
        "three.example.gov.uk",
        "v=spf1 a:gone1.example.net mx:gone2.example.net exists:gone3.example.net -all");

    assertThat(evaluate("two.example.gov.uk").result()).isEqualTo(Result.FAIL);
    Outcome o = evaluate("three.example.gov.uk");
    assertThat(o.result()).isEqualTo(Result.PERMERROR);
    assertThat(o.reason()).contains("void lookups").contains("gone3.example.net");
  }

  @Test
  void aNameThatExistsWithoutTheAskedTypeIsAVoidLookupToo() throws Exception {
    // Section 4.6.4: RCODE 0 with an answer count of 0 counts, as NXDOMAIN does.
    a("nomx1.example.net", "192.0.2.1").a("nomx2.example.net", "192.0.2.2");
    a("nomx3.example.net", "192.0.2.3");
    txt(
        "example.gov.uk",
        "v=spf1 mx:nomx1.example.net mx:nomx2.example.net mx:nomx3.example.net -all");

    assertThat(evaluate("example.gov.uk").result()).isEqualTo(Result.PERMERROR);
  }

  @Test
  void aTimeoutAnywhereInTheTreeIsATemporaryErrorNotAVoidLookup() throws Exception {
    // Section 4.4 (and 5): "If the DNS lookup returns a server failure (RCODE 2) or some other
    // error (RCODE other than 0 or 3), or if the lookup times out, then check_host() terminates
    // immediately with the result "temperror"."
    txt("example.gov.uk", "v=spf1 include:spf.example.net -all")
        .txt("spf.example.net", "v=spf1 a:slow.example.net -all")
        .failing("slow.example.net");

    Outcome o = evaluate("example.gov.uk");

    assertThat(o.result()).isEqualTo(Result.TEMPERROR);
    assertThat(o.reason()).contains("slow.example.net");
  }

  @Test
  void aCnameLoopInTheTreeIsATemporaryErrorThatTheZoneCauses() throws Exception {
    // RFC 1034 section 3.6.2: "CNAME loops signalled as an error"; RFC 7208 section 4.4: a
    // lookup error other than NXDOMAIN "terminates immediately with the result "temperror"".
    txt("example.gov.uk", "v=spf1 include:spf.example.net -all").looping("spf.example.net");

    SpfEvaluator e = evaluator();
    Outcome o = e.evaluate("example.gov.uk");

    assertThat(o.result()).isEqualTo(Result.TEMPERROR);
    assertThat(o.reason()).contains("loops back on itself");
    assertThat(e.zoneFault()).isTrue();
  }

  @Test
  void aTimeoutIsNoZoneFault() throws Exception {
    txt("example.gov.uk", "v=spf1 a:slow.example.net -all").failing("slow.example.net");

    SpfEvaluator e = evaluator();
    assertThat(e.evaluate("example.gov.uk").result()).isEqualTo(Result.TEMPERROR);
    assertThat(e.zoneFault()).isFalse();
  }

  @Test
  void anMxWithMoreThanTenHostsIsAPermanentError() throws Exception {
    // Section 4.6.4: "the evaluation of each "MX" record MUST NOT result in querying more than
    // 10 address records ... If this limit is exceeded, the "mx" mechanism MUST produce a
    // "permerror" result."
    for (int i = 1; i <= 11; i++) {
      mx("many.example.net", "mx" + i + ".example.net");
    }
    txt("example.gov.uk", "v=spf1 mx:many.example.net -all");

    assertThat(evaluate("example.gov.uk").result()).isEqualTo(Result.PERMERROR);
  }

  @Test
  void ptrIsNotedSoThatItCanBeWarnedAbout() throws Exception {
    // Section 5.5: "This mechanism SHOULD NOT be published."
    txt("example.gov.uk", "v=spf1 ptr -all");

    SpfEvaluator e = evaluator();
    assertThat(e.evaluate("example.gov.uk").result()).isEqualTo(Result.FAIL);
    assertThat(e.usesPtr()).isTrue();
  }

  @Test
  void macrosInAnIncludeAreExpandedNotLookedUpLiterally() throws Exception {
    // Section 7: a domain-spec is a macro-string; %{d} is the <domain> being evaluated.
    txt("example.gov.uk", "v=spf1 include:_spf.%{d} -all")
        .txt("_spf.example.gov.uk", "v=spf1 ip4:192.0.2.1 -all");

    assertThat(evaluate("example.gov.uk").result()).isEqualTo(Result.FAIL);
    assertThat(asked).contains("_spf.example.gov.uk TXT").noneMatch(q -> q.contains("%"));
  }

  /**
   * RFC 7208 section 7.4's examples, "sender "strong-bad@email.example.com"", the <domain>
   * "email.example.com": each macro and what it "would expand to".
   */
  @Test
  void macrosExpandAsTheRfcsExamplesSay() throws Exception {
    SpfEvaluator e = new SpfEvaluator(this::answer, "strong-bad@email.example.com");
    String d = "email.example.com";

    assertThat(e.expand("%{s}", d)).isEqualTo("strong-bad@email.example.com");
    assertThat(e.expand("%{o}", d)).isEqualTo("email.example.com");
    assertThat(e.expand("%{d}", d)).isEqualTo("email.example.com");
    assertThat(e.expand("%{d4}", d)).isEqualTo("email.example.com");
    assertThat(e.expand("%{d3}", d)).isEqualTo("email.example.com");
    assertThat(e.expand("%{d2}", d)).isEqualTo("example.com");
    assertThat(e.expand("%{d1}", d)).isEqualTo("com");
    assertThat(e.expand("%{dr}", d)).isEqualTo("com.example.email");
    assertThat(e.expand("%{d2r}", d)).isEqualTo("example.email");
    assertThat(e.expand("%{l}", d)).isEqualTo("strong-bad");
    assertThat(e.expand("%{l-}", d)).isEqualTo("strong.bad");
    assertThat(e.expand("%{lr}", d)).isEqualTo("strong-bad");
    assertThat(e.expand("%{lr-}", d)).isEqualTo("bad.strong");
    assertThat(e.expand("%{l1r-}", d)).isEqualTo("strong");
    assertThat(e.expand("%{lr-}.lp._spf.%{d2}", d)).isEqualTo("bad.strong.lp._spf.example.com");
    assertThat(e.expand("%{d2}.trusted-domains.example.net", d))
        .isEqualTo("example.com.trusted-domains.example.net");
  }

  @Test
  void theClientAddressMacroIsReversedByOctetAndVSaysInAddr() throws Exception {
    // Section 7.4: "%{ir}.%{v}._spf.%{d2}" is "3.2.0.192.in-addr._spf.example.com" for the
    // client 192.0.2.3; here the client is the evaluator's 203.0.113.77 (section 7.3: "v" is
    // the string "in-addr" if <ip> is IPv4).
    SpfEvaluator e = new SpfEvaluator(this::answer, "strong-bad@email.example.com");

    assertThat(SpfEvaluator.CLIENT_IP).isEqualTo("203.0.113.77");
    assertThat(e.expand("%{ir}.%{v}._spf.%{d2}", "email.example.com"))
        .isEqualTo("77.113.0.203.in-addr._spf.example.com");
  }

  @Test
  void uppercaseMacrosAreUrlEscaped() throws Exception {
    // Section 7.3: "Uppercase macros expand exactly as their lowercase equivalents, and are then
    // URL escaped. URL escaping MUST be performed for characters not in the "unreserved" set,
    // which is defined in [RFC3986]"; RFC 3986 section 2.3: unreserved = ALPHA / DIGIT / "-" /
    // "." / "_" / "~", and "@" (section 2.2, a gen-delim) is escaped as %40.
    SpfEvaluator e = new SpfEvaluator(this::answer, "strong-bad@email.example.com");

    assertThat(e.expand("%{S}", "email.example.com")).isEqualTo("strong-bad%40email.example.com");
    assertThat(e.expand("%{L}", "email.example.com")).isEqualTo("strong-bad");
  }

  @Test
  void theMacroEscapesAreExpanded() throws Exception {
    // Section 7.1: ""%%" expands to "%"; "%_" expands to a single " " space; "%-" expands to
    // a URL-encoded space, viz., "%20"".
    SpfEvaluator e = new SpfEvaluator(this::answer, "strong-bad@email.example.com");

    assertThat(e.expand("a%%b%_c%-d", "email.example.com")).isEqualTo("a%b c%20d");
  }

  @Test
  void thePartsOfEveryMacroAreRejoinedWithDots() throws Exception {
    // Section 7.3: "the replacement value for a macro letter is split into parts separated by one
    // or more of the specified delimiter characters. After performing any reversal operation
    // and/or removal of left-hand parts, the parts are rejoined using "." and not the original
    // splitting characters." For every letter: pyspf keeps the splitting characters for all but
    // l and s (SpfMacroDifferentialTest leaves those out).
    SpfEvaluator e = new SpfEvaluator(this::answer, "strong-bad@email.example.com");

    assertThat(e.expand("%{d-}", "x-y.example.com")).isEqualTo("x.y.example.com");
    assertThat(e.expand("%{dr.-}", "x-y.example.com")).isEqualTo("com.example.y.x");
    assertThat(e.expand("%{v-}", "example.com")).isEqualTo("in.addr");
  }

  @Test
  void anUnknownMacroLetterInADomainSpecIsAPermanentError() throws Exception {
    // Section 7.3: "The following macro letters are allowed only in "exp" text: c, r, t";
    // elsewhere they are an error in the record (section 4.6: "permerror"), as pyspf reads them.
    txt("example.gov.uk", "v=spf1 exists:%{c}.example.net -all");

    SpfEvaluator.Outcome o = evaluate("example.gov.uk");
    assertThat(o.result()).isEqualTo(Result.PERMERROR);
    assertThat(o.reason()).contains("'%{c}'", "RFC 7208 section 7.3");
  }
}
