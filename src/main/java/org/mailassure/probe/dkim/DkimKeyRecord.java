package org.mailassure.probe.dkim;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import org.mailassure.keys.DkimAlgorithm;

/**
 * A DKIM public key record as published in DNS at {@code selector._domainkey.domain} (RFC 6376
 * section 3.6.1; Ed25519 keys per RFC 8463 section 4). Immutable.
 *
 * @param keyType the {@code k=} tag, default {@code rsa}
 * @param publicKeyBase64 the {@code p=} tag with whitespace removed; empty means revoked
 */
public record DkimKeyRecord(String keyType, String publicKeyBase64) {
  /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), before the 32 raw key bytes. */
  private static final byte[] ED25519_SPKI_PREFIX =
      HexFormat.of().parseHex("302a300506032b6570032100");

  /** Parses a TXT record's text (its strings already joined). */
  public static DkimKeyRecord parse(String txt) {
    return of(TagList.parseDkim(txt));
  }

  /** The record that a key record's tags (from {@link TagList#parseDkim}) describe. */
  public static DkimKeyRecord of(Map<String, String> tags) {
    String v = tags.get("v");
    if (v != null && !v.equals("DKIM1")) {
      throw new IllegalArgumentException("v=" + v + " is not DKIM1");
    }
    String p = tags.get("p");
    if (p == null) {
      throw new IllegalArgumentException("the record has no p= tag");
    }
    // Tag values are case-sensitive unless their tag says otherwise (RFC 6376 section 3.2), and
    // k= does not: k=RSA is a key type verifiers do not know, as dkimpy reads it.
    return new DkimKeyRecord(tags.getOrDefault("k", "rsa"), TagList.base64(p));
  }

  /** The TXT text to publish for a public key. */
  public static String format(DkimAlgorithm algorithm, PublicKey key) {
    byte[] der = key.getEncoded();
    byte[] p =
        algorithm == DkimAlgorithm.ED25519_SHA256
            ? java.util.Arrays.copyOfRange(der, der.length - 32, der.length)
            : der;
    return "v=DKIM1; k=" + algorithm.keyType() + "; p=" + Base64.getEncoder().encodeToString(p);
  }

  /**
   * The modulus and exponent of a p= that is a bare RSAPublicKey (a DER SEQUENCE of two INTEGERs),
   * or null when it is not one. RFC 6376 section 3.6.1 (k=) names that form, while every signer
   * publishes the SubjectPublicKeyInfo that holds one ({@code openssl rsa -pubout}); erratum 3017
   * allows both, and dkimpy reads both.
   */
  static java.security.spec.RSAPublicKeySpec bareRsaKey(byte[] b) {
    int[] seq = header(b, 0, 0x30);
    if (seq == null || seq[0] + seq[1] != b.length) {
      return null;
    }
    int[] n = header(b, seq[0], 0x02);
    if (n == null) {
      return null;
    }
    int[] e = header(b, n[0] + n[1], 0x02);
    if (e == null || e[0] + e[1] != b.length) {
      return null;
    }
    return new java.security.spec.RSAPublicKeySpec(
        new java.math.BigInteger(java.util.Arrays.copyOfRange(b, n[0], n[0] + n[1])),
        new java.math.BigInteger(java.util.Arrays.copyOfRange(b, e[0], e[0] + e[1])));
  }

  /**
   * A DER element's header at {@code at} with the given tag: {content offset, content length}, or
   * null when the bytes there are not one.
   */
  private static int[] header(byte[] b, int at, int tag) {
    if (at + 2 > b.length || (b[at] & 0xff) != tag) {
      return null;
    }
    int first = b[at + 1] & 0xff;
    if (first < 0x80) {
      return at + 2 + first <= b.length ? new int[] {at + 2, first} : null;
    }
    int octets = first & 0x7f;
    if (octets == 0 || octets > 3 || at + 2 + octets > b.length) {
      return null;
    }
    int length = 0;
    for (int i = 0; i < octets; i++) {
      length = (length << 8) | (b[at + 2 + i] & 0xff);
    }
    int start = at + 2 + octets;
    return start + length <= b.length ? new int[] {start, length} : null;
  }

  /**
   * Whether p= is a bare RSAPublicKey (RFC 8017's PKCS#1 form) rather than the SubjectPublicKeyInfo
   * that holds one: RFC 6376 names the bare form, but OpenDKIM and Mail::DKIM read only the other.
   */
  public boolean bareRsa() {
    if (!"rsa".equals(keyType)) {
      return false;
    }
    try {
      return bareRsaKey(Base64.getDecoder().decode(publicKeyBase64)) != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  public boolean revoked() {
    return publicKeyBase64.isEmpty();
  }

  /** Whether this record can verify signatures of the given algorithm. */
  public boolean fits(DkimAlgorithm algorithm) {
    return algorithm.keyType().equals(keyType);
  }

  /** The Java public key. */
  public PublicKey publicKey() throws GeneralSecurityException {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(publicKeyBase64);
    } catch (IllegalArgumentException e) {
      throw new GeneralSecurityException("p= is not base64");
    }
    return switch (keyType) {
      case "rsa" -> {
        try {
          java.security.spec.RSAPublicKeySpec bare = bareRsaKey(raw);
          KeyFactory rsa = KeyFactory.getInstance("RSA");
          yield bare != null
              ? rsa.generatePublic(bare)
              : rsa.generatePublic(new X509EncodedKeySpec(raw));
        } catch (java.security.spec.InvalidKeySpecException e) {
          // The JDK's words here name its own classes ("java.security.InvalidKeyException: ...").
          throw new GeneralSecurityException(
              "p= is not an RSA public key (DER SubjectPublicKeyInfo, as openssl rsa -pubout"
                  + " writes it)");
        }
      }
      case "ed25519" -> {
        if (raw.length != 32) {
          throw new GeneralSecurityException("an Ed25519 p= must be 32 bytes, found " + raw.length);
        }
        byte[] spki = new byte[ED25519_SPKI_PREFIX.length + 32];
        System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
        System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, 32);
        yield KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
      }
      default -> throw new GeneralSecurityException("unknown key type k=" + keyType);
    };
  }
}
