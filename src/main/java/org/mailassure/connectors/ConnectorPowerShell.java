package org.mailassure.connectors;

import java.util.List;
import java.util.stream.Collectors;
import org.mailassure.text.PowerShell;
import org.mailassure.text.Words;

/**
 * Exchange Online PowerShell that creates a mandatory-TLS outbound connector when it is missing
 * ({@code New-OutboundConnector}, Office 365 to a partner organisation, MX routing, TLS with a
 * certificate from a trusted CA without requiring the name to match) and otherwise keeps its
 * recipient domains in step ({@code Set-OutboundConnector -RecipientDomains @{Add=…; Remove=…}}).
 */
public final class ConnectorPowerShell {
  private ConnectorPowerShell() {}

  public static String script(ConnectorPlan plan, ConnectorPlan.Change change) {
    String name = PowerShell.quote(plan.name());
    String all = list(plan.domains());
    String update;
    if (change == null) {
      update = "  Set-OutboundConnector -Identity " + name + " -RecipientDomains " + all;
    } else if (change.added().isEmpty() && change.removed().isEmpty()) {
      update = "  # already in step: nothing to change";
    } else {
      StringBuilder b =
          new StringBuilder("  Set-OutboundConnector -Identity " + name + " -RecipientDomains @{");
      if (!change.added().isEmpty()) {
        b.append("Add=").append(list(change.added()));
      }
      if (!change.added().isEmpty() && !change.removed().isEmpty()) {
        b.append("; ");
      }
      if (!change.removed().isEmpty()) {
        b.append("Remove=").append(list(change.removed()));
      }
      update = b.append('}').toString();
    }
    return String.join(
        "\n",
        "# " + Words.oneLine(plan.name()) + ": " + plan.domains().size() + " recipient domains",
        "if (-not (Get-OutboundConnector -Identity " + name + " -ErrorAction SilentlyContinue)) {",
        "  New-OutboundConnector -Name "
            + name
            + " -ConnectorType Partner -UseMXRecord $true "
            + "-TlsSettings CertificateValidation -IsTransportRuleScoped $false -Enabled $true -RecipientDomains "
            + all,
        "} else {",
        update,
        "}",
        "");
  }

  private static String list(List<String> domains) {
    return domains.stream().map(PowerShell::quote).collect(Collectors.joining(","));
  }
}
