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
    String v = values.iterator().next().strip();
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(now, at);
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
  }
}
