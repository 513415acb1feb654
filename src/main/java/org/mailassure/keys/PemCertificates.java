package org.mailassure.keys;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** Reads PEM certificate files (RFC 7468), such as a private relay CA for {@code trust-store}. */
public final class PemCertificates {
  private PemCertificates() {}

  /** Every certificate in a PEM file; at least one, or an exception. */
  public static List<X509Certificate> read(Path file) throws IOException, GeneralSecurityException {
    return parse(
        org.mailassure.text.SmallFiles.read(
            file, org.mailassure.text.SmallFiles.MAX_KEY_OR_SECRET_BYTES));
  }

  /** Every certificate in a PEM file's bytes; at least one, or an exception. */
  public static List<X509Certificate> parse(byte[] pem) throws GeneralSecurityException {
    InputStream in = new ByteArrayInputStream(pem);
    List<X509Certificate> certs = new ArrayList<>();
    try {
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        certs.add((X509Certificate) c);
      }
    } catch (java.security.cert.CertificateException e) {
      // The JDK's words name its own classes ("... java.io.IOException: Incomplete data").
      throw new GeneralSecurityException(
          "a certificate in it does not parse (damaged, cut short, or not X.509)");
    }
    if (certs.isEmpty()) {
      throw new GeneralSecurityException("no certificate found");
    }
    return List.copyOf(certs);
  }

  /** A trust store holding exactly the certificates of a PEM file. */
  public static KeyStore trustStore(Path file) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    int i = 0;
    for (X509Certificate c : read(file)) {
      store.setCertificateEntry("ca-" + i++, c);
    }
    return store;
  }
}
