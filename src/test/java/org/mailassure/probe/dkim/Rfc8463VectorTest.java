package org.mailassure.probe.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailassure.keys.DkimAlgorithm;

/**
 * Known-answer tests from RFC 8463 Appendix A: both signatures are deterministic, so they must
 * match byte for byte.
 */
class Rfc8463VectorTest {
  private static final List<String> SIGNED =
      List.of("from", "to", "subject", "date", "message-id", "from", "subject", "date");

  @Test
  void theRelaxedBodyHashIsTheRfcs() {
    MessageParts parts = MessageParts.parse(Rfc8463.message());
    byte[] hash = DkimCrypto.sha256(Canonicalization.RELAXED.body(parts.body()));
    assertThat(Base64.getEncoder().encodeToString(hash)).isEqualTo(Rfc8463.BODY_HASH);
  }

  @Test
  void signingTheRfcHeaderHashInputWithTheRfcEd25519KeyGivesTheRfcSignature() throws Exception {
    MessageParts parts = MessageParts.parse(Rfc8463.message());
    byte[] data =
        HeaderHashInput.of(parts, SIGNED, parts.headerFields().get(0), Canonicalization.RELAXED);
    byte[] b = DkimCrypto.sign(DkimAlgorithm.ED25519_SHA256, Rfc8463.ed25519Key(), data);
    assertThat(Base64.getEncoder().encodeToString(b)).isEqualTo(Rfc8463.ED25519_B);
  }

  @Test
  void signingTheRfcHeaderHashInputWithTheRfcRsaKeyGivesTheRfcSignature() throws Exception {
    MessageParts parts = MessageParts.parse(Rfc8463.message());
    byte[] data =
        HeaderHashInput.of(parts, SIGNED, parts.headerFields().get(1), Canonicalization.RELAXED);
    byte[] b = DkimCrypto.sign(DkimAlgorithm.RSA_SHA256, Rfc8463.rsaKey(), data);
    assertThat(Base64.getEncoder().encodeToString(b)).isEqualTo(Rfc8463.RSA_B);
  }

  @Test
  void theVerifierPassesBothOfTheRfcsSignatures() {
    List<DkimVerifier.Result> results = new DkimVerifier(Rfc8463::lookup).verify(Rfc8463.message());
    assertThat(results)
        .extracting(DkimVerifier.Result::algorithm, DkimVerifier.Result::pass)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("ed25519-sha256", true),
            org.assertj.core.groups.Tuple.tuple("rsa-sha256", true));
  }

  @Test
  void relaxedHeaderCanonicalizationUnfoldsCollapsesAndLowercases() {
    assertThat(Canonicalization.RELAXED.header("SubJect :  a \t b  \r\n\t c  "))
        .isEqualTo("subject:a b c");
  }

  @Test
  void relaxedBodyCanonicalizationDropsTrailingSpaceAndEmptyLines() {
    assertThat(new String(Canonicalization.RELAXED.body(" a  \t b \r\n\r\n\r\n".getBytes())))
        .isEqualTo(" a b\r\n");
    assertThat(Canonicalization.RELAXED.body(new byte[0])).isEmpty();
    assertThat(new String(Canonicalization.RELAXED.body("no break".getBytes())))
        .isEqualTo("no break\r\n");
    assertThat(new String(Canonicalization.SIMPLE.body(new byte[0]))).isEqualTo("\r\n");
  }

  @Test
  void repeatedHeaderNamesAreTakenFromTheBottomUp() {
    MessageParts parts =
        MessageParts.parse("A: 1\r\nB: 2\r\n  more\r\nA: 3\r\n\r\nbody".getBytes());
    assertThat(parts.select(List.of("a", "a", "a", "b")))
        .containsExactly("A: 3", "A: 1", "B: 2\r\n  more");
  }
}
