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

  // RFC 8461 section 3.1:
  //   sts-text-record = sts-version 1*(sts-field-delim sts-field) [sts-field-delim]
  //   sts-field       = sts-id / sts-extension   ; Note that sts-id record is required.
  //   sts-field-delim = *WSP ";" *WSP
  //   sts-version     = %s"v=STSv1"
  //   sts-id          = %s"id=" 1*32(ALPHA / DIGIT)
  //   sts-extension   = sts-ext-name "=" sts-ext-value
  //   sts-ext-name    = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
  //   sts-ext-value   = 1*(%x21-3A / %x3C / %x3E-7E)
  // and "if the resulting record is syntactically invalid, senders MUST assume the recipient
  // domain does not have an available MTA-STS Policy."

  @Test
  void anMtaStsRecordInTheGrammarOfSection3_1IsValid() {
    assertThat(MtaStsCheck.recordError("v=STSv1; id=20160831085700Z;")).isNull(); // the example
    assertThat(MtaStsCheck.recordError("v=STSv1;id=1")).isNull();
    assertThat(MtaStsCheck.recordError("v=STSv1 ;\t id=1 \t;")).isNull();
    assertThat(MtaStsCheck.recordError("v=STSv1; id=" + "a".repeat(32))).isNull();
    assertThat(MtaStsCheck.recordError("v=STSv1; id=a; more=a; ext-1.x_y=2:/@")).isNull();
    assertThat(MtaStsCheck.recordError("v=STSv1; ext=1; id=a")).isNull();
    // Section 3.2: of a repeated field "all entries except for the first SHALL be ignored"; the
    // second "id=x-y" is then a well-formed sts-extension.
    assertThat(MtaStsCheck.recordError("v=STSv1; id=1; id=x-y")).isNull();
  }

  @Test
  void anMtaStsRecordOutsideTheGrammarOfSection3_1IsInvalidAndSaysWhy() {
    assertThat(MtaStsCheck.recordError("v=STSv1")).isEqualTo("it has no id=");
    assertThat(MtaStsCheck.recordError("v=STSv1;")).isEqualTo("it has no id=");
    assertThat(MtaStsCheck.recordError("v=STSv1; ext=1")).isEqualTo("it has no id=");
    // %s"id=" is case-sensitive: "ID=1" is an extension, and the record has no id.
    assertThat(MtaStsCheck.recordError("v=STSv1; ID=1")).isEqualTo("it has no id=");
    assertThat(MtaStsCheck.recordError("v=STSv1; id="))
        .startsWith("id= must be 1 to 32 letters and digits");
    assertThat(MtaStsCheck.recordError("v=STSv1; id=" + "a".repeat(33)))
        .startsWith("id= must be 1 to 32 letters and digits");
    assertThat(MtaStsCheck.recordError("v=STSv1; id=2026-11-29"))
        .isEqualTo("id= must be 1 to 32 letters and digits, and '2026-11-29' is not");
    // No whitespace between "id" and "=", or between "=" and the value.
    assertThat(MtaStsCheck.recordError("v=STSv1; id = 1"))
        .isEqualTo("the field 'id' has no '=' right after its name (no space is allowed there)");
    assertThat(MtaStsCheck.recordError("v=STSv1; id= 1"))
        .startsWith("id= must be 1 to 32 letters and digits");
    assertThat(MtaStsCheck.recordError("v=STSv1; id=a;;"))
        .isEqualTo("it has an empty field (';;')");
    assertThat(MtaStsCheck.recordError("v=STSv1; id=a; more="))
        .startsWith("the value of 'more' must be one or more visible ASCII characters");
    assertThat(MtaStsCheck.recordError("v=STSv1; id=a; test=="))
        .startsWith("the value of 'test' must be");
    assertThat(MtaStsCheck.recordError("v=STSv1; id=a; 1%=a"))
        .isEqualTo("the field '1' has no '=' right after its name (it must be name=value)");
    assertThat(MtaStsCheck.recordError("v=STSv1; id=a; _x=a"))
        .startsWith("'_x=a' is not a field name");
    assertThat(MtaStsCheck.recordError("v=STSv1; id=a; " + "a".repeat(33) + "=1"))
        .contains("is not a field name");
    assertThat(MtaStsCheck.recordError("v=STSv1; id=a b"))
        .isEqualTo("id= must be 1 to 32 letters and digits, and 'a b' is not");
    assertThat(MtaStsCheck.recordError("v=STSv1 id=a"))
        .isEqualTo("fields are separated by ';', and 'id=a' is not");
    assertThat(MtaStsCheck.recordError("v=STSv1; id")).startsWith("the field 'id' has no '='");
  }

  // RFC 8460 section 3:
  //   tlsrpt-record    = tlsrpt-version 1*(field-delim tlsrpt-field) [field-delim]
  //   field-delim      = *WSP ";" *WSP
  //   tlsrpt-field     = tlsrpt-rua / tlsrpt-extension   ; the tlsrpt-rua field is required
  //   tlsrpt-version   = %s"v=TLSRPTv1"
  //   tlsrpt-rua       = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
  //   tlsrpt-uri       = URI   ; commas (ASCII 0x2C) and exclamation points (ASCII 0x21) MUST
  //                            ; be encoded
  //   tlsrpt-extension = tlsrpt-ext-name "=" tlsrpt-ext-value
  //   tlsrpt-ext-name  = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
  //   tlsrpt-ext-value = 1*(%x21-3A / %x3C / %x3E-7E)

  @Test
  void aTlsRptRecordInTheGrammarOfSection3GivesEveryRuaUri() {
    assertThat(TlsRptCheck.ruas("v=TLSRPTv1; rua=mailto:reports@example.com")) // the example
        .containsExactly("mailto:reports@example.com");
    assertThat(TlsRptCheck.ruas("v=TLSRPTv1;rua=mailto:a@x.example , \thttps://r.example/v1;"))
        .containsExactly("mailto:a@x.example", "https://r.example/v1");
    // Nothing in the grammar keeps rua to one field.
    assertThat(
            TlsRptCheck.ruas("v=TLSRPTv1; rua=mailto:a@x.example; ext=1; rua=mailto:b@y.example"))
        .containsExactly("mailto:a@x.example", "mailto:b@y.example");
    assertThat(TlsRptCheck.ruas("v=TLSRPTv1; ext=1")).isEmpty();
  }

  @Test
  void aTlsRptRecordOutsideTheGrammarOfSection3SaysWhy() {
    assertThatThrownBy(() -> TlsRptCheck.ruas("v=TLSRPTv1; rua = mailto:a@x.example"))
        .hasMessage("the field 'rua' has no '=' right after its name (no space is allowed there)");
    assertThatThrownBy(
            () -> TlsRptCheck.ruas("v=TLSRPTv1; rua=mailto:a@x.example mailto:b@y.example"))
        .hasMessageStartingWith("rua= holds 'mailto:a@x.example mailto:b@y.example'");
    assertThatThrownBy(() -> TlsRptCheck.ruas("v=TLSRPTv1; rua=mailto:a@x.example,"))
        .hasMessage(
            "rua= holds '', which is not a URI (scheme:rest, no spaces, commas and '!' encoded)");
    assertThatThrownBy(() -> TlsRptCheck.ruas("v=TLSRPTv1; rua=tls@x.example"))
        .hasMessageStartingWith("rua= holds 'tls@x.example', which is not a URI");
    assertThatThrownBy(() -> TlsRptCheck.ruas("v=TLSRPTv1; rua=mailto:a!b@x.example"))
        .hasMessageStartingWith("rua= holds 'mailto:a!b@x.example', which is not a URI");
    assertThatThrownBy(() -> TlsRptCheck.ruas("v=TLSRPTv1;; rua=mailto:a@x.example"))
        .hasMessage("it has an empty field (';;')");
    assertThatThrownBy(() -> TlsRptCheck.ruas("v=TLSRPTv1; rua=mailto:a@x.example; x="))
        .hasMessageStartingWith("the value of 'x' must be");
  }

  @Test
  void noRecordOrPolicyTextMakesTheReadersThrowAnythingButTheirOwnVerdict() {
    // DNS and the policy host are the other side's: whatever they send, the readers answer with
    // a verdict (a reason, a list, or IllegalArgumentException with a reason), never with an
    // index out of bounds or a null.
    String[] pieces = {
      "v=STSv1",
      "v=TLSRPTv1",
      "id=",
      "rua=",
      "mailto:",
      "https:",
      "mx:",
      "mode:",
      "version:",
      "max_age:",
      " ",
      "\t",
      ";",
      "=",
      ",",
      ":",
      "!",
      "a",
      "Z",
      "7",
      "*.",
      ".",
      "-",
      "_",
      "\r\n",
      "\n",
      "\u00e9",
      "\u0000",
      "\u007f",
      "%2C"
    };
    java.util.Random random = new java.util.Random(8461);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder(i % 2 == 0 ? "v=STSv1" : "v=TLSRPTv1");
      int n = random.nextInt(12);
      for (int j = 0; j < n; j++) {
        b.append(pieces[random.nextInt(pieces.length)]);
      }
      String text = b.toString();
      String reason = MtaStsCheck.recordError(text);
      assertThat(reason == null || !reason.isBlank()).as(text).isTrue();
      try {
        assertThat(TlsRptCheck.ruas(text)).as(text).doesNotContainNull();
      } catch (IllegalArgumentException e) {
        assertThat(e.getMessage()).as(text).isNotBlank();
      }
      MtaStsCheck.Policy p = MtaStsCheck.parsePolicy(text.substring(random.nextInt(text.length())));
      assertThat(p.mx()).doesNotContainNull();
    }
  }

  /** "version: STSv1\r\n" gzip-compressed by the JDK, as a Latin-1 string of its bytes. */
  private static final String GZIPPED_POLICY = gzipped("version: STSv1\r\n");

  private static String gzipped(String text) {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(b)) {
      z.write(text.getBytes(StandardCharsets.US_ASCII));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void noAnswerMakesThePolicyHttpReaderThrowAnythingButMalformed() {
    // The policy host's answer is the other side's too: a torn status line, headers or chunks
    // give PolicyFetcher.Malformed with a reason, never another exception.
    String[] pieces = {
      "HTTP/1.1 ",
      "HTTP/1.0 ",
      "200 OK",
      "103 Early Hints",
      "101 ",
      "2OO",
      "\r\n",
      "\r\n\r\n",
      "Content-Length: ",
      "Content-Type: text/plain",
      "Transfer-Encoding: chunked",
      "0",
      "5",
      "f",
      "ffffff",
      ";ext=1",
      ":",
      " ",
      "\t",
      "version: STSv1",
      "\u00e9",
      "\u0000",
      "Content-Encoding: gzip",
      "Content-Encoding: deflate",
      "Content-Encoding: br",
      "Transfer-Encoding: gzip, chunked",
      "\u001f\u008b\u0008\u0000",
      GZIPPED_POLICY,
      GZIPPED_POLICY.substring(0, 12)
    };
    java.util.Random random = new java.util.Random(9112);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder();
      int n = 1 + random.nextInt(14);
      for (int j = 0; j < n; j++) {
        b.append(pieces[random.nextInt(pieces.length)]);
      }
      String answer = b.toString();
      try {
        assertThat(parse(answer).body()).as(answer).isNotNull();
      } catch (PolicyFetcher.Malformed e) {
        assertThat(e.getMessage()).as(answer).isNotBlank();
      }
    }
  }

  @Test
  void ofAPolicysRepeatedFieldsButMxTheFirstCounts() {
    // RFC 8461 section 3.2: "If any non-repeated field -- i.e., all fields excluding "mx" -- is
    // duplicated, all entries except for the first SHALL be ignored."
    MtaStsCheck.Policy p =
        MtaStsCheck.parsePolicy(
            "version: STSv1\nmode: enforce\nmode: none\nmx: a.example\nmax_age: 86400\n"
                + "mx: *.b.example\nmax_age: 1\nversion: STSv2\n");

    assertThat(p.mode()).isEqualTo("enforce");
    assertThat(p.maxAge()).isEqualTo("86400");
    assertThat(p.version()).isEqualTo("STSv1");
    assertThat(p.mx()).containsExactly("a.example", "*.b.example");
    assertThat(p.deviation()).isNull();
    // The first repetition with another value is named, for the warning about senders that keep
    // the last; the same value again is no disagreement.
    assertThat(p.repeated()).isEqualTo("mode: enforce, then mode: none");
    assertThat(
            MtaStsCheck.parsePolicy(
                    "version: STSv1\nmode: enforce\nmode: enforce\nmx: a.example\nmax_age: 1\n")
                .repeated())
        .isNull();
  }

  @Test
  void aPolicyInTheGrammarOfSection3_2HasNoDeviation() {
    // sts-policy-record = sts-policy-field *WSP *(sts-policy-term sts-policy-field *WSP)
    //                     [sts-policy-term]; sts-policy-field-delim = ":" *WSP;
    // sts-policy-term = LF / CRLF; an extension's value has inner spaces and no CTLs.
    for (String policy :
        List.of(
            "version: STSv1\nmode: testing\nmx: mx1.example.com\nmx: mx.backup-example.com\n"
                + "max_age: 1296000\n",
            "version:STSv1\r\nmode:\tenforce \r\nmx:  \t *.example.com\nmax_age: 1\n"
                + "more:ext e  ns ion",
            "version: STSv1\r\nmode: none\r\nmax_age: 0\r\n")) {
      assertThat(MtaStsCheck.parsePolicy(policy).deviation()).as(policy).isNull();
    }
  }

  @Test
  void aPolicyLineOutsideTheGrammarOfSection3_2IsNamed() {
    String head = "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 86400\n";
    // A field between every two terms: no blank line, not even a second one at the end.
    assertThat(MtaStsCheck.parsePolicy(head + "\n").deviation()).isEqualTo("line 5 ('') is empty");
    assertThat(
            MtaStsCheck.parsePolicy("version: STSv1\n\nmode: enforce\nmx: a.example\nmax_age: 1")
                .deviation())
        .isEqualTo("line 2 ('') is empty");
    assertThat(MtaStsCheck.parsePolicy(head + "just words").deviation())
        .isEqualTo("line 5 ('just words') is not a field (name: value)");
    // A field starts with its name: no leading space, and no space before the colon.
    assertThat(MtaStsCheck.parsePolicy(head + " mx: b.example").deviation())
        .isEqualTo("line 5 (' mx: b.example') does not start with a field name");
    assertThat(MtaStsCheck.parsePolicy(head + "ext : 1").deviation())
        .isEqualTo("line 5 ('ext : 1') does not start with a field name");
    // sts-policy-mx-value = ["*."] Domain, and RFC 5321's Domain has no final dot, no empty
    // label and no wildcard but the leading one.
    for (String mx :
        List.of("mail.example.com.", "*.*.example.com", "mail..example.com", "", "-a.b")) {
      assertThat(MtaStsCheck.parsePolicy(head + "mx: " + mx).deviation())
          .as(mx)
          .isEqualTo("line 5 ('mx: " + mx + "') is not a host name or \"*.\" and a host name");
    }
    assertThat(MtaStsCheck.parsePolicy(head + "ext:").deviation())
        .isEqualTo("line 5 ('ext:') has an empty value or a control character in it");
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
  void interimAnswersBeforeTheFinalOneAreSkipped() throws Exception {
    // RFC 9110 section 15.2: "A client MUST be able to parse one or more 1xx responses received
    // prior to a final response, even if the client does not expect one."
    PolicyFetcher.Fetched got =
        parse(
            "HTTP/1.1 103 Early Hints\r\nLink: </x.css>; rel=preload\r\n\r\n"
                + "HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 14\r\n\r\n"
                + "version: STSv1");

    assertThat(got.status()).isEqualTo(200);
    assertThat(got.contentType()).isEqualTo("text/plain");
    assertThat(got.body()).isEqualTo("version: STSv1");
  }

  @Test
  void endlessInterimAnswersAreAFailure() {
    assertThatThrownBy(() -> parse("HTTP/1.1 103 Early Hints\r\n\r\n".repeat(6)))
        .hasMessage("more than 5 interim (1xx) answers before a final one");
    // An interim answer and nothing after it.
    assertThatThrownBy(() -> parse("HTTP/1.1 100 Continue\r\n\r\n"))
        .hasMessage("the answer ends before its headers do (no empty line after them)");
  }

  @Test
  void twoContentLengthsThatDifferAreAFailure() throws Exception {
    // RFC 9112 section 6.3: "If a message is received without Transfer-Encoding and with an
    // invalid Content-Length header field, then the message framing is invalid and the recipient
    // MUST treat it as an unrecoverable error"; a user agent "MUST ... discard the received
    // response". RFC 9110 section 8.6 allows the same value repeated.
    assertThatThrownBy(
            () ->
                parse(
                    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 14\r\n\r\n"
                        + "version: STSv1"))
        .hasMessage("it has two Content-Lengths, 5 and 14");
    assertThat(
            parse(
                    "HTTP/1.1 200 OK\r\nContent-Length: 14\r\nContent-Length: 14\r\n\r\n"
                        + "version: STSv1")
                .body())
        .isEqualTo("version: STSv1");
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
