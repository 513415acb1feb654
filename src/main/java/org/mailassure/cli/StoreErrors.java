package org.mailassure.cli;

import org.mailassure.config.Config;
import org.mailassure.state.StoreException;

/**
 * How a command reports a state store it cannot use: one line, {@code mailassure: COMMAND: what the
 * store said; what to do}, and the exit code: 3 when a PostgreSQL server cannot be reached or
 * logged in to, 2 for SQLite (a state-dir this user cannot use is a set-up problem).
 */
final class StoreErrors {
  private StoreErrors() {}

  /**
   * Prints the error and returns the exit code.
   *
   * @param outcome what it meant for this command ("nothing was sent"), or null
   * @param sqliteFix what to do about a SQLite store, for this command
   * @param json whether the command was asked for a JSON document, which the error then is
   */
  static int report(
      Context ctx,
      String command,
      Config config,
      StoreException e,
      String outcome,
      String sqliteFix,
      boolean json) {
    String message =
        "mailassure: "
            + command
            + ": "
            + e.getMessage()
            + (outcome == null ? "" : "; " + outcome)
            + "; "
            + e.fix()
                .orElse(
                    config.state().shared()
                        ? "check that the PostgreSQL server at state.url is up and state.username"
                            + " can log in"
                        : sqliteFix);
    int code = config.state().shared() ? ExitCode.UNAVAILABLE : ExitCode.USAGE;
    ctx.out().flush();
    if (json) {
      Json.error(ctx.out(), code, message);
    }
    ctx.err().println(message);
    return code;
  }

  /** The fix for a reader of a SQLite store (status, journal): the user that can read it. */
  static String readAs(String command) {
    return "run "
        + command
        + " as root or as the service's user (sudo -u mailassure mailassure "
        + command
        + ")";
  }
}
