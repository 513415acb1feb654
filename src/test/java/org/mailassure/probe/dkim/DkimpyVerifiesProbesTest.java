package org.mailassure.probe.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailassure.testing.Python.pick;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mailassure.config.DkimKey;
import org.mailassure.keys.DkimAlgorithm;
import org.mailassure.probe.ProbeMessage;
import org.mailassure.testing.Fixtures;
import org.mailassure.testing.Python;

/**
 * Probes as mailassure composes and signs them, with subjects, domains, times and zones drawn at
 * random (a fixed seed) from what configs hold (non-ASCII and long subjects, tabs, the {domain} and
 * {time} placeholders), verified by dkimpy (Debian's python3-dkim, an independent implementation of
 * RFC 6376 and of RFC 8463's ed25519-sha256): every rsa-sha256 and every ed25519-sha256 signature
 * must verify. jDKIM (DkimSignerTest) checks RSA only; dkimpy checks both.
 */
class DkimpyVerifiesProbesTest {
  private static final int MESSAGES = 200;

  @org.junit.jupiter.api.io.TempDir Path dir;

  @Test
  void dkimpyVerifiesEverySignatureOfRandomProbes() throws Exception {
    Python.assumeModules("dkim, nacl", "dkimpy (Debian's python3-dkim)");
    List<byte[]> messages = new ArrayList<>();
    List<String> described = new ArrayList<>();
    probes(messages, described);

    StringBuilder lines = new StringBuilder();
    for (byte[] m : messages) {
      lines.append(Base64.getEncoder().encodeToString(m)).append('\n');
    }
    List<String> results =
        Python.run(
            Files.writeString(dir.resolve("messages.txt"), lines),
            "dkimpy_verify_messages.py",
            "rsa1=" + DkimKeyRecord.format(DkimAlgorithm.RSA_SHA256, Fixtures.RSA.getPublic()),
            "ed1="
                + DkimKeyRecord.format(DkimAlgorithm.ED25519_SHA256, Fixtures.ED25519.getPublic()));
    assertThat(results).hasSize(MESSAGES);
    Map<String, String> failed = new LinkedHashMap<>();
    for (int i = 0; i < MESSAGES; i++) {
      if (!results.get(i).equals("pass pass")) {
        failed.put(
            described.get(i),
            results.get(i) + "\n" + new String(messages.get(i), StandardCharsets.UTF_8));
      }
    }
    failed.forEach((k, v) -> System.out.println(k + " => " + v));
    assertThat(failed).isEmpty();
  }

  /** The random probes, signed with rsa1 and ed1, and what each was made from. */
  private static void probes(List<byte[]> messages, List<String> described) throws Exception {
    Random r = new Random(20261206L);
    DkimSigner signer = null;
    for (int i = 0; i < MESSAGES; i++) {
      String domain =
          pick(r, "example.gov.uk", "a-b.example.gov.uk", "x1.police.uk", "nhs-trust.nhs.uk");
      String subject =
          pick(
              r,
              "Email security probe from {domain} at {time}",
              "Prüfung der E-Mail-Sicherheit für {domain}",
              "Probe\tfrom {domain}",
              "  leading and trailing spaces  ",
              "Émoji 📨 probe {time}",
              "x".repeat(1 + r.nextInt(300)),
              "A long subject that goes on ".repeat(1 + r.nextInt(8)) + "{domain}",
              "=?utf-8?q?looks_encoded?= {domain}",
              "semi; colon: quoted \"words\" (comment) <angle>");
      // In the past: dkimpy, as RFC 6376 section 3.5 allows verifiers, ignores a signature whose
      // t= is in the future.
      Instant slot =
          Instant.now()
              .truncatedTo(java.time.temporal.ChronoUnit.MINUTES)
              .minus(Duration.ofMinutes(120 + r.nextInt(500_000)));
      ZoneId zone = ZoneId.of(pick(r, "Europe/London", "UTC", "Asia/Kolkata", "America/St_Johns"));
      byte[] mime =
          ProbeMessage.compose(
              domain,
              "secureemailreply@" + domain,
              "emailsecurity@domaininformation.service.gov.uk",
              subject,
              slot,
              slot.plusSeconds(r.nextInt(3600)),
              zone,
              "test");
      signer =
          new DkimSigner(
              domain,
              List.of(
                  new DkimKey("rsa1", null, DkimAlgorithm.RSA_SHA256, Fixtures.RSA.getPrivate()),
                  new DkimKey(
                      "ed1", null, DkimAlgorithm.ED25519_SHA256, Fixtures.ED25519.getPrivate())));
      messages.add(signer.sign(mime, slot));
      described.add(domain + " / " + subject + " / " + zone);
    }
  }

  /**
   * Mail::DKIM (Debian's libmail-dkim-perl, SpamAssassin's verifier) verifies the rsa-sha256
   * signature of the same probes, fetching the key from the loopback DNS server as a receiver
   * would. This version of it knows no ed25519-sha256 (RFC 8463) and calls that signature
   * "invalid", never a pass or a fail: receivers ignore a signature whose algorithm they do not
   * know (RFC 6376 section 6.1.1), which is why an Ed25519 key goes only beside an RSA one.
   */
  @Test
  void mailDkimVerifiesTheRsaSignatureOfRandomProbes() throws Exception {
    org.mailassure.testing.Perl.assumeModule(
        "Mail::DKIM::Verifier", "Mail::DKIM (Debian's libmail-dkim-perl)");
    List<byte[]> messages = new ArrayList<>();
    List<String> described = new ArrayList<>();
    probes(messages, described);
    StringBuilder lines = new StringBuilder();
    for (byte[] m : messages) {
      lines.append(Base64.getEncoder().encodeToString(m)).append('\n');
    }
    List<String> results;
    try (org.mailassure.testing.LoopbackDns dns = new org.mailassure.testing.LoopbackDns()) {
      for (String domain :
          List.of("example.gov.uk", "a-b.example.gov.uk", "x1.police.uk", "nhs-trust.nhs.uk")) {
        dns.txt(
            "rsa1._domainkey." + domain,
            DkimKeyRecord.format(DkimAlgorithm.RSA_SHA256, Fixtures.RSA.getPublic()));
        dns.txt(
            "ed1._domainkey." + domain,
            DkimKeyRecord.format(DkimAlgorithm.ED25519_SHA256, Fixtures.ED25519.getPublic()));
      }
      results =
          org.mailassure.testing.Perl.run(
              Files.writeString(dir.resolve("messages.txt"), lines),
              "maildkim_verify_messages.pl",
              org.mailassure.testing.Perl.port(dns.address()));
    }
    assertThat(results).hasSize(MESSAGES);
    Map<String, String> failed = new LinkedHashMap<>();
    for (int i = 0; i < MESSAGES; i++) {
      if (!results.get(i).equals("rsa1=pass ed1=invalid")) {
        failed.put(
            described.get(i),
            results.get(i) + "\n" + new String(messages.get(i), StandardCharsets.UTF_8));
      }
    }
    failed.forEach((k, v) -> System.out.println(k + " => " + v));
    assertThat(failed).isEmpty();
  }
}
