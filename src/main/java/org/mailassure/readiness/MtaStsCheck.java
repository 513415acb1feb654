package org.mailassure.readiness;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
    if (!hasValidId(records.get(0))) {
      return CheckResult.fail(
          CheckId.MTA_STS, "the record has no valid id=", "publish \"v=STSv1; id=<yyyymmddhhmm>\"");
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
    String mode = null;
    String version = null;
    String maxAge = null;
    List<String> patterns = new ArrayList<>();
    List<String> miscased = new ArrayList<>();
    // RFC 8461 section 3.2: the field names and the mode's values are case-sensitive
    // (sts-policy-mode-field = %s"mode", sts-policy-mode-value = %s"testing" / %s"enforce" /
    // %s"none", and so on), each followed by ":" *WSP; a field named otherwise is an unknown one,
    // which senders ignore.
    for (String line : got.body().split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String k = line.substring(0, colon);
      String v = line.substring(colon + 1).strip();
      switch (k) {
        case "version" -> version = v;
        case "mode" -> mode = v;
        case "max_age" -> maxAge = v;
        case "mx" -> patterns.add(v.toLowerCase(Locale.ROOT));
        default -> {
          String known = k.strip().toLowerCase(Locale.ROOT);
          if (List.of("version", "mode", "max_age", "mx").contains(known)) {
            miscased.add("'" + k + "'");
          }
        }
      }
    }
    // RFC 8461 section 3.2: version, mode and max_age are the policy's fields, and mx is one or
    // more unless the mode is none; max_age is at most 31557600 seconds.
    List<String> lacks = new ArrayList<>();
    if (!"STSv1".equals(version)) {
      lacks.add("version: STSv1");
    }
    if (mode == null) {
      lacks.add("mode");
    }
    if (maxAge == null || !maxAge.matches("[0-9]{1,10}") || Long.parseLong(maxAge) > 31_557_600L) {
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
   * RFC 8461 section 3.1: the record's fields are separated by ";", and {@code sts-id = "id" *WSP
   * "=" *WSP 1*32(ALPHA / DIGIT)}: the whole value, not a prefix of it.
   */
  static boolean hasValidId(String record) {
    for (String field : record.split(";")) {
      int eq = field.indexOf('=');
      if (eq > 0 && field.substring(0, eq).strip().equals("id")) {
        return field.substring(eq + 1).strip().matches("[A-Za-z0-9]{1,32}");
      }
    }
    return false;
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
