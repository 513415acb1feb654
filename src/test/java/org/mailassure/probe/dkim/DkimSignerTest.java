package org.mailassure.probe.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.apache.james.jdkim.DKIMVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mailassure.config.DkimKey;
import org.mailassure.keys.DkimAlgorithm;
import org.mailassure.probe.ProbeMessage;
import org.mailassure.testing.Fixtures;

/**
 * Signing probes: round trips through jDKIM and mailassure's verifier, and tampering breaks both.
 */
class DkimSignerTest {
  private static final Instant SLOT = Instant.parse("2026-11-29T06:00:00Z");
  private static final String RSA_RECORD =
      DkimKeyRecord.format(DkimAlgorithm.RSA_SHA256, Fixtures.RSA.getPublic());
  private static final String ED_RECORD =
      DkimKeyRecord.format(DkimAlgorithm.ED25519_SHA256, Fixtures.ED25519.getPublic());

  private static byte[] signedProbe() {
    byte[] mime =
        ProbeMessage.compose(
            "example.gov.uk",
            "secureemailreply@example.gov.uk",
            "emailsecurity@domaininformation.service.gov.uk",
            "Email security probe from {domain} at {time}",
            SLOT,
            SLOT,
            ZoneId.of("Europe/London"),
            "test");
    return new DkimSigner(
            "example.gov.uk",
            List.of(
                new DkimKey("rsa1", null, DkimAlgorithm.RSA_SHA256, Fixtures.RSA.getPrivate()),
                new DkimKey(
                    "ed1", null, DkimAlgorithm.ED25519_SHA256, Fixtures.ED25519.getPrivate())))
        .sign(mime, SLOT);
  }

  private static List<DkimVerifier.Result> ours(byte[] message) {
    return new DkimVerifier((s, d) -> s.equals("rsa1") ? RSA_RECORD : ED_RECORD).verify(message);
  }

  private static boolean jdkimPasses(byte[] message) {
    try {
      var ok =
          new DKIMVerifier(
                  (m, s, d) -> List.of(s.toString().equals("rsa1") ? RSA_RECORD : ED_RECORD))
              .verify(new ByteArrayInputStream(message));
      return ok != null && ok.stream().anyMatch(r -> r.getSelector().toString().equals("rsa1"));
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void aSignedProbeCarriesOneSignaturePerKeyOverTheRequiredHeaders() {
    String text = new String(signedProbe(), StandardCharsets.US_ASCII);
    assertThat(text)
        .startsWith(
            "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\r\n\td=example.gov.uk; s=rsa1; t=1795932000;");
    assertThat(text).contains("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;");
    assertThat(text)
        .contains(
            "h=from:to:subject:date:message-id:mime-version:content-type:content-transfer-encoding;");
    assertThat(text).doesNotContain(" l=");
    assertThat(text.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(998));
  }

  @Test
  void bothSignaturesVerifyWithMailassuresVerifierAndTheRsaOneWithJdkim() {
    byte[] signed = signedProbe();
    assertThat(ours(signed)).extracting(DkimVerifier.Result::pass).containsExactly(true, true);
    assertThat(jdkimPasses(signed)).isTrue();
  }

  @Test
  void theSameInputsSignToTheSameBytes() {
    assertThat(signedProbe()).isEqualTo(signedProbe());
  }

  @ParameterizedTest(name = "changing {0} breaks every signature")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      one byte of the body           | No reply is needed.  | No reply is needee.
      the signed Subject             | Subject: Email       | Subject: Emaik
      the signed From                | From: secureemailreply@example.gov.uk | From: secureemailreplz@example.gov.uk
      the signed Date                | Date: Sun            | Date: Mon
      the signed Message-ID          | <mailassure.2026     | <mailassure.2027
      """)
  void changingOneSignedByteBreaksVerification(String what, String from, String to) {
    byte[] signed = signedProbe();
    String text = new String(signed, StandardCharsets.US_ASCII);
    assertThat(text).contains(from);
    int at = text.lastIndexOf(from);
    byte[] tampered =
        (text.substring(0, at) + to + text.substring(at + from.length()))
            .getBytes(StandardCharsets.US_ASCII);

    assertThat(ours(tampered)).extracting(DkimVerifier.Result::pass).containsExactly(false, false);
    assertThat(jdkimPasses(tampered)).isFalse();
  }

  @Test
  void whitespaceARelayMayAddIsToleratedByRelaxedCanonicalization() {
    String text = new String(signedProbe(), StandardCharsets.US_ASCII);
    byte[] refolded =
        text.replace("\r\nSubject: ", "\r\nSubject:\r\n\t  ")
            .replace("No reply is needed.", "No reply  is needed.  ")
            .getBytes(StandardCharsets.US_ASCII);
    assertThat(ours(refolded)).extracting(DkimVerifier.Result::pass).containsExactly(true, true);
    assertThat(jdkimPasses(refolded)).isTrue();
  }

  @Test
  void aRevokedKeyFailsVerification() {
    byte[] signed = signedProbe();
    var results = new DkimVerifier((s, d) -> "v=DKIM1; k=rsa; p=").verify(signed);
    assertThat(results.get(0).pass()).isFalse();
    assertThat(results.get(0).detail()).contains("revoked");
  }
}
