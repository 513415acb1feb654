package org.mailassure.config;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;

/**
 * A five-field cron expression ({@code minute hour day-of-month month day-of-week}) as POSIX's
 * crontab defines it, with the ranges, steps and names Vixie cron added: {@code *}, numbers, names
 * ({@code JAN}-{@code DEC}, {@code SUN}-{@code SAT}, either case), ranges {@code a-b}, steps after
 * a star or a range ({@code 1-5/2}) and after one value ({@code 5/10}, from 5 to the field's end),
 * lists joined by commas; Sunday is 0 or 7.
 *
 * <p>The day rule is POSIX's: if both day-of-month and day-of-week are restricted (anything but
 * {@code *}), a day matching either matches; if one is {@code *}, the other decides.
 *
 * <p>Times here are wall-clock times with no zone; {@code org.mailassure.schedule.Schedule} maps
 * them to instants. Immutable and thread-safe.
 */
public final class CronExpression {
  /** How far ahead or back a match is looked for: long enough for any 29 February. */
  private static final int YEARS_SEARCHED = 10;

  private static final String[] MONTHS = {
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
  };
  private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

  private final String text;
  private final long minutes;
  private final long hours;
  private final long daysOfMonth;
  private final long months;
  private final long daysOfWeek;
  private final boolean dayOfMonthRestricted;
  private final boolean dayOfWeekRestricted;

  private CronExpression(String text, String[] fields) {
    this.text = text;
    this.minutes = field(fields[0], "minute", 0, 59, null);
    this.hours = field(fields[1], "hour", 0, 23, null);
    this.daysOfMonth = field(fields[2], "day of the month", 1, 31, null);
    this.months = field(fields[3], "month", 1, 12, MONTHS);
    long week = field(fields[4], "day of the week", 0, 7, DAYS);
    // Sunday is 0 or 7.
    this.daysOfWeek = (week & 0x7f) | ((week >>> 7) & 1);
    this.dayOfMonthRestricted = !fields[2].equals("*");
    this.dayOfWeekRestricted = !fields[4].equals("*");
  }

  /**
   * Reads an expression.
   *
   * @throws IllegalArgumentException naming the field and what is wrong with it, in words for the
   *     config's reader
   */
  public static CronExpression parse(String text) {
    String[] fields = fields(text.trim());
    if (fields.length != 5) {
      throw new IllegalArgumentException(
          "it has " + fields.length + " field" + (fields.length == 1 ? "" : "s") + ", not five");
    }
    return new CronExpression(text.trim(), fields);
  }

  /**
   * The fields of a trimmed expression as {@code trimmed.split("\\s+")} gives them (one empty field
   * for an empty text), split by hand: no regular expression on a config's usual path, the first of
   * which costs milliseconds of start-up.
   */
  static String[] fields(String trimmed) {
    java.util.List<String> fields = new java.util.ArrayList<>(5);
    int start = -1;
    for (int i = 0; i <= trimmed.length(); i++) {
      boolean space = i == trimmed.length() || " \t\n\013\f\r".indexOf(trimmed.charAt(i)) >= 0;
      if (space && start >= 0) {
        fields.add(trimmed.substring(start, i));
        start = -1;
      } else if (!space && start < 0) {
        start = i;
      }
    }
    return fields.isEmpty() ? new String[] {""} : fields.toArray(new String[0]);
  }

  /**
   * Equal when they name the same minutes, hours, days and months and restrict the same day fields,
   * however written ({@code 7} or {@code SUN}, a range or its list).
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof CronExpression c
        && minutes == c.minutes
        && hours == c.hours
        && daysOfMonth == c.daysOfMonth
        && months == c.months
        && daysOfWeek == c.daysOfWeek
        && dayOfMonthRestricted == c.dayOfMonthRestricted
        && dayOfWeekRestricted == c.dayOfWeekRestricted;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(minutes, hours, daysOfMonth, months, daysOfWeek);
  }

  /** The expression as written (trimmed). */
  @Override
  public String toString() {
    return text;
  }

  /**
   * The first matching minute strictly after {@code after}; empty if none comes within ten years
   * (an expression for a date that never exists, such as 30 February).
   */
  public Optional<LocalDateTime> next(LocalDateTime after) {
    LocalDateTime t = after.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    LocalDateTime limit = t.plusYears(YEARS_SEARCHED);
    while (t.isBefore(limit)) {
      if (!has(months, t.getMonthValue())) {
        t = t.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay();
      } else if (!matchesDay(t.toLocalDate())) {
        t = t.toLocalDate().plusDays(1).atStartOfDay();
      } else if (!has(hours, t.getHour())) {
        int hour = nextBit(hours, t.getHour());
        t = hour < 0 ? t.toLocalDate().plusDays(1).atStartOfDay() : t.withHour(hour).withMinute(0);
      } else {
        int minute = nextBit(minutes, t.getMinute());
        if (minute >= 0) {
          return Optional.of(t.withMinute(minute));
        }
        t = t.withMinute(0).plusHours(1);
      }
    }
    return Optional.empty();
  }

  /**
   * The last matching minute strictly before {@code before}; empty if none came within ten years.
   */
  public Optional<LocalDateTime> previous(LocalDateTime before) {
    LocalDateTime minute = before.truncatedTo(ChronoUnit.MINUTES);
    LocalDateTime t = minute.equals(before) ? minute.minusMinutes(1) : minute;
    LocalDateTime limit = t.minusYears(YEARS_SEARCHED);
    while (t.isAfter(limit)) {
      if (!has(months, t.getMonthValue())) {
        t = t.toLocalDate().withDayOfMonth(1).atStartOfDay().minusMinutes(1);
      } else if (!matchesDay(t.toLocalDate())) {
        t = t.toLocalDate().atStartOfDay().minusMinutes(1);
      } else if (!has(hours, t.getHour())) {
        int hour = previousBit(hours, t.getHour());
        t =
            hour < 0
                ? t.toLocalDate().atStartOfDay().minusMinutes(1)
                : t.withHour(hour).withMinute(59);
      } else {
        int m = previousBit(minutes, t.getMinute());
        if (m >= 0) {
          return Optional.of(t.withMinute(m));
        }
        t = t.withMinute(0).minusMinutes(1);
      }
    }
    return Optional.empty();
  }

  private boolean matchesDay(LocalDate d) {
    boolean ofMonth = has(daysOfMonth, d.getDayOfMonth());
    boolean ofWeek = has(daysOfWeek, d.getDayOfWeek().getValue() % 7);
    if (dayOfMonthRestricted && dayOfWeekRestricted) {
      return ofMonth || ofWeek;
    }
    return ofMonth && ofWeek;
  }

  private static boolean has(long bits, int value) {
    return (bits & (1L << value)) != 0;
  }

  /** The lowest set bit at or above {@code from}, or -1. */
  private static int nextBit(long bits, int from) {
    long rest = bits & (-1L << from);
    return rest == 0 ? -1 : Long.numberOfTrailingZeros(rest);
  }

  /** The highest set bit at or below {@code from}, or -1. */
  private static int previousBit(long bits, int from) {
    long rest = bits & ((2L << from) - 1);
    return rest == 0 ? -1 : 63 - Long.numberOfLeadingZeros(rest);
  }

  /** One field's values as bits; {@code names[i]} is the name of {@code lo + i}. */
  private static long field(String field, String what, int lo, int hi, String[] names) {
    long bits = 0;
    for (String element : field.split(",", -1)) {
      bits |= element(element, field, what, lo, hi, names);
    }
    return bits;
  }

  private static long element(
      String element, String field, String what, int lo, int hi, String[] names) {
    if (element.isEmpty()) {
      throw new IllegalArgumentException(
          "the " + what + " field '" + field + "' has an empty item in its list");
    }
    String range = element;
    int step = 1;
    int slash = element.indexOf('/');
    if (slash >= 0) {
      range = element.substring(0, slash);
      step = number(element.substring(slash + 1), element, what);
      if (step < 1) {
        throw new IllegalArgumentException(
            "the " + what + " step in '" + element + "' is 0; a step is 1 or more");
      }
    }
    int from;
    int to;
    if (range.equals("*")) {
      from = lo;
      to = hi;
    } else {
      int dash = range.indexOf('-');
      if (dash > 0) {
        from = value(range.substring(0, dash), what, lo, hi, names);
        to = value(range.substring(dash + 1), what, lo, hi, names);
        if (from > to) {
          throw new IllegalArgumentException(
              "the "
                  + what
                  + " range '"
                  + range
                  + "' runs backwards; write it from low to high, or as a list");
        }
      } else {
        from = value(range, what, lo, hi, names);
        // a/n: from a to the end of the field, as Vixie cron's successors and croniter read it.
        to = slash >= 0 ? hi : from;
      }
    }
    long bits = 0;
    for (int v = from; v <= to; v += step) {
      bits |= 1L << v;
    }
    return bits;
  }

  private static int value(String text, String what, int lo, int hi, String[] names) {
    if (names != null && !text.isEmpty() && Character.isLetter(text.charAt(0))) {
      String upper = text.toUpperCase(Locale.ROOT);
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(upper)) {
          return lo + i;
        }
      }
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not "
              + a(what)
              + " (names: "
              + String.join(" ", names).toLowerCase(Locale.ROOT)
              + ")");
    }
    int v = number(text, text, what);
    if (v < lo || v > hi) {
      throw new IllegalArgumentException(
          "'" + text + "' is not " + a(what) + " (" + lo + "-" + hi + ")");
    }
    return v;
  }

  private static int number(String text, String element, String what) {
    if (text.isEmpty() || text.length() > 4) {
      throw notANumber(element, what);
    }
    int v = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        throw notANumber(element, what);
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** "a minute", "an hour". */
  private static String a(String what) {
    return (what.startsWith("h") ? "an " : "a ") + what;
  }

  private static IllegalArgumentException notANumber(String element, String what) {
    return new IllegalArgumentException(
        "'" + element + "' is not " + a(what) + ", a range, a step or '*'");
  }
}
