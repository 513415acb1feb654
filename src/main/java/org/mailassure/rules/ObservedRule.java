package org.mailassure.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.graph.models.MessageRule;
import com.microsoft.graph.models.Recipient;
import com.microsoft.kiota.serialization.KiotaJsonSerialization;
import com.microsoft.kiota.serialization.Parsable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A rule as found in a mailbox, reduced to what mailassure manages, plus anything else set on its
 * conditions, actions or exceptions (which would change what the rule does, so it counts as drift).
 * Immutable.
 */
public record ObservedRule(
    String id,
    String displayName,
    Integer sequence,
    Boolean enabled,
    Set<String> fromAddresses,
    Set<String> sentToAddresses,
    Set<String> forwardTo,
    Boolean markAsRead,
    Boolean stopProcessingRules,
    Set<String> otherConditions,
    Set<String> otherActions,
    Set<String> exceptions) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> OUR_CONDITIONS = Set.of("fromAddresses", "sentToAddresses");
  private static final Set<String> OUR_ACTIONS =
      Set.of("forwardTo", "markAsRead", "stopProcessingRules");

  /** One field that differs from the desired rule. */
  public record Difference(String field, String found, String wanted) {
    @Override
    public String toString() {
      return field + ": " + found + " -> " + wanted;
    }
  }

  public static ObservedRule of(MessageRule r) {
    var c = r.getConditions();
    var a = r.getActions();
    return new ObservedRule(
        r.getId(),
        r.getDisplayName(),
        r.getSequence(),
        r.getIsEnabled(),
        addresses(c == null ? null : c.getFromAddresses()),
        addresses(c == null ? null : c.getSentToAddresses()),
        addresses(a == null ? null : a.getForwardTo()),
        a == null ? null : a.getMarkAsRead(),
        a == null ? null : a.getStopProcessingRules(),
        setKeys(c, OUR_CONDITIONS),
        setKeys(a, OUR_ACTIONS),
        setKeys(r.getExceptions(), Set.of()));
  }

  /** What differs from the desired rule, field by field; empty when it matches. */
  public List<Difference> differencesFrom(InboxRule want) {
    List<Difference> d = new ArrayList<>();
    if (!Objects.equals(sequence, InboxRule.SEQUENCE)) {
      d.add(
          new Difference("sequence", String.valueOf(sequence), String.valueOf(InboxRule.SEQUENCE)));
    }
    if (!Boolean.TRUE.equals(enabled)) {
      d.add(new Difference("isEnabled", String.valueOf(enabled), "true"));
    }
    Set<String> from = Set.of(want.assessmentAddress().toLowerCase(Locale.ROOT));
    Set<String> to = Set.of(want.mailbox().toLowerCase(Locale.ROOT));
    if (!fromAddresses.equals(from)) {
      d.add(new Difference("conditions.fromAddresses", fromAddresses.toString(), from.toString()));
    }
    if (!sentToAddresses.equals(to)) {
      d.add(
          new Difference("conditions.sentToAddresses", sentToAddresses.toString(), to.toString()));
    }
    if (!otherConditions.isEmpty()) {
      d.add(new Difference("conditions", "also " + otherConditions, "none other"));
    }
    if (!forwardTo.equals(from)) {
      d.add(new Difference("actions.forwardTo", forwardTo.toString(), from.toString()));
    }
    if (Boolean.TRUE.equals(markAsRead) != want.markAsRead()) {
      d.add(
          new Difference(
              "actions.markAsRead", String.valueOf(markAsRead), String.valueOf(want.markAsRead())));
    }
    if (!Boolean.TRUE.equals(stopProcessingRules)) {
      d.add(
          new Difference(
              "actions.stopProcessingRules", String.valueOf(stopProcessingRules), "true"));
    }
    if (!otherActions.isEmpty()) {
      d.add(new Difference("actions", "also " + otherActions, "none other"));
    }
    if (!exceptions.isEmpty()) {
      d.add(new Difference("exceptions", exceptions.toString(), "none"));
    }
    return d;
  }

  private static Set<String> addresses(List<Recipient> recipients) {
    Set<String> out = new TreeSet<>();
    if (recipients != null) {
      for (Recipient r : recipients) {
        if (r.getEmailAddress() != null && r.getEmailAddress().getAddress() != null) {
          out.add(r.getEmailAddress().getAddress().toLowerCase(Locale.ROOT));
        }
      }
    }
    return out;
  }

  /**
   * The properties set on a Graph complex value other than ours: non-null, non-false, non-empty.
   */
  private static Set<String> setKeys(Parsable value, Set<String> ours) {
    Set<String> out = new TreeSet<>();
    if (value == null) {
      return out;
    }
    try {
      JsonNode node = JSON.readTree(KiotaJsonSerialization.serializeAsString(value));
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        JsonNode v = node.get(k);
        boolean unset =
            v.isNull() || (v.isBoolean() && !v.asBoolean()) || (v.isContainerNode() && v.isEmpty());
        if (!ours.contains(k) && !k.startsWith("@odata") && !unset) {
          out.add(k);
        }
      }
    } catch (IOException e) {
      out.add("(unreadable)");
    }
    return out;
  }
}
