package org.mailassure.readiness;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mailassure.readiness.dns.DnsAnswer;
import org.xbill.DNS.Type;

/**
 * Evaluates a domain's SPF policy as a receiver's {@code check_host()} does (RFC 7208 section 4)
 * for mail from a host the policy does not list: every term is parsed (a syntax error or an unknown
 * mechanism is {@code permerror}, section 4.6), every DNS-querying term is counted (more than 10 is
 * {@code permerror}, section 4.6.4) and resolved (more than 2 void lookups, NXDOMAIN or no data, is
 * {@code permerror}), {@code include:} targets are evaluated (their {@code none} is {@code
 * permerror}, section 5.2), {@code redirect=} is followed when no mechanism matched and the record
 * has no {@code all} (its target's {@code none} is {@code permerror}, section 6.1), macros in
 * domain-specs are expanded (section 7) for that host, and a DNS timeout or SERVFAIL anywhere is
 * {@code temperror}. The host is {@link #CLIENT_IP} (or {@link #CLIENT_IP6}), a documentation
 * address no policy should list, so the result is what the policy says of everyone it does not
 * name; {@code ip4}, {@code ip6}, {@code a} and {@code mx} terms are still matched against it, as
 * receivers match them, so that a prefix short enough to take in nearly every host ({@code a/0},
 * {@code ip6:::/0}) is judged as the near-{@code +all} it is. Not thread-safe: one instance per
 * evaluation.
 */
final class SpfEvaluator {
  /** The host whose mail is judged: a documentation address (RFC 5737) no policy should list. */
  static final String CLIENT_IP = "203.0.113.77";

  /** The IPv6 host judged beside it: a documentation address too (RFC 3849). */
  static final String CLIENT_IP6 = "2001:db8::77";

  static final int MAX_LOOKUPS = 10;
  static final int MAX_VOID = 2;
  private static final int MAX_MX_NAMES = 10;

  /** What {@code check_host()} returned, and why. */
  enum Result {
    PASS,
    FAIL,
    SOFTFAIL,
    NEUTRAL,
    NONE,
    PERMERROR,
    TEMPERROR
  }

  /**
   * The outcome of an evaluation.
   *
   * @param decidedBy the term that decided ("-all", "redirect=…", "no match"), or null on error
   * @param reason why, for an error
   */
  record Outcome(Result result, String decidedBy, String reason) {}

  private static final class Stop extends Exception {
    private static final long serialVersionUID = 1L;
    final Result result;

    Stop(Result result, String reason) {
      super(reason, null, false, false);
      this.result = result;
    }
  }

  /**
   * ip4-network and ip4-cidr-length (RFC 7208 section 5.6): qnum has no leading zero, and neither
   * has a length ("/" ("0" / %x31-39 0*1DIGIT)); values over 255 and 32 are refused apart.
   */
  private static final Pattern IP4 =
      Pattern.compile(
          "(0|[1-9]\\d{0,2})\\.(0|[1-9]\\d{0,2})\\.(0|[1-9]\\d{0,2})\\.(0|[1-9]\\d{0,2})"
              + "(?:/(0|[1-9]\\d?))?");

  private static final Pattern SPACES = Pattern.compile(" +");
  private static final Pattern TOP_LABEL = Pattern.compile("(?i)[a-z0-9]([a-z0-9-]*[a-z0-9])?");
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");
  private static final Pattern MODIFIER = Pattern.compile("([A-Za-z][A-Za-z0-9_.-]*)=(.*)");
  private static final Pattern MECHANISM = Pattern.compile("([A-Za-z][A-Za-z0-9_.-]*)(.*)");

  /** dual-cidr-length (RFC 7208 section 5.6), without leading zeros as the grammar has it. */
  private static final Pattern CIDRS =
      Pattern.compile("(/(?:0|[1-9]\\d?))?(//(?:0|[1-9]\\d{0,2}))?");

  /**
   * An a or mx target and its dual-cidr-length (RFC 7208 section 5.6), which is the end of the
   * term: a '/' before it belongs to the domain-spec, whose macro-literals allow it (section 7.1).
   */
  private static final Pattern TARGET_AND_CIDRS = Pattern.compile("(.*?)((?:/\\d+)?(?://\\d+)?)");

  private static final Pattern MACRO =
      Pattern.compile("([slodiphv])(\\d*)(r?)([.\\-+,/_=]*)", Pattern.CASE_INSENSITIVE);

  /** One mechanism of a record, parsed: {@code -include:x} is ("-", "include", ":x"). */
  private record Directive(String qualifier, String name, String rest, String term) {}

  private final BiFunction<String, Integer, DnsAnswer> dns;
  private final String sender;

  /** The client's address: 4 bytes, or 16 for the IPv6 host. */
  private final byte[] client;

  private int lookups;
  private int voids;
  private final List<String> includes = new ArrayList<>();
  private boolean ptr;
  private boolean zoneFault;

  /**
   * @param dns asks one question (name, type)
   * @param sender the envelope sender whose mail is judged, for the macros
   */
  SpfEvaluator(BiFunction<String, Integer, DnsAnswer> dns, String sender) {
    this(dns, sender, false);
  }

  /**
   * @param ipv6 judge for {@link #CLIENT_IP6} rather than {@link #CLIENT_IP}: a and mx then ask for
   *     AAAA records, ip6 networks can match, and %{i}, %{v} and ptr take the IPv6 forms
   */
  SpfEvaluator(BiFunction<String, Integer, DnsAnswer> dns, String sender, boolean ipv6) {
    this.dns = dns;
    this.sender = sender;
    this.client = literal(ipv6 ? CLIENT_IP6 : CLIENT_IP);
  }

  private boolean ipv6() {
    return client.length == 16;
  }

  private static byte[] literal(String ip) {
    try {
      return java.net.InetAddress.getByName(ip).getAddress();
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(ip, e);
    }
  }

  int lookups() {
    return lookups;
  }

  /** Every include and redirect target met, expanded, in order. */
  List<String> includes() {
    return includes;
  }

  /** Whether a {@code ptr} mechanism was met (RFC 7208 section 5.5: do not use it). */
  boolean usesPtr() {
    return ptr;
  }

  Outcome evaluate(String domain) {
    try {
      return checkHost(domain, 0);
    } catch (Stop s) {
      return new Outcome(s.result, null, s.getMessage());
    }
  }

  /** The one SPF record of a domain: null for none; permerror for several. */
  private String record(String domain) throws Stop {
    DnsAnswer a = dns.apply(domain, Type.TXT);
    if (a instanceof DnsAnswer.Failed f) {
      throw temperror(domain + " TXT", f);
    }
    List<String> spf = Txt.spf(a);
    if (spf.size() > 1) {
      throw new Stop(
          Result.PERMERROR,
          spf.size() + " v=spf1 records at " + domain + " (RFC 7208 section 4.5)");
    }
    return spf.isEmpty() ? null : spf.get(0);
  }

  private Outcome checkHost(String domain, int depth) throws Stop {
    if (!askable(domain)) {
      // RFC 7208 section 4.3: "If the <domain> is malformed (e.g., label longer than 63
      // characters, zero-length label not at the end, etc.) ... check_host() immediately returns
      // the result "none"" (so an include: or redirect= of it is permerror).
      return new Outcome(Result.NONE, null, domain + " is not a domain name");
    }
    String record = record(domain);
    if (record == null) {
      return new Outcome(Result.NONE, null, "no v=spf1 record at " + domain);
    }
    String[] terms = SPACES.split(record.strip());
    String redirect = null;
    String exp = null;
    boolean hasAll = false;
    List<Directive> directives = new ArrayList<>();
    for (int i = 1; i < terms.length; i++) {
      String term = terms[i];
      Matcher mod = MODIFIER.matcher(term);
      if (mod.matches()) {
        String name = mod.group(1).toLowerCase(Locale.ROOT);
        if (name.equals("redirect") || name.equals("exp")) {
          if ((name.equals("redirect") ? redirect : exp) != null) {
            throw new Stop(
                Result.PERMERROR,
                "the record at " + domain + " has " + name + "= twice (RFC 7208 section 6)");
          }
          checkDomainSpec(mod.group(2), term, domain);
          if (name.equals("redirect")) {
            redirect = mod.group(2);
          } else {
            exp = mod.group(2);
          }
        }
        // Unknown modifiers are ignored (RFC 7208 section 6), but their value is still a
        // macro-string (unknown-modifier = name "=" macro-string), and a syntax error anywhere in
        // the record is permerror (section 4.6).
        expand(mod.group(2), domain);
        continue;
      }
      String qualifier = "+";
      String body = term;
      if (!term.isEmpty() && "+-~?".indexOf(term.charAt(0)) >= 0) {
        qualifier = term.substring(0, 1);
        body = term.substring(1);
      }
      Matcher m = MECHANISM.matcher(body);
      if (!m.matches()) {
        throw syntax(domain, term);
      }
      String name = m.group(1).toLowerCase(Locale.ROOT);
      String rest = m.group(2);
      switch (name) {
        case "all" -> {
          if (!rest.isEmpty()) {
            throw syntax(domain, term);
          }
          hasAll = true;
        }
        case "include", "exists" -> {
          if (!rest.startsWith(":") || rest.length() == 1) {
            throw syntax(domain, term);
          }
          checkDomainSpec(rest.substring(1), term, domain);
        }
        case "a", "mx" -> checkAddressSpec(rest, term, domain);
        case "ptr" -> {
          if (!rest.isEmpty()) {
            if (!rest.startsWith(":")) {
              throw syntax(domain, term);
            }
            checkDomainSpec(rest.substring(1), term, domain);
          }
        }
        case "ip4" -> {
          Matcher ip = IP4.matcher(rest.startsWith(":") ? rest.substring(1) : "!");
          if (!ip.matches() || !validIp4(ip)) {
            throw syntax(domain, term);
          }
        }
        case "ip6" -> {
          if (!rest.startsWith(":") || !validIp6(rest.substring(1))) {
            throw syntax(domain, term);
          }
        }
        default ->
            throw new Stop(
                Result.PERMERROR,
                "unknown mechanism '"
                    + term
                    + "' in the record at "
                    + domain
                    + " (RFC 7208 section 5; a typo such as ipv4: for ip4:?)");
      }
      directives.add(new Directive(qualifier, name, rest, term));
    }
    for (Directive d : directives) {
      String rest = d.rest();
      boolean match =
          switch (d.name()) {
            case "all" -> true;
            case "include" -> include(expand(rest.substring(1), domain), depth);
            case "a" -> {
              count();
              yield inNetwork(
                  addresses(expand(targetOf(rest, domain), domain), addressType()), cidr(rest));
            }
            case "mx" -> {
              count();
              yield inNetwork(mx(expand(targetOf(rest, domain), domain)), cidr(rest));
            }
            case "ptr" -> {
              count();
              ptr = true;
              // The client's PTR lookup (RFC 7208 section 5.5); its failure is "no match", never
              // an error, and the client has no name in any policy's domain. A client without a
              // PTR record (most hosts) makes it a void lookup, counted as pyspf counts it.
              String reverse = reverse(client);
              if (dns.apply(reverse, Type.PTR).absent()) {
                voided("ptr, for a sending host with no PTR record");
              }
              yield false;
            }
            case "exists" -> {
              count();
              // Section 5.7: an A query "even when the connection type is IP version 6".
              yield !addresses(expand(rest.substring(1), domain), Type.A).isEmpty();
            }
            case "ip4", "ip6" -> {
              String network = rest.substring(1);
              int slash = network.indexOf('/');
              String host = slash < 0 ? network : network.substring(0, slash);
              byte[] address = d.name().equals("ip6") ? ip6(host) : literal(host);
              int bits =
                  slash < 0 ? address.length * 8 : Integer.parseInt(network.substring(slash + 1));
              yield inNetwork(List.of(address), bits);
            }
            default -> false;
          };
      if (match) {
        return new Outcome(result(d.qualifier()), d.term(), null);
      }
    }
    if (redirect != null && !hasAll) {
      count();
      String target = expand(redirect, domain);
      includes.add(target.toLowerCase(Locale.ROOT));
      if (depth >= MAX_LOOKUPS) {
        throw new Stop(Result.PERMERROR, "redirects nest too deeply (a loop?) at " + target);
      }
      Outcome o = checkHost(target, depth + 1);
      if (o.result() == Result.NONE) {
        throw new Stop(
            Result.PERMERROR,
            askable(target)
                ? "redirect=" + target + " names a domain with no SPF record (RFC 7208 section 6.1)"
                : "redirect=" + target + " is not a domain name (RFC 7208 sections 4.3 and 6.1)");
      }
      return new Outcome(o.result(), o.decidedBy(), o.reason());
    }
    return new Outcome(Result.NEUTRAL, "no match", null);
  }

  private boolean include(String target, int depth) throws Stop {
    count();
    includes.add(target.toLowerCase(Locale.ROOT));
    if (depth >= MAX_LOOKUPS) {
      throw new Stop(Result.PERMERROR, "includes nest too deeply (a loop?) at " + target);
    }
    Outcome o = checkHost(target, depth + 1);
    return switch (o.result()) {
      case PASS -> true;
      case FAIL, SOFTFAIL, NEUTRAL -> false;
      case NONE ->
          throw new Stop(
              Result.PERMERROR,
              askable(target)
                  ? "include:"
                      + target
                      + " names a domain with no SPF record (RFC 7208 section 5.2)"
                  : "include:" + target + " is not a domain name (RFC 7208 sections 4.3 and 5.2)");
      case PERMERROR, TEMPERROR -> throw new Stop(o.result(), o.reason());
    };
  }

  /**
   * A question in the tree without a usable answer: temperror (RFC 7208 section 4.4), remembered as
   * the zone's fault when its CNAME chain cannot be followed.
   */
  private Stop temperror(String question, DnsAnswer.Failed f) {
    zoneFault |= f.zoneFault();
    return new Stop(Result.TEMPERROR, question + ": " + f.reason());
  }

  /**
   * Whether a temperror came from a CNAME chain that cannot be followed, not from the resolvers.
   */
  boolean zoneFault() {
    return zoneFault;
  }

  private void count() throws Stop {
    lookups++;
    if (lookups > MAX_LOOKUPS) {
      throw new Stop(
          Result.PERMERROR,
          "more than "
              + MAX_LOOKUPS
              + " DNS-querying terms (include, a, mx, ptr, exists, redirect) after expansion"
              + " (RFC 7208 section 4.6.4)");
    }
  }

  /**
   * Whether a name can be asked at all: one with an empty label ({@code a..b}), a label over 63
   * characters, or over 253 characters is not looked up and matches nothing, as pyspf does; the
   * grammar allows it as a macro-string.
   */
  private static boolean askable(String name) {
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    if (n.isEmpty() || n.length() > 253) {
      return false;
    }
    for (String label : n.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > 63) {
        return false;
      }
    }
    return true;
  }

  /** Resolves a name's addresses of one type (A or AAAA); a void answer is counted. */
  private List<byte[]> addresses(String name, int type) throws Stop {
    if (!askable(name)) {
      return List.of();
    }
    DnsAnswer a = dns.apply(name, type);
    if (a instanceof DnsAnswer.Failed f) {
      throw temperror(name + " " + Type.string(type), f);
    }
    if (a.absent()) {
      voided(name);
      return List.of();
    }
    return addressesOf(a);
  }

  private static List<byte[]> addressesOf(DnsAnswer a) {
    if (!(a instanceof DnsAnswer.Records r)) {
      return List.of();
    }
    List<byte[]> out = new ArrayList<>();
    for (org.xbill.DNS.Record x : r.records()) {
      if (x instanceof org.xbill.DNS.ARecord ar) {
        out.add(ar.getAddress().getAddress());
      } else if (x instanceof org.xbill.DNS.AAAARecord ar) {
        out.add(ar.getAddress().getAddress());
      }
    }
    return out;
  }

  /** The addresses of a name's exchangers, of the client's family; void answers are counted. */
  private List<byte[]> mx(String name) throws Stop {
    if (!askable(name)) {
      return List.of();
    }
    DnsAnswer a = dns.apply(name, Type.MX);
    if (a instanceof DnsAnswer.Failed f) {
      throw temperror(name + " MX", f);
    }
    if (a.absent()) {
      voided(name);
      return List.of();
    }
    List<org.xbill.DNS.Record> rs = ((DnsAnswer.Records) a).records();
    if (rs.size() > MAX_MX_NAMES) {
      throw new Stop(
          Result.PERMERROR,
          name + " has " + rs.size() + " MX records; mx allows 10 (RFC 7208 section 4.6.4)");
    }
    String voidHost = null;
    List<byte[]> addresses = new ArrayList<>();
    for (org.xbill.DNS.Record r : rs) {
      String host = ((org.xbill.DNS.MXRecord) r).getTarget().toString(true);
      DnsAnswer h = dns.apply(host, addressType());
      if (h instanceof DnsAnswer.Failed f) {
        throw temperror(host + " " + Type.string(addressType()), f);
      }
      if (h.absent() && voidHost == null) {
        voidHost = host;
      }
      addresses.addAll(addressesOf(h));
    }
    // A term "for which DNS queries return" no data or NXDOMAIN is one void lookup (section
    // 4.6.4), however many of its exchangers' lookups come back empty.
    if (voidHost != null) {
      voided(voidHost);
    }
    return addresses;
  }

  private void voided(String name) throws Stop {
    voids++;
    if (voids > MAX_VOID) {
      throw new Stop(
          Result.PERMERROR,
          "more than "
              + MAX_VOID
              + " void lookups (names with no record), the last "
              + name
              + " (RFC 7208 section 4.6.4)");
    }
  }

  private static Result result(String qualifier) {
    return switch (qualifier) {
      case "-" -> Result.FAIL;
      case "~" -> Result.SOFTFAIL;
      case "?" -> Result.NEUTRAL;
      default -> Result.PASS;
    };
  }

  private static String targetOf(String rest, String domain) {
    if (rest.startsWith(":")) {
      Matcher m = TARGET_AND_CIDRS.matcher(rest.substring(1));
      return m.matches() ? m.group(1) : rest.substring(1);
    }
    return domain;
  }

  /**
   * An a or mx term's cidr-length for the client's family (its ip4-cidr-length, or its
   * ip6-cidr-length after "//"), the whole address when it has none.
   */
  private int cidr(String rest) {
    String cidr = rest;
    if (rest.startsWith(":")) {
      Matcher m = TARGET_AND_CIDRS.matcher(rest.substring(1));
      cidr = m.matches() ? m.group(2) : "";
    }
    Matcher c = CIDRS.matcher(cidr);
    if (ipv6()) {
      return c.matches() && c.group(2) != null ? Integer.parseInt(c.group(2).substring(2)) : 128;
    }
    return c.matches() && c.group(1) != null ? Integer.parseInt(c.group(1).substring(1)) : 32;
  }

  /** The address records a and mx ask for: the client's family. */
  private int addressType() {
    return ipv6() ? Type.AAAA : Type.A;
  }

  /**
   * Whether the client is in the network of any of the addresses at this prefix length (RFC 7208
   * section 5.6): no policy should list the documentation address it uses, but a short prefix
   * ({@code a/0}, {@code ip4:192.0.2.1/1}) lists nearly every host, this one too, and receivers
   * then match it.
   */
  private boolean inNetwork(List<byte[]> addresses, int bits) {
    for (byte[] a : addresses) {
      if (a.length != client.length) {
        continue; // an ip4 network never holds the IPv6 host, nor ip6 the IPv4 one
      }
      boolean same = true;
      for (int bit = 0; bit < bits && same; bit++) {
        int mask = 0x80 >> (bit % 8);
        same = (a[bit / 8] & mask) == (client[bit / 8] & mask);
      }
      if (same) {
        return true;
      }
    }
    return false;
  }

  private Stop syntax(String domain, String term) {
    return new Stop(
        Result.PERMERROR,
        "'" + term + "' in the record at " + domain + " is not valid SPF (RFC 7208 section 12)");
  }

  private void checkAddressSpec(String rest, String term, String domain) throws Stop {
    String spec = rest;
    String cidr = "";
    if (spec.startsWith(":")) {
      Matcher m = TARGET_AND_CIDRS.matcher(spec.substring(1));
      if (!m.matches()) {
        throw syntax(domain, term);
      }
      spec = m.group(1);
      cidr = m.group(2);
      checkDomainSpec(spec, term, domain);
    } else {
      cidr = spec;
    }
    Matcher c = CIDRS.matcher(cidr);
    if (!c.matches()
        || (c.group(1) != null && Integer.parseInt(c.group(1).substring(1)) > 32)
        || (c.group(2) != null && Integer.parseInt(c.group(2).substring(2)) > 128)) {
      throw syntax(domain, term);
    }
  }

  /** A domain-spec: a macro-string that expands to a host name (RFC 7208 sections 7.1, 4.8). */
  private void checkDomainSpec(String spec, String term, String domain) throws Stop {
    if (spec.isEmpty()) {
      throw syntax(domain, term);
    }
    String expanded = expand(spec, domain);
    String name = expanded.endsWith(".") ? expanded.substring(0, expanded.length() - 1) : expanded;
    if (name.isEmpty()) {
      throw syntax(domain, term);
    }
    String[] labels = name.split("\\.");
    String top = labels[labels.length - 1];
    if (labels.length < 2 && !spec.contains("%")
        || !TOP_LABEL.matcher(top).matches()
        || DIGITS.matcher(top).matches()) {
      throw syntax(domain, term);
    }
  }

  /** Expands the macros of a domain-spec (RFC 7208 section 7) for {@link #CLIENT_IP}. */
  String expand(String spec, String domain) throws Stop {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < spec.length(); i++) {
      char c = spec.charAt(i);
      if (c != '%') {
        out.append(c);
        continue;
      }
      if (i + 1 >= spec.length()) {
        throw macro(spec);
      }
      char n = spec.charAt(++i);
      switch (n) {
        case '%' -> out.append('%');
        case '_' -> out.append(' ');
        case '-' -> out.append("%20");
        case '{' -> {
          int end = spec.indexOf('}', i);
          if (end < 0) {
            throw macro(spec);
          }
          out.append(macroValue(spec.substring(i + 1, end), domain, spec));
          i = end;
        }
        default -> throw macro(spec);
      }
    }
    return out.toString();
  }

  private String macroValue(String body, String domain, String spec) throws Stop {
    Matcher m = MACRO.matcher(body);
    if (!m.matches()) {
      if (!body.isEmpty() && "crtCRT".indexOf(body.charAt(0)) >= 0) {
        throw new Stop(
            Result.PERMERROR,
            "'%{"
                + body
                + "}' in '"
                + spec
                + "' is a macro only exp= may use (RFC 7208 section 7.3: c, r and t \"are allowed"
                + " only in 'exp' text\")");
      }
      throw macro(spec);
    }
    String local = sender.substring(0, sender.indexOf('@'));
    String senderDomain = sender.substring(sender.indexOf('@') + 1);
    String value =
        switch (Character.toLowerCase(m.group(1).charAt(0))) {
          case 's' -> sender;
          case 'l' -> local;
          case 'o' -> senderDomain;
          case 'd' -> domain;
          case 'i' -> dotted(client);
          case 'p' -> "unknown";
          case 'v' -> ipv6() ? "ip6" : "in-addr";
          case 'h' -> senderDomain;
          default -> throw macro(spec);
        };
    String delimiters = m.group(4).isEmpty() ? "." : m.group(4);
    List<String> parts =
        new ArrayList<>(List.of(value.split("[" + Pattern.quote(delimiters) + "]", -1)));
    if (!m.group(3).isEmpty()) {
      java.util.Collections.reverse(parts);
    }
    if (!m.group(2).isEmpty()) {
      int keep = Integer.parseInt(m.group(2));
      if (keep == 0) {
        throw macro(spec);
      }
      if (keep < parts.size()) {
        parts = parts.subList(parts.size() - keep, parts.size());
      }
    }
    String expanded = String.join(".", parts);
    return Character.isUpperCase(m.group(1).charAt(0)) ? urlEscaped(expanded) : expanded;
  }

  /**
   * RFC 7208 section 7.3: "Uppercase macros expand exactly as their lowercase equivalents, and are
   * then URL escaped": every octet outside RFC 3986's unreserved set becomes {@code %XX}.
   */
  private static String urlEscaped(String s) {
    StringBuilder b = new StringBuilder();
    for (byte x : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
        b.append((char) c);
      } else {
        b.append('%').append(String.format(Locale.ROOT, "%02X", c));
      }
    }
    return b.toString();
  }

  private static Stop macro(String spec) {
    return new Stop(
        Result.PERMERROR, "'" + spec + "' is not a valid macro-string (RFC 7208 section 7.1)");
  }

  private static boolean validIp4(Matcher ip) {
    for (int g = 1; g <= 4; g++) {
      if (Integer.parseInt(ip.group(g)) > 255) {
        return false;
      }
    }
    return ip.group(5) == null || Integer.parseInt(ip.group(5)) <= 32;
  }

  private static boolean validIp6(String text) {
    String addr = text;
    int slash = text.indexOf('/');
    if (slash >= 0) {
      String len = text.substring(slash + 1);
      if (!len.matches("0|[1-9]\\d{0,2}") || Integer.parseInt(len) > 128) {
        return false;
      }
      addr = text.substring(0, slash);
    }
    if (!addr.contains(":") || !addr.matches("[0-9A-Fa-f:.]+")) {
      return false;
    }
    try {
      // Only hex digits, colons and dots: a literal, never a name to look up. The JDK gives an
      // IPv4-mapped address (::ffff:192.0.2.1, RFC 4291 section 2.5.5.2) as IPv4; it is a valid
      // ip6-network all the same.
      java.net.InetAddress.getByName(addr);
      return true;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  /** An ip6 term's address as its 16 bytes, an IPv4-mapped one included. */
  private static byte[] ip6(String text) {
    byte[] b = literal(text);
    if (b.length == 16) {
      return b;
    }
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    System.arraycopy(b, 0, mapped, 12, 4);
    return mapped;
  }

  /**
   * The client's address as the i macro writes it (section 7.3): dotted-quad for IPv4, and for IPv6
   * "dot-format": its 32 nibbles in hexadecimal, separated by dots.
   */
  private static String dotted(byte[] address) {
    StringBuilder b = new StringBuilder();
    for (byte x : address) {
      if (address.length == 4) {
        b.append(b.length() == 0 ? "" : ".").append(x & 0xff);
      } else {
        b.append(b.length() == 0 ? "" : ".")
            .append(Character.forDigit((x >> 4) & 0xf, 16))
            .append('.')
            .append(Character.forDigit(x & 0xf, 16));
      }
    }
    return b.toString();
  }

  /** The name of the client's PTR record: in in-addr.arpa, or ip6.arpa by nibble. */
  private static String reverse(byte[] address) {
    List<String> parts = new ArrayList<>(List.of(dotted(address).split("\\.")));
    java.util.Collections.reverse(parts);
    return String.join(".", parts) + (address.length == 4 ? ".in-addr.arpa" : ".ip6.arpa");
  }
}
