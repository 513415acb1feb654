package org.mailassure.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mailassure rules list|remove}: the rules mailassure owns, found by display name. */
@Command(
    name = "rules",
    mixinStandardHelpOptions = true,
    description = "The inbox rules mailassure owns (found by rule.name).",
    subcommands = {RulesCommand.ListRules.class, RulesCommand.RemoveRules.class})
final class RulesCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "say 'rules list' or 'rules remove'");
  }

  /** {@code rules list}. */
  @Command(
      name = "list",
      footerHeading = "%nExamples:%n",
      footer = {
        "  mailassure rules list",
        "  mailassure rules list --domain example.gov.uk --json"
      },
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {
        "0:every mailbox was read",
        "1:a mailbox could not be read",
        "2:usage or config error",
        "3:Graph refused the app or could not be reached"
      },
      mixinStandardHelpOptions = true,
      description =
          "Show the rules mailassure owns in each mailbox and whether they match the config. Changes nothing.")
  static final class ListRules implements Callable<Integer> {
    private final Context ctx;
    @Mixin CommonOptions options;

    ListRules(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
      return RulesOutput.execute(
          ctx,
          "rules list",
          options,
          true,
          false,
          (service, domains, progress) -> service.list(domains, progress));
    }
  }

  /** {@code rules remove [--dry-run]}. */
  @Command(
      name = "remove",
      footerHeading = "%nExamples:%n",
      footer = {
        "  mailassure rules remove --dry-run",
        "  mailassure rules remove --domain example.gov.uk"
      },
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {
        "0:every owned rule is gone",
        "1:a mailbox failed (the others were done)",
        "2:usage or config error; nothing changed",
        "3:Graph refused the app or could not be reached"
      },
      mixinStandardHelpOptions = true,
      description = "Delete the rules mailassure owns; nothing else.")
  static final class RemoveRules implements Callable<Integer> {
    private final Context ctx;
    @Mixin CommonOptions options;

    @Option(names = "--dry-run", description = "Print the plan; change nothing.")
    boolean dryRun;

    RemoveRules(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
      return RulesOutput.execute(
          ctx,
          "rules remove",
          options,
          dryRun,
          false,
          (service, domains, progress) -> service.remove(domains, dryRun, progress));
    }
  }
}
