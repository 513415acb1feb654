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
}
