package org.mailassure.reply;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.mailfolders.item.messages.MessagesRequestBuilder;
import com.microsoft.graph.users.item.messages.item.reply.ReplyPostRequestBody;
import com.microsoft.kiota.RequestInformation;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.mailassure.graph.GraphCalls;
import org.mailassure.graph.GraphErrors;
import org.mailassure.graph.GraphFailure;
import org.mailassure.probe.Sleeper;

/**
 * A mailbox's inbox through the Graph SDK, as the reply agent needs it: list the messages from one
 * address received since an instant (only the fields it reads, {@code Mail.ReadBasic} suffices),
 * following {@code @odata.nextLink}; and reply to one ({@code Mail.Send}) with the recipients set
 * explicitly. Every call goes through {@link GraphCalls} (4 in flight in the process, Retry-After
 * honoured). The SDK's request builders make the requests and its request adapter sends them
 * (authentication, middleware, errors); the JSON is read and written through {@link MessageShapes},
 * not the SDK's {@code Message} model (see there why). Thread-safe.
 */
public final class MailboxMessages {
  /** Messages asked for a page. */
  static final int PAGE = 50;

  /** The most pages read in one look: far more messages than the daily cap can answer. */
  static final int MAX_PAGES = 20;

  static final String[] FIELDS = {
    "id", "internetMessageId", "receivedDateTime", "from", "toRecipients", "ccRecipients", "subject"
  };

  /** One message as listed. */
  public record Incoming(
      String id,
      String internetMessageId,
      Instant received,
      String from,
      List<String> to,
      List<String> cc,
      String subject) {
    /** Whether the mailbox itself is among its To or Cc recipients. */
    public boolean addressedTo(String mailbox) {
      String m = mailbox.toLowerCase(Locale.ROOT);
      return to.contains(m) || cc.contains(m);
    }

    /** What identifies it across looks: its Internet Message-ID, else Graph's id. */
    public String key() {
      return internetMessageId != null && !internetMessageId.isBlank()
          ? internetMessageId.strip()
          : "graph:" + id;
    }
  }

  /** What one listing found: the messages, and whether it stopped at {@link #MAX_PAGES}. */
  public record Listing(List<Incoming> messages, boolean truncated) {}

  private final GraphServiceClient client;
  private final GraphCalls calls;

  public MailboxMessages(GraphServiceClient client, Sleeper sleeper, Clock clock) {
    this.client = client;
    this.calls = new GraphCalls(sleeper, clock);
  }

  private MessagesRequestBuilder inbox(String mailbox) {
    return client.users().byUserId(mailbox).mailFolders().byMailFolderId("inbox").messages();
  }

  /** The OData filter: received at or after {@code since}, from {@code from}. */
  static String filter(String from, Instant since) {
    String at =
        DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
            OffsetDateTime.ofInstant(since, ZoneOffset.UTC).withNano(0));
    return "receivedDateTime ge "
        + at
        + " and from/emailAddress/address eq '"
        + from.replace("'", "''")
        + "'";
  }

  /** The inbox's messages from {@code from} received at or after {@code since}, oldest first. */
  public Listing list(String mailbox, String from, Instant since) throws GraphFailure {
    String what = "read the inbox of";
    String permission = "Mail.ReadBasic";
    List<Incoming> out = new ArrayList<>();
    RequestInformation first =
        inbox(mailbox)
            .toGetRequestInformation(
                c -> {
                  c.queryParameters.filter = filter(from, since);
                  c.queryParameters.select = FIELDS;
                  c.queryParameters.orderby = new String[] {"receivedDateTime"};
                  c.queryParameters.top = PAGE;
                });
    MessageShapes.Page page = calls.call(mailbox, what, permission, () -> send(first));
    for (int pages = 1; page != null; pages++) {
      for (MessageShapes.Listed m : page.value) {
        out.add(incoming(m));
      }
      String next = page.nextLink;
      if (next == null) {
        break;
      }
      if (pages >= MAX_PAGES) {
        return new Listing(out, true);
      }
      RequestInformation following = inbox(mailbox).withUrl(next).toGetRequestInformation();
      page = calls.call(mailbox, what, permission, () -> send(following));
    }
    return new Listing(out, false);
  }

  private MessageShapes.Page send(RequestInformation request) {
    request.addRequestOptions(GraphCalls.noSdkRetry());
    return client
        .getRequestAdapter()
        .send(request, GraphErrors.mapping(), MessageShapes.Page::create);
  }

  /**
   * Replies to a message with {@code text}, sent to {@code to} alone: the reply's recipients are
   * set, never taken from the message, so a spoofed Reply-To cannot steer it elsewhere.
   */
  public void reply(String mailbox, String messageId, String to, String text) throws GraphFailure {
    calls.call(
        mailbox,
        "reply from",
        "Mail.Send",
        () -> {
          // The builder gives the URL and headers; the body is written by MessageShapes.Reply.
          RequestInformation request =
              client
                  .users()
                  .byUserId(mailbox)
                  .messages()
                  .byMessageId(messageId)
                  .reply()
                  .toPostRequestInformation(new ReplyPostRequestBody());
          request.setContentFromParsable(
              client.getRequestAdapter(), "application/json", new MessageShapes.Reply(text, to));
          request.addRequestOptions(GraphCalls.noSdkRetry());
          client.getRequestAdapter().sendPrimitive(request, GraphErrors.mapping(), Void.class);
          return null;
        });
  }

  private static Incoming incoming(MessageShapes.Listed m) {
    return new Incoming(
        m.id,
        m.internetMessageId,
        m.received == null ? null : m.received.toInstant(),
        m.from == null ? null : address(m.from),
        addresses(m.to),
        addresses(m.cc),
        m.subject);
  }

  private static List<String> addresses(List<MessageShapes.Addressee> recipients) {
    return recipients.stream().map(MailboxMessages::address).filter(Objects::nonNull).toList();
  }

  private static String address(MessageShapes.Addressee r) {
    String address = r.address();
    return address == null ? null : address.strip().toLowerCase(Locale.ROOT);
  }
}
