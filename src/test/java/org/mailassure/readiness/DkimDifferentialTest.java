package org.mailassure.readiness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailassure.testing.Python.pick;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.config.DkimKey;
import org.mailassure.config.DomainSettings;
import org.mailassure.keys.DkimAlgorithm;
import org.mailassure.readiness.dns.DnsClient;
import org.mailassure.testing.Fixtures;
import org.mailassure.testing.LoopbackDns;
import org.mailassure.testing.Python;

/**
 * DKIM key records made at random (a fixed seed) from the tags admins publish and the mistakes they
 * make, judged by mailassure's dkim check (served by the loopback DNS server, the domain signing
 * locally with the key whose public half the records mostly carry) and by dkimpy (Debian's
 * python3-dkim, an independent RFC 6376 implementation), which signs a message with the same
 * private key and verifies it against each record: a record is usable exactly when dkimpy's
 * verification passes, and mailassure must then not say fail (it may warn, as for t=y), and must
 * say fail when it does not pass. Left out are the tags dkimpy does not read as RFC 6376 does,
 * which the readiness tests hold to the RFC's words: h= (dkimpy ignores it; section 3.6.1 makes a
 * key without sha256 unusable for rsa-sha256), s= lists and s=tlsrpt (dkimpy compares s= whole),
 * and a v= that is not the first tag.
 */
class DkimDifferentialTest {
  private static final int CASES = Integer.getInteger("dkim.cases", 300);

  /** A key pair none of the records' signer holds. */
  private static final java.security.KeyPair OTHER = ReadinessTest.rsa(2048);

  @TempDir Path dir;

  /** A key record: its tags in random order, random spacing, now and then a mistake. */
  private static String record(Random r, boolean hashes) {
    byte[] spki = Fixtures.RSA.getPublic().getEncoded();
    String good = Base64.getEncoder().encodeToString(spki);
    // RFC 8017's RSAPublicKey alone: the SubjectPublicKeyInfo's BIT STRING content, which for a
    // 2048-bit key starts 24 bytes in (after the 30 82 01 22 header, the algorithm and 03 82 01 0f
    // 00). RFC 6376 section 3.6.1, k=: "an ASN.1 DER-encoded RSAPublicKey ... is being used in the
    // p= tag".
    String pkcs1 =
        Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(spki, 24, spki.length));
    String other = Base64.getEncoder().encodeToString(OTHER.getPublic().getEncoded());
    List<String> tags = new ArrayList<>();
    String p =
        switch (r.nextInt(10)) {
          case 0 -> "";
          case 1 -> pkcs1;
          case 2 -> other;
          case 3 ->
              good.substring(0, 100) + " " + good.substring(100, 200) + "\t" + good.substring(200);
          case 4 -> "not-base64!";
          case 5 -> good.substring(0, good.length() / 2);
          default -> good;
        };
    if (r.nextInt(12) != 0) {
      tags.add("p=" + p);
    }
    switch (r.nextInt(8)) {
      case 0 -> tags.add("k=" + pick(r, "RSA", "ed25519", "dsa", "Rsa"));
      case 1, 2 -> tags.add("k=rsa");
      default -> {}
    }
    if (r.nextInt(4) == 0) {
      tags.add("s=" + pick(r, "email", "*", "other", "Email"));
    }
    if (r.nextInt(4) == 0) {
      tags.add("t=" + pick(r, "y", "s", "y:s", "x"));
    }
    if (hashes && r.nextInt(4) == 0) {
      tags.add("h=" + pick(r, "sha256", "sha1", "sha1:sha256", "sha1 : sha256", "SHA256", "md5"));
    }
    if (r.nextInt(5) == 0) {
      tags.add("n=" + pick(r, "key for probes", "rotated 2026"));
    }
    if (r.nextInt(6) == 0) {
      tags.add(pick(r, "x=1", "foo=bar", "zz="));
    }
    java.util.Collections.shuffle(tags, r);
    if (r.nextInt(3) == 0) {
      tags.add(0, "v=" + pick(r, "DKIM1", "DKIM1", "DKIM1", "dkim1", "DKIM2"));
    }
    switch (r.nextInt(12)) {
      case 0 -> {
        if (!tags.isEmpty()) {
          tags.add(tags.get(r.nextInt(tags.size())));
        }
      }
      case 1 -> tags.add(pick(r, "nonsense", "1x=2", "=x"));
      default -> {}
    }
    String sep = pick(r, "; ", ";", " ; ", ";  ");
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < tags.size(); i++) {
      String t = tags.get(i);
      if (r.nextInt(6) == 0 && t.contains("=")) {
        t = t.replaceFirst("=", pick(r, " = ", " =", "= "));
      }
      s.append(i == 0 ? "" : sep).append(t);
    }
    if (r.nextInt(4) == 0) {
      s.append(';');
    }
    return s.toString();
  }

  @Test
  void mailassureFailsExactlyTheKeyRecordsDkimpyCannotVerifyWith() throws Exception {
    Python.assumeModules("dkim", "dkimpy (Debian's python3-dkim)");
    Fixtures.writeMaterial(dir);
    List<String> records = records(false);

    StringBuilder lines = new StringBuilder();
    for (String rec : records) {
      lines
          .append(Base64.getEncoder().encodeToString(rec.getBytes(StandardCharsets.UTF_8)))
          .append('\n');
    }
    Path input = Files.writeString(dir.resolve("records.txt"), lines);
    List<String> dkimpy =
        Python.run(
            input, "dkimpy_verify.py", dir.resolve("rsa.pem").toString(), "example.gov.uk", "s1");

    assertThat(judgedApart(records, "dkimpy", dns -> dkimpy)).isEmpty();
  }

  /**
   * Mail::DKIM (Debian's libmail-dkim-perl) signs for each domain and verifies against the record
   * the loopback DNS server serves there. It reads h= as RFC 6376 section 3.6.1 says ("Signers and
   * Verifiers MUST support the "sha256" hash algorithm" and a key whose h= lacks the signature's
   * hash cannot verify it), so here the records carry h= too.
   */
  @Test
  void mailassureFailsExactlyTheKeyRecordsMailDkimCannotVerifyWith() throws Exception {
    org.mailassure.testing.Perl.assumeModule(
        "Mail::DKIM::Verifier", "Mail::DKIM (Debian's libmail-dkim-perl)");
    Fixtures.writeMaterial(dir);
    List<String> records = records(true);
    StringBuilder domains = new StringBuilder();
    for (int i = 0; i < records.size(); i++) {
      domains.append("d").append(i).append(".fz.test\n");
    }
    Path input = Files.writeString(dir.resolve("domains.txt"), domains);

    Map<String, String> apart =
        judgedApart(
            records,
            "Mail::DKIM",
            dns ->
                org.mailassure.testing.Perl.run(
                    input,
                    "maildkim_verify.pl",
                    dir.resolve("rsa.pem").toString(),
                    org.mailassure.testing.Perl.port(dns.address())));
    apart.entrySet().removeIf(e -> mailDkimDeparts(e.getKey(), e.getValue()));
    assertThat(apart).isEmpty();
  }

  /**
   * Where Mail::DKIM (1.20230212) departs from RFC 6376, which mailassure and dkimpy follow, or
   * where mailassure warns because receivers differ. Mail::DKIM verifies with a record whose tag is
   * given twice, although section 3.2 says "the entire tag-list is invalid", and with a tag name
   * outside the grammar (tag-name = ALPHA *ALNUMPUNC); and it splits h= on ':' without the folding
   * whitespace that section 3.6.1's key-h-tag allows around it, so h=sha1 : sha256 allows no
   * sha256. The other way, it cannot read a bare RSAPublicKey p= (PKCS#1: section 3.6.1 names that
   * form, OpenDKIM and Mail::DKIM read only the SubjectPublicKeyInfo every signer publishes), which
   * mailassure must then report as a warning naming it.
   */
  static boolean mailDkimDeparts(String record, String judged) {
    if (judged.endsWith("Mail::DKIM pass") || judged.contains("Mail::DKIM pass\t")) {
      List<String> names = new ArrayList<>();
      for (String tag : record.split(";")) {
        if (!tag.isBlank()) {
          names.add(tag.contains("=") ? tag.substring(0, tag.indexOf('=')).strip() : tag.strip());
        }
      }
      boolean twice = names.size() != new java.util.HashSet<>(names).size();
      boolean badName = names.stream().anyMatch(n -> !n.matches("[A-Za-z][A-Za-z0-9_]*"));
      return twice || badName;
    }
    boolean spacedHashes = record.matches(".*h\\s*=[^;]*\\s:\\s.*");
    boolean bare = judged.startsWith("mailassure warn") && judged.contains("(PKCS#1)");
    return spacedHashes || bare;
  }

  private static List<String> records(boolean hashes) {
    Random random = new Random(Long.getLong("dkim.seed", 20261206L));
    List<String> records = new ArrayList<>();
    for (int i = 0; i < CASES; i++) {
      records.add(record(random, hashes));
    }
    return records;
  }

  /** An independent verifier's "pass" or "fail" for each record, in order. */
  interface Verifier {
    List<String> verdicts(LoopbackDns dns) throws Exception;
  }

  /**
   * The records that mailassure's dkim check and the verifier judge apart, with both verdicts: each
   * record is served at s1._domainkey.dI.fz.test, and the check fails it exactly when the verifier
   * cannot verify a signature with it.
   */
  private Map<String, String> judgedApart(List<String> records, String name, Verifier verifier)
      throws Exception {
    Map<String, String> differ = new LinkedHashMap<>();
    try (LoopbackDns dns = new LoopbackDns()) {
      for (int i = 0; i < records.size(); i++) {
        dns.txt("s1._domainkey.d" + i + ".fz.test", records.get(i));
      }
      List<String> theirs = verifier.verdicts(dns);
      assertThat(theirs).hasSize(records.size());
      DnsClient client = new DnsClient(List.of(dns.address()), Duration.ofSeconds(5));
      DkimKey key =
          new DkimKey(
              "s1", dir.resolve("rsa.pem"), DkimAlgorithm.RSA_SHA256, Fixtures.RSA.getPrivate());
      for (int i = 0; i < records.size(); i++) {
        String domain = "d" + i + ".fz.test";
        CheckResult result =
            DkimCheck.run(
                client,
                new DomainSettings(
                    domain,
                    "secureemailreply@" + domain,
                    "probe@" + domain,
                    List.of(key),
                    List.of("s1"),
                    false,
                    true,
                    null));
        String mine = result.status() == Status.FAIL ? "fail" : "pass";
        if (!mine.equals(theirs.get(i).split("\t", 2)[0])) {
          differ.put(
              records.get(i),
              "mailassure "
                  + result.status().label()
                  + " ("
                  + result.detail()
                  + "), "
                  + name
                  + " "
                  + theirs.get(i));
        }
      }
    }
    System.out.println(
        records.size() + " random key records, " + differ.size() + " judged apart by " + name);
    differ.forEach((k, v) -> System.out.println(k + "  => " + v));
    return differ;
  }
}
