package org.mailassure.rules;

import com.microsoft.graph.models.MessageRule;
import com.microsoft.graph.models.MessageRuleCollectionResponse;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.mailfolders.item.messagerules.MessageRulesRequestBuilder;
import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.RequestOption;
import com.microsoft.kiota.http.middleware.options.RetryHandlerOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.mailassure.graph.GraphErrors;
import org.mailassure.graph.GraphFailure;
import org.mailassure.graph.GraphFailure.Kind;
import org.mailassure.probe.Sleeper;

/**
 * The inbox rules of mailboxes through the Graph SDK ({@code /users/{mailbox}/mailFolders/inbox/
 * messageRules}), with Graph's mail limits kept: never more than {@link #MAX_IN_FLIGHT} requests in
 * flight across all threads, and 429/503/504 waited out for their Retry-After (or backoff),
 * mailassure's own retry replacing the SDK's. Thread-safe.
 */
public final class MailboxRules {
  /**
   * Graph allows 4 concurrent requests per app and mailbox for mail resources; 4 per app is the
   * safe reading.
   */
  public static final int MAX_IN_FLIGHT = 4;

  private static final int ATTEMPTS = 6;
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(2);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

  /** The longest Retry-After a person's command waits out; a longer ask ends it with the reason. */
  static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

  private final GraphServiceClient client;
  private final Sleeper sleeper;
  private final Clock clock;
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT, true);

  public MailboxRules(GraphServiceClient client, Sleeper sleeper, Clock clock) {
    this.client = client;
    this.sleeper = sleeper;
    this.clock = clock;
  }

  private MessageRulesRequestBuilder rules(String mailbox) {
    return client.users().byUserId(mailbox).mailFolders().byMailFolderId("inbox").messageRules();
  }

  private static List<RequestOption> noSdkRetry() {
    return List.of(new RetryHandlerOption((delay, attempt, request, response) -> false, 0, 0));
  }

  /** Every rule of the mailbox's inbox, following @odata.nextLink. */
  public List<MessageRule> list(String mailbox) throws GraphFailure {
    List<MessageRule> all = new ArrayList<>();
    MessageRuleCollectionResponse page =
        call(
            mailbox,
            "read the inbox rules of",
            () -> rules(mailbox).get(c -> c.options.addAll(noSdkRetry())));
    while (page != null) {
      if (page.getValue() != null) {
        all.addAll(page.getValue());
      }
      String next = page.getOdataNextLink();
      page =
          next == null
              ? null
              : call(
                  mailbox,
                  "read the inbox rules of",
                  () -> rules(mailbox).withUrl(next).get(c -> c.options.addAll(noSdkRetry())));
    }
    return all;
  }

  public MessageRule create(String mailbox, MessageRule rule) throws GraphFailure {
    return call(
        mailbox,
        "create an inbox rule in",
        () -> rules(mailbox).post(rule, c -> c.options.addAll(noSdkRetry())));
  }

  public void update(String mailbox, String id, MessageRule changes) throws GraphFailure {
    call(
        mailbox,
        "update an inbox rule in",
        () ->
            rules(mailbox).byMessageRuleId(id).patch(changes, c -> c.options.addAll(noSdkRetry())));
  }

  public void delete(String mailbox, String id) throws GraphFailure {
    call(
        mailbox,
        "delete an inbox rule in",
        () -> {
          rules(mailbox).byMessageRuleId(id).delete(c -> c.options.addAll(noSdkRetry()));
          return null;
        });
  }

  private <T> T call(String mailbox, String what, Supplier<T> request) throws GraphFailure {
    Duration backoff = FIRST_BACKOFF;
    for (int attempt = 1; ; attempt++) {
      ApiException throttled;
      try {
        inFlight.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new GraphFailure(Kind.TEMPORARY, "interrupted", e);
      }
      try {
        return request.get();
      } catch (ApiException e) {
        GraphFailure failure = classify(e, mailbox, what);
        if (failure.kind() != Kind.TEMPORARY || attempt >= ATTEMPTS) {
          throw failure;
        }
        throttled = e;
      } catch (RuntimeException e) {
        throw GraphErrors.fromRuntime(e, what + " " + mailbox);
      } finally {
        inFlight.release();
      }
      Duration after = GraphErrors.retryAfter(throttled, clock.instant());
      if (after != null && after.compareTo(MAX_RETRY_AFTER) > 0) {
        throw new GraphFailure(
            Kind.TEMPORARY,
            classify(throttled, mailbox, what).getMessage()
                + "; Graph asked to wait "
                + GraphErrors.words(after)
                + " (Retry-After), longer than mailassure waits ("
                + GraphErrors.words(MAX_RETRY_AFTER)
                + "); run the command again later",
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

  static GraphFailure classify(ApiException e, String mailbox, String what) {
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
                  + "; grant the app the MailboxSettings.ReadWrite application permission and, "
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
