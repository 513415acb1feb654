package org.mailassure.text;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Times as people read them in tables and messages: {@code 2026-11-29 06:00 GMT}, in the zone the
 * config names ({@code probe.time-zone}), to the minute (or second, for when something happened).
 * JSON and the journal's JSON keep ISO-8601 for programs.
 */
public final class Times {
  private static final DateTimeFormatter MINUTES =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z", Locale.ROOT);
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z", Locale.ROOT);

  private Times() {}

  /** To the minute, e.g. a slot: {@code 2026-11-29 06:00 GMT}; null stays null. */
  public static String minutes(Instant t, ZoneId zone) {
    return t == null ? null : MINUTES.format(t.atZone(named(zone)));
  }

  /** To the second, e.g. when an attempt ended: {@code 2026-11-29 06:00:01 GMT}. */
  public static String seconds(Instant t, ZoneId zone) {
    return t == null ? null : SECONDS.format(t.atZone(named(zone)));
  }

  /** UTC by its name, not "Z". */
  private static ZoneId named(ZoneId zone) {
    return zone.equals(ZoneOffset.UTC) ? ZoneId.of("UTC") : zone;
  }
}
