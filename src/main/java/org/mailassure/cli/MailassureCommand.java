package org.mailassure.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/**
 * The top command. Its subcommands are added by {@link Cli} — only the one being run, so that
 * start-up does not pay for reflecting over every command's options.
 */
@Command(
    name = "mailassure",
    mixinStandardHelpOptions = true,
    versionProvider = MailassureCommand.VersionProvider.class,
    description = "Proves that each email domain's outbound mail leaves over TLS and DKIM-signed.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:all done and all good",
      "1:done, but at least one domain failed",
      "2:usage or configuration error; nothing sent, nothing changed",
      "3:could not authenticate or reach the service at all"
    })
final class MailassureCommand implements Runnable {
  /** Every subcommand, in the order help lists them. */
  static final java.util.Map<String, Class<?>> SUBCOMMANDS = subcommands();

  private static java.util.Map<String, Class<?>> subcommands() {
    java.util.Map<String, Class<?>> m = new java.util.LinkedHashMap<>();
    m.put("validate", ValidateCommand.class);
    m.put("provision", ProvisionCommand.class);
    m.put("rules", RulesCommand.class);
    m.put("send", SendCommand.class);
    m.put("run", RunCommand.class);
    m.put("reply", ReplyCommand.class);
    m.put("status", StatusCommand.class);
    m.put("journal", JournalCommand.class);
    m.put("check", CheckCommand.class);
    m.put("dkim", DkimCommand.class);
    m.put("connectors", ConnectorsCommand.class);
    m.put("demo", DemoCommand.class);
    return java.util.Collections.unmodifiableMap(m);
  }

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a command is needed");
  }

  /** Prints {@code mailassure VERSION}. */
  static final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {Version.line()};
    }
  }
}
