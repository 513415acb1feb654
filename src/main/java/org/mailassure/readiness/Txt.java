package org.mailassure.readiness;

import java.util.List;
import java.util.Locale;
import org.mailassure.readiness.dns.DnsAnswer;
import org.xbill.DNS.TXTRecord;

/**
 * TXT answers as text: each record's strings joined (RFC 7208 section 3.3, RFC 6376 section
 * 3.6.2.2).
 */
final class Txt {
  private Txt() {}

  static List<String> of(DnsAnswer answer) {
    if (!(answer instanceof DnsAnswer.Records r)) {
      return List.of();
    }
    return r.records().stream()
        .filter(x -> x instanceof TXTRecord)
        .map(x -> String.join("", ((TXTRecord) x).getStrings()))
        .toList();
  }

  /** The records whose first token is {@code version} (e.g. {@code v=spf1}), case-insensitively. */
  static List<String> versioned(DnsAnswer answer, String version) {
    String v = version.toLowerCase(Locale.ROOT);
    return of(answer).stream()
        .filter(
            t -> {
              String s = t.strip().toLowerCase(Locale.ROOT);
              return s.equals(v) || s.startsWith(v + " ") || s.startsWith(v + ";");
            })
        .toList();
  }
}
