package org.mailassure.keys;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Reads PKCS#8 PEM private keys (RFC 5958, PEM per RFC 7468) for DKIM signing, and writes them.
 * Messages never include key material.
 */
public final class PemKeys {
  private static final String BEGIN_PKCS8 = "-----BEGIN PRIVATE KEY-----";
  private static final String END_PKCS8 = "-----END PRIVATE KEY-----";

  private PemKeys() {}

  /**
   * Starts the JDK's security providers, X.509 parser and RSA key factory on a thread of its own,
   * for a caller about to read keys or certificates: their first use costs tens of milliseconds of
   * class loading and initialisation, which then overlap whatever the caller does first (reading
   * the rest of a config) on another core. Nothing is kept, and nothing is reported: what fails
   * here fails again where it is really used, and is reported there.
   */
  public static void prepareInBackground() {
    Thread t =
        new Thread(
            new Runnable() {
              @Override
              public void run() {
                try {
                  KeyFactory.getInstance("RSA");
                  java.security.cert.CertificateFactory.getInstance("X.509");
                } catch (GeneralSecurityException e) {
                  // reported by the real use
                }
              }
            },
            "mailassure-crypto-start");
    t.setDaemon(true);
    t.start();
  }

  /** A key read from PEM and the DKIM algorithm it signs with. */
  public record LoadedKey(PrivateKey key, DkimAlgorithm algorithm, int bits) {}

  /**
   * Parses an unencrypted PKCS#8 PEM private key, RSA or Ed25519.
   *
   * @throws IllegalArgumentException with a message naming the problem and the fix
   */
  public static LoadedKey readPrivateKey(String pem) {
    if (pem.contains("BEGIN RSA PRIVATE KEY")) {
      throw new IllegalArgumentException(
          "the key is PKCS#1 ('BEGIN RSA PRIVATE KEY'), not PKCS#8; convert it with "
              + "'openssl pkcs8 -topk8 -nocrypt -in OLD.pem -out NEW.pem'");
    }
    if (pem.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
      throw new IllegalArgumentException(
          "the key is encrypted; mailassure needs an unencrypted PKCS#8 key protected by file "
              + "permissions (mode 0600), e.g. 'openssl pkcs8 -topk8 -nocrypt -in OLD.pem -out NEW.pem'");
    }
    int begin = pem.indexOf(BEGIN_PKCS8);
    int end = pem.indexOf(END_PKCS8);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException(
          "no '"
              + BEGIN_PKCS8
              + "' block found; expected a PKCS#8 PEM private key "
              + "(make one with 'mailassure dkim keygen' or 'openssl genpkey -algorithm RSA "
              + "-pkeyopt rsa_keygen_bits:2048')");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN_PKCS8.length(), end).trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the PEM block is not valid base64");
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    try {
      PrivateKey rsa = KeyFactory.getInstance("RSA").generatePrivate(spec);
      return new LoadedKey(
          rsa, DkimAlgorithm.RSA_SHA256, ((RSAPrivateKey) rsa).getModulus().bitLength());
    } catch (GeneralSecurityException notRsa) {
      // fall through to Ed25519
    }
    try {
      PrivateKey ed = KeyFactory.getInstance("Ed25519").generatePrivate(spec);
      return new LoadedKey(ed, DkimAlgorithm.ED25519_SHA256, 256);
    } catch (GeneralSecurityException notEd25519) {
      throw new IllegalArgumentException(
          "the key is neither RSA nor Ed25519 (or is damaged); DKIM here signs with rsa-sha256 "
              + "or ed25519-sha256");
    }
  }

  /** The PKCS#8 PEM text of a private key, 64 characters a line (RFC 7468). */
  public static String toPem(PrivateKey key) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded());
    return BEGIN_PKCS8 + "\n" + body + "\n" + END_PKCS8 + "\n";
  }

  /** The public half of an RSA private key (needs the CRT form, which PKCS#8 RSA keys carry). */
  public static PublicKey rsaPublicKey(PrivateKey key) {
    if (!(key instanceof RSAPrivateCrtKey crt)) {
      throw new IllegalArgumentException("an RSA key without its public exponent");
    }
    try {
      return KeyFactory.getInstance("RSA")
          .generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA is always available", e);
    }
  }

  /** Parses the {@code p=} value of an RSA DKIM key record (SubjectPublicKeyInfo, base64). */
  public static PublicKey rsaPublicKeyFromRecord(String base64) throws GeneralSecurityException {
    return KeyFactory.getInstance("RSA")
        .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
  }
}
