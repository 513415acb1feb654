package org.mailassure.reply;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.mailassure.state.ReplyStore.MailboxState;
import org.mailassure.state.ReplyStore.Outcome;

/**
 * SPEC.md, check {@code rule} in reply mode: "the mailbox was looked at within two poll intervals
 * and the last reply did not fail".
 */
class MailboxHealthTest {
  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  private static final Duration POLL = Duration.ofMinutes(5);

  private static MailboxState state(
      Instant lookedOk, String lookError, Outcome lastReply, String replyError) {
    return new MailboxState(
        "m@example.gov.uk",
        "example.gov.uk",
        lookError == null ? lookedOk : NOW.minusSeconds(30),
        lookError,
        lookedOk,
        NOW,
        lastReply == null ? null : NOW.minusSeconds(3600),
        lastReply == Outcome.REPLIED ? NOW.minusSeconds(3600) : null,
        lastReply,
        replyError,
        1,
        0);
  }

  @Test
  void aMailboxLookedAtWithinTwoPollsWithAGoodLastReplyIsHealthy() {
    assertThat(
            MailboxHealth.problem(
                state(NOW.minus(POLL.multipliedBy(2)), null, Outcome.REPLIED, null), POLL, NOW))
        .isEmpty();
  }

  @Test
  void aLookOlderThanTwoPollsIsAProblem() {
    assertThat(
            MailboxHealth.problem(
                state(NOW.minus(POLL.multipliedBy(2)).minusSeconds(1), null, null, null),
                POLL,
                NOW))
        .get()
        .asString()
        .contains("more than two poll intervals");
  }

  @Test
  void aFailedLastLookIsAProblemThatSaysWhy() {
    assertThat(
            MailboxHealth.problem(
                state(NOW.minusSeconds(600), "Graph denied ... Mail.ReadBasic", null, null),
                POLL,
                NOW))
        .get()
        .asString()
        .contains("failed: Graph denied ... Mail.ReadBasic");
  }

  @Test
  void aFailedLastReplyIsAProblem() {
    assertThat(
            MailboxHealth.problem(
                state(NOW.minusSeconds(60), null, Outcome.FAILED, "HTTP 400"), POLL, NOW))
        .get()
        .asString()
        .contains("the last reply")
        .contains("HTTP 400");
  }

  @Test
  void aMailboxNeverLookedAtIsAProblem() {
    assertThat(MailboxHealth.problem(null, POLL, NOW)).get().asString().contains("never looked at");
  }
}
