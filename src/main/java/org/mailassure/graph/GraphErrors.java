package org.mailassure.graph;

import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.kiota.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Set;

/** Reads Graph errors: the status code, Graph's own error code and message, and Retry-After. */
public final class GraphErrors {
  private GraphErrors() {}

  /**
   * How the SDK's request adapter reads an error body, for requests sent through it directly: as
   * Graph's {@code ODataError}, whatever the status.
   */
  public static java.util.HashMap<
          String,
          com.microsoft.kiota.serialization.ParsableFactory<
              ? extends com.microsoft.kiota.serialization.Parsable>>
      mapping() {
    java.util.HashMap<
            String,
            com.microsoft.kiota.serialization.ParsableFactory<
                ? extends com.microsoft.kiota.serialization.Parsable>>
        errors = new java.util.HashMap<>();
    errors.put("XXX", ODataError::createFromDiscriminatorValue);
    return errors;
  }

  /** Graph (or something in its place) sent more than mailassure reads; see GraphClients. */
  static final class OversizedAnswer extends java.io.IOException {
    private static final long serialVersionUID = 1L;

    OversizedAnswer(String message) {
      super(message);
    }
  }

  /**
   * Graph's error text, e.g. {@code ErrorAccessDenied: Access is denied.}, or the exception's
   * message.
   */
  public static String describe(ApiException e) {
    if (e instanceof ODataError o && o.getError() != null) {
      String code = o.getError().getCode();
      String message = o.getError().getMessage();
      return (code == null ? "" : code + ": ") + (message == null ? "" : message);
    }
    return e.getMessage() == null ? "HTTP " + e.getResponseStatusCode() : e.getMessage();
  }

  /**
   * A failure that came as an exception rather than a Graph response: a credential that gave no
   * token (Azure Identity, MSAL), or a network fault. {@code what} says what was being done.
   */
  public static GraphFailure fromRuntime(RuntimeException e, String what) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String type = t.getClass().getName();
      if (type.equals("com.azure.core.exception.ClientAuthenticationException")
          || type.startsWith("com.microsoft.aad.msal4j")) {
        return new GraphFailure(
            GraphFailure.Kind.AUTHENTICATION,
            "could not get a Graph token: " + firstLine(t.getMessage()),
            e);
      }
      if (t instanceof java.net.UnknownHostException) {
        return new GraphFailure(
            GraphFailure.Kind.UNREACHABLE,
            "cannot reach Graph to "
                + what
                + ": its host name did not resolve ("
                + firstLine(t.getMessage())
                + "); check graph.base-url or graph.cloud, and this machine's DNS",
            e);
      }
      if (t instanceof OversizedAnswer) {
        return new GraphFailure(
            GraphFailure.Kind.PERMANENT, "could not " + what + ": " + t.getMessage(), e);
      }
      if (t instanceof java.io.IOException) {
        return new GraphFailure(
            GraphFailure.Kind.UNREACHABLE,
            "cannot reach Graph to " + what + ": " + firstLine(t.getMessage()),
            e);
      }
    }
    return new GraphFailure(
        GraphFailure.Kind.PERMANENT, "could not " + what + ": " + firstLine(e.getMessage()), e);
  }

  private static String firstLine(String s) {
    return s == null ? "no detail" : s.lines().findFirst().orElse("no detail");
  }

  /** The Retry-After of a response, in seconds or as an HTTP date (RFC 9110 section 10.2.3). */
  public static Duration retryAfter(ApiException e, Instant now) {
    if (e.getResponseHeaders() == null) {
      return null;
    }
    Set<String> values = e.getResponseHeaders().get("retry-after");
    if (values == null || values.isEmpty()) {
      values = e.getResponseHeaders().get("Retry-After");
    }
    if (values == null || values.isEmpty()) {
      return null;
    }
    return parseRetryAfter(values.iterator().next(), now);
  }

  /** Longer than any wait mailassure would accept; what an absurd Retry-After is read as. */
  static final Duration FOREVER = Duration.ofDays(365_000);

  /**
   * A {@code Retry-After} value (RFC 9110 §10.2.3: delay-seconds or an HTTP date) as a wait from
   * {@code now}; null when it is neither. A number too large for any arithmetic is read as {@link
   * #FOREVER}, so callers compare it with their own limit instead of overflowing.
   */
  public static Duration parseRetryAfter(String value, Instant now) {
    String v = value.strip();
    if (!v.isEmpty() && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      if (v.length() > 12) {
        return FOREVER;
      }
      Duration d = Duration.ofSeconds(Long.parseLong(v));
      return d.compareTo(FOREVER) > 0 ? FOREVER : d;
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(now, at);
      return d.isNegative() ? Duration.ZERO : d.compareTo(FOREVER) > 0 ? FOREVER : d;
    } catch (DateTimeParseException | ArithmeticException notDate) {
      return null;
    }
  }

  /** A wait in words for a person: {@code 45 s}, {@code 30 min}, {@code 24 h}, {@code 3 days}. */
  public static String words(Duration d) {
    if (d.compareTo(FOREVER) >= 0) {
      return "more than 1,000 years";
    }
    long s = d.getSeconds();
    if (s < 120) {
      return s + " s";
    }
    if (s < 7200) {
      return (s / 60) + " min";
    }
    if (s < 172_800) {
      return (s / 3600) + " h";
    }
    return (s / 86_400) + " days";
  }
}
