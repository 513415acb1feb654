package org.mailassure.config;

/** The inbox rule mailassure owns in each mailbox, found by its display name. */
public record RuleSettings(String name, boolean markAsRead) {
  public static final String DEFAULT_NAME = "mailassure: email security assessment reply";
}
