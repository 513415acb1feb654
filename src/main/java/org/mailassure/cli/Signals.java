package org.mailassure.cli;

/**
 * Where {@code run} learns of SIGTERM, SIGINT and SIGHUP. The process uses the JVM's signal
 * handling (replacing the default exit, so an in-flight send can finish); tests pass their own.
 */
public interface Signals {
  /** Calls {@code action} (on a signal-dispatch thread) whenever the named signal arrives. */
  void on(String name, Runnable action);

  /**
   * The real process's signals. (A class, not a lambda: every command makes one, and the first
   * lambda of a run costs milliseconds of start-up.)
   */
  @SuppressWarnings("sunapi")
  static Signals process() {
    return new Signals() {
      @Override
      public void on(String name, Runnable action) {
        sun.misc.Signal.handle(new sun.misc.Signal(name), s -> action.run());
      }
    };
  }

  /**
   * What the daemon says at start about SIGHUP, or null when it works as usual. A process started
   * with SIGHUP ignored (under {@code nohup}) never sees it, since the JVM leaves an ignored signal
   * ignored; {@code bin/mailassure} restores it and says so through {@code
   * MAILASSURE_SIGHUP_WAS_IGNORED}.
   *
   * @param procStatus the text of {@code /proc/self/status}, or null where there is none
   */
  static String hangupNote(java.util.Map<String, String> env, String procStatus) {
    String launcher = env.get("MAILASSURE_SIGHUP_WAS_IGNORED");
    boolean ignoredNow = false;
    if (procStatus != null) {
      for (String line : procStatus.split("\n")) {
        if (line.startsWith("SigIgn:")) {
          ignoredNow = (Long.parseUnsignedLong(line.substring(7).strip(), 16) & 1) != 0;
        }
      }
    }
    if (ignoredNow) {
      return "SIGHUP is ignored in this process (started under nohup?), so it cannot reload its"
          + " config on SIGHUP; start it with bin/mailassure, which restores SIGHUP, or restart it"
          + " to load a changed config";
    }
    if ("restored".equals(launcher)) {
      return "SIGHUP was ignored when mailassure was started (nohup?); the launcher restored it,"
          + " so SIGHUP reloads the config as usual";
    }
    return null;
  }

  /** No signals: for tests that stop the daemon themselves. */
  static Signals none() {
    return (name, action) -> {};
  }
}
