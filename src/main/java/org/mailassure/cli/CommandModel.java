package org.mailassure.cli;

import picocli.CommandLine;

/**
 * The whole command tree as picocli models it, for the documents generated from it at build time
 * (the man pages, the shell completions). The commands are never run from here: each is made
 * without a {@link Context}.
 */
final class CommandModel {
  private CommandModel() {}

  /** {@code mailassure} with every subcommand, {@code help} included. */
  static CommandLine tree() {
    CommandLine cli =
        new CommandLine(
            new MailassureCommand(),
            new CommandLine.IFactory() {
              @Override
              public <K> K create(Class<K> type) throws Exception {
                try {
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
    return cli;
  }

  /**
   * The first sentence of a description, without its full stop: a completion menu's entry, a man
   * page's NAME line. picocli's %n counts as a space.
   */
  static String firstSentence(String description) {
    String flat = description.replace("%n", " ").replaceAll("\\s+", " ").strip();
    int stop = flat.indexOf(". ");
    String first = stop < 0 ? flat : flat.substring(0, stop + 1);
    return first.endsWith(".") ? first.substring(0, first.length() - 1) : first;
  }

  /** A command's subcommands, each once (aliases share a spec) and without {@code help}. */
  static java.util.List<CommandLine> subcommands(CommandLine cli) {
    java.util.List<CommandLine> subs = new java.util.ArrayList<>();
    for (CommandLine sub : cli.getSubcommands().values()) {
      if (!subs.contains(sub)
          && !(sub.getCommandSpec().userObject() instanceof CommandLine.HelpCommand)) {
        subs.add(sub);
      }
    }
    return subs;
  }
}
