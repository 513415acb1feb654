package org.mailassure.config;

import java.util.List;

/**
 * One email domain: its shared mailbox, the sender of its probes, its local DKIM keys and which
 * jobs apply to it. Immutable.
 *
 * @param mailbox the shared mailbox that holds the inbox rule; null when {@code rule} is false and
 *     a sender is given
 * @param smtp the effective relay settings (probe.smtp with this domain's overrides applied)
 */
public record DomainSettings(
    String name,
    String mailbox,
    String sender,
    List<DkimKey> dkim,
    List<String> selectors,
    boolean rule,
    boolean probe,
    SmtpSettings smtp) {

  public DomainSettings {
    dkim = List.copyOf(dkim);
    selectors = List.copyOf(selectors);
  }
}
