package org.mailassure.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.mailassure.config.SmtpSettings.Security;
import org.mailassure.config.SmtpSettings.SmtpAuthKind;

/**
 * Reads an {@code smtp} mapping over a base: {@code probe.smtp} over the defaults, and a domain's
 * {@code smtp} over {@code probe.smtp}, so that a domain names only what it changes.
 */
final class SmtpReader {
  static final Set<String> KEYS =
      Set.of(
          "host",
          "port",
          "security",
          "min-tls-version",
          "auth",
          "username",
          "password-file",
          "trust-store");

  private final FileChecks files;

  SmtpReader(FileChecks files) {
    this.files = files;
  }

  static SmtpSettings defaults() {
    return new SmtpSettings(
        "smtp.office365.com",
        Security.STARTTLS.defaultPort(),
        Security.STARTTLS,
        TlsVersion.TLS_1_2,
        SmtpAuthKind.XOAUTH2,
        null,
        null,
        null);
  }

  SmtpSettings read(Section s, SmtpSettings base) {
    String host = s.text("host", base.host()).toLowerCase(Locale.ROOT);
    if (!Names.isDomainName(host) && !host.equals("localhost") && !Names.isDottedQuad(host)) {
      s.problem(
          "host",
          "'" + host + "' is not a host name",
          "use the relay's name, e.g. smtp.office365.com");
    }
    String securityText = s.text("security", null);
    if (securityText != null
        && Set.of("none", "plain", "off", "false")
            .contains(securityText.toLowerCase(Locale.ROOT))) {
      s.problem(
          "security",
          "mailassure never sends in clear text",
          "use starttls (port 587) or implicit-tls (port 465)");
      securityText = null;
    }
    Security security =
        securityText == null
            ? base.security()
            : s.choice("security", base.security(), Security.values());
    int defaultPort = security != base.security() ? security.defaultPort() : base.port();
    int port = s.integer("port", defaultPort, 1, 65535);
    TlsVersion minTls = readMinTls(s, base.minTlsVersion());
    SmtpAuthKind auth = s.choice("auth", base.auth(), SmtpAuthKind.values());
    String username = s.text("username", base.username());
    Path password =
        s.has("password-file") ? files.optionalSecret(s, "password-file") : base.passwordFile();
    Path trust = s.has("trust-store") ? files.optional(s, "trust-store") : base.trustStore();
    if (auth == SmtpAuthKind.PASSWORD && password == null && !s.has("password-file")) {
      s.problem(
          "auth",
          "auth password needs password-file",
          "add 'password-file:' naming a file that holds the password, or use auth: xoauth2");
    }
    if (trust != null && s.has("trust-store")) {
      checkTrustStore(s, trust);
    }
    return new SmtpSettings(host, port, security, minTls, auth, username, password, trust);
  }

  private static TlsVersion readMinTls(Section s, TlsVersion base) {
    String t = s.text("min-tls-version", null);
    if (t == null) {
      return base;
    }
    for (TlsVersion v : TlsVersion.values()) {
      if (v.protocol().equalsIgnoreCase(t)) {
        return v;
      }
    }
    boolean old = t.matches("(?i)(TLSv?1(\\.[01])?|SSLv?3)");
    s.problem(
        "min-tls-version",
        "'" + t + "' is not allowed" + (old ? ": TLS below 1.2 is deprecated (RFC 8996)" : ""),
        "use TLSv1.2 or TLSv1.3");
    return base;
  }

  private static void checkTrustStore(Section s, Path trust) {
    try {
      String[] others = ConfigLoader.othersCanChange(trust, false);
      if (others != null) {
        // Whoever can add a certificate can stand in for the relay: the probes and the SMTP
        // password would go to them.
        s.problem(
            "trust-store",
            "the trust store "
                + trust
                + " is not used: "
                + others[0]
                + ", who could make mailassure trust their own relay and hand it the probes and"
                + " the SMTP password",
            others[1]);
        return;
      }
      String pem = org.mailassure.text.SmallFiles.readUtf8(trust, FileChecks.MAX_FILE_BYTES);
      if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
        s.problem(
            "trust-store",
            "the file " + trust + " holds no PEM certificate",
            "give a PEM file with the relay's CA certificate ('-----BEGIN CERTIFICATE-----')");
      } else {
        org.mailassure.keys.PemCertificates.parse(
            pem.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    } catch (java.nio.charset.CharacterCodingException e) {
      s.problem(
          "trust-store",
          "the file " + trust + " holds bytes that are not text, so no PEM certificate (DER?)",
          "convert it: 'openssl x509 -inform DER -in CA.der -out CA.pem'");
    } catch (java.io.IOException e) {
      s.problem(
          "trust-store",
          "the file "
              + trust
              + " cannot be read ("
              + org.mailassure.text.Words.whyUnreadable(e)
              + ")",
          "check its permissions");
    } catch (java.security.GeneralSecurityException e) {
      s.problem(
          "trust-store",
          "the file " + trust + " does not hold usable PEM certificates: " + e.getMessage(),
          "give a PEM file with the relay's CA certificate");
    }
  }
}
