package org.mailassure.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in the config: {@code 30s}, {@code 5m}, {@code 6h}, {@code 1d}, {@code 0} or
 * ISO-8601.
 */
public final class Durations {
  private static final Pattern SHORT = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)");

  /**
   * The longest duration any setting or option takes: 36500d (100 years), far past any use, and far
   * inside what a clock can add or subtract without overflowing (ISO-8601 can write durations that
   * cannot be added to any date).
   */
  public static final Duration MAX = Duration.ofDays(36_500);

  private Durations() {}

  /**
   * The duration, or null when the text is not one or is longer than {@link #MAX}. Negative
   * durations are not durations here.
   */
  public static Duration parse(String text) {
    Duration d = unbounded(text);
    return d == null || d.compareTo(MAX) > 0 ? null : d;
  }

  /** Whether the text is a duration, only longer than {@link #MAX}. */
  public static boolean isTooLong(String text) {
    Duration d = unbounded(text);
    return d != null && d.compareTo(MAX) > 0;
  }

  private static Duration unbounded(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = SHORT.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      Duration d = Duration.parse(text.trim().toUpperCase(Locale.ROOT));
      return d.isNegative() ? null : d;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** A short human form: {@code 6h}, {@code 90s}, {@code 1d}. */
  public static String format(Duration d) {
    long s = d.getSeconds();
    if (s == 0 && d.getNano() > 0) {
      return d.toMillis() + "ms";
    }
    if (s % 86400 == 0 && s > 0) {
      return s / 86400 + "d";
    }
    if (s % 3600 == 0 && s > 0) {
      return s / 3600 + "h";
    }
    if (s % 60 == 0 && s > 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }
}
