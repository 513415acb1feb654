package org.mailassure.rules;

import java.util.List;
import java.util.stream.Collectors;
import org.mailassure.text.PowerShell;

/**
 * The Exchange Online PowerShell that lets exactly the rule mailboxes forward to the assessment
 * service. Exchange Online blocks automatic external forwarding by default (outbound spam filter
 * policy {@code AutoForwardingMode}; the sender gets NDR 5.7.520), so without this the rule's
 * forwards never leave.
 */
public final class ForwardingPolicy {
  public static final String NAME = "mailassure assessment forwarding";

  private ForwardingPolicy() {}

  /** The script for the given mailboxes; empty when there are none. */
  public static String script(List<String> mailboxes) {
    if (mailboxes.isEmpty()) {
      return "";
    }
    String from =
        mailboxes.stream().sorted().map(PowerShell::quote).collect(Collectors.joining(","));
    return String.join(
        "\n",
        "# Exchange Online blocks automatic forwarding to external addresses by default (outbound spam",
        "# filter policy AutoForwardingMode; senders get NDR 5.7.520). Run once in Exchange Online",
        "# PowerShell to allow it for exactly the mailboxes that hold mailassure's rule:",
        "Connect-ExchangeOnline",
        "New-HostedOutboundSpamFilterPolicy -Name "
            + PowerShell.quote(NAME)
            + " -AutoForwardingMode On",
        "New-HostedOutboundSpamFilterRule -Name "
            + PowerShell.quote(NAME)
            + " -HostedOutboundSpamFilterPolicy "
            + PowerShell.quote(NAME)
            + " -From "
            + from
            + " -Priority 0",
        "# Already created? Keep its mailboxes in step instead:",
        "# Set-HostedOutboundSpamFilterRule -Identity " + PowerShell.quote(NAME) + " -From " + from,
        "");
  }
}
