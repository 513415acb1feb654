package org.mailassure.readiness;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mailassure.config.Config;
import org.mailassure.config.ConfigLoader;
import org.mailassure.demo.Certificates;
import org.mailassure.graph.Credentials;
import org.mailassure.graph.GraphClients;
import org.mailassure.journal.JournalEntry;
import org.mailassure.journal.JournalState;
import org.mailassure.journal.Outcome;
import org.mailassure.keys.PemCertificates;
import org.mailassure.probe.transport.SmtpTransport;
import org.mailassure.readiness.dns.DnsClient;
import org.mailassure.rules.MailboxRules;
import org.mailassure.testing.Fixtures;
import org.mailassure.testing.LoopbackDns;
import org.mailassure.testing.LoopbackGraph;
import org.mailassure.testing.LoopbackRelay;
import org.mailassure.testing.RecordingSleeper;

/**
 * The readiness checks against a real DNS server on loopback UDP, an HTTPS policy server and TLS
 * SMTP relays on loopback, and a loopback Graph: a fully ready Microsoft 365 domain passes every
 * check, and each broken variant gives its status and a fix.
 */
class ReadinessTest {
  // Real time: the relays' certificates are made now, so expiry is measured against now.
  private static final Instant NOW =
      Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
  private static final KeyPair RSA1024 = rsa(1024);
  private static final KeyPair OTHER = rsa(2048);

  @TempDir static Path dir;
  static LoopbackDns dns;
  static HttpsServer policies;
  static final Map<String, String[]> policyByHost = new ConcurrentHashMap<>();
  static LoopbackRelay relay;
  static LoopbackRelay oldTlsRelay;
  static LoopbackRelay expiringRelay;
  static LoopbackGraph graph;

  /** A broken variant: what to change in a ready domain, which check sees it, and what it says. */
  record Variant(String name, Consumer<Zone> change, CheckId check, Status status, String says) {
    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * Where each variant's expected verdict comes from: the RFC's words (quoted, or "in substance"
   * where the rule is spread over a section), or, for what no RFC decides, the Microsoft 365 set-up
   * or the gov.uk guidance mailassure follows, or mailassure's own documented rule (README,
   * Readiness) — never mailassure's output.
   */
  static final Map<String, String> SOURCES =
      Map.ofEntries(
          Map.entry(
              "no MX",
              "Microsoft 365: a domain receives through the MX Exchange Online gives it"
                  + " (DOMAIN.mail.protection.outlook.com); with none, the assessment service's"
                  + " messages reach no shared mailbox (mailassure's rule)"),
          Map.entry(
              "MX host without an address",
              "RFC 5321 5.1: \"If MX records are present, but none of them are usable, or the"
                  + " implicit MX is unusable, this situation MUST be reported as an error.\""),
          Map.entry(
              "MX host that is a CNAME",
              "RFC 2181 10.3: \"The domain name used as the value of a NS resource record, or part"
                  + " of the value of a MX resource record must not be an alias.\""),
          Map.entry(
              "null MX",
              "RFC 7505 3, in substance: an MX of preference 0 and exchange \".\" says the domain"
                  + " accepts no mail"),
          Map.entry(
              "no SPF",
              "RFC 7208 4.5: \"If the resultant record set includes no records, check_host()"
                  + " produces the 'none' result.\""),
          Map.entry(
              "two SPF records",
              "RFC 7208 4.5: \"If the resultant record set includes more than one record,"
                  + " check_host() produces the 'permerror' result.\""),
          Map.entry(
              "+all",
              "RFC 7208 5.1: \"The 'all' mechanism is a test that always matches.\" With +, every"
                  + " sender on the Internet passes (mailassure's rule: fail)"),
          Map.entry(
              "SPF ip6:::/0",
              "RFC 7208 5.6: ip6 matches when \"the <ip> is contained within the given network\";"
                  + " ::/0 contains every IPv6 address, so every IPv6 sender passes"),
          Map.entry(
              "SPF a: names without AAAA",
              "RFC 7208 5.3: for an IPv6 <ip>, a \"performs an AAAA lookup\"; names with only an A"
                  + " record are then void lookups, and 4.6.4 makes a third permerror"),
          Map.entry(
              "11 lookups",
              "RFC 7208 4.6.4: \"SPF implementations SHOULD limit 'void lookups' to two.\" (and at"
                  + " most 10 DNS-querying terms); exceeding it is permerror"),
          Map.entry(
              "unreachable Outlook MX does not demand Outlook's SPF include",
              "Issue 13: whether the domain is on Microsoft 365 is decided from resolvable MX"
                  + " hosts only (mailassure's rule)"),
          Map.entry(
              "SPF typo ipv4:",
              "RFC 7208 4.6: \"if there are any syntax errors anywhere in the record, check_host()"
                  + " returns immediately with the result 'permerror'\""),
          Map.entry("SPF ptr", "RFC 7208 5.5: \"This mechanism SHOULD NOT be published.\""),
          Map.entry(
              "SPF redirect beside all",
              "RFC 7208 6.1: \"Any 'redirect' modifier MUST be ignored if there is an 'all'"
                  + " mechanism anywhere in the record.\""),
          Map.entry(
              "SPF redirect beside all at ten lookups",
              "pyspf and Mail::SPF (Debian's python3-spf and libmail-spf-perl) both return"
                  + " permerror for such a record (SpfCorpusTest s54 asks them); RFC 7208 4.6.4:"
                  + " more than ten \"MUST return 'permerror'\""),
          Map.entry(
              "SPF redirect to Outlook's record",
              "RFC 7208 6.1, in substance: with no all, the redirect target's result is the"
                  + " record's; Outlook's record ends -all"),
          Map.entry(
              "missing outlook include",
              "Microsoft 365: mail Exchange Online sends passes SPF only through include:"
                  + "spf.protection.outlook.com (mailassure's rule for a Microsoft 365 domain)"),
          Map.entry(
              "missing outlook include behind an mx.microsoft MX",
              "Microsoft 365 Message Center, April 2025: the MX hosts of accepted domains added"
                  + " after August 2025 are provisioned under mx.microsoft (DNSSEC); their mail"
                  + " still leaves through Exchange Online, so the same include applies"),
          Map.entry(
              "no DMARC",
              "RFC 7489 6.6.3, in substance: with no policy record receivers apply no DMARC;"
                  + " the gov.uk guidance asks every domain for one"),
          Map.entry(
              "DMARC version in lower case",
              "RFC 7489 6.4: v \"MUST match precisely\"; otherwise the record is ignored"),
          Map.entry(
              "DMARC p= misspelt beside a valid rua",
              "RFC 7489 6.6.3: \"the Mail Receiver SHOULD act as if a record containing a valid"
                  + " 'v' tag and 'p=none' was retrieved\""),
          Map.entry(
              "DMARC sp= misspelt beside p=reject and a valid rua",
              "RFC 7489 6.6.3: \"If a retrieved policy record does not contain a valid 'p' tag, or"
                  + " contains an 'sp' tag that is not valid, then: if an 'rua' tag is present and"
                  + " contains at least one syntactically valid reporting URI, the Mail Receiver"
                  + " SHOULD act as if a record containing a valid 'v' tag and 'p=none' was"
                  + " retrieved\"; Mail::DMARC (Debian's libmail-dmarc-perl) does so"),
          Map.entry(
              "DMARC sp= misspelt beside p=reject and no rua",
              "RFC 7489 6.6.3: \"If a retrieved policy record does not contain a valid 'p' tag, or"
                  + " contains an 'sp' tag that is not valid, then: ... otherwise, the Mail Receiver"
                  + " applies no DMARC processing to this message\""),
          Map.entry(
              "DMARC p= misspelt and no rua",
              "RFC 7489 6.6.3: \"otherwise, the Mail Receiver applies no DMARC processing to this"
                  + " message\""),
          Map.entry(
              "DMARC tag names in capitals",
              "RFC 5234 2.3: \"ABNF strings are case insensitive\", and RFC 7489 6.4 spells"
                  + " dmarc-request = \"p\" *WSP \"=\" ...; OpenDMARC compares tag names with"
                  + " strcasecmp; but RFC 6376 3.2, whose tag-value syntax RFC 7489 6.3 takes:"
                  + " \"Tags MUST be interpreted in a case-sensitive manner.\""),
          Map.entry(
              "DMARC p= twice in different cases",
              "RFC 6376 3.2: \"if a tag name does occur more than once, the entire tag-list is"
                  + " invalid\"; RFC 5234 2.3 makes p and P one name in RFC 7489 6.4's grammar"),
          Map.entry(
              "p=none",
              "RFC 7489 6.3: \"none: The Domain Owner requests no specific action be taken"
                  + " regarding delivery of messages.\" (the gov.uk guidance moves on to"
                  + " quarantine or reject)"),
          Map.entry(
              "pct below 100",
              "RFC 7489 6.3, pct: \"Percentage of messages from the Domain Owner's mail stream to"
                  + " which the DMARC policy is to be applied.\""),
          Map.entry(
              "missing rua",
              "gov.uk guidance: aggregate reports go to NCSC Mail Check,"
                  + " mailto:dmarc-rua@dmarc.service.gov.uk (mailassure's rule)"),
          Map.entry(
              "unauthorised external rua",
              "RFC 7489 7.1, in substance: reports go to another domain only when it publishes"
                  + " v=DMARC1 at DOMAIN._report._dmarc.DESTINATION"),
          Map.entry(
              "missing selector2",
              "Microsoft 365 signs with selector1 or selector2 and rotates between them; both"
                  + " CNAMEs must be published (mailassure's rule)"),
          Map.entry(
              "1024-bit key",
              "RFC 8301 3.2: \"Signers SHOULD use RSA keys of at least 2048 bits.\""),
          Map.entry(
              "DKIM key in testing mode",
              "RFC 6376 3.6.1: \"Verifiers MUST NOT treat messages from Signers in testing mode"
                  + " differently from unsigned email\""),
          Map.entry(
              "DKIM key that allows only sha1",
              "RFC 8301 3.1: \"rsa-sha1 MUST NOT be used for signing or verifying.\""),
          Map.entry(
              "DKIM key as a bare PKCS#1 RSA key",
              "Mail::DKIM (Debian's libmail-dkim-perl) cannot verify with such a key (\"OpenSSL"
                  + " error: wrong tag\", DkimDifferentialTest asks it) and OpenDKIM reads p= with"
                  + " d2i_PUBKEY, SubjectPublicKeyInfo only; dkimpy reads it, and RFC 6376 3.6.1"
                  + " names the form: a warning"),
          Map.entry(
              "a Microsoft selector without its key while another selector signs",
              "RFC 6376 6.1.2, in substance: a signature whose key cannot be retrieved fails;"
                  + " while another expected selector has a usable key, aligned DKIM still passes"),
          Map.entry(
              "no expected selector with a usable key",
              "RFC 6376 3.6.1 and 6.1.2, in substance: no usable key (missing, or t=y, treated as"
                  + " unsigned) means no aligned DKIM can pass"),
          Map.entry(
              "revoked key",
              "RFC 6376 3.6.1: \"An empty value means that this public key has been revoked.\""),
          Map.entry(
              "key not matching the local private key",
              "RFC 6376 6.1.3, in substance: a signature verifies only with the public half of"
                  + " the key that made it"),
          Map.entry(
              "no MTA-STS policy",
              "RFC 8461 3.3, in substance: the policy is the resource at"
                  + " https://mta-sts.DOMAIN/.well-known/mta-sts.txt; a 404 is no policy"),
          Map.entry(
              "MX not in policy",
              "RFC 8461 4.1, in substance: in enforce mode senders deliver only to MX hosts that"
                  + " match one of the policy's mx patterns"),
          Map.entry(
              "MTA-STS id of 33 characters",
              "RFC 8461 3.1: sts-id = %s\"id=\" 1*32(ALPHA / DIGIT); \"if the resulting record is"
                  + " syntactically invalid, senders MUST assume the recipient domain does not have"
                  + " an available MTA-STS Policy\""),
          Map.entry(
              "MTA-STS id with a hyphen",
              "RFC 8461 3.1: sts-id = %s\"id=\" 1*32(ALPHA / DIGIT); \"if the resulting record is"
                  + " syntactically invalid, senders MUST assume the recipient domain does not have"
                  + " an available MTA-STS Policy\""),
          Map.entry(
              "MTA-STS id with spaces around its =",
              "RFC 8461 3.1: sts-id = %s\"id=\" 1*32(ALPHA / DIGIT), no WSP around its \"=\"; \"if"
                  + " the resulting record is syntactically invalid, senders MUST assume the"
                  + " recipient domain does not have an available MTA-STS Policy\""),
          Map.entry(
              "MTA-STS record with an empty field",
              "RFC 8461 3.1: sts-text-record = sts-version 1*(sts-field-delim sts-field)"
                  + " [sts-field-delim], so no empty field between two delimiters; \"if the"
                  + " resulting record is syntactically invalid, senders MUST assume the recipient"
                  + " domain does not have an available MTA-STS Policy\""),
          Map.entry(
              "MTA-STS policy with its mode twice, enforce first",
              "RFC 8461 3.2: \"If any non-repeated field -- i.e., all fields excluding \"mx\" -- is"
                  + " duplicated, all entries except for the first SHALL be ignored\"; Debian's"
                  + " postfix-mta-sts-resolver (utils.parse_mta_sts_policy) keeps the last: a"
                  + " warning"),
          Map.entry(
              "MTA-STS policy with its mode twice, none first",
              "RFC 8461 3.2: \"If any non-repeated field -- i.e., all fields excluding \"mx\" -- is"
                  + " duplicated, all entries except for the first SHALL be ignored\"; RFC 8461 5:"
                  + " in mode none \"Sending MTAs should treat the Policy Domain as though it does"
                  + " not have any active policy\""),
          Map.entry(
              "MTA-STS policy with a blank line",
              "RFC 8461 3.2: sts-policy-record = sts-policy-field *WSP *(sts-policy-term"
                  + " sts-policy-field *WSP) [sts-policy-term], so no empty line; a warning, as"
                  + " lenient senders (Debian's postfix-mta-sts-resolver) skip the line and strict"
                  + " ones refuse the policy"),
          Map.entry(
              "MTA-STS policy without max_age",
              "RFC 8461 3.2: version, mode and max_age are \"required once\""),
          Map.entry(
              "MTA-STS enforce policy without mx",
              "RFC 8461 3.2: mx is \"required at least once, except when mode is 'none'\""),
          Map.entry(
              "MTA-STS policy served as HTML",
              "RFC 8461 3.2: \"senders SHOULD validate that the media type is 'text/plain'\""),
          Map.entry(
              "SPF answer over 512 octets",
              "RFC 7208 3.4: \"The published SPF record for a given domain name SHOULD remain"
                  + " small enough that the results of a query for it will fit within 512"
                  + " octets\""),
          Map.entry(
              "MTA-STS policy behind a redirect",
              "RFC 8461 3.3: \"Policies fetched via HTTPS are only valid if the HTTP response code"
                  + " is 200 (OK). HTTP 3xx redirects MUST NOT be followed\""),
          Map.entry(
              "two DKIM key records at one selector",
              "RFC 6376 3.6.2.2: \"TXT RRs MUST be unique for a particular selector name; that is,"
                  + " if there are multiple records in an RRset, the results are undefined\""),
          Map.entry(
              "DKIM key for another service",
              "RFC 6376 3.6.1, s=: \"Verifiers for a given service type MUST ignore this record if"
                  + " the appropriate type is not listed\"; for mail the type is \"email\""),
          Map.entry(
              "DKIM selector CNAME loop",
              "RFC 1034 3.6.2: \"CNAME chains should be followed and CNAME loops signalled as an"
                  + " error\"; a key that cannot be reached verifies nothing"),
          Map.entry(
              "null MX beside an MTA-STS policy",
              "RFC 7505 3: a null MX \"denotes that there exists no mail exchanger\", so no MX"
                  + " host can fall outside the policy's mx patterns (RFC 8461 4.1); the mx check"
                  + " fails the null MX itself"),
          Map.entry(
              "MTA-STS version in lower case",
              "RFC 8461 3.1: sts-version = %s\"v=STSv1\" (case-sensitive), and \"records that do not"
                  + " begin with 'v=STSv1;' are discarded\""),
          Map.entry(
              "MTA-STS policy field name in capitals",
              "RFC 8461 3.2: sts-policy-mode-field = %s\"mode\" (case-sensitive); Debian's"
                  + " postfix-mta-sts-resolver reads fields by their exact names too"),
          Map.entry(
              "MTA-STS mode in capitals",
              "RFC 8461 3.2: sts-policy-mode-value = %s\"testing\" / %s\"enforce\" / %s\"none\""),
          Map.entry(
              "MTA-STS policy served as text/plain with a charset",
              "RFC 9110 8.3.1: \"The type and subtype tokens are case-insensitive\", and a media"
                  + " type's parameters follow a \";\"; RFC 8461 3.3 asks for the media type"
                  + " text/plain"),
          Map.entry(
              "MTA-STS mode none",
              "RFC 8461 5: \"none: In this mode, Sending MTAs should treat the Policy Domain as"
                  + " though it does not have any active policy\""),
          Map.entry(
              "no TLS-RPT",
              "RFC 8460 3, in substance: without the _smtp._tls record no sender reports TLS"
                  + " failures; the gov.uk guidance sends them to NCSC Mail Check"),
          Map.entry(
              "TLS-RPT version in lower case",
              "RFC 8460 3: tlsrpt-version = %s\"v=TLSRPTv1\" (case-sensitive)"),
          Map.entry("TLS-RPT rua over plain http", "RFC 8460 3: a rua URI is mailto: or https:"),
          Map.entry(
              "TLS-RPT rua with spaces around its =",
              "RFC 8460 3: tlsrpt-rua = %s\"rua=\" tlsrpt-uri *(*WSP \",\" *WSP tlsrpt-uri), no WSP"
                  + " around its \"=\""),
          Map.entry(
              "TLS-RPT record with rua twice",
              "RFC 8460 3: tlsrpt-record = tlsrpt-version 1*(field-delim tlsrpt-field)"
                  + " [field-delim], tlsrpt-field = tlsrpt-rua / tlsrpt-extension: nothing keeps rua"
                  + " to one field"),
          Map.entry(
              "relay with TLS 1.1 only",
              "RFC 8996: \"TLS 1.0 MUST NOT be used\" and \"TLS 1.1 MUST NOT be used\""),
          Map.entry(
              "relay certificate expiring in 5 days",
              "mailassure's rule (README, Readiness): warn while a relay certificate has 14 days"
                  + " or fewer left"),
          Map.entry(
              "DNS timeout",
              "RFC 7208 4.4, in substance: a timed-out lookup is temperror, neither a void lookup"
                  + " nor a pass"),
          Map.entry(
              "SERVFAIL",
              "RFC 7489 6.6.3, in substance: a transient DNS error is not the absence of a"
                  + " record"),
          Map.entry(
              "no inbox rule",
              "mailassure's rule (README, forward mode): provision keeps a rule named rule.name"
                  + " in each mailbox"),
          Map.entry(
              "no recent probe",
              "mailassure's rule (README, Readiness): a daily probe older than 26 hours is"
                  + " missing"));

  static List<Variant> variants() {
    String outlookOnly = "v=spf1 include:spf.protection.outlook.com -all";
    return List.of(
        new Variant("no MX", z -> z.remove("@", "MX"), CheckId.MX, Status.FAIL, "no MX records"),
        new Variant(
            "MX host without an address",
            z -> z.set("@", "MX", "0 nowhere.example."),
            CheckId.MX,
            Status.FAIL,
            "has no address"),
        // RFC 2181 section 10.3: the exchange named by an MX "MUST NOT be an alias".
        new Variant(
            "MX host that is a CNAME",
            z -> {
              z.set("@", "MX", "0 mx." + z.domain + ".");
              z.set("mx", "CNAME", z.domain.replace('.', '-') + ".mail.protection.outlook.com.");
            },
            CheckId.MX,
            Status.WARN,
            "is an alias (CNAME)"),
        // RFC 7505 section 3: exchange "." with preference 0 means no mail exchanger.
        new Variant("null MX", z -> z.set("@", "MX", "0 ."), CheckId.MX, Status.FAIL, "null MX"),
        new Variant(
            "two DKIM key records at one selector",
            z -> z.add("mailassure1._domainkey", "TXT", "v=DKIM1; k=rsa; p=" + b64(OTHER)),
            CheckId.DKIM,
            Status.FAIL,
            "2 key records at mailassure1._domainkey."),
        new Variant(
            "DKIM key for another service",
            z -> z.setTarget("selector1", "v=DKIM1; k=rsa; s=tlsrpt; p=" + b64(Fixtures.RSA)),
            CheckId.DKIM,
            Status.FAIL,
            "selector1 is published for s=tlsrpt, not email"),
        new Variant(
            "DKIM selector CNAME loop",
            z -> {
              z.set("selector1._domainkey", "CNAME", "loop." + z.domain + ".");
              z.set("loop", "CNAME", "selector1._domainkey." + z.domain + ".");
            },
            CheckId.DKIM,
            Status.FAIL,
            "the CNAME chain from selector1._domainkey."),
        new Variant(
            "null MX beside an MTA-STS policy",
            z -> z.set("@", "MX", "0 ."),
            CheckId.MTA_STS,
            Status.PASS,
            "mode enforce"),
        new Variant(
            "no SPF", z -> z.remove("@", "TXT"), CheckId.SPF, Status.FAIL, "no v=spf1 record"),
        new Variant(
            "two SPF records",
            z -> z.add("@", "TXT", "v=spf1 -all"),
            CheckId.SPF,
            Status.FAIL,
            "2 v=spf1 records"),
        new Variant(
            "+all",
            z -> z.set("@", "TXT", outlookOnly.replace("-all", "+all")),
            CheckId.SPF,
            Status.FAIL,
            "+all"),
        new Variant(
            "SPF ip6:::/0",
            z -> z.set("@", "TXT", outlookOnly.replace("-all", "ip6:::/0 -all")),
            CheckId.SPF,
            Status.FAIL,
            "for IPv6 senders it comes to pass (decided by ip6:::/0)"),
        new Variant(
            "SPF a: names without AAAA",
            z -> {
              z.set(
                  "@",
                  "TXT",
                  outlookOnly.replace(
                      "-all",
                      "a:h1." + z.domain + " a:h2." + z.domain + " a:h3." + z.domain + " -all"));
              for (String h : new String[] {"h1", "h2", "h3"}) {
                z.add(h, "A", "192.0.2.25");
              }
            },
            CheckId.SPF,
            Status.FAIL,
            "for IPv6 senders receivers return permerror: more than 2 void lookups"),
        new Variant(
            "11 lookups",
            z ->
                z.set(
                    "@",
                    "TXT",
                    "v=spf1 include:spf.protection.outlook.com a mx ptr a:x.example "
                        + "a:y.example mx:z.example exists:e.example a:w.example a:v.example a:u.example -all"),
            CheckId.SPF,
            Status.FAIL,
            "receivers return permerror: more than 2 void lookups"),
        // An MX name under mail.protection.outlook.com that has no address receives nothing: it
        // does not make the domain a Microsoft 365 one, so Outlook's include is not required (the
        // mx check fails the unreachable host instead).
        new Variant(
            "unreachable Outlook MX does not demand Outlook's SPF include",
            z -> {
              z.remove("=" + z.domain.replace('.', '-') + ".mail.protection.outlook.com", "A");
              z.set("@", "TXT", "v=spf1 ip4:192.0.2.1 -all");
            },
            CheckId.SPF,
            Status.PASS,
            "v=spf1 ip4:192.0.2.1 -all"),
        // RFC 7208 section 5: "ipv4" is no mechanism; receivers return permerror for the record.
        new Variant(
            "SPF typo ipv4:",
            z -> z.set("@", "TXT", outlookOnly.replace(" -all", " ipv4:192.0.2.1 -all")),
            CheckId.SPF,
            Status.FAIL,
            "receivers return permerror: unknown mechanism 'ipv4:192.0.2.1'"),
        new Variant(
            "SPF answer over 512 octets",
            z -> {
              StringBuilder r = new StringBuilder("v=spf1 include:spf.protection.outlook.com");
              for (int i = 1; i <= 40; i++) {
                r.append(" ip4:192.0.2.").append(i);
              }
              z.set("@", "TXT", r + " -all");
            },
            CheckId.SPF,
            Status.WARN,
            "over the 512 an SPF answer should fit in"),
        // RFC 7208 section 5.5: "This mechanism SHOULD NOT be published."
        new Variant(
            "SPF ptr",
            z -> z.set("@", "TXT", outlookOnly.replace(" -all", " ptr -all")),
            CheckId.SPF,
            Status.WARN,
            "uses ptr"),
        new Variant(
            "SPF redirect beside all",
            z ->
                z.set(
                    "@",
                    "TXT",
                    outlookOnly.replace(" -all", " redirect=spf.protection.outlook.com -all")),
            CheckId.SPF,
            Status.WARN,
            "its redirect= is ignored (RFC 7208 section 6.1)"),
        new Variant(
            "SPF redirect beside all at ten lookups",
            z -> {
              StringBuilder r = new StringBuilder("v=spf1 include:spf.protection.outlook.com");
              for (int i = 1; i <= 9; i++) {
                r.append(" a:h").append(i).append('.').append(z.domain);
                z.set("h" + i, "A", "192.0.2." + i);
              }
              z.set("@", "TXT", r.append(" redirect=spf.protection.outlook.com -all").toString());
            },
            CheckId.SPF,
            Status.FAIL,
            "pyspf and Mail::SPF count it as an eleventh DNS lookup and return permerror"),
        // RFC 7208 section 6.1: with no all, the redirect target's result is the record's.
        new Variant(
            "SPF redirect to Outlook's record",
            z -> z.set("@", "TXT", "v=spf1 redirect=spf.protection.outlook.com"),
            CheckId.SPF,
            Status.PASS,
            "others get fail (-all)"),
        new Variant(
            "missing outlook include behind an mx.microsoft MX",
            z -> {
              String host = z.domain.replace('.', '-') + ".a-v1.mx.microsoft";
              z.set("@", "MX", "0 " + host + ".");
              z.add("=" + host, "A", "192.0.2.26");
              z.set("@", "TXT", "v=spf1 ip4:192.0.2.1 -all");
            },
            CheckId.SPF,
            Status.FAIL,
            "does not include spf.protection.outlook.com"),
        new Variant(
            "missing outlook include",
            z -> z.set("@", "TXT", "v=spf1 ip4:192.0.2.1 -all"),
            CheckId.SPF,
            Status.FAIL,
            "does not include spf.protection.outlook.com"),
        new Variant(
            "no DMARC",
            z -> z.remove("_dmarc", "TXT"),
            CheckId.DMARC,
            Status.FAIL,
            "no v=DMARC1 record"),
        // RFC 7489 section 6.4: the value of v "MUST match precisely; if it does not ... the
        // entire retrieved record MUST be ignored" (and its ABNF spells DMARC1 by code points).
        new Variant(
            "DMARC version in lower case",
            z ->
                z.set(
                    "_dmarc",
                    "TXT",
                    "v=dmarc1; p=reject; rua=mailto:dmarc-rua@dmarc.service.gov.uk"),
            CheckId.DMARC,
            Status.FAIL,
            "no v=DMARC1 record"),
        // RFC 7489 section 6.6.3: an invalid p= with a syntactically valid rua: receivers "act as
        // if a record containing a valid "v" tag and "p=none" was retrieved".
        new Variant(
            "DMARC p= misspelt beside a valid rua",
            z ->
                z.set(
                    "_dmarc",
                    "TXT",
                    "v=DMARC1; p=rejcet; rua=mailto:dmarc-rua@dmarc.service.gov.uk"),
            CheckId.DMARC,
            Status.WARN,
            "treat the whole record as p=none"),
        new Variant(
            "DMARC p= misspelt and no rua",
            z -> z.set("_dmarc", "TXT", "v=DMARC1; p=rejcet"),
            CheckId.DMARC,
            Status.FAIL,
            "apply no DMARC at all"),
        // RFC 7489 section 6.6.3, step 6: "If a retrieved policy record does not contain a valid
        // "p" tag, or contains an "sp" tag that is not valid, then" the same two outcomes.
        new Variant(
            "DMARC sp= misspelt beside p=reject and a valid rua",
            z ->
                z.set(
                    "_dmarc",
                    "TXT",
                    "v=DMARC1; p=reject; sp=rejcet; rua=mailto:dmarc-rua@dmarc.service.gov.uk"),
            CheckId.DMARC,
            Status.WARN,
            "sp=rejcet is not none/quarantine/reject; with a valid rua receivers treat the whole"
                + " record as p=none"),
        new Variant(
            "DMARC sp= misspelt beside p=reject and no rua",
            z -> z.set("_dmarc", "TXT", "v=DMARC1; p=reject; sp=rejcet"),
            CheckId.DMARC,
            Status.FAIL,
            "sp=rejcet is not none/quarantine/reject, and there is no valid rua, so receivers apply"
                + " no DMARC at all"),
        new Variant(
            "DMARC tag names in capitals",
            z ->
                z.set(
                    "_dmarc",
                    "TXT",
                    "v=DMARC1; P=reject; RUA=mailto:dmarc-rua@dmarc.service.gov.uk"),
            CheckId.DMARC,
            Status.WARN,
            "tag names not in lower case (P, RUA)"),
        new Variant(
            "DMARC p= twice in different cases",
            z ->
                z.set(
                    "_dmarc",
                    "TXT",
                    "v=DMARC1; p=reject; P=none; rua=mailto:dmarc-rua@dmarc.service.gov.uk"),
            CheckId.DMARC,
            Status.FAIL,
            "the tag p appears twice"),
        new Variant(
            "p=none",
            z ->
                z.set(
                    "_dmarc", "TXT", "v=DMARC1; p=none; rua=mailto:dmarc-rua@dmarc.service.gov.uk"),
            CheckId.DMARC,
            Status.WARN,
            "p=none"),
        new Variant(
            "pct below 100",
            z ->
                z.set(
                    "_dmarc",
                    "TXT",
                    "v=DMARC1; p=reject; pct=50; rua=mailto:dmarc-rua@dmarc.service.gov.uk"),
            CheckId.DMARC,
            Status.WARN,
            "pct=50"),
        new Variant(
            "missing rua",
            z -> z.set("_dmarc", "TXT", "v=DMARC1; p=reject"),
            CheckId.DMARC,
            Status.FAIL,
            "rua does not include mailto:dmarc-rua@dmarc.service.gov.uk"),
        new Variant(
            "unauthorised external rua",
            z ->
                z.set(
                    "_dmarc",
                    "TXT",
                    "v=DMARC1; p=reject; rua=mailto:dmarc-rua@dmarc.service.gov.uk,mailto:reports@vendor.example"),
            CheckId.DMARC,
            Status.FAIL,
            "vendor.example has not authorised reports"),
        new Variant(
            "missing selector2",
            z -> z.remove("selector2._domainkey", "CNAME"),
            CheckId.DKIM,
            Status.FAIL,
            "no record at selector2._domainkey"),
        new Variant(
            "1024-bit key",
            z -> z.setTarget("selector1", "v=DKIM1; k=rsa; p=" + b64(RSA1024)),
            CheckId.DKIM,
            Status.WARN,
            "1024-bit RSA key"),
        new Variant(
            "DKIM key as a bare PKCS#1 RSA key",
            z -> {
              // RFC 8017's RSAPublicKey: the SubjectPublicKeyInfo's BIT STRING content, 24 bytes in
              // for a 2048-bit key.
              byte[] spki = Fixtures.RSA.getPublic().getEncoded();
              z.setTarget(
                  "selector1",
                  "v=DKIM1; k=rsa; p="
                      + Base64.getEncoder()
                          .encodeToString(java.util.Arrays.copyOfRange(spki, 24, spki.length)));
            },
            CheckId.DKIM,
            Status.WARN,
            "selector1's p= is a bare RSA key (PKCS#1), which OpenDKIM and Mail::DKIM cannot read"),
        // RFC 6376 section 3.6.1, t=y: verifiers "MUST NOT treat messages from Signers in testing
        // mode differently from unsigned email".
        new Variant(
            "DKIM key in testing mode",
            z -> z.setTarget("selector1", "v=DKIM1; k=rsa; t=y; p=" + b64(Fixtures.RSA)),
            CheckId.DKIM,
            Status.WARN,
            "testing mode (t=y)"),
        // RFC 8301 section 3.1: "Verifiers MUST NOT consider signatures using rsa-sha1 valid."
        new Variant(
            "DKIM key that allows only sha1",
            z -> z.setTarget("selector1", "v=DKIM1; k=rsa; h=sha1; p=" + b64(Fixtures.RSA)),
            CheckId.DKIM,
            Status.FAIL,
            "allows only h=sha1"),
        new Variant(
            "a Microsoft selector without its key while another selector signs",
            z ->
                z.remove(
                    "=selector1-"
                        + z.domain.replace('.', '-')
                        + "._domainkey.contoso.onmicrosoft.com",
                    "TXT"),
            CheckId.DKIM,
            Status.WARN,
            "no key is published there yet"),
        // With no expected selector usable (both Microsoft keys missing, the local key in testing
        // mode, which RFC 6376 has receivers treat as unsigned), no aligned DKIM can pass.
        new Variant(
            "no expected selector with a usable key",
            z -> {
              String dashed = z.domain.replace('.', '-');
              z.remove("=selector1-" + dashed + "._domainkey.contoso.onmicrosoft.com", "TXT");
              z.remove("=selector2-" + dashed + "._domainkey.contoso.onmicrosoft.com", "TXT");
              z.set("mailassure1._domainkey", "TXT", "v=DKIM1; k=rsa; t=y; p=" + b64(Fixtures.RSA));
            },
            CheckId.DKIM,
            Status.FAIL,
            "no expected selector has a usable key"),
        new Variant(
            "revoked key",
            z -> z.setTarget("selector1", "v=DKIM1; k=rsa; p="),
            CheckId.DKIM,
            Status.FAIL,
            "revoked (empty p=)"),
        new Variant(
            "key not matching the local private key",
            z -> z.set("mailassure1._domainkey", "TXT", "v=DKIM1; k=rsa; p=" + b64(OTHER)),
            CheckId.DKIM,
            Status.FAIL,
            "is not the public half of"),
        new Variant(
            "no MTA-STS policy",
            z -> z.policy("404", ""),
            CheckId.MTA_STS,
            Status.FAIL,
            "answered HTTP 404"),
        new Variant(
            "MTA-STS policy behind a redirect",
            z -> z.policy("301", ""),
            CheckId.MTA_STS,
            Status.FAIL,
            "answered HTTP 301, a redirect, which senders do not follow"),
        new Variant(
            "MX not in policy",
            z ->
                z.policy(
                    "200",
                    "version: STSv1\nmode: enforce\nmx: mail.other.example\n" + "max_age: 86400\n"),
            CheckId.MTA_STS,
            Status.FAIL,
            "is not in the policy's mx list"),
        // RFC 8461 section 3.1: sts-id = %s"id=" 1*32(ALPHA / DIGIT), and "if the resulting
        // record is syntactically invalid, senders MUST assume the recipient domain does not have
        // an available MTA-STS Policy".
        new Variant(
            "MTA-STS id of 33 characters",
            z -> z.set("_mta-sts", "TXT", "v=STSv1; id=" + "a".repeat(33)),
            CheckId.MTA_STS,
            Status.FAIL,
            "id= must be 1 to 32 letters and digits"),
        new Variant(
            "MTA-STS id with a hyphen",
            z -> z.set("_mta-sts", "TXT", "v=STSv1; id=2026-11-29"),
            CheckId.MTA_STS,
            Status.FAIL,
            "id= must be 1 to 32 letters and digits"),
        new Variant(
            "MTA-STS id with spaces around its =",
            z -> z.set("_mta-sts", "TXT", "v=STSv1; id = 20261129T0900"),
            CheckId.MTA_STS,
            Status.FAIL,
            "no '=' right after its name"),
        new Variant(
            "MTA-STS record with an empty field",
            z -> z.set("_mta-sts", "TXT", "v=STSv1;; id=20261129T0900"),
            CheckId.MTA_STS,
            Status.FAIL,
            "so senders take no policy"),
        // RFC 8461 section 3.2: "If any non-repeated field -- i.e., all fields excluding "mx" --
        // is duplicated, all entries except for the first SHALL be ignored."
        new Variant(
            "MTA-STS policy with its mode twice, enforce first",
            z ->
                z.policy(
                    "200",
                    "version: STSv1\nmode: enforce\nmx: *.mail.protection.outlook.com\n"
                        + "max_age: 86400\nmode: none\n"),
            CheckId.MTA_STS,
            Status.WARN,
            "the policy gives mode: enforce, then mode: none: RFC 8461 has senders take the first,"
                + " but postfix-mta-sts-resolver (Postfix's) takes the last"),
        new Variant(
            "MTA-STS policy with its mode twice, none first",
            z ->
                z.policy(
                    "200",
                    "version: STSv1\nmode: none\nmx: *.mail.protection.outlook.com\n"
                        + "max_age: 86400\nmode: enforce\n"),
            CheckId.MTA_STS,
            Status.FAIL,
            "mode none switches MTA-STS off"),
        // RFC 8461 section 3.2: sts-policy-record = sts-policy-field *WSP
        // *(sts-policy-term sts-policy-field *WSP) [sts-policy-term]: no blank line.
        new Variant(
            "MTA-STS policy with a blank line",
            z ->
                z.policy(
                    "200",
                    "version: STSv1\nmode: enforce\n\nmx: *.mail.protection.outlook.com\n"
                        + "max_age: 86400\n"),
            CheckId.MTA_STS,
            Status.WARN,
            "line 3 ('') is empty"),
        // RFC 8461 section 3.2 lists max_age among the policy's fields and section 5 has senders
        // cache the policy for it; a policy without it is not one senders can apply.
        new Variant(
            "MTA-STS policy without max_age",
            z ->
                z.policy(
                    "200", "version: STSv1\nmode: enforce\nmx: *.mail.protection.outlook.com\n"),
            CheckId.MTA_STS,
            Status.FAIL,
            "lacks max_age"),
        new Variant(
            "MTA-STS enforce policy without mx",
            z -> z.policy("200", "version: STSv1\nmode: enforce\nmax_age: 86400\n"),
            CheckId.MTA_STS,
            Status.FAIL,
            "lacks mx"),
        // RFC 8461 section 3.2: "senders SHOULD validate that the media type is 'text/plain'".
        new Variant(
            "MTA-STS policy served as HTML",
            z ->
                z.policy(
                    "200",
                    "version: STSv1\nmode: enforce\nmx: *.mail.protection.outlook.com\n"
                        + "max_age: 86400\n",
                    "text/html"),
            CheckId.MTA_STS,
            Status.FAIL,
            "not text/plain"),
        // RFC 8461 section 3.1: sts-version = %s"v=STSv1", case-sensitive.
        new Variant(
            "MTA-STS version in lower case",
            z -> z.set("_mta-sts", "TXT", "v=stsv1; id=20261129T0900"),
            CheckId.MTA_STS,
            Status.FAIL,
            "no v=STSv1 record"),
        // RFC 8461 section 3.2: sts-policy-mode-field = %s"mode", case-sensitive.
        new Variant(
            "MTA-STS policy field name in capitals",
            z ->
                z.policy(
                    "200",
                    "version: STSv1\nMode: enforce\nmx: *.mail.protection.outlook.com\n"
                        + "max_age: 86400\n"),
            CheckId.MTA_STS,
            Status.FAIL,
            "lacks mode"),
        new Variant(
            "MTA-STS mode in capitals",
            z ->
                z.policy(
                    "200",
                    "version: STSv1\nmode: Enforce\nmx: *.mail.protection.outlook.com\n"
                        + "max_age: 86400\n"),
            CheckId.MTA_STS,
            Status.FAIL,
            "mode Enforce is not enforce, testing or none"),
        new Variant(
            "MTA-STS policy served as text/plain with a charset",
            z ->
                z.policy(
                    "200",
                    "version: STSv1\nmode: enforce\nmx: *.mail.protection.outlook.com\n"
                        + "max_age: 86400\n",
                    "Text/Plain; charset=utf-8"),
            CheckId.MTA_STS,
            Status.PASS,
            "mode enforce"),
        new Variant(
            "MTA-STS mode none",
            z ->
                z.policy(
                    "200",
                    "version: STSv1\nmode: none\nmx: *.mail.protection.outlook.com\n"
                        + "max_age: 86400\n"),
            CheckId.MTA_STS,
            Status.FAIL,
            "mode none"),
        new Variant(
            "no TLS-RPT",
            z -> z.remove("_smtp._tls", "TXT"),
            CheckId.TLS_RPT,
            Status.FAIL,
            "no v=TLSRPTv1 record"),
        // RFC 8460 section 3: tlsrpt-version = %s"v=TLSRPTv1" (case-sensitive).
        new Variant(
            "TLS-RPT version in lower case",
            z ->
                z.set(
                    "_smtp._tls",
                    "TXT",
                    "v=tlsrptv1; rua=mailto:tls-rua@mailcheck.service.ncsc.gov.uk"),
            CheckId.TLS_RPT,
            Status.FAIL,
            "no v=TLSRPTv1 record"),
        // RFC 8460 section 3: tlsrpt-uri = URI ; "mailto" or "https" schemes.
        new Variant(
            "TLS-RPT rua over plain http",
            z -> z.set("_smtp._tls", "TXT", "v=TLSRPTv1; rua=http://reports.example/tlsrpt"),
            CheckId.TLS_RPT,
            Status.FAIL,
            "is not a mailto: or https: URI"),
        new Variant(
            "TLS-RPT rua with spaces around its =",
            z ->
                z.set(
                    "_smtp._tls",
                    "TXT",
                    "v=TLSRPTv1; rua = mailto:tls-rua@mailcheck.service.ncsc.gov.uk"),
            CheckId.TLS_RPT,
            Status.FAIL,
            "is not valid TLS-RPT (the field 'rua' has no '=' right after its name"),
        new Variant(
            "TLS-RPT record with rua twice",
            z ->
                z.set(
                    "_smtp._tls",
                    "TXT",
                    "v=TLSRPTv1; rua=mailto:tls@example.gov.uk; rua=mailto:tls-rua@mailcheck.service.ncsc.gov.uk"),
            CheckId.TLS_RPT,
            Status.PASS,
            "rua=mailto:tls@example.gov.uk,mailto:tls-rua@mailcheck.service.ncsc.gov.uk"),
        new Variant(
            "relay with TLS 1.1 only",
            z -> z.relay = oldTlsRelay,
            CheckId.SMTP_TLS,
            Status.FAIL,
            "offers no TLS version mailassure accepts"),
        new Variant(
            "relay certificate expiring in 5 days",
            z -> z.relay = expiringRelay,
            CheckId.SMTP_TLS,
            Status.WARN,
            "expires in"),
        new Variant(
            "DNS timeout", z -> z.silent = true, CheckId.SPF, Status.FAIL, "could not check"),
        new Variant(
            "SERVFAIL", z -> z.servfail = "_dmarc", CheckId.DMARC, Status.FAIL, "could not check"),
        new Variant(
            "no inbox rule", z -> z.rule = false, CheckId.RULE, Status.FAIL, "no rule named"),
        new Variant(
            "no recent probe",
            z -> z.probeAge = Duration.ofHours(30),
            CheckId.PROBE,
            Status.FAIL,
            "over 26 hours ago"));
  }

  /** A domain's records before they are published; starts as a fully ready Microsoft 365 domain. */
  static final class Zone {
    final String domain;
    final Map<String, List<String>> records = new LinkedHashMap<>();
    String[] policy = {
      "200", "version: STSv1\nmode: enforce\nmx: *.mail.protection.outlook.com\nmax_age: 604800\n"
    };
    LoopbackRelay relay = ReadinessTest.relay;
    boolean silent;
    String servfail;
    boolean rule = true;
    Duration probeAge = Duration.ofHours(3);

    Zone(String domain) {
      this.domain = domain;
      String dashed = domain.replace('.', '-');
      add("@", "MX", "0 " + dashed + ".mail.protection.outlook.com.");
      // The MX host's address, as Exchange Online publishes one (a documentation address).
      add("=" + dashed + ".mail.protection.outlook.com", "A", "192.0.2.25");
      add("@", "TXT", "v=spf1 include:spf.protection.outlook.com -all");
      add("_dmarc", "TXT", "v=DMARC1; p=reject; rua=mailto:dmarc-rua@dmarc.service.gov.uk");
      for (String s : List.of("selector1", "selector2")) {
        add(s + "._domainkey", "CNAME", s + "-" + dashed + "._domainkey.contoso.onmicrosoft.com.");
        add(
            "=" + s + "-" + dashed + "._domainkey.contoso.onmicrosoft.com",
            "TXT",
            "v=DKIM1; k=rsa; p=" + b64(Fixtures.RSA));
      }
      add("mailassure1._domainkey", "TXT", "v=DKIM1; k=rsa; p=" + b64(Fixtures.RSA));
      add("_mta-sts", "TXT", "v=STSv1; id=20261129T0900");
      add("mta-sts", "A", "127.0.0.1");
      add("_smtp._tls", "TXT", "v=TLSRPTv1; rua=mailto:tls-rua@mailcheck.service.ncsc.gov.uk");
      // dmarc.service.gov.uk authorises every domain with a wildcard; the loopback server has no
      // wildcards.
      add("=" + domain + "._report._dmarc.dmarc.service.gov.uk", "TXT", "v=DMARC1");
    }

    private String owner(String label) {
      return label.startsWith("=")
          ? label.substring(1)
          : label.equals("@") ? domain : label + "." + domain;
    }

    void add(String label, String type, String rdata) {
      records.computeIfAbsent(owner(label) + " " + type, k -> new ArrayList<>()).add(rdata);
    }

    void set(String label, String type, String rdata) {
      records.put(owner(label) + " " + type, new ArrayList<>(List.of(rdata)));
    }

    void remove(String label, String type) {
      records.remove(owner(label) + " " + type);
    }

    void setTarget(String selector, String rdata) {
      set(
          "=" + selector + "-" + domain.replace('.', '-') + "._domainkey.contoso.onmicrosoft.com",
          "TXT",
          rdata);
    }

    void policy(String status, String body) {
      policy = new String[] {status, body};
    }

    void policy(String status, String body, String contentType) {
      policy = new String[] {status, body, contentType};
    }

    void publish() throws Exception {
      records.forEach(
          (key, values) -> {
            String[] k = key.split(" ");
            for (String v : values) {
              if (k[1].equals("TXT")) {
                dns.txt(k[0], v);
              } else {
                dns.add(k[0], k[1], v);
              }
            }
          });
      if (silent) {
        dns.silent(domain);
      }
      if (servfail != null) {
        dns.servfail(owner(servfail));
      }
      policyByHost.put("mta-sts." + domain, policy);
      if (rule) {
        graph.addRule(
            "secureemailreply@" + domain,
            """
            {"displayName":"mailassure: email security assessment reply","sequence":1,"isEnabled":true,
             "conditions":{"fromAddresses":[{"emailAddress":{"address":"emailsecurity@domaininformation.service.gov.uk"}}],
               "sentToAddresses":[{"emailAddress":{"address":"secureemailreply@%s"}}]},
             "actions":{"forwardTo":[{"emailAddress":{"address":"emailsecurity@domaininformation.service.gov.uk"}}],
               "markAsRead":true,"stopProcessingRules":true}}"""
                .formatted(domain));
      }
    }
  }

  static KeyPair rsa(int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(bits);
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String b64(KeyPair k) {
    return Base64.getEncoder().encodeToString(k.getPublic().getEncoded());
  }

  @BeforeAll
  static void servers() throws Exception {
    Fixtures.writeMaterial(dir);
    dns = new LoopbackDns();
    dns.txt("spf.protection.outlook.com", "v=spf1 ip4:40.92.0.0/15 ip4:40.107.0.0/16 -all");
    List<String> names = new ArrayList<>(List.of("mta-sts.ready.gov.uk"));
    for (int i = 0; i < variants().size(); i++) {
      names.add("mta-sts.v" + i + ".gov.uk");
    }
    policies = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 32);
    policies.setHttpsConfigurator(
        new HttpsConfigurator(
            Certificates.server(Fixtures.CA, Duration.ofDays(30), names.toArray(String[]::new))
                .serverContext()));
    policies.createContext(
        "/.well-known/mta-sts.txt",
        ex -> {
          String host = ex.getRequestHeaders().getFirst("Host");
          String[] p = policyByHost.getOrDefault(host, new String[] {"404", ""});
          byte[] body = p[1].getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", p.length > 2 ? p[2] : "text/plain");
          ex.sendResponseHeaders(Integer.parseInt(p[0]), body.length == 0 ? -1 : body.length);
          if (body.length > 0) {
            ex.getResponseBody().write(body);
          }
          ex.close();
        });
    policies.start();
    relay = LoopbackRelay.starttls();
    oldTlsRelay =
        LoopbackRelay.builder(LoopbackRelay.Mode.STARTTLS)
            .tls(Fixtures.LOOPBACK.serverContext())
            .protocols("TLSv1.1")
            .build()
            .start();
    expiringRelay =
        LoopbackRelay.builder(LoopbackRelay.Mode.STARTTLS)
            .tls(Certificates.server(Fixtures.CA, Duration.ofDays(5), "127.0.0.1").serverContext())
            .build()
            .start();
    graph = new LoopbackGraph();
  }

  @AfterAll
  static void stop() {
    dns.close();
    policies.stop(0);
    relay.close();
    oldTlsRelay.close();
    expiringRelay.close();
    graph.close();
  }

  private static List<Readiness.DomainReport> check(Zone zone, EnumSet<CheckId> which)
      throws Exception {
    zone.publish();
    Path file = dir.resolve(zone.domain + ".yaml");
    Files.writeString(
        file,
        """
        state-dir: state-%s
        graph:
          tenant-id: contoso.onmicrosoft.com
          base-url: %s
          auth: { type: token, token-env: T }
        rule: { action: forward }
        probe:
          transport: smtp
          smtp: { host: 127.0.0.1, port: %d, auth: none, trust-store: ca.pem }
        readiness:
          dns-servers: ["%s"]
          timeout: 2s
        domains:
          - name: %s
            mailbox: secureemailreply@%s
            dkim: [{ selector: mailassure1, private-key-file: rsa.pem }]
        """
            .formatted(
                zone.domain,
                graph.baseUrl(),
                zone.relay.port(),
                dns.address(),
                zone.domain,
                zone.domain));
    Config config = new ConfigLoader(Map.of(), false).load(file);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(PemCertificates.trustStore(dir.resolve("ca.pem")));
    SSLContext trust = SSLContext.getInstance("TLS");
    trust.init(null, tmf.getTrustManagers(), null);
    Instant sent = NOW.minus(zone.probeAge);
    JournalState journal =
        org.mailassure.testing.Records.summary(
            java.nio.file.Files.createTempDirectory(dir, "store-"),
            NOW,
            new JournalEntry(
                OffsetDateTime.ofInstant(sent, ZoneOffset.UTC),
                zone.domain,
                sent,
                "<x@" + zone.domain + ">",
                Outcome.SENT,
                1,
                "smtp",
                "schedule",
                "TLSv1.3",
                "TLS_AES_256_GCM_SHA384",
                "signed",
                null));
    MailboxRules rules =
        new MailboxRules(
            GraphClients.create(config.graph(), Credentials.of(config.graph(), Map.of("T", "t"))),
            new RecordingSleeper(),
            Clock.fixed(NOW, ZoneOffset.UTC));
    try (SmtpTransport relays = new SmtpTransport(null)) {
      return new Readiness(
              config,
              new DnsClient(config.readiness().dnsServers(), config.readiness().timeout()),
              // No variant has a policy server stall (PolicyFetcherTest holds the fetch to its
              // bound), so this is only room for a busy machine: the first fetch, TLS and all
              // run interpreted, took a quarter of 2 s on CI's two cores.
              new PolicyFetcher(policies.getAddress().getPort(), trust, Duration.ofSeconds(10)),
              relays,
              rules,
              journal,
              Clock.fixed(NOW, ZoneOffset.UTC))
          .check(config.domains(), which, "not chosen");
    }
  }

  @Test
  void aFullyReadyMicrosoft365DomainPassesEveryCheck() throws Exception {
    List<Readiness.DomainReport> reports =
        check(new Zone("ready.gov.uk"), EnumSet.allOf(CheckId.class));
    assertThat(reports)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.checks()).extracting(CheckResult::id).containsExactly(CheckId.values());
              assertThat(r.checks())
                  .allSatisfy(
                      c -> {
                        assertThat(c.status())
                            .as(c.id() + ": " + c.detail() + " / " + c.fix())
                            .isEqualTo(Status.PASS);
                        assertThat(c.fix()).isNull();
                      });
            });
  }

  static Stream<Object[]> numberedVariants() {
    List<Variant> v = variants();
    return java.util.stream.IntStream.range(0, v.size()).mapToObj(i -> new Object[] {i, v.get(i)});
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("numberedVariants")
  void eachVariantGivesItsStatusAndAFixUnlessItPasses(int index, Variant variant) throws Exception {
    Zone zone = new Zone("v" + index + ".gov.uk");
    variant.change().accept(zone);

    CheckResult result =
        check(zone, EnumSet.of(variant.check())).get(0).checks().stream()
            .filter(c -> c.id() == variant.check())
            .findFirst()
            .orElseThrow();

    String source = SOURCES.get(variant.name());
    assertThat(source).as("where the verdict of '%s' comes from", variant.name()).isNotBlank();
    assertThat(result.status())
        .as("%s (expected from %s)", result.detail(), source)
        .isEqualTo(variant.status());
    assertThat(result.detail()).contains(variant.says());
    // SPEC: "for anything not pass, the fix".
    if (variant.status() == Status.PASS) {
      assertThat(result.fix()).isNull();
    } else {
      assertThat(result.fix()).isNotBlank();
    }
  }

  @Test
  void everyVariantNamesTheTextItsVerdictComesFromAndNoSourceIsLeftOver() {
    assertThat(SOURCES.keySet())
        .containsExactlyInAnyOrderElementsOf(variants().stream().map(Variant::name).toList());
  }

  @Test
  void checksNotChosenAreSkippedWithTheReason() throws Exception {
    Readiness.DomainReport r = check(new Zone("chosen.gov.uk"), EnumSet.of(CheckId.MX)).get(0);
    assertThat(r.checks())
        .filteredOn(c -> c.id() != CheckId.MX)
        .allSatisfy(
            c -> {
              assertThat(c.status()).isEqualTo(Status.SKIP);
              assertThat(c.detail()).isEqualTo("not chosen");
            });
  }
}
