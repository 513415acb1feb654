package org.mailassure.probe;

import java.time.Duration;

/** Waits between attempts; injected so tests never wait for real time. */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration duration) throws InterruptedException;

  /**
   * The real thing. (A class, not a lambda: every command makes one, and the first lambda of a run
   * costs milliseconds of start-up.)
   */
  Sleeper SYSTEM =
      new Sleeper() {
        @Override
        public void sleep(Duration duration) throws InterruptedException {
          Thread.sleep(duration.toMillis());
        }
      };
}
