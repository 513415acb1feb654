package org.mailassure.graph;

import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.RequestOption;
import com.microsoft.kiota.http.middleware.options.RetryHandlerOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.mailassure.graph.GraphFailure.Kind;
import org.mailassure.probe.Sleeper;

/**
 * Makes Graph calls with Graph's mail limits kept: never more than {@link #MAX_IN_FLIGHT} requests
 * in flight in the whole process (rules, listing, replies and sendMail share {@link #IN_FLIGHT}),
 * and 429/503/504 waited out for their Retry-After (or a doubling backoff), mailassure's own retry
 * replacing the SDK's. A Retry-After longer than {@link #MAX_RETRY_AFTER} ends the call with the
 * reason instead of holding a person's command (or a daemon's look) for hours. Thread-safe.
 */
public final class GraphCalls {
  /**
   * Graph allows 4 concurrent requests per app and mailbox for mail resources; 4 per app is the
   * safe reading.
   */
  public static final int MAX_IN_FLIGHT = 4;

  /** The one limit of the process: every Graph request holds a permit while it is under way. */
  public static final Semaphore IN_FLIGHT = new Semaphore(MAX_IN_FLIGHT, true);

  private static final int ATTEMPTS = 6;
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(2);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

  /** The longest Retry-After that is waited out; a longer ask ends the call with the reason. */
  public static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

  private final Sleeper sleeper;
  private final Clock clock;

  public GraphCalls(Sleeper sleeper, Clock clock) {
    this.sleeper = sleeper;
    this.clock = clock;
  }

  /** The request option that switches the SDK's own retry off (mailassure retries). */
  public static List<RequestOption> noSdkRetry() {
    return List.of(new RetryHandlerOption((delay, attempt, request, response) -> false, 0, 0));
  }

  /**
   * Runs one Graph request, retrying temporary failures.
   *
   * @param what what is being done, for messages ("read the inbox rules of")
   * @param permission the application permission the call needs, named when Graph answers 403
   */
  public <T> T call(String mailbox, String what, String permission, Supplier<T> request)
      throws GraphFailure {
    Duration backoff = FIRST_BACKOFF;
    for (int attempt = 1; ; attempt++) {
      ApiException throttled;
      try {
        IN_FLIGHT.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new GraphFailure(Kind.TEMPORARY, "interrupted", e);
      }
      try {
        return request.get();
      } catch (ApiException e) {
        GraphFailure failure = classify(e, mailbox, what, permission);
        if (failure.kind() != Kind.TEMPORARY || attempt >= ATTEMPTS) {
          throw failure;
        }
        throttled = e;
      } catch (RuntimeException e) {
        throw GraphErrors.fromRuntime(e, what + " " + mailbox);
      } finally {
        IN_FLIGHT.release();
      }
      Duration after = GraphErrors.retryAfter(throttled, clock.instant());
      if (after != null && after.compareTo(MAX_RETRY_AFTER) > 0) {
        throw new GraphFailure(
            Kind.TEMPORARY,
            classify(throttled, mailbox, what, permission).getMessage()
                + "; Graph asked to wait "
                + GraphErrors.words(after)
                + " (Retry-After), longer than mailassure waits ("
                + GraphErrors.words(MAX_RETRY_AFTER)
                + "); try again later",
            throttled);
      }
      sleep(after != null ? after : backoff);
      backoff =
          backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
              ? MAX_BACKOFF
              : backoff.multipliedBy(2);
    }
  }

  private void sleep(Duration wait) throws GraphFailure {
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GraphFailure(Kind.TEMPORARY, "interrupted while waiting out Graph's throttling", e);
    }
  }

  /** A Graph error as a failure an administrator can act on. */
  public static GraphFailure classify(
      ApiException e, String mailbox, String what, String permission) {
    int status = e.getResponseStatusCode();
    String graph = GraphErrors.describe(e);
    return switch (status) {
      case 429, 503, 504 ->
          new GraphFailure(
              Kind.TEMPORARY, "Graph is throttling or busy (HTTP " + status + "): " + graph, e);
      case 401 ->
          new GraphFailure(
              Kind.AUTHENTICATION,
              "Graph refused the token (HTTP 401): "
                  + graph
                  + "; check graph.tenant-id and graph.auth (an expired client secret looks like this)",
              e);
      case 403 ->
          new GraphFailure(
              Kind.AUTHENTICATION,
              "Graph denied the right to "
                  + what
                  + " "
                  + mailbox
                  + " (HTTP 403): "
                  + graph
                  + "; grant the app the "
                  + permission
                  + " application permission and, "
                  + "with RBAC for Applications, include this mailbox in its management scope",
              e);
      case 404 ->
          new GraphFailure(
              Kind.PERMANENT,
              "Graph has no mailbox "
                  + mailbox
                  + " (HTTP 404): "
                  + graph
                  + "; check the domain's mailbox in the config: it must be an Exchange Online mailbox of this tenant",
              e);
      default ->
          new GraphFailure(
              status >= 500 ? Kind.TEMPORARY : Kind.PERMANENT,
              "could not " + what + " " + mailbox + " (HTTP " + status + "): " + graph,
              e);
    };
  }
}
