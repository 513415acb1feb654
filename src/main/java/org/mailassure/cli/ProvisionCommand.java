package org.mailassure.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mailassure provision [--dry-run]}: create or update the inbox rule in each domain's
 * mailbox.
 */
@Command(
    name = "provision",
    footerHeading = "%nExamples:%n",
    footer = {"  mailassure provision --dry-run", "  mailassure provision --domain example.gov.uk"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every mailbox is as the config says",
      "1:a mailbox failed (the others were done)",
      "2:usage or config error; nothing changed",
      "3:Graph refused the app or could not be reached"
    },
    mixinStandardHelpOptions = true,
    description =
        "With rule.action forward, create or update the inbox rule in each domain's mailbox"
            + " (idempotent; domains with rule: false get their owned rule removed) and print the"
            + " Exchange Online PowerShell that lets those mailboxes forward externally. In reply"
            + " mode (the default), remove any forward rule mailassure owns: the daemon answers.")
final class ProvisionCommand implements Callable<Integer> {
  private final Context ctx;
  @Mixin CommonOptions options;

  @Option(names = "--dry-run", description = "Print the plan; change nothing.")
  boolean dryRun;

  ProvisionCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    return RulesOutput.execute(
        ctx,
        "provision",
        options,
        dryRun,
        true,
        (service, domains, progress) -> service.provision(domains, dryRun, progress));
  }
}
