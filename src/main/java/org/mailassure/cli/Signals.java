package org.mailassure.cli;

/**
 * Where {@code run} learns of SIGTERM, SIGINT and SIGHUP. The process uses the JVM's signal
 * handling (replacing the default exit, so an in-flight send can finish); tests pass their own.
 */
public interface Signals {
  /** Calls {@code action} (on a signal-dispatch thread) whenever the named signal arrives. */
  void on(String name, Runnable action);

  /** The real process's signals. */
  @SuppressWarnings("sunapi")
  static Signals process() {
    return (name, action) -> sun.misc.Signal.handle(new sun.misc.Signal(name), s -> action.run());
  }

  /** No signals: for tests that stop the daemon themselves. */
  static Signals none() {
    return (name, action) -> {};
  }
}
