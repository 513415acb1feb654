package org.mailassure.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides what to do in one mailbox, as SPEC.md says: no owned rule, create it; one that differs,
 * update it in place; one that matches, leave it; several, keep one (a matching one if any, else
 * the first) and delete the rest. Rules with other names are never in the input. A pure function.
 */
public final class Reconciler {
  private Reconciler() {}

  /** The steps that make the owned rules of a mailbox match {@code want}. */
  public static List<RuleStep> provision(InboxRule want, List<ObservedRule> owned) {
    List<RuleStep> steps = new ArrayList<>();
    if (owned.isEmpty()) {
      steps.add(new RuleStep.Create(want));
      return steps;
    }
    ObservedRule keep =
        owned.stream()
            .filter(r -> r.differencesFrom(want).isEmpty())
            .findFirst()
            .orElse(owned.get(0));
    var differences = keep.differencesFrom(want);
    steps.add(
        differences.isEmpty()
            ? new RuleStep.Unchanged(keep.id())
            : new RuleStep.Update(keep.id(), want, differences));
    for (ObservedRule r : owned) {
      if (r != keep) {
        steps.add(new RuleStep.Delete(r.id(), "duplicate of " + keep.id()));
      }
    }
    return steps;
  }

  /** The steps of {@code rules remove}: delete every owned rule. */
  public static List<RuleStep> remove(List<ObservedRule> owned) {
    return remove(owned, "rules remove");
  }

  /** Deletes every owned rule, saying why (rule: false, reply mode, rules remove). */
  public static List<RuleStep> remove(List<ObservedRule> owned, String why) {
    return owned.stream().map(r -> (RuleStep) new RuleStep.Delete(r.id(), why)).toList();
  }
}
