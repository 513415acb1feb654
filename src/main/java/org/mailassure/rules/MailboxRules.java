package org.mailassure.rules;

import com.microsoft.graph.models.MessageRule;
import com.microsoft.graph.models.MessageRuleCollectionResponse;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.mailfolders.item.messagerules.MessageRulesRequestBuilder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.mailassure.graph.GraphCalls;
import org.mailassure.graph.GraphFailure;
import org.mailassure.probe.Sleeper;

/**
 * The inbox rules of mailboxes through the Graph SDK ({@code /users/{mailbox}/mailFolders/inbox/
 * messageRules}), with Graph's mail limits kept by {@link GraphCalls}: at most 4 requests in flight
 * in the process, 429/503/504 waited out for their Retry-After. Thread-safe.
 */
public final class MailboxRules {
  /** At most this many Graph requests at once, in the whole process. */
  public static final int MAX_IN_FLIGHT = GraphCalls.MAX_IN_FLIGHT;

  private static final String PERMISSION = "MailboxSettings.ReadWrite";

  private final GraphServiceClient client;
  private final GraphCalls calls;

  public MailboxRules(GraphServiceClient client, Sleeper sleeper, Clock clock) {
    this.client = client;
    this.calls = new GraphCalls(sleeper, clock);
  }

  private MessageRulesRequestBuilder rules(String mailbox) {
    return client.users().byUserId(mailbox).mailFolders().byMailFolderId("inbox").messageRules();
  }

  private static List<com.microsoft.kiota.RequestOption> noSdkRetry() {
    return GraphCalls.noSdkRetry();
  }

  /**
   * Pages of rules followed at most: an inbox's rules fit in Exchange's 256 KB rule quota, a few
   * pages; a server whose pages never end (each linking to the next, or to itself) is stopped.
   */
  static final int MAX_PAGES = 100;

  /** Every rule of the mailbox's inbox, following @odata.nextLink. */
  public List<MessageRule> list(String mailbox) throws GraphFailure {
    List<MessageRule> all = new ArrayList<>();
    MessageRuleCollectionResponse page =
        call(
            mailbox,
            "read the inbox rules of",
            () -> rules(mailbox).get(c -> c.options.addAll(noSdkRetry())));
    for (int pages = 1; page != null; pages++) {
      if (page.getValue() != null) {
        all.addAll(page.getValue());
      }
      String next = page.getOdataNextLink();
      if (next != null && pages >= MAX_PAGES) {
        // Reconciling from part of the rules could create a rule that exists on a later page.
        throw new GraphFailure(
            GraphFailure.Kind.PERMANENT,
            "Graph sent more than "
                + MAX_PAGES
                + " pages of inbox rules for "
                + mailbox
                + ", each linking to another; stopped reading, and nothing was changed",
            null);
      }
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
    return calls.call(mailbox, what, PERMISSION, request);
  }
}
