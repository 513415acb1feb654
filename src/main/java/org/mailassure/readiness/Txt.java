package org.mailassure.readiness;

import java.util.List;
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
        .map(x -> text((TXTRecord) x))
        .toList();
  }

  /**
   * A record's strings joined, as their octets say (UTF-8; ASCII as it is). dnsjava's {@code
   * getStrings()} gives the zone-file form instead, where a tab is {@code \009} and a quote {@code
   * \"}: a key record with a tab in its base64 (folding whitespace, RFC 6376 section 3.2) then read
   * as "not base64".
   */
  static String text(TXTRecord record) {
    java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
    for (byte[] s : record.getStringsAsByteArrays()) {
      joined.writeBytes(s);
    }
    return joined.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * The records that start with a version tag whose value must match exactly: DMARC's (RFC 7489
   * section 6.4, {@code dmarc-version = "v" *WSP "=" *WSP %x44 %x4d %x41 %x52 %x43 %x31}: "The
   * value of this tag MUST match precisely; if it does not or it is absent, the entire retrieved
   * record MUST be ignored") and TLS-RPT's (RFC 8460 section 3, {@code tlsrpt-version =
   * %s"v=TLSRPTv1"}, case-sensitive). The tag name is matched as the grammar says: {@code "v"} is
   * case-insensitive in DMARC's ABNF, case-sensitive in TLS-RPT's.
   */
  static List<String> exactVersion(DnsAnswer answer, java.util.regex.Pattern version) {
    return of(answer).stream().filter(t -> version.matcher(t).lookingAt()).toList();
  }

  /** DMARC's version tag (RFC 7489 section 6.4), then the end or a separator. */
  static final java.util.regex.Pattern DMARC1 =
      java.util.regex.Pattern.compile("[vV][ \\t]*=[ \\t]*DMARC1[ \\t]*(;|$)");

  /** TLS-RPT's version tag (RFC 8460 section 3), then the end or a separator. */
  static final java.util.regex.Pattern TLSRPTV1 =
      java.util.regex.Pattern.compile("v=TLSRPTv1[ \\t]*(;|$)");

  /**
   * MTA-STS's version tag (RFC 8461 section 3.1, {@code sts-version = %s"v=STSv1"}), then a
   * separator.
   */
  static final java.util.regex.Pattern STSV1 =
      java.util.regex.Pattern.compile("v=STSv1[ \\t]*(;|$)");

  /**
   * SPF records (RFC 7208 section 4.5): those that "begin with a version section of exactly
   * "v=spf1"", which "is terminated by either an SP character or the end of the record"; the
   * grammar's {@code "v=spf1"} is case-insensitive (RFC 5234 section 2.3).
   */
  static List<String> spf(DnsAnswer answer) {
    return exactVersion(answer, SPF1);
  }

  private static final java.util.regex.Pattern SPF1 =
      java.util.regex.Pattern.compile("(?i)v=spf1( |$)");
}
