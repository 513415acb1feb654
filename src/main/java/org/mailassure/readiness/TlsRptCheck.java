package org.mailassure.readiness;

import java.util.List;
import java.util.Locale;
import org.mailassure.readiness.dns.DnsAnswer;
import org.mailassure.readiness.dns.DnsClient;
import org.xbill.DNS.Type;

/**
 * {@code tls-rpt}: a {@code _smtp._tls} TXT record with {@code v=TLSRPTv1} and a {@code rua} (RFC
 * 8460 section 3).
 */
final class TlsRptCheck {
  private static final java.util.regex.Pattern COMMA =
      java.util.regex.Pattern.compile("[ \t]*,[ \t]*");

  /** RFC 3986: scheme ":" and then the rest; no space or unencoded "!" in a URI here. */
  private static final java.util.regex.Pattern URI =
      java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:[\\x21-\\x7e&&[^!]]+");

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
    List<String> uris;
    try {
      uris = ruas(records.get(0));
    } catch (IllegalArgumentException e) {
      return CheckResult.fail(
          CheckId.TLS_RPT,
          "the record at "
              + name
              + " is not valid TLS-RPT ("
              + e.getMessage()
              + "), so senders that read it as RFC 8460 section 3 writes it send no reports",
          fix);
    }
    if (uris.isEmpty()) {
      return CheckResult.fail(CheckId.TLS_RPT, "the record has no rua=", fix);
    }
    List<String> have = uris.stream().map(u -> u.toLowerCase(Locale.ROOT)).toList();
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
    CheckResult.Builder b =
        new CheckResult.Builder(CheckId.TLS_RPT).note("rua=" + String.join(",", uris));
    for (String want : expectedRua) {
      if (!have.contains(want.toLowerCase(Locale.ROOT))) {
        b.problem(Status.WARN, "rua does not include " + want, "add " + want + " to rua=");
      }
    }
    return b.build();
  }

  /**
   * The report URIs of a {@code v=TLSRPTv1} record, every {@code rua=} field's in turn; an
   * IllegalArgumentException saying where the record leaves RFC 8460 section 3's grammar:
   *
   * <pre>
   * tlsrpt-record = tlsrpt-version 1*(field-delim tlsrpt-field) [field-delim]
   * tlsrpt-field  = tlsrpt-rua / tlsrpt-extension
   * tlsrpt-rua    = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
   * tlsrpt-uri    = URI  ; commas (ASCII 0x2C) and exclamation points (ASCII 0x21) MUST be encoded
   * </pre>
   *
   * and {@link TxtFields} for the rest.
   */
  static List<String> ruas(String record) {
    List<String> uris = new java.util.ArrayList<>();
    for (TxtFields.Field f : TxtFields.parse(record, "v=TLSRPTv1")) {
      if (!f.name().equals("rua")) {
        TxtFields.requireExtensionValue(f);
        continue;
      }
      for (String uri : COMMA.split(f.value(), -1)) {
        if (!URI.matcher(uri).matches()) {
          throw new IllegalArgumentException(
              "rua= holds '"
                  + TxtFields.shown(uri)
                  + "', which is not a URI (scheme:rest, no spaces, commas and '!' encoded)");
        }
        uris.add(uri);
      }
    }
    return uris;
  }
}
