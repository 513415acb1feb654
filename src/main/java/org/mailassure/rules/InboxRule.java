package org.mailassure.rules;

import com.microsoft.graph.models.EmailAddress;
import com.microsoft.graph.models.MessageRule;
import com.microsoft.graph.models.MessageRuleActions;
import com.microsoft.graph.models.MessageRulePredicates;
import com.microsoft.graph.models.Recipient;
import java.util.List;
import org.mailassure.config.Config;
import org.mailassure.config.DomainSettings;

/**
 * The inbox rule a domain's shared mailbox should hold (Graph v1.0 {@code messageRule}): named
 * {@code rule.name}, enabled, sequence 1; for messages from the assessment address sent
 * specifically to the mailbox, forward to the assessment address (Graph has no reply-with-template
 * action; Exchange Online sends the forward as a new message from the mailbox, over TLS,
 * DKIM-signed by the tenant), mark as read per config, stop processing further rules. Immutable.
 */
public record InboxRule(
    String domain, String mailbox, String name, String assessmentAddress, boolean markAsRead) {
  public static final int SEQUENCE = 1;

  public static InboxRule of(Config config, DomainSettings domain) {
    return new InboxRule(
        domain.name(),
        domain.mailbox(),
        config.rule().name(),
        config.assessmentAddress(),
        config.rule().markAsRead());
  }

  /** The whole rule, for a create. */
  public MessageRule toGraph() {
    MessageRule rule = new MessageRule();
    rule.setDisplayName(name);
    rule.setSequence(SEQUENCE);
    rule.setIsEnabled(true);
    rule.setConditions(conditions());
    rule.setActions(actions());
    return rule;
  }

  MessageRulePredicates conditions() {
    MessageRulePredicates p = new MessageRulePredicates();
    p.setFromAddresses(List.of(recipient(assessmentAddress)));
    p.setSentToAddresses(List.of(recipient(mailbox)));
    return p;
  }

  MessageRuleActions actions() {
    MessageRuleActions a = new MessageRuleActions();
    a.setForwardTo(List.of(recipient(assessmentAddress)));
    a.setMarkAsRead(markAsRead);
    a.setStopProcessingRules(true);
    return a;
  }

  private static Recipient recipient(String address) {
    EmailAddress e = new EmailAddress();
    e.setAddress(address);
    Recipient r = new Recipient();
    r.setEmailAddress(e);
    return r;
  }
}
