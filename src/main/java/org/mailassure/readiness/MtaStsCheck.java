package org.mailassure.readiness;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.mailassure.readiness.dns.DnsAnswer;
import org.mailassure.readiness.dns.DnsClient;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Type;

/**
 * {@code mta-sts}: a {@code _mta-sts} TXT record with {@code v=STSv1} and an {@code id} (RFC 8461
 * section 3.1), and a policy served at {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}
 * (section 3.2) in {@code enforce} or {@code testing} mode whose {@code mx} patterns cover every MX
 * host (section 4.1).
 */
final class MtaStsCheck {
  /** {@code ["*."] Domain}, RFC 5321's Domain: labels of letters, digits and inner hyphens. */
  private static final Pattern MX_VALUE =
      Pattern.compile(
          "(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");

  // Compiled once: a 1,000-domain check reads as many records and policies.
  private static final Pattern MAX_AGE = Pattern.compile("[0-9]{1,10}");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9]{1,32}");
  private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
  private static final Pattern LINE_END = Pattern.compile("\r?\n");

  /** The policy's own fields (RFC 8461 section 3.2). */
  private static final List<String> POLICY_FIELDS = List.of("version", "mode", "max_age", "mx");

  private MtaStsCheck() {}

  static CheckResult run(DnsClient dns, PolicyFetcher fetcher, String domain, List<String> mx) {
    String name = "_mta-sts." + domain;
    DnsAnswer a = dns.get(name, Type.TXT);
    if (a instanceof DnsAnswer.Failed f) {
      return CheckResult.couldNotCheck(CheckId.MTA_STS, name + " TXT", f);
    }
    String policyFix =
        "serve https://mta-sts."
            + domain
            + "/.well-known/mta-sts.txt with \"version: STSv1\\nmode: "
            + "enforce\\n"
            + (mx.isEmpty()
                ? "mx: <each MX host>\\n"
                : String.join("", mx.stream().map(h -> "mx: " + h + "\\n").toList()))
            + "max_age: 604800\", "
            + "and publish TXT "
            + name
            + " \"v=STSv1; id=<yyyymmddhhmm>\"";
    List<String> records = Txt.exactVersion(a, Txt.STSV1);
    if (records.isEmpty()) {
      return CheckResult.fail(CheckId.MTA_STS, "no v=STSv1 record at " + name, policyFix);
    }
    if (records.size() > 1) {
      return CheckResult.fail(
          CheckId.MTA_STS,
          records.size()
              + " v=STSv1 records at "
              + name
              + "; senders then ignore MTA-STS (RFC 8461 section 3.1)",
          "keep exactly one");
    }
    String invalid = recordError(records.get(0));
    if (invalid != null) {
      // RFC 8461 section 3.1: "If the number of resulting records is not one, or if the resulting
      // record is syntactically invalid, senders MUST assume the recipient domain does not have an
      // available MTA-STS Policy."
      return CheckResult.fail(
          CheckId.MTA_STS,
          "the record at "
              + name
              + " is not valid MTA-STS ("
              + invalid
              + "), so senders take no policy (RFC 8461 section 3.1)",
          "publish \"v=STSv1; id=<yyyymmddhhmm>\"");
    }
    String host = "mta-sts." + domain;
    // The policy host's IPv4 addresses, or its IPv6 ones when it has none: an HTTPS client takes
    // either, and tries the next when one does not answer.
    DnsAnswer addr = dns.get(host, Type.A);
    if (addr instanceof DnsAnswer.Failed f) {
      return CheckResult.couldNotCheck(CheckId.MTA_STS, host + " A", f);
    }
    List<InetAddress> ips = addresses(addr);
    if (ips.isEmpty()) {
      DnsAnswer v6 = dns.get(host, Type.AAAA);
      if (v6 instanceof DnsAnswer.Failed f) {
        return CheckResult.couldNotCheck(CheckId.MTA_STS, host + " AAAA", f);
      }
      ips = addresses(v6);
    }
    if (ips.isEmpty()) {
      return CheckResult.fail(
          CheckId.MTA_STS,
          host + " has no address (A or AAAA), so no policy can be fetched",
          policyFix);
    }
    PolicyFetcher.Fetched got = fetcher.fetch(host, ips);
    if (got.error() != null) {
      return CheckResult.fail(
          CheckId.MTA_STS, "no policy: " + got.error(), got.fix() != null ? got.fix() : policyFix);
    }
    if (got.status() != 200) {
      return CheckResult.fail(
          CheckId.MTA_STS,
          "no policy: https://"
              + host
              + "/.well-known/mta-sts.txt answered HTTP "
              + got.status()
              + (got.status() / 100 == 3
                  ? ", a redirect, which senders do not follow (RFC 8461 section 3.3: \"HTTP 3xx"
                      + " redirects MUST NOT be followed\")"
                  : "; senders take a policy only from a 200 (RFC 8461 section 3.3)"),
          got.status() / 100 == 3
              ? "serve the policy itself at https://"
                  + host
                  + "/.well-known/mta-sts.txt, not a redirect"
              : policyFix);
    }
    String type = got.contentType() == null ? "" : got.contentType().toLowerCase(Locale.ROOT);
    // A media type is matched without its parameters and case-insensitively (RFC 9110 section
    // 8.3.1): "text/plain; charset=utf-8" is text/plain, "text/plainx" is not.
    if (!type.split(";", 2)[0].strip().equals("text/plain")) {
      // RFC 8461 section 3.3: senders "SHOULD validate that the media type is text/plain".
      return CheckResult.fail(
          CheckId.MTA_STS,
          "the policy is served as "
              + (type.isBlank() ? "no media type" : type)
              + ", not text/plain, so senders may refuse it (RFC 8461 section 3.3)",
          "serve /.well-known/mta-sts.txt with Content-Type: text/plain");
    }
    Policy policy = parsePolicy(got.body());
    String mode = policy.mode();
    String version = policy.version();
    String maxAge = policy.maxAge();
    List<String> patterns = policy.mx();
    List<String> miscased = policy.miscased();
    // RFC 8461 section 3.2: version, mode and max_age are the policy's fields, and mx is one or
    // more unless the mode is none; max_age is at most 31557600 seconds.
    List<String> lacks = new ArrayList<>();
    if (!"STSv1".equals(version)) {
      lacks.add("version: STSv1");
    }
    if (mode == null) {
      lacks.add("mode");
    }
    if (maxAge == null
        || !MAX_AGE.matcher(maxAge).matches()
        || Long.parseLong(maxAge) > 31_557_600L) {
      lacks.add("max_age (whole seconds, at most 31557600)");
    }
    if (patterns.isEmpty() && !"none".equals(mode)) {
      lacks.add("mx");
    }
    if (!lacks.isEmpty()) {
      return CheckResult.fail(
          CheckId.MTA_STS,
          "the policy lacks "
              + String.join(", ", lacks)
              + ", so senders cannot apply it"
              + (miscased.isEmpty()
                  ? ""
                  : " (field names are case-sensitive and have no spaces before the colon: "
                      + String.join(", ", miscased)
                      + " is not one of them, RFC 8461 section 3.2)"),
          policyFix);
    }
    CheckResult.Builder b = new CheckResult.Builder(CheckId.MTA_STS).note("mode " + mode);
    if (policy.deviation() != null) {
      b.problem(
          Status.WARN,
          policy.deviation()
              + ": the policy does not follow RFC 8461 section 3.2's grammar, and a sender that"
              + " parses it strictly ignores the whole policy",
          "serve only lines of \"name: value\", one field a line, no blank lines, mx values"
              + " host names or \"*.\" and a host name");
    }
    if (policy.repeated() != null) {
      // RFC 8461 section 3.2: "all entries except for the first SHALL be ignored"; Debian's
      // postfix-mta-sts-resolver, Postfix's MTA-STS, keeps the last instead.
      b.problem(
          Status.WARN,
          "the policy gives "
              + policy.repeated()
              + ": RFC 8461 has senders take the first, but postfix-mta-sts-resolver (Postfix's)"
              + " takes the last",
          "give each of version, mode and max_age once");
    }
    if (mode.equals("none")) {
      b.problem(
          Status.FAIL,
          "mode none switches MTA-STS off",
          "set mode: testing, then enforce once TLS-RPT shows no failures");
    } else if (!mode.equals("enforce") && !mode.equals("testing")) {
      b.problem(
          Status.FAIL,
          "mode " + mode + " is not enforce, testing or none (in lower case, RFC 8461 section 3.2)",
          "set mode: enforce");
    }
    for (String h : mx) {
      if (patterns.stream().noneMatch(p -> covers(p, h))) {
        b.problem(
            Status.FAIL,
            "MX host " + h + " is not in the policy's mx list " + patterns,
            "add \"mx: " + h + "\" to the policy (and change the id= in " + name + ")");
      }
    }
    return b.build();
  }

  private static List<InetAddress> addresses(DnsAnswer answer) {
    if (!(answer instanceof DnsAnswer.Records r)) {
      return List.of();
    }
    List<InetAddress> ips = new ArrayList<>();
    for (org.xbill.DNS.Record x : r.records()) {
      if (x instanceof ARecord a) {
        ips.add(a.getAddress());
      } else if (x instanceof AAAARecord a) {
        ips.add(a.getAddress());
      }
    }
    return ips;
  }

  /**
   * Why a record that starts with {@code v=STSv1} is not valid MTA-STS, or null when it is. RFC
   * 8461 section 3.1:
   *
   * <pre>
   * sts-text-record = sts-version 1*(sts-field-delim sts-field) [sts-field-delim]
   * sts-field       = sts-id / sts-extension
   * sts-field-delim = *WSP ";" *WSP
   * sts-version     = %s"v=STSv1"
   * sts-id          = %s"id=" 1*32(ALPHA / DIGIT)
   * sts-extension   = sts-ext-name "=" sts-ext-value
   * sts-ext-name    = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
   * sts-ext-value   = 1*(%x21-3A / %x3C / %x3E-7E)
   * </pre>
   *
   * A repeated {@code id} is judged by its first value (section 3.2: of a field that is not mx,
   * "all entries except for the first SHALL be ignored"); a later one need only be a well-formed
   * field.
   */
  static String recordError(String record) {
    try {
      boolean hasId = false;
      for (TxtFields.Field f : TxtFields.parse(record, "v=STSv1")) {
        if (f.name().equals("id") && !hasId) {
          if (!ID.matcher(f.value()).matches()) {
            return "id= must be 1 to 32 letters and digits, and '"
                + TxtFields.shown(f.value())
                + "' is not";
          }
          hasId = true;
        } else {
          TxtFields.requireExtensionValue(f);
        }
      }
      return hasId ? null : "it has no id=";
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /**
   * A policy's fields as senders take them (RFC 8461 section 3.2): the first {@code version},
   * {@code mode} and {@code max_age} ("If any non-repeated field -- i.e., all fields excluding "mx"
   * -- is duplicated, all entries except for the first SHALL be ignored"), every {@code mx}; field
   * names that would be known ones but for their case or spaces; and the first line that the
   * section's grammar does not allow, or null; and the first non-repeated field given again with
   * another value ("mode: enforce, then none"), or null.
   */
  record Policy(
      String version,
      String mode,
      String maxAge,
      List<String> mx,
      List<String> miscased,
      String deviation,
      String repeated) {}

  /**
   * Reads a policy. The grammar (RFC 8461 section 3.2), in short: {@code sts-policy-record =
   * sts-policy-field *WSP *(sts-policy-term sts-policy-field *WSP) [sts-policy-term]}, a field is
   * {@code name ":" *WSP value}, a name is {@code (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" /
   * ".")}, {@code sts-policy-mx-value = ["*."] Domain} (RFC 5321's), an extension's value is one or
   * more visible characters, and {@code sts-policy-term = LF / CRLF}. Field names and the mode's
   * values are case-sensitive ({@code %s"mode"}, {@code %s"testing" / %s"enforce" / %s"none"}): a
   * field named otherwise is an unknown one, which senders ignore.
   */
  static Policy parsePolicy(String body) {
    String version = null;
    String mode = null;
    String maxAge = null;
    List<String> patterns = new ArrayList<>();
    List<String> miscased = new ArrayList<>();
    String deviation = null;
    String repeated = null;
    String[] lines = LINE_END.split(body, -1);
    // One line terminator may end the policy; the empty text after it is not a line.
    int count =
        lines.length > 1 && lines[lines.length - 1].isEmpty() ? lines.length - 1 : lines.length;
    for (int i = 0; i < count; i++) {
      String line = lines[i];
      int colon = line.indexOf(':');
      String wrong = null;
      if (line.isBlank()) {
        wrong = "is empty";
      } else if (colon < 0) {
        wrong = "is not a field (name: value)";
      } else {
        String k = line.substring(0, colon);
        String v = line.substring(colon + 1).strip();
        if (!FIELD_NAME.matcher(k).matches()) {
          wrong = "does not start with a field name";
        }
        switch (k) {
          case "version" -> {
            repeated = repeated(repeated, k, version, v);
            version = version == null ? v : version;
          }
          case "mode" -> {
            repeated = repeated(repeated, k, mode, v);
            mode = mode == null ? v : mode;
          }
          case "max_age" -> {
            repeated = repeated(repeated, k, maxAge, v);
            maxAge = maxAge == null ? v : maxAge;
          }
          case "mx" -> {
            patterns.add(v.toLowerCase(Locale.ROOT));
            if (!MX_VALUE.matcher(v).matches()) {
              wrong = "is not a host name or \"*.\" and a host name";
            }
          }
          default -> {
            String known = k.strip().toLowerCase(Locale.ROOT);
            if (POLICY_FIELDS.contains(known)) {
              miscased.add("'" + k + "'");
            }
            if (wrong == null && (v.isEmpty() || v.chars().anyMatch(c -> c < 0x20 || c == 0x7f))) {
              wrong = "has an empty value or a control character in it";
            }
          }
        }
      }
      if (wrong != null && deviation == null) {
        deviation = "line " + (i + 1) + " ('" + TxtFields.shown(line) + "') " + wrong;
      }
    }
    return new Policy(version, mode, maxAge, patterns, miscased, deviation, repeated);
  }

  /**
   * The first repetition of a field with another value, in words ("mode: enforce, then mode:
   * none"): the one found before, else this one when {@code value} differs from the {@code first}.
   */
  private static String repeated(String found, String name, String first, String value) {
    if (found != null || first == null || first.equals(value)) {
      return found;
    }
    return name + ": " + TxtFields.shown(first) + ", then " + name + ": " + TxtFields.shown(value);
  }

  /** RFC 8461 section 4.1: a leading "*." matches exactly one label. */
  static boolean covers(String pattern, String host) {
    if (pattern.startsWith("*.")) {
      String rest = pattern.substring(1);
      return host.endsWith(rest) && host.indexOf('.') == host.length() - rest.length();
    }
    return pattern.equals(host);
  }
}
