package org.mailassure.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.mailassure.probe.Sleeper;
import org.mailassure.secrets.RedactingWriter;

/**
 * The command line: reads the arguments (with picocli, or itself for the daemon and a plain {@code
 * validate}), runs one command and returns its exit code. Takes its streams and environment from a
 * {@link Context}, so tests drive it with string writers.
 */
public final class Cli {
  private final Context ctx;
  private boolean json;

  /**
   * Everything the commands print goes through {@link RedactingWriter}: no secret gets out, and no
   * control character that a server or a file put in a message reaches the terminal.
   */
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
            ctx.terminal(),
            ctx.console(),
            ctx.systemConfig());
  }

  /** The CLI on the real process: stdout, stderr, environment, clock. */
  public static Cli system() {
    PrintWriter err =
        new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    return new Cli(
        new Context(
            new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
            err,
            System.getenv(),
            Path.of("").toAbsolutePath(),
            "root".equals(System.getProperty("user.name")),
            Clock.systemUTC(),
            Sleeper.SYSTEM,
            Signals.process(),
            System.console() != null,
            err,
            org.mailassure.config.ConfigLocator.SYSTEM_CONFIG));
  }

  public int run(String... args) {
    json = java.util.Arrays.asList(args).contains("--json");
    ConfigOptions daemon = daemonOptions(args);
    if (daemon != null) {
      // The systemd unit's command line: the daemon starts without the command-line model, whose
      // classes it would otherwise keep in memory all year (3 MiB of its 64).
      RunCommand run = new RunCommand(ctx);
      run.options = daemon;
      return plainly(run, "run ");
    }
    CommonOptions validate = validateOptions(args);
    if (validate != null) {
      // What admins and scripts run after every edit, read without the command-line model:
      // building picocli's for one command is a quarter of validate's cold start (README,
      // Benchmarks). Anything else, help and mistakes included, goes through picocli.
      ValidateCommand command = new ValidateCommand(ctx);
      command.options = validate;
      return plainly(command, "validate ");
    }
    // In a class of its own, so that the two paths above never load picocli (not even to verify
    // this class).
    return PicocliLine.run(this, ctx, args, json);
  }

  /** Runs a command whose options were read without picocli, as picocli would have run it. */
  private int plainly(java.util.concurrent.Callable<Integer> command, String name) {
    int code;
    try {
      code = command.call();
    } catch (Exception e) {
      code = failed(e, name);
    }
    ctx.out().flush();
    ctx.err().flush();
    return code;
  }

  /**
   * What a command that threw says: a usage error as itself (exit 2); anything else, a bug, in one
   * line, the stack trace only with -v (exit 1).
   */
  int failed(Exception e, String command) {
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
    return args.length > 0 && args[0].equals("run")
        ? plainOptions(args, new ConfigOptions())
        : null;
  }

  /**
   * The options of {@code validate ...} when its arguments are only those of {@link #daemonOptions}
   * and {@code --json}; null for anything else, which picocli handles.
   */
  static CommonOptions validateOptions(String[] args) {
    return args.length > 0 && args[0].equals("validate")
        ? plainOptions(args, new CommonOptions())
        : null;
  }

  /**
   * Reads {@code args[1..]} into {@code o} when they are only {@code -c/--config FILE} (once),
   * {@code --domain NAME} (any number of times), {@code -v/--verbose} (once) and, for {@link
   * CommonOptions}, {@code --json} (once), as picocli would; null for anything else or anything
   * picocli would refuse, so that picocli reads it and says what is wrong.
   */
  private static <T extends ConfigOptions> T plainOptions(String[] args, T o) {
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
          if (value != null || o.verbose) {
            return null;
          }
          o.verbose = true;
        }
        case "--json" -> {
          if (value != null || !(o instanceof CommonOptions c) || c.json) {
            return null;
          }
          c.json = true;
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
}
