package org.mailassure.rules;

import com.microsoft.graph.models.MessageRule;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.mailassure.batch.Batch;
import org.mailassure.config.Config;
import org.mailassure.config.DomainSettings;
import org.mailassure.graph.GraphFailure;

/**
 * Provisions, lists and removes the inbox rules mailassure owns (found by display name), one
 * mailbox at a time per worker and several mailboxes at once, never touching rules with other
 * names. A mailbox that fails does not stop the others; each gets its own result. Thread-safe.
 */
public final class RulesService {

  /** What happened in one mailbox. */
  public record MailboxResult(
      String domain,
      String mailbox,
      List<ObservedRule> owned,
      List<RuleStep> steps,
      boolean applied,
      GraphFailure.Kind failure,
      String error) {
    public boolean ok() {
      return error == null;
    }
  }

  private enum Mode {
    PROVISION,
    LIST,
    REMOVE
  }

  private final Config config;
  private final MailboxRules graph;

  public RulesService(Config config, MailboxRules graph) {
    this.config = config;
    this.graph = graph;
  }

  /** Makes each mailbox's owned rule match the config; with {@code dryRun}, only plans. */
  public List<MailboxResult> provision(
      List<DomainSettings> domains, boolean dryRun, Consumer<String> progress) {
    return forEach(domains, Mode.PROVISION, dryRun, progress);
  }

  /** The owned rules of each mailbox and what provisioning would do to them; writes nothing. */
  public List<MailboxResult> list(List<DomainSettings> domains, Consumer<String> progress) {
    return forEach(domains, Mode.LIST, true, progress);
  }

  /** Deletes every owned rule; with {@code dryRun}, only plans. */
  public List<MailboxResult> remove(
      List<DomainSettings> domains, boolean dryRun, Consumer<String> progress) {
    return forEach(domains, Mode.REMOVE, dryRun, progress);
  }

  private List<MailboxResult> forEach(
      List<DomainSettings> domains, Mode mode, boolean dryRun, Consumer<String> progress) {
    List<DomainSettings> withMailbox = domains.stream().filter(d -> d.mailbox() != null).toList();
    AtomicInteger done = new AtomicInteger();
    return Batch.threads("rules")
        .map(
            withMailbox,
            MailboxRules.MAX_IN_FLIGHT,
            d -> {
              MailboxResult r = one(d, mode, dryRun);
              progress.accept(
                  done.incrementAndGet() + "/" + withMailbox.size() + " " + d.mailbox());
              return r;
            },
            (d, e) ->
                new MailboxResult(
                    d.name(),
                    d.mailbox(),
                    List.of(),
                    List.of(),
                    false,
                    e instanceof InterruptedException
                        ? GraphFailure.Kind.TEMPORARY
                        : GraphFailure.Kind.PERMANENT,
                    e instanceof InterruptedException
                        ? "stopped before it finished"
                        : "internal error: " + e.getClass().getSimpleName()));
  }

  private MailboxResult one(DomainSettings d, Mode mode, boolean dryRun) {
    List<ObservedRule> owned = List.of();
    List<RuleStep> steps = List.of();
    try {
      owned =
          graph.list(d.mailbox()).stream()
              .filter(r -> config.rule().name().equals(r.getDisplayName()))
              .map(ObservedRule::of)
              .toList();
      InboxRule want = InboxRule.of(config, d);
      steps =
          switch (mode) {
            case PROVISION, LIST ->
                !d.rule()
                    ? Reconciler.remove(owned, "rule: false for this domain")
                    : config.rule().replies()
                        ? Reconciler.remove(
                            owned, "rule.action is reply: the daemon answers, no forwarding")
                        : Reconciler.provision(want, owned);
            case REMOVE -> Reconciler.remove(owned);
          };
      if (!dryRun) {
        for (RuleStep step : steps) {
          apply(d.mailbox(), step);
        }
      }
      return new MailboxResult(d.name(), d.mailbox(), owned, steps, !dryRun, null, null);
    } catch (GraphFailure f) {
      return new MailboxResult(
          d.name(), d.mailbox(), owned, steps, false, f.kind(), f.getMessage());
    }
  }

  private void apply(String mailbox, RuleStep step) throws GraphFailure {
    if (step instanceof RuleStep.Create c) {
      graph.create(mailbox, c.rule().toGraph());
    } else if (step instanceof RuleStep.Update u) {
      graph.update(mailbox, u.id(), changes(u));
    } else if (step instanceof RuleStep.Delete del) {
      graph.delete(mailbox, del.id());
    }
  }

  /**
   * Only the properties that differ; conditions and actions are sent whole, as PATCH replaces
   * complex values.
   */
  private static MessageRule changes(RuleStep.Update u) {
    MessageRule full = u.rule().toGraph();
    MessageRule patch = new MessageRule();
    for (ObservedRule.Difference d : u.differences()) {
      String top =
          d.field().contains(".") ? d.field().substring(0, d.field().indexOf('.')) : d.field();
      switch (top) {
        case "sequence" -> patch.setSequence(full.getSequence());
        case "isEnabled" -> patch.setIsEnabled(full.getIsEnabled());
        case "conditions" -> patch.setConditions(full.getConditions());
        case "actions" -> patch.setActions(full.getActions());
        case "exceptions" ->
            patch.setExceptions(new com.microsoft.graph.models.MessageRulePredicates());
        default -> {}
      }
    }
    return patch;
  }
}
