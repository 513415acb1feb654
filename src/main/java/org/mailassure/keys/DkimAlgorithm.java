package org.mailassure.keys;

/**
 * The DKIM signing algorithms mailassure produces: {@code rsa-sha256} (RFC 6376 section 3.3.1) and
 * {@code ed25519-sha256} (RFC 8463 section 3). {@code rsa-sha1} is not offered (RFC 8301).
 */
public enum DkimAlgorithm {
  RSA_SHA256("rsa-sha256", "rsa", "SHA256withRSA"),
  ED25519_SHA256("ed25519-sha256", "ed25519", "Ed25519");

  private final String tagValue;
  private final String keyType;
  private final String jcaSignature;

  DkimAlgorithm(String tagValue, String keyType, String jcaSignature) {
    this.tagValue = tagValue;
    this.keyType = keyType;
    this.jcaSignature = jcaSignature;
  }

  /** The value of the signature's {@code a=} tag. */
  public String tagValue() {
    return tagValue;
  }

  /** The value of the key record's {@code k=} tag. */
  public String keyType() {
    return keyType;
  }

  /**
   * The JCA signature algorithm. For Ed25519, RFC 8463 section 3 signs the SHA-256 hash of the
   * canonicalized data with PureEdDSA, so the caller hashes first and this signs the hash.
   */
  public String jcaSignature() {
    return jcaSignature;
  }

  /**
   * A new key pair for this algorithm; {@code rsaBits} is the modulus size of an RSA key (an
   * Ed25519 key has one size).
   */
  public java.security.KeyPair newKeyPair(int rsaBits) {
    try {
      java.security.KeyPairGenerator g =
          java.security.KeyPairGenerator.getInstance(this == RSA_SHA256 ? "RSA" : "Ed25519");
      if (this == RSA_SHA256) {
        g.initialize(rsaBits);
      }
      return g.generateKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("RSA and Ed25519 are always available", e);
    }
  }

  /** The algorithm for an {@code a=} tag value, or null when it is not one mailassure knows. */
  public static DkimAlgorithm fromTag(String tag) {
    for (DkimAlgorithm a : values()) {
      if (a.tagValue.equalsIgnoreCase(tag.trim())) {
        return a;
      }
    }
    return null;
  }
}
