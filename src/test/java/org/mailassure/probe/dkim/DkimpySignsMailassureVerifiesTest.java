package org.mailassure.probe.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailassure.testing.Python.pick;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.keys.DkimAlgorithm;
import org.mailassure.testing.Fixtures;
import org.mailassure.testing.Python;

/**
 * The other direction of DkimpyVerifiesProbesTest: messages made at random (a fixed seed) with the
 * shapes mail takes on the way (folded and oddly cased header fields, trailing whitespace, blank
 * lines at the end, an empty body), signed by dkimpy (Debian's python3-dkim) with rsa-sha256 or
 * ed25519-sha256 under every canonicalization, then verified by mailassure's verifier, which {@code
 * demo} uses to prove its probes: every signature must verify, and none once a letter of the body
 * or of a signed header field is changed.
 */
class DkimpySignsMailassureVerifiesTest {
  private static final int MESSAGES = 300;

  @TempDir Path dir;

  private static String message(Random r) {
    StringBuilder m = new StringBuilder();
    String fold = pick(r, "", "\r\n\t", "\r\n ", "\r\n   ");
    m.append(pick(r, "From", "FROM", "from")).append(": probe@example.gov.uk\r\n");
    m.append("To:").append(pick(r, " ", "  ", "\t")).append("check@example.org\r\n");
    m.append("Subject: ")
        .append(pick(r, "a probe", "Prüfung", "many   spaces", "tab\there"))
        .append(fold)
        .append(fold.isEmpty() ? "" : "continued")
        .append(pick(r, "", " ", "\t"))
        .append("\r\n");
    m.append("Date: Sun, 29 Nov 2026 06:00:00 +0000\r\n");
    m.append("Message-ID: <m").append(r.nextInt(1_000_000)).append("@example.gov.uk>\r\n");
    if (r.nextBoolean()) {
      m.append("X-Extra: not signed\r\n");
    }
    m.append("\r\n");
    int lines = r.nextInt(6);
    for (int i = 0; i < lines; i++) {
      m.append(pick(r, "hello", "a line with trailing space ", "tab\tinside", "", " ", "\t"))
          .append(pick(r, "", "  ", "\t"))
          .append("\r\n");
    }
    for (int i = r.nextInt(3); i > 0; i--) {
      m.append("\r\n");
    }
    return m.toString();
  }

  /** The message with one letter of its body (or, with no letter there, its subject) changed. */
  private static byte[] tampered(byte[] signed) {
    String s = new String(signed, StandardCharsets.UTF_8);
    int body = s.indexOf("\r\n\r\n") + 4;
    int at = -1;
    for (int i = body; i < s.length(); i++) {
      if (Character.isLetter(s.charAt(i))) {
        at = i;
        break;
      }
    }
    if (at < 0) {
      at = s.indexOf("Subject: ") + "Subject: ".length();
    }
    char c = s.charAt(at);
    return (s.substring(0, at) + (c == 'x' ? 'y' : 'x') + s.substring(at + 1))
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void mailassureVerifiesWhatDkimpySignsAndNothingChanged() throws Exception {
    Python.assumeModules("dkim, nacl", "dkimpy (Debian's python3-dkim)");
    Fixtures.writeMaterial(dir);
    byte[] pkcs8 = Fixtures.ED25519.getPrivate().getEncoded();
    String seed =
        Base64.getEncoder()
            .encodeToString(java.util.Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length));
    Random r = new Random(20261206L);
    List<String> described = new ArrayList<>();
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < MESSAGES; i++) {
      String algorithm = pick(r, "rsa", "ed25519");
      String canon =
          pick(r, "relaxed/relaxed", "relaxed/simple", "simple/simple", "simple/relaxed");
      String m = message(r);
      described.add(algorithm + " " + canon + "\n" + m);
      lines
          .append(algorithm)
          .append('\t')
          .append(canon)
          .append('\t')
          .append(Base64.getEncoder().encodeToString(m.getBytes(StandardCharsets.UTF_8)))
          .append('\n');
    }
    Path input = Files.writeString(dir.resolve("messages.txt"), lines);
    List<String> signed =
        Python.run(
            input, "dkimpy_sign.py", dir.resolve("rsa.pem").toString(), seed, "example.gov.uk");
    assertThat(signed).hasSize(MESSAGES).noneMatch(l -> l.startsWith("!error"));

    DkimVerifier verifier =
        new DkimVerifier(
            (selector, domain) ->
                selector.equals("rsa1")
                    ? DkimKeyRecord.format(DkimAlgorithm.RSA_SHA256, Fixtures.RSA.getPublic())
                    : DkimKeyRecord.format(
                        DkimAlgorithm.ED25519_SHA256, Fixtures.ED25519.getPublic()));
    Map<String, String> wrong = new LinkedHashMap<>();
    for (int i = 0; i < MESSAGES; i++) {
      byte[] message = Base64.getDecoder().decode(signed.get(i));
      List<DkimVerifier.Result> results = verifier.verify(message);
      if (results.size() != 1 || !results.get(0).pass()) {
        wrong.put(described.get(i), "not verified: " + results);
      }
      List<DkimVerifier.Result> broken = verifier.verify(tampered(message));
      if (broken.size() != 1 || broken.get(0).pass()) {
        wrong.put(described.get(i), "verified after a change: " + broken);
      }
    }
    wrong.forEach((k, v) -> System.out.println(k + "\n  => " + v));
    assertThat(wrong).isEmpty();
  }
}
