package org.mailassure.reply;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.mailassure.graph.GraphErrors;
import org.mailassure.state.ReplyStore.MailboxState;
import org.mailassure.state.ReplyStore.Outcome;

/**
 * Whether a reply-mode mailbox is being answered, from its summary row: looked at without error
 * within two poll intervals, and its last reply did not fail. One reading for {@code status} and
 * {@code check}. A pure function.
 */
public final class MailboxHealth {
  private MailboxHealth() {}

  /** What is wrong, or empty when the mailbox is answered. */
  public static Optional<String> problem(MailboxState s, Duration poll, Instant now) {
    if (s == null || (s.lookedAt() == null && s.lookedOkAt() == null)) {
      return Optional.of("never looked at: no mailassure daemon has answered for this mailbox yet");
    }
    if (s.lookError() != null) {
      return Optional.of("the last look (" + s.lookedAt() + ") failed: " + s.lookError());
    }
    Duration limit = poll.multipliedBy(2);
    if (s.lookedOkAt() == null || Duration.between(s.lookedOkAt(), now).compareTo(limit) > 0) {
      return Optional.of(
          "last looked at "
              + (s.lookedOkAt() == null ? "never" : s.lookedOkAt().toString())
              + ", more than two poll intervals ("
              + GraphErrors.words(limit)
              + ") ago: no daemon is looking");
    }
    if (s.lastReplyOutcome() == Outcome.FAILED) {
      return Optional.of("the last reply (" + s.lastReplyAt() + ") failed: " + s.lastReplyError());
    }
    return Optional.empty();
  }

  /** What fixes {@link #problem}'s answer. */
  public static String fix(MailboxState s, String domain) {
    if (s != null && s.lookError() != null) {
      return "do what the error says, then: mailassure reply --domain " + domain;
    }
    if (s != null && s.lastReplyOutcome() == Outcome.FAILED) {
      return "do what the error says; the next look tries new messages again";
    }
    return "start the daemon (systemctl enable --now mailassure; mailassure status), or look once:"
        + " mailassure reply --domain "
        + domain;
  }
}
