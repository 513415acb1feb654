package org.mailassure.rules;

import java.util.List;

/** One thing reconciling a mailbox does to a rule it owns. */
public sealed interface RuleStep {
  /** What the plan says, in a word: create, update, unchanged, delete. */
  String verb();

  /** Whether carrying it out writes to the mailbox. */
  default boolean writes() {
    return true;
  }

  /** No owned rule: make one. */
  record Create(InboxRule rule) implements RuleStep {
    @Override
    public String verb() {
      return "create";
    }
  }

  /** The owned rule differs: change these fields in place. */
  record Update(String id, InboxRule rule, List<ObservedRule.Difference> differences)
      implements RuleStep {
    @Override
    public String verb() {
      return "update";
    }
  }

  /** The owned rule matches the config. */
  record Unchanged(String id) implements RuleStep {
    @Override
    public String verb() {
      return "unchanged";
    }

    @Override
    public boolean writes() {
      return false;
    }
  }

  /** An owned rule to delete: a duplicate, or everything on {@code rules remove}. */
  record Delete(String id, String why) implements RuleStep {
    @Override
    public String verb() {
      return "delete";
    }
  }
}
