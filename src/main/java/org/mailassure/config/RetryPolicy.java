package org.mailassure.config;

import java.time.Duration;

/**
 * How often and how patiently a temporary failure is retried: exponential backoff starting at
 * {@code backoff}, doubling, capped at {@code maxBackoff}. Immutable.
 */
public record RetryPolicy(int attempts, Duration backoff, Duration maxBackoff) {

  public static final RetryPolicy DEFAULT =
      new RetryPolicy(5, Duration.ofMinutes(1), Duration.ofMinutes(30));

  /** The wait before attempt {@code attempt + 1}, where the first attempt is number 1. */
  public Duration delayAfter(int attempt) {
    Duration delay = backoff;
    for (int i = 1; i < attempt && delay.compareTo(maxBackoff) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(maxBackoff) > 0 ? maxBackoff : delay;
  }

  /**
   * The policy for a person waiting at a terminal: the same attempts, with back-offs of at most 5
   * seconds doubling to at most 30 (the configured ones are meant for the daemon's slots).
   */
  public RetryPolicy forAPersonWaiting() {
    Duration first = backoff.compareTo(Duration.ofSeconds(5)) < 0 ? backoff : Duration.ofSeconds(5);
    Duration most =
        maxBackoff.compareTo(Duration.ofSeconds(30)) < 0 ? maxBackoff : Duration.ofSeconds(30);
    return new RetryPolicy(attempts, first, most.compareTo(first) < 0 ? first : most);
  }
}
