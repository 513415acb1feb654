package org.mailassure.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.mailassure.probe.Sleeper;

/** Runs the CLI in-process with string writers, as google-java-format's tests drive its Main. */
public record CliRun(int exitCode, String out, String err) {
  public static CliRun of(
      Path workingDir, Map<String, String> env, Clock clock, Sleeper sleeper, String... args) {
    // Never the machine's installed config: a path in the test's own directory.
    return of(
        workingDir,
        workingDir.resolve("no-system-config/mailassure.yaml"),
        env,
        clock,
        sleeper,
        args);
  }

  /** The same, with the system-wide config (/etc/mailassure/mailassure.yaml) at {@code system}. */
  public static CliRun of(
      Path workingDir,
      Path system,
      Map<String, String> env,
      Clock clock,
      Sleeper sleeper,
      String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Context ctx =
        new Context(
            new PrintWriter(out),
            new PrintWriter(err),
            env,
            workingDir,
            false,
            clock,
            sleeper,
            Signals.none(),
            false,
            new PrintWriter(err),
            system);
    int code = new Cli(ctx).run(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  public static CliRun of(Path workingDir, String... args) {
    return of(workingDir, Map.of(), Clock.systemUTC(), d -> {}, args);
  }
}
