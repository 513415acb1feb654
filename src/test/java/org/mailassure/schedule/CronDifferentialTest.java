package org.mailassure.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mailassure.config.Config;
import org.mailassure.config.ConfigLoader;
import org.mailassure.testing.Python;

/**
 * {@code probe.schedule} read as croniter (Debian's python3-croniter, an independent implementation
 * of cron's expressions) reads it: random five-field expressions, each given to mailassure's config
 * loader and {@link Schedule} in UTC and to croniter, must give the same next twelve times.
 *
 * <p>The generator keeps to what croniter reads as POSIX and Vixie cron do. It leaves out days of
 * the month after the 28th (croniter skips the 1st of the month after a month too short for the
 * other days it lists, and refuses a day-of-month that no month in the list has even when a
 * day-of-week may match instead), and any day-of-week field that names every day (croniter then
 * reads it as '*' and ignores it, where POSIX says either field may match); each of those is a case
 * below, its answer from the POSIX text.
 */
class CronDifferentialTest {
  private static final int CASES = 1_000;
  private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm");
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final String[] MONTHS = {
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
  };
  private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

  @TempDir Path dir;

  /** The next twelve slots after {@link #START}, as mailassure's config and schedule give them. */
  private List<String> mailassure(String expression) throws Exception {
    Config config =
        new ConfigLoader(Map.of(), false)
            .parse(
                "probe:\n  schedule: \""
                    + expression
                    + "\"\n  time-zone: UTC\n  transport: smtp\n"
                    + "  smtp: { host: 127.0.0.1, auth: none }\n"
                    + "domains:\n  - { name: example.gov.uk, mailbox: secureemailreply@example.gov.uk }\n",
                dir.resolve("mailassure.yaml"));
    Schedule schedule = new Schedule(config.probe().schedule(), config.probe().timeZone());
    List<String> times = new ArrayList<>();
    Instant t = START;
    for (int i = 0; i < 12; i++) {
      t = schedule.next(t).orElseThrow();
      times.add(MINUTE.format(t.atOffset(ZoneOffset.UTC)));
    }
    return times;
  }

  @Test
  void randomExpressionsGiveTheTimesCroniterGives() throws Exception {
    Python.assumeModules("croniter", "croniter (Debian's python3-croniter)");
    Random r = new Random(20261207L);
    List<String> expressions = new ArrayList<>();
    for (int i = 0; i < CASES; i++) {
      expressions.add(
          String.join(
              " ",
              field(r, 0, 59, null, 0.1),
              field(r, 0, 23, null, 0.2),
              dayOfMonth(r),
              field(r, 1, 12, MONTHS, 0.7),
              dayOfWeek(r)));
    }
    Path input = Files.writeString(dir.resolve("cron.txt"), String.join("\n", expressions) + "\n");
    List<String> croniter = Python.run(input, "croniter_next.py");
    assertThat(croniter).hasSize(CASES);

    Map<String, String> differ = new LinkedHashMap<>();
    for (int i = 0; i < CASES; i++) {
      String mine;
      try {
        mine = String.join(" ", mailassure(expressions.get(i)));
      } catch (org.mailassure.config.ConfigException e) {
        mine = "refused: " + e.getMessage();
      }
      if (!mine.equals(croniter.get(i))) {
        differ.put(
            expressions.get(i), "mailassure " + mine + "\n    croniter   " + croniter.get(i));
      }
    }
    System.out.println(CASES + " random cron expressions, " + differ.size() + " read apart");
    differ.forEach((k, v) -> System.out.println(k + "\n    " + v));
    assertThat(differ).isEmpty();
  }

  /**
   * POSIX (crontab, "INPUT FILES"): "If either the month or day of month is specified as an element
   * or list, and the day of week is also specified as an element or list, then any day matching
   * either the month and day of month, or the day of week, shall be matched." A range is an
   * element; each expected list is that rule applied to the 2026 calendar by hand.
   */
  @ParameterizedTest(name = "\"{0}\": {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // 1-6 and 0 name every day, so every day matches; croniter reads 0-6 as '*' and keeps
        // only the 25th and 30th.
        "0 21 25,30 * 0-6 | 2026-01-01T21:00 2026-01-02T21:00 2026-01-03T21:00",
        // September has no 31st, so only its Saturdays match (5, 12, 19, 26); croniter refuses.
        "38 6 31 SEP 6    | 2026-09-05T06:38 2026-09-12T06:38 2026-09-19T06:38",
        // Every month has a 1st: after 1 February comes 1 March, not 30 March as croniter says.
        "53 6 */29 * *    | 2026-01-01T06:53 2026-01-30T06:53 2026-02-01T06:53 2026-03-01T06:53"
      })
  void whereCroniterDepartsFromPosixTheScheduleFollowsPosix(String expression, String expected)
      throws Exception {
    List<String> want = List.of(expected.trim().split(" "));

    assertThat(mailassure(expression.trim())).startsWith(want.toArray(String[]::new));
  }

  /**
   * A field: '*' with the given likelihood, else a value, a range (maybe stepped), step or list.
   */
  private static String field(Random r, int lo, int hi, String[] names, double star) {
    if (r.nextDouble() < star) {
      return "*";
    }
    double kind = r.nextDouble();
    if (kind < 0.3) {
      return value(r, lo, hi, names);
    }
    if (kind < 0.55) {
      int a = lo + r.nextInt(hi - lo + 1);
      int b = a + r.nextInt(hi - a + 1);
      String range = a + "-" + b;
      return r.nextDouble() < 0.3 ? range + "/" + (1 + r.nextInt(hi - lo)) : range;
    }
    if (kind < 0.62) {
      return "*/" + (1 + r.nextInt(hi - lo));
    }
    if (kind < 0.7) {
      // From a value to the field's end, in steps.
      return (lo + r.nextInt(hi - lo + 1)) + "/" + (1 + r.nextInt(hi - lo));
    }
    List<String> list = new ArrayList<>();
    for (int i = 2 + r.nextInt(3); i > 0; i--) {
      list.add(value(r, lo, hi, names));
    }
    return String.join(",", list);
  }

  /** A number, or (a third of the time, when the field has names) its name in either case. */
  private static String value(Random r, int lo, int hi, String[] names) {
    int v = lo + r.nextInt(hi - lo + 1);
    if (names == null || r.nextDouble() >= 0.3) {
      return Integer.toString(v);
    }
    String name = names[v - lo];
    return r.nextBoolean() ? name : name.toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Days 1 to 28 only (see the class comment): values, ranges, stepped ranges and lists; not a step
   * from one value, which runs to the 31st.
   */
  private static String dayOfMonth(Random r) {
    if (r.nextDouble() < 0.6) {
      return "*";
    }
    String f;
    do {
      f = field(r, 1, 28, null, 0);
    } while (f.startsWith("*") || f.matches("\\d+/\\d+"));
    return f;
  }

  /**
   * Sunday as 0 or 7 or its name; never a field that names every day (see the class comment); steps
   * from 2 to 8 (a step past the range's end leaves its first day alone).
   */
  private static String dayOfWeek(Random r) {
    if (r.nextDouble() < 0.6) {
      return "*";
    }
    double kind = r.nextDouble();
    if (kind < 0.35) {
      return r.nextInt(8) == 7 ? "7" : value(r, 0, 6, DAYS);
    }
    if (kind < 0.65) {
      int a = r.nextInt(7);
      int b = a + r.nextInt(Math.min(6, 7 - a));
      String range = a + "-" + b;
      return r.nextDouble() < 0.3 ? range + "/" + (2 + r.nextInt(7)) : range;
    }
    if (kind < 0.7) {
      return "*/" + (2 + r.nextInt(7));
    }
    if (kind < 0.75) {
      return r.nextInt(7) + "/" + (2 + r.nextInt(7));
    }
    List<String> list = new ArrayList<>();
    for (int i = 2 + r.nextInt(3); i > 0; i--) {
      list.add(value(r, 0, 6, DAYS));
    }
    return String.join(",", list);
  }
}
