package org.mailassure.probe.dkim;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import org.mailassure.keys.DkimAlgorithm;

/** The signing primitives of each DKIM algorithm. Stateless and thread-safe. */
public final class DkimCrypto {
  private DkimCrypto() {}

  /** Signs the header hash input (RFC 6376 section 3.7) with the algorithm's rules. */
  public static byte[] sign(DkimAlgorithm algorithm, PrivateKey key, byte[] data) {
    try {
      Signature s = Signature.getInstance(algorithm.jcaSignature());
      s.initSign(key);
      s.update(input(algorithm, data));
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "cannot sign with " + algorithm.tagValue() + ": " + e.getMessage(), e);
    }
  }

  /** Whether {@code signature} is the algorithm's signature of {@code data} under {@code key}. */
  public static boolean verify(
      DkimAlgorithm algorithm, PublicKey key, byte[] data, byte[] signature) {
    try {
      Signature s = Signature.getInstance(algorithm.jcaSignature());
      s.initVerify(key);
      s.update(input(algorithm, data));
      return s.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** SHA-256 of bytes. */
  public static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /**
   * RFC 8463 section 3: Ed25519 signs the SHA-256 hash of the data; RSA hashes inside the
   * signature.
   */
  private static byte[] input(DkimAlgorithm algorithm, byte[] data) {
    return algorithm == DkimAlgorithm.ED25519_SHA256 ? sha256(data) : data;
  }
}
