package org.mailassure.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.mailassure.config.Config;
import org.mailassure.config.DomainSettings;
import org.mailassure.graph.CredentialException;
import org.mailassure.rules.ForwardingPolicy;
import org.mailassure.rules.RulesService;
import org.mailassure.rules.RulesService.MailboxResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mailassure provision [--dry-run]}: create or update the inbox rule in each domain's mailbox. */
@Command(name = "provision", mixinStandardHelpOptions = true,
    description = "Create or update the inbox rule in each domain's mailbox (idempotent); domains with "
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
    System.setProperty(LogConfigurator.VERBOSE_PROPERTY, Boolean.toString(options.verbose));
    Config config = ConfigSource.load(ctx, options);
    List<DomainSettings> domains = RulesOutput.mailboxes(config, options);
    RulesService service;
    try {
      service = RulesOutput.service(ctx, config);
    } catch (CredentialException e) {
      ctx.err().println("mailassure: " + e.getMessage() + "; nothing was changed");
      return ExitCode.UNAVAILABLE;
    }
    List<MailboxResult> results = service.provision(domains, dryRun, RulesOutput.progress(ctx));
    RulesOutput.endProgress(ctx);
    String powershell = ForwardingPolicy.script(domains.stream().filter(DomainSettings::rule)
        .map(DomainSettings::mailbox).toList());
    if (options.json) {
      RulesOutput.json(ctx, results, dryRun, powershell);
    } else {
      RulesOutput.table(ctx, results, dryRun);
      if (!powershell.isEmpty()) {
        ctx.out().println();
        ctx.out().print(powershell);
      }
      ctx.out().flush();
    }
    return ExitCode.ofRules(results);
  }
}
