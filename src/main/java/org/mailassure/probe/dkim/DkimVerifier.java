package org.mailassure.probe.dkim;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mailassure.keys.DkimAlgorithm;

/**
 * Verifies every DKIM-Signature of a message (RFC 6376 section 6; Ed25519 per RFC 8463), with the
 * key records fetched through an injected {@link KeyLookup}. Used by {@code demo} to prove the
 * probes it receives; independent verifiers check it in the tests. Thread-safe.
 */
public final class DkimVerifier {

  /** Fetches the TXT record text at {@code selector._domainkey.domain}; null when there is none. */
  @FunctionalInterface
  public interface KeyLookup {
    String txt(String selector, String domain);
  }

  /** The outcome of one signature. */
  public record Result(
      String domain, String selector, String algorithm, boolean pass, String detail) {}

  private final KeyLookup lookup;

  public DkimVerifier(KeyLookup lookup) {
    this.lookup = lookup;
  }

  /** One result per DKIM-Signature field, top first; an unsigned message gives an empty list. */
  public List<Result> verify(byte[] message) {
    MessageParts parts = MessageParts.parse(message);
    List<Result> results = new ArrayList<>();
    for (String field : parts.headerFields()) {
      if (MessageParts.nameOf(field).equals("dkim-signature")) {
        results.add(verifyOne(parts, field));
      }
    }
    return results;
  }

  private Result verifyOne(MessageParts parts, String field) {
    Map<String, String> tags;
    try {
      tags = TagList.parseDkim(field.substring(field.indexOf(':') + 1));
    } catch (IllegalArgumentException e) {
      return new Result("", "", "", false, "malformed signature: " + e.getMessage());
    }
    String d = tags.getOrDefault("d", "").toLowerCase(Locale.ROOT);
    String s = tags.getOrDefault("s", "");
    String a = tags.getOrDefault("a", "");
    for (String required : List.of("v", "a", "b", "bh", "d", "h", "s")) {
      if (!tags.containsKey(required)) {
        return new Result(d, s, a, false, "the signature has no " + required + "= tag");
      }
    }
    DkimAlgorithm algorithm = DkimAlgorithm.fromTag(a);
    if (algorithm == null) {
      return new Result(d, s, a, false, "unsupported algorithm " + a);
    }
    String[] c = tags.getOrDefault("c", "simple/simple").split("/", -1);
    Canonicalization headerCanon = Canonicalization.fromTag(c[0]);
    Canonicalization bodyCanon =
        c.length > 1 ? Canonicalization.fromTag(c[1]) : Canonicalization.SIMPLE;
    if (headerCanon == null || bodyCanon == null) {
      return new Result(d, s, a, false, "unknown canonicalization " + tags.get("c"));
    }
    byte[] body = bodyCanon.body(parts.body());
    if (tags.containsKey("l")) {
      int l = Integer.parseInt(tags.get("l").strip());
      body = Arrays.copyOf(body, Math.min(l, body.length));
    }
    byte[] bh = Base64.getDecoder().decode(TagList.base64(tags.get("bh")));
    if (!MessageDigest.isEqual(bh, DkimCrypto.sha256(body))) {
      return new Result(d, s, a, false, "body hash mismatch: the body was changed after signing");
    }
    String txt = lookup.txt(s, d);
    if (txt == null) {
      return new Result(d, s, a, false, "no key record at " + s + "._domainkey." + d);
    }
    try {
      DkimKeyRecord record = DkimKeyRecord.parse(txt);
      if (record.revoked()) {
        return new Result(
            d, s, a, false, "the key at " + s + "._domainkey." + d + " is revoked (empty p=)");
      }
      if (!record.fits(algorithm)) {
        return new Result(
            d, s, a, false, "the key is k=" + record.keyType() + " but the signature is " + a);
      }
      List<String> names = Arrays.stream(tags.get("h").split(":")).map(String::strip).toList();
      byte[] data = HeaderHashInput.of(parts, names, field, headerCanon);
      byte[] signature = Base64.getDecoder().decode(TagList.base64(tags.get("b")));
      boolean ok = DkimCrypto.verify(algorithm, record.publicKey(), data, signature);
      return new Result(
          d,
          s,
          a,
          ok,
          ok ? "pass" : "signature mismatch: a signed header was changed or the key differs");
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return new Result(d, s, a, false, "unusable key record: " + e.getMessage());
    }
  }
}
