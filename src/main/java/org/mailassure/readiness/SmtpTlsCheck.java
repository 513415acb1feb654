package org.mailassure.readiness;

import java.time.Duration;
import java.time.Instant;
import org.mailassure.config.SmtpSettings;
import org.mailassure.probe.transport.SendFailure;
import org.mailassure.probe.transport.SmtpTransport;

/**
 * {@code smtp-tls}: for the smtp transport, a session to the relay gets STARTTLS (or implicit TLS)
 * at TLS 1.2 or newer with a trusted certificate for the relay's name; reports protocol, cipher,
 * subject and days until the certificate expires (14 days or fewer is a warning, expired a
 * failure).
 */
final class SmtpTlsCheck {
  static final Duration EXPIRY_WARNING = Duration.ofDays(14);

  private SmtpTlsCheck() {}

  static CheckResult run(SmtpTransport transport, SmtpSettings smtp, String domain, Instant now) {
    String relay = smtp.host() + ":" + smtp.port();
    SmtpTransport.TlsReport r;
    try {
      r = transport.inspect(smtp, domain);
    } catch (SendFailure f) {
      return CheckResult.fail(
          CheckId.SMTP_TLS,
          f.getMessage(),
          switch (f.kind()) {
            case TLS ->
                "give the relay a TLS 1.2+ service with a certificate for "
                    + smtp.host()
                    + " from a trusted CA";
            case UNREACHABLE, TEMPORARY -> "check that " + relay + " is reachable from this host";
            default -> "check probe.smtp";
          });
    }
    long days = Duration.between(now, r.notAfter()).toDays();
    String detail =
        relay
            + " "
            + smtp.security().configName()
            + ": "
            + r.protocol()
            + " "
            + r.cipher()
            + "; certificate "
            + r.subject()
            + ", expires in "
            + days
            + " days";
    if (!r.notAfter().isAfter(now)) {
      return CheckResult.fail(
          CheckId.SMTP_TLS,
          detail.replace("expires in " + days + " days", "expired"),
          "renew the relay's certificate");
    }
    if (Duration.between(now, r.notAfter()).compareTo(EXPIRY_WARNING) <= 0) {
      return new CheckResult(
          CheckId.SMTP_TLS, Status.WARN, detail, "renew the relay's certificate before it expires");
    }
    return CheckResult.pass(CheckId.SMTP_TLS, detail);
  }
}
