package org.mailassure.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * Writes the bash completion script for every command and option, generated from the command-line
 * model by picocli, so it cannot drift from the commands. Run by the build ({@code mvn package});
 * the Debian package installs the script in {@code /usr/share/bash-completion/completions}.
 */
public final class Completion {
  private Completion() {}

  /** The script, from the same model the commands are parsed with. */
  static String bash() {
    CommandLine cli =
        new CommandLine(
            new MailassureCommand(),
            new CommandLine.IFactory() {
              @Override
              public <K> K create(Class<K> type) throws Exception {
                try {
                  // The model is all that is read: the commands never run here.
                  return type.getDeclaredConstructor(Context.class).newInstance((Object) null);
                } catch (NoSuchMethodException e) {
                  return CommandLine.defaultFactory().create(type);
                }
              }
            });
    for (var e : MailassureCommand.SUBCOMMANDS.entrySet()) {
      cli.addSubcommand(e.getKey(), e.getValue());
    }
    cli.addSubcommand("help", new CommandLine.HelpCommand());
    String script = AutoComplete.bash("mailassure", cli);
    // Sourced by bash-completion, never run: no #! line (Debian's lintian asks for none).
    return script.startsWith("#!") ? script.substring(script.indexOf('\n') + 1) : script;
  }

  /** {@code Completion FILE}: writes the bash script to FILE. */
  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, bash(), StandardCharsets.UTF_8);
  }
}
