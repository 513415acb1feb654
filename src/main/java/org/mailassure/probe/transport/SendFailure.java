package org.mailassure.probe.transport;

import java.time.Duration;

/**
 * A probe that did not leave, classified by what the protocol says about trying again: SMTP 4xx and
 * network faults and Graph 429/503/504 are {@link Kind#TEMPORARY}; SMTP 5xx and Graph 400/403/404
 * are {@link Kind#PERMANENT}; refused credentials are {@link Kind#AUTHENTICATION}; a relay that
 * cannot give a trustworthy TLS session is {@link Kind#TLS}. Messages never carry secrets.
 */
public final class SendFailure extends Exception {

  /** What the failure means for a retry. */
  public enum Kind {
    /** Worth retrying with backoff (RFC 5321 4xx, network, Graph 429/503/504). */
    TEMPORARY,
    /** Final for this slot (RFC 5321 5xx, Graph 4xx other than 429). */
    PERMANENT,
    /** The credentials were refused or no token could be had; final. */
    AUTHENTICATION,
    /** No acceptable TLS: no STARTTLS, old TLS, untrusted or wrong-name certificate; final. */
    TLS,
    /** The service could not be reached at all (connection refused, name not found); retried. */
    UNREACHABLE
  }

  private final Kind kind;
  private final Duration retryAfter;

  public SendFailure(Kind kind, String message) {
    this(kind, message, null, null);
  }

  public SendFailure(Kind kind, String message, Duration retryAfter, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.retryAfter = retryAfter;
  }

  public Kind kind() {
    return kind;
  }

  /** Whether another attempt may succeed. */
  public boolean retryable() {
    return kind == Kind.TEMPORARY || kind == Kind.UNREACHABLE;
  }

  /** The server's Retry-After, when it gave one. */
  public java.util.Optional<Duration> retryAfter() {
    return java.util.Optional.ofNullable(retryAfter);
  }
}
