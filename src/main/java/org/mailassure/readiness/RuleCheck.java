package org.mailassure.readiness;

import java.util.List;
import org.mailassure.config.Config;
import org.mailassure.config.DomainSettings;
import org.mailassure.graph.GraphFailure;
import org.mailassure.rules.InboxRule;
import org.mailassure.rules.MailboxRules;
import org.mailassure.rules.ObservedRule;

/**
 * {@code rule}: the owned inbox rule exists in the mailbox, is enabled and matches the config
 * (read-only).
 */
final class RuleCheck {
  private RuleCheck() {}

  static CheckResult run(
      Config config,
      MailboxRules rules,
      java.util.Map<String, org.mailassure.state.ReplyStore.MailboxState> mailboxes,
      DomainSettings d,
      java.time.Instant now) {
    if (!d.rule()) {
      return CheckResult.skip(CheckId.RULE, "rule: false for this domain");
    }
    if (config.rule().replies()) {
      return replies(config, mailboxes, d, now);
    }
    if (rules == null) {
      return CheckResult.skip(
          CheckId.RULE, "no graph section in the config, so the mailbox cannot be read");
    }
    List<ObservedRule> owned;
    try {
      owned =
          rules.list(d.mailbox()).stream()
              .filter(r -> config.rule().name().equals(r.getDisplayName()))
              .map(ObservedRule::of)
              .toList();
    } catch (GraphFailure f) {
      return CheckResult.fail(
          CheckId.RULE, "could not check: " + f.getMessage(), "fix the Graph access above");
    }
    String fix = "run: mailassure provision --domain " + d.name();
    if (owned.isEmpty()) {
      return CheckResult.fail(
          CheckId.RULE, "no rule named \"" + config.rule().name() + "\" in " + d.mailbox(), fix);
    }
    InboxRule want = InboxRule.of(config, d);
    ObservedRule best =
        owned.stream()
            .filter(r -> r.differencesFrom(want).isEmpty())
            .findFirst()
            .orElse(owned.get(0));
    var diff = best.differencesFrom(want);
    if (!diff.isEmpty()) {
      return CheckResult.fail(
          CheckId.RULE, "the rule in " + d.mailbox() + " differs: " + diff, fix);
    }
    if (owned.size() > 1) {
      return new CheckResult(
          CheckId.RULE,
          Status.WARN,
          owned.size() + " rules named \"" + config.rule().name() + "\" in " + d.mailbox(),
          fix + " (it keeps one)");
    }
    return CheckResult.pass(CheckId.RULE, "enabled and matching in " + d.mailbox());
  }

  /** Reply mode: the mailbox was looked at within two poll intervals and its last reply worked. */
  private static CheckResult replies(
      Config config,
      java.util.Map<String, org.mailassure.state.ReplyStore.MailboxState> mailboxes,
      DomainSettings d,
      java.time.Instant now) {
    if (config.graph() == null) {
      return CheckResult.skip(
          CheckId.RULE,
          "rule.action is reply but there is no graph section, so nothing answers the assessment"
              + " service; add graph:, or set rule: false where probes are the evidence");
    }
    var state = mailboxes.get(d.mailbox().toLowerCase(java.util.Locale.ROOT));
    var problem = org.mailassure.reply.MailboxHealth.problem(state, config.rule().poll(), now);
    if (problem.isPresent()) {
      return CheckResult.fail(
          CheckId.RULE,
          d.mailbox() + ": " + problem.get(),
          org.mailassure.reply.MailboxHealth.fix(state, d.name()));
    }
    return CheckResult.pass(
        CheckId.RULE,
        "the daemon looked at "
            + d.mailbox()
            + " at "
            + state.lookedOkAt()
            + (state.repliedOkAt() == null ? "" : "; last reply " + state.repliedOkAt()));
  }
}
