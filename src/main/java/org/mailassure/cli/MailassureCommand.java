package org.mailassure.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** The top command: only a list of subcommands. */
@Command(name = "mailassure",
    mixinStandardHelpOptions = true,
    versionProvider = MailassureCommand.VersionProvider.class,
    description = "Proves that each email domain's outbound mail leaves over TLS and DKIM-signed.",
    subcommands = {ValidateCommand.class, ProvisionCommand.class, RulesCommand.class, SendCommand.class,
        RunCommand.class, StatusCommand.class, CheckCommand.class, DkimCommand.class, ConnectorsCommand.class,
        DemoCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:all done and all good",
        "1:done, but at least one domain failed",
        "2:usage or configuration error; nothing sent, nothing changed",
        "3:could not authenticate or reach the service at all"})
final class MailassureCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a command is needed");
  }

  /** Prints {@code mailassure VERSION}. */
  static final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"mailassure " + Version.get()};
    }
  }
}
