package org.mailassure.boot;

import java.lang.instrument.Instrumentation;

/**
 * Named as {@code Launcher-Agent-Class} in the jar's manifest, so {@code java -jar mailassure.jar}
 * hands it the JVM's {@link Instrumentation} before {@code main}. It keeps the one thing mailassure
 * uses it for: appending the packed libraries to the class path when a command needs them. It
 * registers no transformer and changes no class.
 */
public final class LauncherAgent {
  private static volatile Instrumentation instrumentation;

  private LauncherAgent() {}

  public static void agentmain(String args, Instrumentation inst) {
    instrumentation = inst;
  }

  /** The instrumentation, or null when the JVM was not started with {@code -jar}. */
  static Instrumentation instrumentation() {
    return instrumentation;
  }
}
