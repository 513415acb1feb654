package org.mailassure.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.mailassure.probe.Sleeper;
import org.mailassure.secrets.RedactingWriter;
import picocli.CommandLine;

/**
 * The command line: parses arguments with picocli, runs one command and returns its exit code.
 * Takes its streams and environment from a {@link Context}, so tests drive it with string writers.
 */
public final class Cli {
  private final Context ctx;
  private boolean json;

  /** Everything the commands print goes through {@link RedactingWriter}: no secret gets out. */
  public Cli(Context ctx) {
    this.ctx =
        new Context(
            new PrintWriter(new RedactingWriter(ctx.out()), true),
            new PrintWriter(new RedactingWriter(ctx.err()), true),
            ctx.env(),
            ctx.workingDir(),
            ctx.root(),
            ctx.clock(),
            ctx.sleeper(),
            ctx.signals(),
            ctx.terminal());
  }

  /** The CLI on the real process: stdout, stderr, environment, clock. */
  public static Cli system() {
    return new Cli(
        new Context(
            new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
            new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true),
            System.getenv(),
            Path.of("").toAbsolutePath(),
            "root".equals(System.getProperty("user.name")),
            Clock.systemUTC(),
            Sleeper.SYSTEM,
            Signals.process(),
            System.console() != null));
  }

  public int run(String... args) {
    json = java.util.Arrays.asList(args).contains("--json");
    ConfigOptions daemon = daemonOptions(args);
    if (daemon != null) {
      // The systemd unit's command line: the daemon starts without the command-line model, whose
      // classes it would otherwise keep in memory all year (3 MiB of its 64).
      RunCommand run = new RunCommand(ctx);
      run.options = daemon;
      int code;
      try {
        code = run.call();
      } catch (Exception e) {
        code = failed(e, "run ");
      }
      ctx.out().flush();
      ctx.err().flush();
      return code;
    }
    Factory factory = new Factory(ctx);
    CommandLine cli = new CommandLine(new MailassureCommand(), factory);
    addSubcommands(cli, factory, args);
    HelpWrap.install(cli, helpWidth(ctx.env()));
    cli.setOut(ctx.out());
    cli.setErr(ctx.err());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setParameterExceptionHandler(
        (e, a) -> {
          String message = prefixed(commandName(e.getCommandLine()), e.getMessage());
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
    cli.setExecutionExceptionHandler((e, c, p) -> failed(e, commandName(c)));
    int code = cli.execute(args);
    ctx.out().flush();
    ctx.err().flush();
    return code;
  }

  /**
   * What a command that threw says: a usage error as itself (exit 2); anything else, a bug, in one
   * line, the stack trace only with -v (exit 1).
   */
  private int failed(Exception e, String command) {
    if (e instanceof ConfigSource.UsageError u) {
      String message = prefixed(command, u.getMessage());
      if (json) {
        Json.error(ctx.out(), ExitCode.USAGE, message);
      }
      ctx.err().println(message);
      ctx.err().flush();
      return ExitCode.USAGE;
    }
    String message =
        "mailassure: "
            + command.strip()
            + (command.isBlank() ? "" : ": ")
            + "unexpected "
            + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse(""))
            + "; this is a bug in mailassure: run it again with -v and report what it prints";
    if (json) {
      Json.error(ctx.out(), ExitCode.FAILED, message);
    }
    ctx.err().println(message);
    if (Boolean.getBoolean(LogConfigurator.VERBOSE_PROPERTY)) {
      e.printStackTrace(ctx.err());
    }
    ctx.err().flush();
    return ExitCode.FAILED;
  }

  /**
   * The options of {@code run ...} when its arguments are only {@code -c/--config FILE}, {@code
   * --domain NAME} and {@code -v/--verbose}; null for anything else (help, a mistake), which
   * picocli handles and explains.
   */
  static ConfigOptions daemonOptions(String[] args) {
    if (args.length == 0 || !args[0].equals("run")) {
      return null;
    }
    ConfigOptions o = new ConfigOptions();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        value = a.substring(eq + 1);
        a = a.substring(0, eq);
      }
      switch (a) {
        case "-v", "--verbose" -> {
          if (value != null) {
            return null;
          }
          o.verbose = true;
        }
        case "-c", "--config", "--domain" -> {
          if (value == null) {
            if (i + 1 >= args.length || args[i + 1].startsWith("-")) {
              return null;
            }
            value = args[++i];
          }
          if (value.isEmpty()) {
            return null;
          }
          if (a.equals("--domain")) {
            o.domains.add(value);
          } else if (o.config != null) {
            return null;
          } else {
            o.config = Path.of(value);
          }
        }
        default -> {
          return null;
        }
      }
    }
    return o;
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

  /**
   * An error as every command says one: {@code mailassure: COMMAND: what; fix} (just {@code
   * mailassure: } for the top command), whatever prefix the message already had.
   */
  static String prefixed(String command, String message) {
    String cmd = command.strip();
    String head = "mailassure: " + (cmd.isEmpty() ? "" : cmd + ": ");
    String m = message == null ? "" : message;
    for (String old : List.of(head, "mailassure " + cmd + ": ", "mailassure: ")) {
      if (m.startsWith(old)) {
        m = m.substring(old.length());
        break;
      }
    }
    return head + m;
  }

  /** Help's width: the terminal's ({@code COLUMNS}) from 60 to 200, else 80. */
  static int helpWidth(java.util.Map<String, String> env) {
    try {
      int c = Integer.parseInt(env.getOrDefault("COLUMNS", "").strip());
      return c >= 60 && c <= 200 ? c : 80;
    } catch (NumberFormatException e) {
      return 80;
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
