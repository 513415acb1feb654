package org.mailassure.config;

import java.time.Duration;

/**
 * How the assessment service's messages are answered: by the daemon itself ({@code reply}), or by
 * an inbox rule that forwards them ({@code forward}), found by its display name {@code name}.
 *
 * @param poll reply: how often each mailbox is looked at
 * @param replyText reply: the reply's text, {@code {domain}} replaced by the domain
 * @param maxRepliesPerDay reply: at most this many replies a mailbox in any 24 hours
 * @param markAsRead forward: the rule marks the message read
 */
public record RuleSettings(
    String name,
    Action action,
    Duration poll,
    String replyText,
    int maxRepliesPerDay,
    boolean markAsRead) {
  public static final String DEFAULT_NAME = "mailassure: email security assessment reply";
  public static final Duration DEFAULT_POLL = Duration.ofMinutes(5);
  public static final Duration MIN_POLL = Duration.ofMinutes(1);
  public static final int DEFAULT_MAX_REPLIES_PER_DAY = 48;
  public static final String DEFAULT_REPLY_TEXT =
      "This is the automatic reply of {domain} to the email security assessment service."
          + " It was sent by Exchange Online for {domain} (answered by mailassure), to show that"
          + " mail from {domain} leaves over TLS and is DKIM-signed.";

  /** How the assessment service is answered. */
  public enum Action implements ConfigNamed {
    /** The daemon lists each mailbox through Graph and replies to each assessment message. */
    REPLY,
    /** An inbox rule forwards each assessment message back to the assessment address. */
    FORWARD;

    @Override
    public String configName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The defaults: reply mode, looking every 5 minutes. */
  public static RuleSettings defaults() {
    return new RuleSettings(
        DEFAULT_NAME,
        Action.REPLY,
        DEFAULT_POLL,
        DEFAULT_REPLY_TEXT,
        DEFAULT_MAX_REPLIES_PER_DAY,
        true);
  }

  public boolean replies() {
    return action == Action.REPLY;
  }

  /** The reply text for a domain. */
  public String replyTextFor(String domain) {
    return replyText.replace("{domain}", domain);
  }
}
