package org.mailassure.text;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Times as people read them in tables and messages: {@code 2026-11-29 06:00 GMT}, in the zone the
 * config names ({@code probe.time-zone}), to the minute (or second, for when something happened).
 * JSON and the journal's JSON keep ISO-8601 for programs.
 *
 * <p>The zone's abbreviation is the JDK's (its CLDR data, {@code z} in a {@link DateTimeFormatter}
 * of {@link Locale#ROOT}). Loading that data costs a command a fifth of a JVM's whole start-up, so
 * the zones nearly every config names are written here directly, with the abbreviations that data
 * gives them: UTC, and Europe/London as GMT or, an hour ahead, BST. Every other zone, and a year
 * outside 0000-9999, goes through the formatter.
 */
public final class Times {
  private Times() {}

  /** To the minute, e.g. a slot: {@code 2026-11-29 06:00 GMT}; null stays null. */
  public static String minutes(Instant t, ZoneId zone) {
    return t == null ? null : format(t, zone, false);
  }

  /** To the second, e.g. when an attempt ended: {@code 2026-11-29 06:00:01 GMT}. */
  public static String seconds(Instant t, ZoneId zone) {
    return t == null ? null : format(t, zone, true);
  }

  private static String format(Instant t, ZoneId zone, boolean seconds) {
    ZonedDateTime at = t.atZone(named(zone));
    String abbreviation = knownAbbreviation(at);
    LocalDateTime local = at.toLocalDateTime();
    if (abbreviation == null || local.getYear() < 0 || local.getYear() > 9999) {
      return (seconds ? Formatters.SECONDS : Formatters.MINUTES).format(at);
    }
    StringBuilder b = new StringBuilder(24);
    digits(b, local.getYear(), 4).append('-');
    digits(b, local.getMonthValue(), 2).append('-');
    digits(b, local.getDayOfMonth(), 2).append(' ');
    digits(b, local.getHour(), 2).append(':');
    digits(b, local.getMinute(), 2);
    if (seconds) {
      digits(b.append(':'), local.getSecond(), 2);
    }
    return b.append(' ').append(abbreviation).toString();
  }

  /**
   * What {@code z} prints for this time, for the zones written here; null for any other. A fixed
   * offset prints as its ID ({@code +01:00}), as the formatter does.
   */
  private static String knownAbbreviation(ZonedDateTime at) {
    ZoneId zone = at.getZone();
    if (zone instanceof ZoneOffset offset) {
      return offset.getId();
    }
    return switch (zone.getId()) {
      case "UTC", "Etc/UTC" -> "UTC";
      case "Europe/London" -> london(at);
      default -> null;
    };
  }

  /**
   * GMT in winter, BST (daylight saving, an hour ahead) in summer; any other time (British Standard
   * Time of 1968-1971, an hour ahead all year, or the double summer time of the 1940s) is left to
   * the formatter.
   */
  private static String london(ZonedDateTime at) {
    boolean summer = at.getZone().getRules().isDaylightSavings(at.toInstant());
    int offset = at.getOffset().getTotalSeconds();
    if (offset == 0 && !summer) {
      return "GMT";
    }
    return offset == 3600 && summer ? "BST" : null;
  }

  private static StringBuilder digits(StringBuilder b, int value, int width) {
    String s = Integer.toString(value);
    for (int i = s.length(); i < width; i++) {
      b.append('0');
    }
    return b.append(s);
  }

  /** UTC by its name, not "Z". */
  private static ZoneId named(ZoneId zone) {
    return zone.equals(ZoneOffset.UTC) ? ZoneId.of("UTC") : zone;
  }

  /** Made on first use: only a zone not written above needs the locale data. */
  private static final class Formatters {
    static final DateTimeFormatter MINUTES =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z", Locale.ROOT);
    static final DateTimeFormatter SECONDS =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z", Locale.ROOT);
  }
}
