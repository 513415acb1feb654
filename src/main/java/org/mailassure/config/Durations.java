package org.mailassure.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Durations as written in the config: {@code 30s}, {@code 5m}, {@code 6h}, {@code 1d}, {@code 0} or
 * ISO-8601.
 */
public final class Durations {
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
    Duration shortForm = shortForm(t);
    if (shortForm != null) {
      return shortForm;
    }
    try {
      Duration d = Duration.parse(text.trim().toUpperCase(Locale.ROOT));
      return d.isNegative() ? null : d;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * {@code (\d{1,9})\s*(ms|s|m|h|d)}, read by hand rather than by a regular expression (the first
   * of a run costs milliseconds of start-up); null when the text is not of that form.
   */
  static Duration shortForm(String t) {
    int i = 0;
    while (i < t.length() && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
      i++;
    }
    if (i == 0 || i > 9) {
      return null;
    }
    long n = Long.parseLong(t.substring(0, i));
    int unit = i;
    while (unit < t.length() && " \t\n\013\f\r".indexOf(t.charAt(unit)) >= 0) {
      unit++;
    }
    return switch (t.substring(unit)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> null;
    };
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
