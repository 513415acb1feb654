package org.mailassure.demo;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Throwaway X.509 certificates for loopback relays: a private CA and server certificates it issues,
 * for {@code demo}, the tests and the benchmarks. Never for production use. Keys are ECDSA P-256 so
 * making them is quick.
 */
public final class Certificates {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Certificates() {}

  /** A key pair and its certificate chain (leaf first). */
  public record Issued(KeyPair keys, X509Certificate certificate, X509Certificate issuer) {
    /** A server-side SSL context presenting this certificate. */
    public SSLContext serverContext() {
      try {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        X509Certificate[] chain =
            issuer == null || issuer == certificate
                ? new X509Certificate[] {certificate}
                : new X509Certificate[] {certificate, issuer};
        ks.setKeyEntry("server", keys.getPrivate(), new char[0], chain);
        KeyManagerFactory kmf =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException("cannot build a server SSL context", e);
      }
    }

    /** Writes this certificate as PEM, for a {@code trust-store}. */
    public Path writePem(Path file) throws IOException {
      try {
        String pem =
            "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'})
                    .encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        return Files.writeString(file, pem);
      } catch (GeneralSecurityException e) {
        throw new IOException("cannot encode the certificate", e);
      }
    }
  }

  /** A self-signed CA. */
  public static Issued authority(String commonName) {
    KeyPair keys = keyPair();
    X500Name name = new X500Name("CN=" + commonName);
    X509Certificate cert = build(name, keys, name, keys, Duration.ofDays(30), true, new String[0]);
    return new Issued(keys, cert, cert);
  }

  /**
   * A server certificate for the given names (DNS names or IP literals), valid for {@code
   * validity}.
   */
  public static Issued server(Issued ca, Duration validity, String... names) {
    KeyPair keys = keyPair();
    X509Certificate cert =
        build(
            new X500Name("CN=" + names[0]),
            keys,
            new X500Name(ca.certificate().getSubjectX500Principal().getName()),
            ca.keys(),
            validity,
            false,
            names);
    return new Issued(keys, cert, ca.certificate());
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 is always available", e);
    }
  }

  private static X509Certificate build(
      X500Name subject,
      KeyPair subjectKeys,
      X500Name issuer,
      KeyPair issuerKeys,
      Duration validity,
      boolean ca,
      String[] names) {
    try {
      Instant now = Instant.now();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              issuer,
              new BigInteger(64, RANDOM),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(validity)),
              subject,
              subjectKeys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      if (ca) {
        b.addExtension(
            Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        b.addExtension(
            Extension.keyUsage,
            true,
            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        GeneralName[] alt = new GeneralName[names.length];
        for (int i = 0; i < names.length; i++) {
          boolean ip = names[i].matches("[0-9.]+") || names[i].contains(":");
          alt[i] = new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, names[i]);
        }
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt));
      }
      ContentSigner signer =
          new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (OperatorCreationException | GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot make a certificate", e);
    }
  }
}
