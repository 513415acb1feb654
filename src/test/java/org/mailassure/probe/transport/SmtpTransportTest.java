package org.mailassure.probe.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.SignatureRecord;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.config.Config;
import org.mailassure.demo.Certificates;
import org.mailassure.graph.AccessTokens;
import org.mailassure.graph.Credentials;
import org.mailassure.journal.JournalEntry;
import org.mailassure.journal.Outcome;
import org.mailassure.keys.DkimAlgorithm;
import org.mailassure.probe.ProbeResult;
import org.mailassure.probe.ProbeSender;
import org.mailassure.probe.dkim.DkimKeyRecord;
import org.mailassure.probe.dkim.HeaderHashInput;
import org.mailassure.probe.dkim.MessageParts;
import org.mailassure.probe.dkim.TagList;
import org.mailassure.testing.Fixtures;
import org.mailassure.testing.LoopbackRelay;
import org.mailassure.testing.LoopbackRelay.Mode;
import org.mailassure.testing.RecordingSleeper;
import org.mailassure.testing.Records;
import org.subethamail.smtp.RejectException;

/** The smtp transport end to end against real loopback relays speaking TLS. */
class SmtpTransportTest {
  private static final Instant NOW = Instant.parse("2026-11-29T06:00:00Z");
  private static final String RSA_RECORD =
      DkimKeyRecord.format(DkimAlgorithm.RSA_SHA256, Fixtures.RSA.getPublic());
  private static final String ED_RECORD =
      DkimKeyRecord.format(DkimAlgorithm.ED25519_SHA256, Fixtures.ED25519.getPublic());

  @TempDir Path dir;
  private LoopbackRelay relay;
  private final RecordingSleeper sleeper = new RecordingSleeper();

  @BeforeEach
  void material() throws Exception {
    Fixtures.writeMaterial(dir);
  }

  @AfterEach
  void stop() {
    if (relay != null) {
      relay.close();
    }
  }

  private String yaml(int port, String security, String auth, String extraSmtp) {
    return """
        state-dir: %s/state
        probe:
          transport: smtp
          retry: { attempts: 3, backoff: 10s, max-backoff: 1m }
          smtp:
            host: 127.0.0.1
            port: %d
            security: %s
            auth: %s
            trust-store: ca.pem
        %s
        domains:
          - name: example.gov.uk
            mailbox: secureemailreply@example.gov.uk
            dkim:
              - selector: mailassure1
                private-key-file: rsa.pem
              - selector: mailassure2
                private-key-file: ed25519.pem
        """
        .formatted(dir, port, security, auth, extraSmtp);
  }

  private ProbeResult sendOnce(Config config, AccessTokens tokens) throws Exception {
    ProbeSender sender =
        new ProbeSender(
            config,
            new SmtpTransport(tokens),
            Records.ledger(config.stateDir()),
            Clock.fixed(NOW, ZoneOffset.UTC),
            sleeper,
            "test");
    return sender.send(config.domains().get(0), NOW, "manual", null);
  }

  private List<JournalEntry> journal(Config config) throws Exception {
    return Records.in(config.stateDir());
  }

  @Test
  void aStarttlsProbeIsDeliveredOverTls12OrNewerAndItsSignaturesVerifyIndependently()
      throws Exception {
    relay =
        LoopbackRelay.builder(Mode.STARTTLS).tls(Fixtures.LOOPBACK.serverContext()).build().start();
    Config config = Fixtures.config(dir, yaml(relay.port(), "starttls", "none", ""));

    ProbeResult result = sendOnce(config, null);

    assertThat(result.sent()).as(result.error()).isTrue();
    assertThat(relay.received()).hasSize(1);
    LoopbackRelay.Received got = relay.received().get(0);
    assertThat(got.tlsProtocol()).isIn("TLSv1.2", "TLSv1.3").isEqualTo(result.tlsProtocol());
    assertThat(got.tlsCipher()).isEqualTo(result.tlsCipher());
    assertThat(got.from()).isEqualTo("secureemailreply@example.gov.uk");
    assertThat(got.to()).isEqualTo("emailsecurity@domaininformation.service.gov.uk");
    assertRsaSignatureVerifiesWithJdkim(got.data());
    assertEd25519SignatureVerifiesWithBouncyCastle(got.data());
    assertThat(journal(config))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.outcome()).isEqualTo(Outcome.SENT);
              assertThat(e.tlsProtocol()).isEqualTo(got.tlsProtocol());
              assertThat(e.tlsCipher()).isEqualTo(got.tlsCipher());
              assertThat(e.dkim()).isEqualTo("signed");
              assertThat(e.messageId()).isEqualTo("<mailassure.20261129T060000Z@example.gov.uk>");
            });
  }

  @Test
  void anImplicitTlsProbeIsDeliveredAndVerifies() throws Exception {
    relay =
        LoopbackRelay.builder(Mode.IMPLICIT_TLS)
            .tls(Fixtures.LOOPBACK.serverContext())
            .build()
            .start();
    Config config = Fixtures.config(dir, yaml(relay.port(), "implicit-tls", "none", ""));

    ProbeResult result = sendOnce(config, null);

    assertThat(result.sent()).as(result.error()).isTrue();
    assertThat(relay.received())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.tlsProtocol()).isIn("TLSv1.2", "TLSv1.3");
              assertRsaSignatureVerifiesWithJdkim(r.data());
            });
  }

  @Test
  void aRelayWithoutStarttlsIsRefusedAndNothingIsSent() throws Exception {
    relay = LoopbackRelay.builder(Mode.NO_TLS).build().start();
    Config config = Fixtures.config(dir, yaml(relay.port(), "starttls", "none", ""));

    ProbeResult result = sendOnce(config, null);

    assertThat(result.sent()).isFalse();
    assertThat(result.failure()).isEqualTo(SendFailure.Kind.TLS);
    assertThat(result.error()).contains("does not offer STARTTLS").contains("nothing was sent");
    assertThat(result.attempts()).isEqualTo(1);
    assertThat(relay.received()).isEmpty();
  }

  @Test
  void aRelayOfferingOnlyTls11IsRefusedAndNothingIsSent() throws Exception {
    relay =
        LoopbackRelay.builder(Mode.STARTTLS)
            .tls(Fixtures.LOOPBACK.serverContext())
            .protocols("TLSv1.1")
            .build()
            .start();
    Config config = Fixtures.config(dir, yaml(relay.port(), "starttls", "none", ""));

    ProbeResult result = sendOnce(config, null);

    assertThat(result.failure()).isEqualTo(SendFailure.Kind.TLS);
    assertThat(result.error())
        .contains("offers no TLS version mailassure accepts")
        .contains("TLSv1.2");
    assertThat(relay.received()).isEmpty();
  }

  @Test
  void aRelayBelowTheConfiguredMinimumVersionIsRefused() throws Exception {
    relay =
        LoopbackRelay.builder(Mode.STARTTLS)
            .tls(Fixtures.LOOPBACK.serverContext())
            .protocols("TLSv1.2")
            .build()
            .start();
    Config config =
        Fixtures.config(
            dir, yaml(relay.port(), "starttls\n    min-tls-version: TLSv1.3", "none", ""));

    ProbeResult result = sendOnce(config, null);

    assertThat(result.failure()).isEqualTo(SendFailure.Kind.TLS);
    assertThat(result.error()).contains("TLSv1.3");
    assertThat(relay.received()).isEmpty();
  }

  @Test
  void anUntrustedCertificateIsRefusedAndNothingIsSent() throws Exception {
    Certificates.Issued stranger =
        Certificates.server(Certificates.authority("unknown CA"), Duration.ofDays(30), "127.0.0.1");
    relay = LoopbackRelay.builder(Mode.STARTTLS).tls(stranger.serverContext()).build().start();
    Config config = Fixtures.config(dir, yaml(relay.port(), "starttls", "none", ""));

    ProbeResult result = sendOnce(config, null);

    assertThat(result.failure()).isEqualTo(SendFailure.Kind.TLS);
    assertThat(result.error()).contains("is not trusted");
    assertThat(relay.received()).isEmpty();
  }

  @Test
  void anExpiredCertificateFromATrustedCaIsNamedAsExpiredNotAsUntrusted() throws Exception {
    // Valid from five minutes ago to one minute ago: issued by the CA the config trusts.
    Certificates.Issued expired =
        Certificates.server(Fixtures.CA, Duration.ofMinutes(-1), "127.0.0.1");
    relay = LoopbackRelay.builder(Mode.STARTTLS).tls(expired.serverContext()).build().start();
    Config config = Fixtures.config(dir, yaml(relay.port(), "starttls", "none", ""));

    ProbeResult result = sendOnce(config, null);

    assertThat(result.failure()).isEqualTo(SendFailure.Kind.TLS);
    assertThat(result.error()).contains("has expired").doesNotContain("smtp.trust-store");
    assertThat(relay.received()).isEmpty();
  }

  @Test
  void aCertificateForAnotherNameIsRefusedAndNothingIsSent() throws Exception {
    Certificates.Issued other =
        Certificates.server(Fixtures.CA, Duration.ofDays(30), "relay.example");
    relay = LoopbackRelay.builder(Mode.STARTTLS).tls(other.serverContext()).build().start();
    Config config = Fixtures.config(dir, yaml(relay.port(), "starttls", "none", ""));

    ProbeResult result = sendOnce(config, null);

    assertThat(result.failure()).isEqualTo(SendFailure.Kind.TLS);
    assertThat(result.error()).contains("is not for the name 127.0.0.1");
    assertThat(relay.received()).isEmpty();
  }

  /**
   * OpenSSL (Debian's openssl s_client, an independent TLS client and X.509 path and name verifier)
   * is asked about the same relays over STARTTLS, trusting the same CA file and expecting the same
   * name: mailassure must deliver exactly to the relays whose certificate OpenSSL verifies, and
   * refuse the others.
   */
  @Test
  void mailassureDeliversExactlyWhereOpensslVerifiesTheRelaysCertificate() throws Exception {
    org.mailassure.testing.Openssl.assumeInstalled();
    Map<String, Certificates.Issued> relays = new java.util.LinkedHashMap<>();
    relays.put("trusted", Certificates.server(Fixtures.CA, Duration.ofDays(30), "127.0.0.1"));
    relays.put(
        "from an unknown CA",
        Certificates.server(
            Certificates.authority("unknown CA"), Duration.ofDays(30), "127.0.0.1"));
    relays.put("expired", Certificates.server(Fixtures.CA, Duration.ofMinutes(-1), "127.0.0.1"));
    relays.put(
        "for another name", Certificates.server(Fixtures.CA, Duration.ofDays(30), "relay.example"));
    relays.put(
        "for localhost, not the address",
        Certificates.server(Fixtures.CA, Duration.ofDays(30), "localhost"));
    Map<String, String> judged = new java.util.LinkedHashMap<>();
    for (var e : relays.entrySet()) {
      relay =
          LoopbackRelay.builder(Mode.STARTTLS).tls(e.getValue().serverContext()).build().start();
      try {
        String openssl =
            org.mailassure.testing.Openssl.verdict(
                relay.port(),
                dir.resolve("ca.pem"),
                "-starttls",
                "smtp",
                "-verify_ip",
                "127.0.0.1");
        ProbeResult result =
            sendOnce(Fixtures.config(dir, yaml(relay.port(), "starttls", "none", "")), null);
        judged.put(
            e.getKey(),
            "openssl " + openssl + "; mailassure " + (result.sent() ? "sent" : result.error()));
        assertThat(result.sent())
            .as(e.getKey() + ": " + judged.get(e.getKey()))
            .isEqualTo(openssl.equals("Verification: OK"));
      } finally {
        relay.close();
        relay = null;
      }
    }
    judged.forEach((k, v) -> System.out.println(k + " => " + v));
    assertThat(judged.get("trusted")).startsWith("openssl Verification: OK; mailassure sent");
  }

  @Test
  void xoauth2SendsTheGraphCredentialsTokenOnTheWire() throws Exception {
    String token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.test-token";
    Fixtures.writeSecret(dir.resolve("token"), token + "\n");
    relay =
        LoopbackRelay.builder(Mode.STARTTLS)
            .tls(Fixtures.LOOPBACK.serverContext())
            .auth("XOAUTH2", decoded -> decoded.contains("auth=Bearer " + token))
            .build()
            .start();
    Config config =
        Fixtures.config(
            dir,
            yaml(
                relay.port(),
                "starttls",
                "xoauth2",
                "graph:\n  tenant-id: contoso.onmicrosoft.com\n  auth: { type: token, token-file: token }"));
    AccessTokens tokens =
        new AccessTokens(Credentials.of(config.graph(), java.util.Map.of()), config.graph());

    ProbeResult result = sendOnce(config, tokens);

    assertThat(result.sent()).as(result.error()).isTrue();
    assertThat(relay.authLines())
        .containsExactly(
            "XOAUTH2 user=secureemailreply@example.gov.uk\u0001auth=Bearer "
                + token
                + "\u0001\u0001");
    assertThat(Records.rawBytes(config.stateDir())).doesNotContain(token);
  }

  @Test
  void passwordAuthUsesThePasswordFile() throws Exception {
    Fixtures.writeSecret(dir.resolve("password"), "s3cret-pw\n");
    relay =
        LoopbackRelay.builder(Mode.STARTTLS)
            .tls(Fixtures.LOOPBACK.serverContext())
            .auth("PLAIN", decoded -> decoded.endsWith("\u0000relay-user\u0000s3cret-pw"))
            .build()
            .start();
    Config config =
        Fixtures.config(
            dir,
            yaml(
                relay.port(),
                "starttls\n    username: relay-user\n    password-file: password",
                "password",
                ""));

    ProbeResult result = sendOnce(config, null);

    assertThat(result.sent()).as(result.error()).isTrue();
    assertThat(relay.received()).hasSize(1);
  }

  @Test
  void aWrongPasswordIsAnAuthenticationFailureAndIsNotRetried() throws Exception {
    Fixtures.writeSecret(dir.resolve("password"), "wrong\n");
    relay =
        LoopbackRelay.builder(Mode.STARTTLS)
            .tls(Fixtures.LOOPBACK.serverContext())
            .auth("PLAIN", decoded -> false)
            .build()
            .start();
    Config config =
        Fixtures.config(
            dir, yaml(relay.port(), "starttls\n    password-file: password", "password", ""));

    ProbeResult result = sendOnce(config, null);

    assertThat(result.failure()).isEqualTo(SendFailure.Kind.AUTHENTICATION);
    assertThat(result.attempts()).isEqualTo(1);
    assertThat(result.error()).doesNotContain("wrong");
  }

  @Test
  void replies421And451AreRetriedWithBackoffThenDelivered() throws Exception {
    AtomicInteger n = new AtomicInteger();
    relay =
        LoopbackRelay.builder(Mode.STARTTLS)
            .tls(Fixtures.LOOPBACK.serverContext())
            .replies(
                i ->
                    switch (n.getAndIncrement()) {
                      case 0 -> new RejectException(451, "4.3.0 try again later");
                      case 1 -> new RejectException(421, "4.7.0 too busy");
                      default -> null;
                    })
            .build()
            .start();
    Config config = Fixtures.config(dir, yaml(relay.port(), "starttls", "none", ""));

    ProbeResult result = sendOnce(config, null);

    assertThat(result.sent()).as(result.error()).isTrue();
    assertThat(result.attempts()).isEqualTo(3);
    assertThat(relay.received()).hasSize(1);
    assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(20));
    assertThat(journal(config))
        .extracting(JournalEntry::outcome)
        .containsExactly(Outcome.RETRYING, Outcome.RETRYING, Outcome.SENT);
    assertThat(journal(config).get(0).error()).contains("451");
  }

  @Test
  void a550ReplyIsFinalForTheSlot() throws Exception {
    relay =
        LoopbackRelay.builder(Mode.STARTTLS)
            .tls(Fixtures.LOOPBACK.serverContext())
            .replies(i -> new RejectException(550, "5.7.1 relaying denied"))
            .build()
            .start();
    Config config = Fixtures.config(dir, yaml(relay.port(), "starttls", "none", ""));

    ProbeResult result = sendOnce(config, null);

    assertThat(result.failure()).isEqualTo(SendFailure.Kind.PERMANENT);
    assertThat(result.attempts()).isEqualTo(1);
    assertThat(result.error()).contains("550");
    assertThat(sleeper.waits()).isEmpty();
    assertThat(journal(config)).extracting(JournalEntry::outcome).containsExactly(Outcome.FAILED);
  }

  @Test
  void aRelayThatIsDownIsRetriedAndThenFails() throws Exception {
    int closedPort;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Config config = Fixtures.config(dir, yaml(closedPort, "starttls", "none", ""));

    ProbeResult result = sendOnce(config, null);

    assertThat(result.failure()).isEqualTo(SendFailure.Kind.UNREACHABLE);
    assertThat(result.attempts()).isEqualTo(3);
    assertThat(journal(config))
        .extracting(JournalEntry::outcome)
        .containsExactly(Outcome.RETRYING, Outcome.RETRYING, Outcome.FAILED);
  }

  static void assertRsaSignatureVerifiesWithJdkim(byte[] data) {
    DKIMVerifier verifier =
        new DKIMVerifier(
            (method, selector, domain) ->
                selector.toString().equals("mailassure1")
                    ? List.of(RSA_RECORD)
                    : List.of(ED_RECORD));
    try {
      List<SignatureRecord> ok = verifier.verify(new ByteArrayInputStream(data));
      assertThat(ok)
          .as("jDKIM verified signatures")
          .isNotNull()
          .anySatisfy(r -> assertThat(r.getSelector().toString()).isEqualTo("mailassure1"));
    } catch (Exception e) {
      throw new AssertionError("jDKIM rejected the message: " + e, e);
    }
  }

  /**
   * Ed25519 checked with Bouncy Castle's Ed25519 (not the JDK's) over mailassure's header hash
   * input.
   */
  static void assertEd25519SignatureVerifiesWithBouncyCastle(byte[] data) {
    MessageParts parts = MessageParts.parse(data);
    String field =
        parts.headerFields().stream()
            .filter(f -> f.startsWith("DKIM-Signature:") && f.contains("ed25519-sha256"))
            .findFirst()
            .orElseThrow();
    var tags = TagList.parse(field.substring(field.indexOf(':') + 1));
    byte[] input =
        HeaderHashInput.of(
            parts,
            List.of(tags.get("h").split(":")),
            field,
            org.mailassure.probe.dkim.Canonicalization.RELAXED);
    byte[] raw = Base64.getDecoder().decode(DkimKeyRecord.parse(ED_RECORD).publicKeyBase64());
    Ed25519Signer bc = new Ed25519Signer();
    bc.init(false, new Ed25519PublicKeyParameters(raw, 0));
    byte[] digest = org.mailassure.probe.dkim.DkimCrypto.sha256(input);
    bc.update(digest, 0, digest.length);
    assertThat(bc.verifySignature(Base64.getDecoder().decode(TagList.base64(tags.get("b")))))
        .isTrue();
    assertThat(new String(data, StandardCharsets.US_ASCII)).contains("a=ed25519-sha256");
  }
}
