package org.mailassure.readiness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailassure.probe.dkim.DkimKeyRecord;
import org.mailassure.probe.dkim.TagList;
import org.mailassure.readiness.dns.DnsAnswer;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The record and policy parsers alone, without sockets: which TXT records count as SPF, DMARC,
 * MTA-STS and TLS-RPT records, the MTA-STS id and mx patterns, DKIM tag lists, and the HTTP answer
 * that carries a policy. Each expectation is the RFC's grammar or words, quoted beside it.
 */
class RecordParsersTest {
  private static DnsAnswer txt(String... texts) throws Exception {
    Name n = Name.fromString("example.gov.uk.");
    List<org.xbill.DNS.Record> records =
        java.util.Arrays.stream(texts)
            .map(t -> (org.xbill.DNS.Record) new TXTRecord(n, DClass.IN, 300, t))
            .toList();
    return new DnsAnswer.Records(records, List.of());
  }

  @Test
  void spfRecordsBeginWithExactlyV_spf1ThenASpaceOrTheEnd() throws Exception {
    // RFC 7208 section 4.5: "discard records that do not begin with a version section of exactly
    // "v=spf1". Note that the version section is terminated by either an SP character or the
    // end of the record." The ABNF string "v=spf1" is case-insensitive (RFC 5234 section 2.3).
    assertThat(
            Txt.spf(
                txt(
                    "v=spf1 -all",
                    "v=spf1",
                    "V=SPF1 ~all",
                    "v=spf10 -all",
                    "v=spf1;-all",
                    " v=spf1 -all",
                    "spf2.0/pra -all")))
        .containsExactly("v=spf1 -all", "v=spf1", "V=SPF1 ~all");
  }

  @Test
  void aTxtRecordOfSeveralStringsIsReadAsTheirConcatenation() throws Exception {
    // RFC 7208 section 3.3: "the strings MUST be concatenated together without adding spaces".
    Name n = Name.fromString("example.gov.uk.");
    DnsAnswer a =
        new DnsAnswer.Records(
            List.of(
                new TXTRecord(
                    n,
                    DClass.IN,
                    300,
                    List.of("v=spf1 include:spf.pro", "tection.outlook.com -all"))),
            List.of());

    assertThat(Txt.spf(a)).containsExactly("v=spf1 include:spf.protection.outlook.com -all");
  }

  @Test
  void anSpfAnswerIsMeasuredAsTheDnsMessageThatCarriesIt() throws Exception {
    // RFC 7208 section 3.4 limits "the results of a query" to 512 octets, counting "any other TXT
    // records published at the domain name". The reference is dnsjava's own encoding of that
    // answer (RFC 1035 section 4: header, question, answers with the owner name compressed).
    Name n = Name.fromString("example.gov.uk.");
    TXTRecord spf =
        new TXTRecord(n, DClass.IN, 300, "v=spf1 include:spf.protection.outlook.com -all");
    TXTRecord other = new TXTRecord(n, DClass.IN, 300, List.of("MS=ms12345678", "x".repeat(255)));
    Message m = Message.newQuery(org.xbill.DNS.Record.newRecord(n, Type.TXT, DClass.IN));
    m.addRecord(spf, Section.ANSWER);
    m.addRecord(other, Section.ANSWER);

    assertThat(
            SpfCheck.answerOctets(
                "example.gov.uk", new DnsAnswer.Records(List.of(spf, other), List.of())))
        .isEqualTo(m.toWire().length);
  }

  @Test
  void dmarcRecordsStartWithAnExactV_DMARC1Tag() throws Exception {
    // RFC 7489 section 6.4: dmarc-version = "v" *WSP "=" *WSP %x44 %x4d %x41 %x52 %x43 %x31,
    // then dmarc-sep (*WSP ";" *WSP); section 6.3: "The value of this tag MUST match precisely;
    // if it does not or it is absent, the entire retrieved record MUST be ignored. It MUST be
    // the first tag in the list."
    assertThat(
            Txt.exactVersion(
                txt(
                    "v=DMARC1; p=reject",
                    "V = DMARC1 ;p=none",
                    "v=DMARC1",
                    "v=dmarc1; p=reject",
                    "p=reject; v=DMARC1",
                    "v=DMARC1p=reject",
                    "v=DMARC10; p=reject"),
                Txt.DMARC1))
        .containsExactly("v=DMARC1; p=reject", "V = DMARC1 ;p=none", "v=DMARC1");
  }

  @Test
  void aDmarcPctBelowAHundredIsExplainedAsReceiversApplyIt() {
    // RFC 7489 section 6.6.4: mail not subject to "reject" because of pct is treated "as though
    // the "quarantine" policy applies"; mail not subject to "quarantine" gets "local message
    // classification as normal"; section 6.3: pct is an integer from 0 to 100.
    assertThat(DmarcCheck.pctProblem("50", "reject"))
        .startsWith("pct=50 applies p=reject to 50% of the mail that fails DMARC")
        .contains("receivers quarantine the rest instead");
    assertThat(DmarcCheck.pctProblem("0", "quarantine"))
        .startsWith("pct=0 applies p=quarantine to none of the mail that fails DMARC")
        .contains("receivers deliver the rest as usual");
    assertThat(DmarcCheck.pctProblem("150", "reject"))
        .contains("is not a percentage from 0 to 100");
    assertThat(DmarcCheck.pctProblem("half", "reject"))
        .contains("is not a percentage from 0 to 100");
  }

  @Test
  void tlsRptRecordsStartWithACaseSensitiveV_TLSRPTv1() throws Exception {
    // RFC 8460 section 3: tlsrpt-version = %s"v=TLSRPTv1", and field-delim = *WSP ";" *WSP.
    assertThat(
            Txt.exactVersion(
                txt(
                    "v=TLSRPTv1; rua=mailto:a@example.gov.uk",
                    "v=TLSRPTv1 ;rua=mailto:a@example.gov.uk",
                    "v=tlsrptv1; rua=mailto:a@example.gov.uk",
                    "V=TLSRPTv1; rua=mailto:a@example.gov.uk",
                    "v=TLSRPTv10; rua=mailto:a@example.gov.uk"),
                Txt.TLSRPTV1))
        .containsExactly(
            "v=TLSRPTv1; rua=mailto:a@example.gov.uk", "v=TLSRPTv1 ;rua=mailto:a@example.gov.uk");
  }

  @Test
  void mtaStsRecordsStartWithACaseSensitiveV_STSv1() throws Exception {
    // RFC 8461 section 3.1: sts-version = %s"v=STSv1", then sts-field-delim = *WSP ";" *WSP.
    assertThat(
            Txt.exactVersion(
                txt(
                    "v=STSv1; id=20160831085700Z",
                    "v=STSv1 ; id=1",
                    "v=stsv1; id=1",
                    "v=STSv10; id=1",
                    "id=1; v=STSv1"),
                Txt.STSV1))
        .containsExactly("v=STSv1; id=20160831085700Z", "v=STSv1 ; id=1");
  }

  @Test
  void anMtaStsIdIsOneToThirtyTwoLettersAndDigits() {
    // RFC 8461 section 3.1: sts-id = %s"id" *WSP %s"=" *WSP 1*32(ALPHA / DIGIT); the RFC's
    // example record is "v=STSv1; id=20160831085700Z;".
    assertThat(MtaStsCheck.hasValidId("v=STSv1; id=20160831085700Z;")).isTrue();
    assertThat(MtaStsCheck.hasValidId("v=STSv1; id = 1")).isTrue();
    assertThat(MtaStsCheck.hasValidId("v=STSv1; id=" + "a".repeat(32))).isTrue();
    assertThat(MtaStsCheck.hasValidId("v=STSv1; id=" + "a".repeat(33))).isFalse();
    assertThat(MtaStsCheck.hasValidId("v=STSv1; id=2026-11-29")).isFalse();
    assertThat(MtaStsCheck.hasValidId("v=STSv1; id=")).isFalse();
    assertThat(MtaStsCheck.hasValidId("v=STSv1")).isFalse();
  }

  @Test
  void anMxPatternWithAWildcardCoversExactlyOneLabel() {
    // RFC 8461 section 4.1, in substance: a pattern is a host name, or "*." and a name, where
    // the "*" stands for exactly one whole left-most label (as in RFC 6125 section 6.4.3).
    assertThat(MtaStsCheck.covers("mail.example.gov.uk", "mail.example.gov.uk")).isTrue();
    assertThat(MtaStsCheck.covers("*.example.gov.uk", "mail.example.gov.uk")).isTrue();
    assertThat(MtaStsCheck.covers("*.example.gov.uk", "example.gov.uk")).isFalse();
    assertThat(MtaStsCheck.covers("*.example.gov.uk", "a.mail.example.gov.uk")).isFalse();
    assertThat(MtaStsCheck.covers("*.example.gov.uk", "mailexample.gov.uk")).isFalse();
    assertThat(MtaStsCheck.covers("mail.example.gov.uk", "mx.example.gov.uk")).isFalse();
  }

  @Test
  void aTagListIsReadWithoutTheWhitespaceAroundTagsAndValues() {
    // RFC 6376 section 3.2: "WSP is allowed anywhere around tags. In particular, any WSP after
    // the "=" and any WSP before the terminating ";" is not part of the value"; the final ";"
    // is optional (tag-list = tag-spec *( ";" tag-spec ) [ ";" ]).
    assertThat(TagList.parse(" v = DKIM1 ; k=rsa;\tp = MIGf ;"))
        .containsExactly(
            java.util.Map.entry("v", "DKIM1"),
            java.util.Map.entry("k", "rsa"),
            java.util.Map.entry("p", "MIGf"));
  }

  @Test
  void aTagListWithATagTwiceIsInvalid() {
    // RFC 6376 section 3.2: "Tags with duplicate names MUST NOT occur within a single tag-list;
    // if a tag name does occur more than once, the entire tag-list is invalid."
    assertThatThrownBy(() -> TagList.parse("v=DKIM1; p=abc; p=def"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the tag p appears twice");
  }

  @Test
  void tagNamesAreCaseSensitive() {
    // RFC 6376 section 3.2: "Tags MUST be interpreted in a case-sensitive manner."
    assertThat(TagList.parse("P=abc; p=def")).containsEntry("P", "abc").containsEntry("p", "def");
  }

  @Test
  void aDkimKeyThatIsNotAnRsaKeyIsRefusedInWordsNotTheJdks() throws Exception {
    // RFC 6376 section 3.6.1, in substance: for k=rsa, p= is the base64 of the DER public key
    // (what "openssl rsa -pubout" writes); "AAAA" decodes to three zero bytes, which are not one.
    DkimKeyRecord record = DkimKeyRecord.parse("v=DKIM1; k=rsa; p=AAAA");

    assertThatThrownBy(record::publicKey)
        .isInstanceOf(java.security.GeneralSecurityException.class)
        .hasMessageStartingWith("p= is not an RSA public key")
        .message()
        .doesNotContain("java.");
  }

  @Test
  void aDkimKeyRecordOfAnotherVersionIsRefused() {
    // RFC 6376 section 3.6.1: "If specified, this tag MUST be set to "DKIM1" ... Records
    // beginning with a "v=" tag with any other value MUST be discarded."
    assertThatThrownBy(() -> DkimKeyRecord.parse("v=DKIM2; k=rsa; p=AAAA"))
        .hasMessage("v=DKIM2 is not DKIM1");
  }

  @Test
  void aDkimKeyMayBeTheBareRsaPublicKeyTheRfcNames() throws Exception {
    // RFC 6376 section 3.6.1, k=: "The "rsa" key type indicates that an ASN.1 DER-encoded
    // [ITU-X660-1997] RSAPublicKey (see [RFC3447], Sections 3.1 and A.1.1) is being used in the
    // "p=" tag." Signers publish the SubjectPublicKeyInfo around it instead (erratum 3017 allows
    // both), and dkimpy reads both. The expected key is the JDK's own, built from the modulus
    // and exponent.
    java.security.interfaces.RSAPublicKey rsa =
        (java.security.interfaces.RSAPublicKey) org.mailassure.testing.Fixtures.RSA.getPublic();
    byte[] spki = rsa.getEncoded();
    byte[] bare = java.util.Arrays.copyOfRange(spki, 24, spki.length); // after the BIT STRING's 0
    String p = java.util.Base64.getEncoder().encodeToString(bare);

    java.security.PublicKey key = DkimKeyRecord.parse("v=DKIM1; k=rsa; p=" + p).publicKey();

    assertThat(key).isEqualTo(rsa);
    assertThat(
            DkimKeyRecord.parse("v=DKIM1; p=" + java.util.Base64.getEncoder().encodeToString(spki))
                .publicKey())
        .isEqualTo(rsa);
  }

  @Test
  void aKeyTypeIsCaseSensitive() {
    // RFC 6376 section 3.2: "Values MUST be processed as case sensitive unless the specific
    // tag description of semantics specifies case insensitivity"; k= does not, so k=RSA is an
    // unknown key type.
    assertThatThrownBy(() -> DkimKeyRecord.parse("v=DKIM1; k=RSA; p=AAAA").publicKey())
        .isInstanceOf(java.security.GeneralSecurityException.class)
        .hasMessage("unknown key type k=RSA");
  }

  @Test
  void aDkimTagListWhoseTagNameBreaksTheGrammarIsInvalid() {
    // RFC 6376 section 3.2: tag-spec = [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS];
    // tag-name = ALPHA *ALNUMPUNC; ALNUMPUNC = ALPHA / DIGIT / "_".
    assertThat(TagList.parseDkim("v=DKIM1; x_1=y; p=abc")).containsKeys("v", "x_1", "p");
    assertThatThrownBy(() -> TagList.parseDkim("v=DKIM1; 1x=2; p=abc"))
        .hasMessage("'1x' is not a tag name (a letter, then letters, digits or '_')");
    assertThatThrownBy(() -> TagList.parseDkim("v=DKIM1; =x; p=abc"))
        .hasMessage("a tag has no name before its '='");
  }

  @Test
  void aTxtRecordIsReadAsItsOctetsNotAsZoneFileText() throws Exception {
    // RFC 1035 section 3.3.14: TXT-DATA is "One or more <character-string>s", octets; a tab in a
    // key record's base64 is folding whitespace (RFC 6376 section 3.2, base64string allows FWS),
    // not the four characters \009 of the zone-file form.
    Name n = Name.fromString("example.gov.uk.");
    DnsAnswer a =
        new DnsAnswer.Records(
            List.of(new TXTRecord(n, DClass.IN, 300, List.of("p=MIIB\tIjAN", "BgkqhkiG \"x\""))),
            List.of());

    assertThat(Txt.of(a)).containsExactly("p=MIIB\tIjANBgkqhkiG \"x\"");
  }

  private static PolicyFetcher.Fetched parse(String answer) throws PolicyFetcher.Malformed {
    return PolicyFetcher.parse(answer.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void aPolicyAnswerIsReadToItsContentLength() throws Exception {
    // RFC 9112 section 6.3: with a Content-Length, that many octets are the body.
    PolicyFetcher.Fetched got =
        parse(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 14\r\n\r\n"
                + "version: STSv1 and more");

    assertThat(got.status()).isEqualTo(200);
    assertThat(got.contentType()).isEqualTo("text/plain");
    assertThat(got.body()).isEqualTo("version: STSv1");
  }

  @Test
  void aChunkedPolicyIsJoinedAndItsChunkExtensionsIgnored() throws Exception {
    // RFC 9112 section 7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF, ended by a
    // last-chunk of size 0; "A recipient MUST ignore unrecognized chunk extensions."
    PolicyFetcher.Fetched got =
        parse(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "8;name=value\r\nversion:\r\n6\r\n STSv1\r\n0\r\n\r\n");

    assertThat(got.body()).isEqualTo("version: STSv1");
  }

  @Test
  void aRedirectIsReadAsItsStatusNotFollowed() throws Exception {
    // RFC 8461 section 3.3: "HTTP 3xx redirects MUST NOT be followed".
    PolicyFetcher.Fetched got =
        parse("HTTP/1.1 301 Moved Permanently\r\nLocation: https://elsewhere.example/\r\n\r\n");

    assertThat(got.status()).isEqualTo(301);
  }

  @Test
  void aBodyShorterThanItsContentLengthIsMalformed() {
    assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nversion"))
        .isInstanceOf(PolicyFetcher.Malformed.class)
        .hasMessage("the body ends after 7 of its 100 bytes");
  }

  @Test
  void aStatusLineOfAnotherProtocolIsMalformedAndShownPrintably() {
    assertThatThrownBy(() -> parse("SSH-2.0-OpenSSH_9.2\u0007\r\n\r\n"))
        .isInstanceOf(PolicyFetcher.Malformed.class)
        .hasMessage("the status line is 'SSH-2.0-OpenSSH_9.2?'");
  }
}
