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

  static CheckResult run(Config config, MailboxRules rules, DomainSettings d) {
    if (!d.rule()) {
      return CheckResult.skip(CheckId.RULE, "rule: false for this domain");
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
}
