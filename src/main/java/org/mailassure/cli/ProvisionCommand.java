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
    mixinStandardHelpOptions = true,
    description =
        "Create or update the inbox rule in each domain's mailbox (idempotent); domains with "
            + "rule: false get their owned rule removed. Prints the Exchange Online PowerShell that lets the "
            + "mailboxes forward externally.")
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
        options,
        dryRun,
        true,
        (service, domains, progress) -> service.provision(domains, dryRun, progress));
  }
}
