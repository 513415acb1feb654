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
    Map<String, String> tags = TagList.parseDkim(txt);
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
   * The p= bytes as a SubjectPublicKeyInfo. RFC 6376 section 3.6.1 (k=) names the bare RSAPublicKey
   * of RFC 8017, while every signer publishes the SubjectPublicKeyInfo that holds one ({@code
   * openssl rsa -pubout}); erratum 3017 allows both, and dkimpy reads both. A bare RSAPublicKey (a
   * DER SEQUENCE of two INTEGERs) is wrapped with the rsaEncryption algorithm; anything else is
   * passed on as it is.
   */
  static byte[] spki(byte[] raw) {
    if (!isRsaPublicKey(raw)) {
      return raw;
    }
    byte[] bitString = concat(new byte[] {0}, raw);
    return der(0x30, concat(RSA_ALGORITHM, der(0x03, bitString)));
  }

  /** AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }. */
  private static final byte[] RSA_ALGORITHM =
      HexFormat.of().parseHex("300d06092a864886f70d0101010500");

  /** Whether the bytes are exactly one DER SEQUENCE holding two INTEGERs (n, e). */
  private static boolean isRsaPublicKey(byte[] b) {
    int[] seq = header(b, 0, 0x30);
    if (seq == null || seq[0] + seq[1] != b.length) {
      return false;
    }
    int[] n = header(b, seq[0], 0x02);
    if (n == null) {
      return false;
    }
    int[] e = header(b, n[0] + n[1], 0x02);
    return e != null && e[0] + e[1] == b.length;
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

  private static byte[] der(int tag, byte[] content) {
    int n = content.length;
    byte[] length =
        n < 0x80
            ? new byte[] {(byte) n}
            : n < 0x100
                ? new byte[] {(byte) 0x81, (byte) n}
                : n < 0x10000
                    ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
                    : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    return concat(new byte[] {(byte) tag}, concat(length, content));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
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
          yield KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(spki(raw)));
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
