package org.mailassure.cli;

import picocli.CommandLine;

/**
 * The command line read by picocli: every command, help, completion and mistakes. Kept out of
 * {@link Cli} so that the command lines {@code Cli} reads itself ({@code run}, a plain {@code
 * validate}) never load picocli.
 */
final class PicocliLine {
  private PicocliLine() {}

  /**
   * @param owner says what a command that threw means ({@link Cli#failed})
   * @param json whether the arguments ask for JSON, so that a usage error is a JSON document too
   */
  static int run(Cli owner, Context ctx, String[] args, boolean json) {
    Factory factory = new Factory(ctx);
    CommandLine cli = new CommandLine(new MailassureCommand(), factory);
    addSubcommands(cli, factory, args);
    HelpWrap.install(cli, Cli.helpWidth(ctx.env()));
    cli.setOut(ctx.out());
    cli.setErr(ctx.err());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setParameterExceptionHandler(
        (e, a) -> {
          String message = Cli.prefixed(commandName(e.getCommandLine()), e.getMessage());
          if (json) {
            Json.error(ctx.out(), ExitCode.USAGE, message);
          }
          ctx.err().println(message);
          CommandLine.UnmatchedArgumentException.printSuggestions(e, ctx.err());
          ctx.err()
              .println("Run 'mailassure " + commandName(e.getCommandLine()) + "--help' for usage.");
          ctx.err().flush();
          return ExitCode.USAGE;
        });
    cli.setExecutionExceptionHandler((e, c, p) -> owner.failed(e, commandName(c)));
    int code = cli.execute(args);
    ctx.out().flush();
    ctx.err().flush();
    return code;
  }

  /**
   * Adds the subcommand the arguments name, or all of them when none is named (for the top help and
   * for suggestions), or none for a bare {@code --version}.
   */
  private static void addSubcommands(CommandLine cli, Factory factory, String[] args) {
    String named = null;
    boolean versionOnly = false;
    for (String a : args) {
      if (!a.startsWith("-")) {
        named = a;
        break;
      }
      versionOnly |= a.equals("--version") || a.equals("-V");
    }
    try {
      if ("help".equals(named)) {
        // "mailassure help [COMMAND]", as git and kubectl take it: picocli's help command, over
        // every command so that it can name any of them.
        cli.addSubcommand("help", new CommandLine.HelpCommand());
        for (var e : MailassureCommand.SUBCOMMANDS.entrySet()) {
          cli.addSubcommand(e.getKey(), factory.create(e.getValue()));
        }
      } else if (named != null && MailassureCommand.SUBCOMMANDS.containsKey(named)) {
        cli.addSubcommand(named, factory.create(MailassureCommand.SUBCOMMANDS.get(named)));
      } else if (named != null || !versionOnly) {
        for (var e : MailassureCommand.SUBCOMMANDS.entrySet()) {
          cli.addSubcommand(e.getKey(), factory.create(e.getValue()));
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot build the command " + named, e);
    }
  }

  private static String commandName(CommandLine c) {
    String name = c.getCommandSpec().qualifiedName();
    return name.equals("mailassure") ? "" : name.substring("mailassure ".length()) + " ";
  }

  /** Builds commands with the context when they ask for it. */
  private record Factory(Context ctx) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      try {
        return type.getDeclaredConstructor(Context.class).newInstance(ctx);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(type);
      }
    }
  }
}
