package org.mailassure.keys;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;

/**
 * Why a TLS handshake failed, read from the JDK's exception types rather than from its words, so
 * that what mailassure says names the fault (and never a JDK class) whichever connection failed:
 * the probe's relay or a domain's MTA-STS policy host.
 */
public enum TlsFault {
  /** The certificate does not hold the host name (RFC 6125 endpoint identification). */
  WRONG_NAME,
  /** The certificate, or one above it, is past its end date. */
  EXPIRED,
  /** The certificate, or one above it, starts later (or this machine's clock is behind). */
  NOT_YET_VALID,
  /**
   * No path from the certificate to a trusted CA: self-signed, unknown CA, missing intermediate.
   */
  UNTRUSTED,
  /** The peer offers no TLS version this side accepts. */
  PROTOCOL,
  /** Anything else: an alert, a reset; only the exception's own words say what. */
  OTHER;

  /** The fault behind an exception from a handshake (an {@code SSLException} and its causes). */
  public static TlsFault of(Throwable failure) {
    if (hasExactly(failure, CertificateException.class)
        && !hasCause(failure, CertPathValidatorException.class)) {
      // The JDK's host-name check throws a plain CertificateException; chain, validity and trust
      // problems come as its subclasses or with a certificate path validation failure.
      return WRONG_NAME;
    }
    if (hasCause(failure, CertificateExpiredException.class)
        || hasReason(failure, CertPathValidatorException.BasicReason.EXPIRED)) {
      return EXPIRED;
    }
    if (hasCause(failure, CertificateNotYetValidException.class)
        || hasReason(failure, CertPathValidatorException.BasicReason.NOT_YET_VALID)) {
      return NOT_YET_VALID;
    }
    if (hasCause(failure, CertPathValidatorException.class)
        || hasCause(failure, CertPathBuilderException.class)) {
      return UNTRUSTED;
    }
    // TLS alerts reach Java only as words (javax.net.ssl has no alert type): the one place where
    // a message is read.
    String text = chainText(failure);
    if (text.contains("protocol_version")
        || text.contains("no appropriate protocol")
        || text.contains("protocol is disabled")
        || text.contains("unsupported protocol")) {
      return PROTOCOL;
    }
    return OTHER;
  }

  private static boolean hasReason(Throwable t, CertPathValidatorException.Reason reason) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof CertPathValidatorException v && v.getReason() == reason) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasExactly(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c.getClass() == type) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private static String chainText(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      b.append(c.getMessage()).append(' ');
    }
    return b.toString().toLowerCase(Locale.ROOT);
  }
}
