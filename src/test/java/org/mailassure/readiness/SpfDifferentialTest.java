package org.mailassure.readiness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailassure.testing.Python.pick;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mailassure.readiness.dns.DnsClient;
import org.mailassure.testing.LoopbackDns;
import org.mailassure.testing.Python;

/**
 * SPF policies made at random (a fixed seed, so every run asks the same questions) from the terms
 * admins write and the mistakes they make, judged by mailassure's evaluator and by pyspf (Debian's
 * python3-spf, an independent RFC 7208 implementation) against the same loopback DNS server: the
 * two must give the same check_host() result for every one. Each exchanger of an MX record here has
 * one address lookup, so pyspf's count of void lookups (one per empty answer) and the RFC's (one
 * per term whose queries come back empty, section 4.6.4) agree. Each policy is judged for both
 * hosts mailassure judges for, 203.0.113.77 and 2001:db8::77, which its networks may take in.
 */
class SpfDifferentialTest {
  private static final int CASES = Integer.getInteger("spf.cases", 400);

  /** The helper names every case's zone holds, under the case's own domain. */
  private static void helpers(LoopbackDns z, String d) {
    z.add("a1." + d, "A", "192.0.2.1");
    z.add("a2." + d, "A", "198.51.100.2");
    z.add("a2." + d, "AAAA", "2001:db8::2");
    z.add("a1." + d, "AAAA", "2001:db8::1");
    z.add(d, "AAAA", "2001:db8::10");
    z.add(d, "A", "192.0.2.10");
    z.add(d, "MX", "10 a1." + d + ".");
    z.add("mx1." + d, "MX", "10 a1." + d + ".");
    z.add("mx2." + d, "MX", "10 nx." + d + ".");
    z.txt("nd." + d, "hello");
    z.txt("inc1." + d, "v=spf1 ip4:192.0.2.0/24 -all");
    z.txt("inc2." + d, "v=spf1 -all");
    z.txt("inc3." + d, "v=spf1 ?all");
    z.txt("inc4." + d, "just text");
    z.txt("inc5." + d, "v=spf1 ipv4:192.0.2.1 -all");
    z.txt("inc6." + d, "v=spf1 redirect=" + d);
    z.txt("inc7." + d, "v=spf1 a:nx." + d + " mx:nx." + d + " ~all");
    z.txt("inc8." + d, "v=spf1 include:inc1." + d + " include:inc2." + d + " ?all");
    z.txt("inc9." + d, "v=spf1 +all");
    z.txt("red1." + d, "v=spf1 ~all");
    z.txt("red2." + d, "v=spf1 a:a1." + d);
    z.add("postmaster." + d, "A", "127.0.0.2");
    z.add("77.113.0.203." + d, "A", "127.0.0.2");
    z.add("cn0." + d, "CNAME", "a1." + d + ".");
    z.add("cn1." + d, "CNAME", "nx." + d + ".");
    z.add("cn2." + d, "CNAME", "cn0." + d + ".");
    for (int i = 0; i < 11; i++) {
      z.add("mxmany." + d, "MX", (10 + i) + " a1." + d + ".");
    }
  }

  private static final String[] QUALIFIERS = {"", "", "", "+", "-", "~", "?"};

  private static String term(Random r, String d) {
    String q = QUALIFIERS[r.nextInt(QUALIFIERS.length)];
    String[] names = {
      "a1", "a2", "nx", "nd", "mx1", "mx2", "inc1", "inc2", "inc3", "inc4", "inc5", "inc6", "inc7",
      "inc8", "inc9"
    };
    String n = names[r.nextInt(names.length)] + "." + d;
    return switch (r.nextInt(31)) {
      case 0 -> q + "a";
      case 1 -> q + "a:" + n;
      case 2 -> q + "a/" + (16 + r.nextInt(17));
      case 3 -> q + "a:" + n + "/24//64";
      case 4 -> q + "mx";
      case 5 -> q + "mx:" + n;
      case 6 -> q + "mx/" + (16 + r.nextInt(20));
      case 7 -> q + "include:" + n;
      case 8 -> q + "include:inc" + (1 + r.nextInt(9)) + "." + d;
      case 9 ->
          q + "ip4:192.0.2." + r.nextInt(256) + (r.nextBoolean() ? "/" + (16 + r.nextInt(17)) : "");
      case 10 ->
          q
              + (r.nextInt(4) == 0
                  // IPv4-mapped (RFC 4291 section 2.5.5.2), the judged IPv4 host's too.
                  ? "ip6:::ffff:" + pick(r, "192.0.2.1", "203.0.113.77")
                  : "ip6:2001:db8::" + Integer.toHexString(r.nextInt(65536)))
              + (r.nextBoolean()
                  ? "/" + pick(r, "0", "1", "16", "32", "64", "96", "120", "128")
                  : "");
      case 11 -> q + "exists:" + n;
      case 12 -> q + "exists:%{l}." + d;
      case 13 -> q + "exists:%{ir}.%{d}";
      case 14 -> q + "exists:%{d2}";
      case 15 -> q + "ptr";
      case 16 -> "redirect=red" + (1 + r.nextInt(2)) + "." + d;
      case 17 -> "exp=explain." + d;
      // Each unknown modifier named once: pyspf refuses a repeated one, which RFC 7208 section 6
      // says to ignore "no matter where, or how often" (SpfCorpusTest has that case).
      case 18 -> "note" + r.nextInt(1_000_000_000) + "=" + d;
      case 19 ->
          pick(
              r,
              "ipv4:192.0.2.1",
              "ip4:192.0.2.300",
              "ip4:192.0.2.1/33",
              "a:",
              "mx//129",
              "include",
              "exists:%{x}." + d,
              "redirect=",
              "all:foo",
              "ip6:2001:db8::1/129",
              "a:" + d + "/24/64",
              "%{d}",
              "include:%{l}." + d,
              "exists:%{l-}." + d,
              "a:%%." + d,
              "exists:%{i}.%{d}");
      case 20 -> q + "a:" + "nx" + r.nextInt(4) + "." + d;
      case 21 -> q + "include:" + "nx" + r.nextInt(4) + "." + d;
      case 22 -> q + "exists:" + "nx" + r.nextInt(4) + "." + d;
      case 23 ->
          q
              + "exists:"
              + pick(
                  r,
                  "%{d1r}.%{d}",
                  "%{o}",
                  "%{s}",
                  "%{v}.%{d}",
                  "%{h}",
                  "%{ir}.%{v}._spf.%{d}",
                  "%{L}.%{d}",
                  "%{l1r-}.%{d}",
                  "%{d3}",
                  "%{i2}.%{d}",
                  "%{ir}.%{d2}",
                  "%{dr}",
                  "%{c}.%{d}",
                  "%{l}.%-%_.%{d}");
      case 24 ->
          pick(r, "A:", "MX", "Include:", "ALL", "Ip4:", "EXISTS:") + (r.nextBoolean() ? n : "");
      case 25 -> q + "include:inc8." + d;
      case 26 -> q + "a:cn" + 2 * r.nextInt(2) + "." + d;
      case 27 -> q + "mx:mxmany." + d;
      case 28 -> q + "include:" + n + ".";
      case 29 -> mutated(r, term(r, d));
      default -> q + "all";
    };
  }

  /**
   * A term with one character inserted, removed or replaced: the typos admins make. Not inside a
   * macro: pyspf reads malformed macros (%{dA}, %{s~}) that RFC 7208 section 7.1's grammar does not
   * allow, which mailassure calls permerror as the RFC does (SpfCorpusTest has one).
   */
  private static String mutated(Random r, String term) {
    String alphabet = ":/=%{}.-_+~?!0123456789aAzZ";
    if (term.isEmpty() || term.contains("%")) {
      return term;
    }
    int at = r.nextInt(term.length());
    char c = alphabet.charAt(r.nextInt(alphabet.length()));
    return switch (r.nextInt(3)) {
      case 0 -> term.substring(0, at) + c + term.substring(at);
      case 1 -> term.substring(0, at) + term.substring(at + 1);
      default -> term.substring(0, at) + c + term.substring(at + 1);
    };
  }

  private static String policy(Random r, String d) {
    StringBuilder s = new StringBuilder("v=spf1");
    int terms = 1 + r.nextInt(7);
    for (int i = 0; i < terms; i++) {
      s.append(' ').append(term(r, d));
    }
    if (r.nextInt(3) == 0) {
      s.append(' ').append(QUALIFIERS[3 + r.nextInt(4)]).append("all");
    }
    // pyspf counts a redirect= towards the ten lookups even where an all makes the RFC ignore it
    // (section 5.1); SpfCorpusTest holds that case to the RFC.
    if (java.util.regex.Pattern.compile("(^| )[-+~?]?all( |$)").matcher(s).find()) {
      return s.toString().replaceAll(" redirect=[^ ]*", "");
    }
    return s.toString();
  }

  /** An independent implementation asked for check_host() of each domain, for mail from ip. */
  interface Oracle {
    Map<String, String> judge(String dnsAddress, String ip, java.util.Collection<String> domains)
        throws Exception;
  }

  @Test
  void mailassureAndPyspfGiveTheSameResultForRandomPolicies() throws Exception {
    Python.assumeModules("spf, DNS", "pyspf (Debian's python3-spf)");
    assertThat(judgedApart("pyspf", Python::pyspf)).isEmpty();
  }

  @Test
  void mailassureAndMailSpfGiveTheSameResultForRandomPolicies() throws Exception {
    org.mailassure.testing.Perl.assumeModule("Mail::SPF", "Mail::SPF (Debian's libmail-spf-perl)");
    Map<String, String> apart = judgedApart("Mail::SPF", org.mailassure.testing.Perl::mailSpf);
    apart.values().removeIf(SpfDifferentialTest::mailSpfDeparts);
    assertThat(apart).isEmpty();
  }

  /**
   * Whether a policy takes one of the three paths where Mail::SPF 2.9.0 (written to RFC 4408,
   * before RFC 7208) departs from RFC 7208, which mailassure and pyspf follow. An mx whose name has
   * more than ten MX records: RFC 7208 section 4.6.4 has the mx mechanism "produce a 'permerror'
   * result", Mail::SPF checks ten and goes on. An ip6 network that takes in IPv4-mapped addresses
   * (::ffff:0:0/96, RFC 4291 section 2.5.5.2): Mail::SPF matches an IPv4 client against it as that
   * mapped address, RFC 7208 section 5 has "<ip>" as the client's own address family. And a macro
   * letter the grammar does not have (%{x}, section 7.1's macro-letter) or one that section 7.3
   * allows "only in 'exp' text" (%{c}, %{r}, %{t}): Mail::SPF expands the latter anywhere and looks
   * for syntax errors only in the terms it reaches; pyspf, as mailassure, calls both permerror.
   */
  static boolean mailSpfDeparts(String judged) {
    String policy = judged.substring(0, judged.indexOf("  => "));
    if (policy.contains("mxmany.") || policy.matches(".*%\\{[xcrtXCRT].*")) {
      return true;
    }
    for (String term : policy.split(" ")) {
      String t = term.replaceFirst("^[-+~?]", "").toLowerCase(java.util.Locale.ROOT);
      if (t.startsWith("ip6:") && takesInMappedAddresses(t.substring(4))) {
        return true;
      }
    }
    return false;
  }

  /** Whether an ip6 network (address and optional /length) overlaps ::ffff:0:0/96. */
  private static boolean takesInMappedAddresses(String network) {
    int slash = network.indexOf('/');
    String address = slash < 0 ? network : network.substring(0, slash);
    int bits;
    byte[] b;
    try {
      bits = slash < 0 ? 128 : Integer.parseInt(network.substring(slash + 1));
      b = java.net.InetAddress.getByName(address).getAddress();
    } catch (NumberFormatException | java.net.UnknownHostException e) {
      return false; // not a network: a syntax error, which both read as permerror
    }
    if (b.length == 4) {
      return true; // the JDK gives an IPv4-mapped literal as its IPv4 address
    }
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    for (int bit = 0; bit < Math.min(bits, 96); bit++) {
      int mask = 0x80 >> (bit % 8);
      if ((b[bit / 8] & mask) != (mapped[bit / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  /** The random policies (and hosts) mailassure and the oracle judge apart, with both results. */
  private static Map<String, String> judgedApart(String name, Oracle oracle) throws Exception {
    Random random = new Random(Long.getLong("spf.seed", 20261206L));
    Map<String, String> policies = new LinkedHashMap<>();
    try (LoopbackDns dns = new LoopbackDns()) {
      for (int i = 0; i < CASES; i++) {
        String d = "c" + i + ".fz.test";
        helpers(dns, d);
        String p = policy(random, d);
        dns.txt(d, p);
        policies.put(d, p);
      }
      DnsClient client = new DnsClient(List.of(dns.address()), Duration.ofSeconds(5));
      Map<String, String> differ = new LinkedHashMap<>();
      for (boolean ipv6 : new boolean[] {false, true}) {
        Map<String, String> theirs =
            oracle.judge(
                dns.address(),
                ipv6 ? SpfEvaluator.CLIENT_IP6 : SpfEvaluator.CLIENT_IP,
                policies.keySet());
        for (var e : policies.entrySet()) {
          SpfEvaluator.Outcome o =
              new SpfEvaluator(client::get, "postmaster@" + e.getKey(), ipv6).evaluate(e.getKey());
          String mine = o.result().name().toLowerCase(java.util.Locale.ROOT);
          if (!mine.equals(theirs.get(e.getKey()))) {
            differ.put(
                e.getKey() + (ipv6 ? " (IPv6)" : " (IPv4)"),
                e.getValue()
                    + "  => mailassure "
                    + mine
                    + " ("
                    + o.reason()
                    + "), "
                    + name
                    + " "
                    + theirs.get(e.getKey()));
          }
        }
      }
      System.out.println(
          2 * policies.size()
              + " random policies and hosts, "
              + differ.size()
              + " judged apart by mailassure and "
              + name);
      differ.forEach((k, v) -> System.out.println(k + ": " + v));
      return differ;
    }
  }
}
