package org.mailassure.readiness;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.mailassure.config.DkimKey;
import org.mailassure.config.DomainSettings;
import org.mailassure.keys.DkimAlgorithm;
import org.mailassure.keys.PemKeys;
import org.mailassure.probe.dkim.DkimCrypto;
import org.mailassure.probe.dkim.DkimKeyRecord;
import org.mailassure.readiness.dns.DnsAnswer;
import org.mailassure.readiness.dns.DnsClient;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Type;

/**
 * {@code dkim}: every expected selector resolves, either as a CNAME into Microsoft's DKIM zones
 * ({@code *.onmicrosoft.com}, {@code *.dkim.mail.microsoft}), followed to its key where it
 * resolves, or as a TXT key record (RFC 6376 section 3.6.1). RSA keys under 1024 bits fail and
 * under 2048 warn; an empty {@code p=} is a revoked key; a selector of a local signing key must
 * publish that key's public half.
 */
final class DkimCheck {
  private DkimCheck() {}

  /**
   * A TXT record that holds a p= tag: at the start or after a ';', with folding whitespace around
   * the '=' as RFC 6376 section 3.2 allows ({@code p =...} is a key record too).
   */
  private static final java.util.regex.Pattern KEY_TAG =
      java.util.regex.Pattern.compile("(^|;)[ \\t\\r\\n]*p[ \\t\\r\\n]*=");

  static CheckResult run(DnsClient dns, DomainSettings d) {
    CheckResult.Builder b = new CheckResult.Builder(CheckId.DKIM);
    List<String[]> keyless = new java.util.ArrayList<>();
    // Every selector's question went out with the domain's others (Readiness.askFirstQuestions);
    // each answer is read here in turn.
    int usable = 0;
    for (String selector : d.selectors()) {
      if (one(dns, d, selector, b, keyless)) {
        usable++;
      }
    }
    // A selector that points into Microsoft's zone with no key there yet is normal while another
    // selector signs (Microsoft publishes the second key at rotation); with none usable, no DKIM
    // signature aligned with the domain can pass, whatever the CNAMEs say.
    for (String[] k : keyless) {
      b.problem(
          usable > 0 ? Status.WARN : Status.FAIL,
          k[0]
              + (usable > 0
                  ? ""
                  : "; no expected selector has a usable key, so no DKIM signature of "
                      + d.name()
                      + " can pass"),
          k[1]);
    }
    return b.build();
  }

  /**
   * Checks one selector.
   *
   * @param keyless where a Microsoft CNAME without a key yet is put (detail, fix), to be judged
   *     once every selector is known
   * @return whether the selector has a key receivers can verify signatures with
   */
  private static boolean one(
      DnsClient dns,
      DomainSettings d,
      String selector,
      CheckResult.Builder b,
      List<String[]> keyless) {
    String name = selector + "._domainkey." + d.name();
    DkimKey local =
        d.dkim().stream().filter(k -> k.selector().equals(selector)).findFirst().orElse(null);
    // The TXT question follows a CNAME and reports it; the CNAME is asked for on its own only when
    // no key came back, to tell "points to Microsoft, key not there yet" from "nothing published".
    DnsAnswer txt = dns.get(name, Type.TXT);
    if (txt instanceof DnsAnswer.Failed f) {
      b.unanswered(name + " TXT", f);
      return false;
    }
    String target = null;
    if (txt instanceof DnsAnswer.Records r && !r.aliases().isEmpty()) {
      target = cnameTarget(dns, name, r.aliases());
    } else if (txt.absent()) {
      DnsAnswer cname = dns.get(name, Type.CNAME);
      if (cname instanceof DnsAnswer.Failed f) {
        b.unanswered(name + " CNAME", f);
        return false;
      }
      if (cname instanceof DnsAnswer.Records r
          && !r.records().isEmpty()
          && r.records().get(0) instanceof CNAMERecord c) {
        target = MxCheck.strip(c.getTarget().toString());
      }
    }
    boolean microsoft =
        target != null
            && (target.endsWith(".onmicrosoft.com") || target.endsWith(".dkim.mail.microsoft"));
    List<String> keys = Txt.of(txt).stream().filter(t -> KEY_TAG.matcher(t).find()).toList();
    if (keys.isEmpty()) {
      if (microsoft) {
        keyless.add(
            new String[] {
              selector + " points to Microsoft (" + target + ") but no key is published there yet",
              "enable DKIM signing for "
                  + d.name()
                  + " in the Microsoft Defender portal (Email authentication settings, DKIM)"
            });
      } else if (local != null) {
        b.problem(
            Status.FAIL,
            "no DKIM key record at " + name,
            "publish the TXT record that 'mailassure dkim keygen' "
                + "printed for "
                + selector
                + " at "
                + name);
      } else {
        b.problem(
            Status.FAIL,
            "no record at " + name,
            "publish the CNAME Microsoft 365 gives in the Defender portal: "
                + name
                + " CNAME "
                + selector
                + "-"
                + d.name().replace('.', '-')
                + "._domainkey.<tenant>.onmicrosoft.com (or, for newer domains, a name under"
                + " dkim.mail.microsoft: copy the one the portal shows)");
      }
      return false;
    }
    if (keys.size() > 1) {
      // RFC 6376 section 3.6.2.2: "TXT RRs MUST be unique for a particular selector name; that
      // is, if there are multiple records in an RRset, the results are undefined."
      b.problem(
          Status.FAIL,
          keys.size()
              + " key records at "
              + name
              + "; receivers' results are then undefined (RFC 6376 section 3.6.2.2)",
          "keep exactly one key record at " + name);
      return false;
    }
    java.util.Map<String, String> tags;
    DkimKeyRecord record;
    PublicKey published;
    try {
      tags = org.mailassure.probe.dkim.TagList.parseDkim(keys.get(0));
      record = DkimKeyRecord.of(tags);
      if (record.revoked()) {
        b.problem(
            Status.FAIL,
            selector + " is revoked (empty p=) at " + name,
            local != null
                ? "publish the key again, or remove the selector from dkim"
                : "rotate the DKIM keys in Microsoft 365");
        return false;
      }
      published = record.publicKey();
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      b.problem(
          Status.FAIL,
          "the key record at " + name + " is not usable: " + e.getMessage(),
          "publish a valid record: v=DKIM1; k=rsa; p=<base64 public key>");
      return false;
    }
    List<String> hashes = colonList(tags.get("h"));
    if (!hashes.isEmpty() && !hashes.contains("sha256")) {
      // RFC 8301 section 3.1: "Verifiers MUST NOT consider signatures using rsa-sha1 valid"; a
      // key whose h= (RFC 6376 section 3.6.1) allows no other hash can verify nothing.
      b.problem(
          Status.FAIL,
          selector
              + " allows only h="
              + String.join(":", hashes)
              + "; receivers accept no signature it could verify (RFC 8301 forbids sha1)",
          "publish the key with h=sha256, or without h=");
      return false;
    }
    List<String> services = colonList(tags.get("s"));
    if (!services.isEmpty() && !services.contains("*") && !services.contains("email")) {
      // RFC 6376 section 3.6.1, s=: "Verifiers for a given service type MUST ignore this record
      // if the appropriate type is not listed"; for mail that is "email", or "*" for all.
      b.problem(
          Status.FAIL,
          selector
              + " is published for s="
              + String.join(":", services)
              + ", not email; receivers ignore it for mail",
          "publish the key without s= (or with s=email)");
      return false;
    }
    boolean testing = colonList(tags.get("t")).contains("y");
    if (testing) {
      // RFC 6376 section 3.6.1, t=y: "Verifiers MUST NOT treat messages from Signers in testing
      // mode differently from unsigned email".
      b.problem(
          Status.WARN,
          selector + " is in testing mode (t=y): receivers treat its mail as unsigned",
          "publish the key without t=y once signing works");
    }
    if (record.bareRsa()) {
      // RFC 6376 section 3.6.1 (k=rsa) names "an ASN.1 DER-encoded RSAPublicKey", yet signers
      // publish the SubjectPublicKeyInfo that holds one (erratum 3017), and so OpenDKIM
      // (d2i_PUBKEY) and Mail::DKIM (SpamAssassin's) read only that; dkimpy reads both.
      b.problem(
          Status.WARN,
          selector
              + "'s p= is a bare RSA key (PKCS#1), which OpenDKIM and Mail::DKIM cannot read, so"
              + " their receivers treat its mail as unsigned",
          local != null
              ? "publish the record 'mailassure dkim keygen' prints (a SubjectPublicKeyInfo, as"
                  + " openssl rsa -pubout writes it)"
              : "publish the key as a SubjectPublicKeyInfo (openssl rsa -pubout writes it)");
    }
    String kind = record.keyType();
    if (published instanceof RSAPublicKey rsa) {
      int bits = rsa.getModulus().bitLength();
      kind = "rsa-" + bits;
      if (bits < 1024) {
        b.problem(
            Status.FAIL,
            selector
                + " is a "
                + bits
                + "-bit RSA key; receivers reject keys under 1024 bits (RFC 8301)",
            "publish a 2048-bit key");
        return false;
      }
      if (bits < 2048) {
        b.problem(
            Status.WARN,
            selector + " is a " + bits + "-bit RSA key; 2048 bits is the NCSC's minimum",
            microsoft
                ? "rotate to 2048-bit keys in the Defender portal (DKIM, Rotate DKIM keys)"
                : "publish a 2048-bit key");
        return !testing;
      }
    }
    if (local != null && !matches(local, published)) {
      b.problem(
          Status.FAIL,
          "the key published at " + name + " is not the public half of " + local.privateKeyFile(),
          "publish the record for this key ('mailassure dkim keygen' prints it), or point dkim at the right file");
      return false;
    }
    b.note(
        selector
            + " ok ("
            + kind
            + (microsoft ? ", Microsoft 365" : "")
            + (local != null ? ", matches the local key" : "")
            + ")");
    return !testing;
  }

  /**
   * Where the first CNAME of a followed chain points: the alias after the asked name, or the final
   * owner.
   */
  private static String cnameTarget(DnsClient dns, String name, List<org.xbill.DNS.Name> aliases) {
    List<String> names = aliases.stream().map(a -> MxCheck.strip(a.toString())).toList();
    int at = names.indexOf(name.toLowerCase(Locale.ROOT));
    if (at >= 0 && at + 1 < names.size()) {
      return names.get(at + 1);
    }
    DnsAnswer r = dns.get(name, Type.TXT);
    return r instanceof DnsAnswer.Records rec && !rec.records().isEmpty()
        ? MxCheck.strip(rec.records().get(0).getName().toString())
        : null;
  }

  /**
   * A colon-separated tag value (RFC 6376's {@code h=} and {@code t=}), lower-case; empty when
   * absent.
   */
  private static List<String> colonList(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    // Case-sensitive, as every DKIM tag value whose tag does not say otherwise (RFC 6376 section
    // 3.2): s=Email names a service no verifier knows.
    return java.util.Arrays.stream(value.split(":"))
        .map(String::strip)
        .filter(x -> !x.isEmpty())
        .toList();
  }

  /** Whether the published key is the public half of the local private key. */
  static boolean matches(DkimKey local, PublicKey published) {
    if (local.algorithm() == DkimAlgorithm.RSA_SHA256) {
      return Arrays.equals(
          PemKeys.rsaPublicKey(local.privateKey()).getEncoded(), published.getEncoded());
    }
    // The JDK cannot derive an Ed25519 public key from a private one; a signature tells instead.
    byte[] probe = ("mailassure key match " + local.selector()).getBytes(StandardCharsets.US_ASCII);
    try {
      byte[] sig = DkimCrypto.sign(DkimAlgorithm.ED25519_SHA256, local.privateKey(), probe);
      return DkimCrypto.verify(DkimAlgorithm.ED25519_SHA256, published, probe, sig);
    } catch (IllegalStateException e) {
      return false;
    }
  }
}
