package org.mailassure.probe;

import java.time.Duration;

/** Waits between attempts; injected so tests never wait for real time. */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration duration) throws InterruptedException;

  /** The real thing. */
  Sleeper SYSTEM = d -> Thread.sleep(d.toMillis());
}
