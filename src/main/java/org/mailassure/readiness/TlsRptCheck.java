package org.mailassure.readiness;

import java.util.List;
import java.util.Locale;
import org.mailassure.probe.dkim.TagList;
import org.mailassure.readiness.dns.DnsAnswer;
import org.mailassure.readiness.dns.DnsClient;
import org.xbill.DNS.Type;

/**
 * {@code tls-rpt}: a {@code _smtp._tls} TXT record with {@code v=TLSRPTv1} and a {@code rua} (RFC
 * 8460 section 3).
 */
final class TlsRptCheck {
  private TlsRptCheck() {}

  static CheckResult run(DnsClient dns, String domain, List<String> expectedRua) {
    String name = "_smtp._tls." + domain;
    DnsAnswer a = dns.get(name, Type.TXT);
    if (a instanceof DnsAnswer.Failed f) {
      return CheckResult.couldNotCheck(CheckId.TLS_RPT, name + " TXT", f);
    }
    String fix =
        "publish TXT " + name + " \"v=TLSRPTv1; rua=" + String.join(",", expectedRua) + "\"";
    List<String> records = Txt.exactVersion(a, Txt.TLSRPTV1);
    if (records.isEmpty()) {
      return CheckResult.fail(CheckId.TLS_RPT, "no v=TLSRPTv1 record at " + name, fix);
    }
    if (records.size() > 1) {
      return CheckResult.fail(
          CheckId.TLS_RPT, records.size() + " v=TLSRPTv1 records at " + name, "keep exactly one");
    }
    String rua;
    try {
      rua = TagList.parse(records.get(0)).get("rua");
    } catch (IllegalArgumentException e) {
      return CheckResult.fail(CheckId.TLS_RPT, "the record does not parse: " + e.getMessage(), fix);
    }
    if (rua == null || rua.isBlank()) {
      return CheckResult.fail(CheckId.TLS_RPT, "the record has no rua=", fix);
    }
    List<String> have = List.of(rua.toLowerCase(Locale.ROOT).strip().split("\\s*,\\s*"));
    // RFC 8460 section 3: "tlsrpt-uri = URI ; "mailto" or "https" schemes"; a record with any
    // other is invalid, and receivers send the domain no reports.
    for (String uri : have) {
      if (!uri.startsWith("mailto:") && !uri.startsWith("https:")) {
        return CheckResult.fail(
            CheckId.TLS_RPT,
            "rua "
                + uri
                + " is not a mailto: or https: URI, so the record is invalid and the"
                + " domain gets no TLS reports",
            fix);
      }
    }
    CheckResult.Builder b = new CheckResult.Builder(CheckId.TLS_RPT).note("rua=" + rua);
    for (String want : expectedRua) {
      if (!have.contains(want.toLowerCase(Locale.ROOT))) {
        b.problem(Status.WARN, "rua does not include " + want, "add " + want + " to rua=");
      }
    }
    return b.build();
  }
}
