package org.mailassure.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The cron expression on its own. Expected times are read off the 2026 calendar (1 January 2026 is
 * a Thursday) by the rules quoted; CronDifferentialTest sets the whole reader beside croniter.
 */
class CronExpressionTest {
  private static final LocalDateTime NEW_YEAR = LocalDateTime.of(2026, 1, 1, 0, 0);

  private static List<String> next(String expression, int count) {
    CronExpression cron = CronExpression.parse(expression);
    List<String> out = new ArrayList<>();
    LocalDateTime t = NEW_YEAR;
    for (int i = 0; i < count; i++) {
      t = cron.next(t).orElseThrow();
      out.add(t.toString());
    }
    return out;
  }

  @Test
  void namesAreReadInEitherCaseAndSundayIsZeroOrSeven() {
    assertThat(next("0 6 * jan Sun", 2)).containsExactly("2026-01-04T06:00", "2026-01-11T06:00");
    assertThat(next("0 6 * JAN 7", 2)).containsExactly("2026-01-04T06:00", "2026-01-11T06:00");
    assertThat(next("0 6 * 1 0", 2)).containsExactly("2026-01-04T06:00", "2026-01-11T06:00");
  }

  @Test
  void aStepAfterOneValueRunsToTheEndOfTheField() {
    // 5/2 in day-of-week: Friday (5) and 7 (Sunday), as croniter reads it.
    assertThat(next("0 6 * * 5/2", 3))
        .containsExactly("2026-01-02T06:00", "2026-01-04T06:00", "2026-01-09T06:00");
    assertThat(next("50/5 6 * * *", 3))
        .containsExactly("2026-01-01T06:50", "2026-01-01T06:55", "2026-01-02T06:50");
  }

  @Test
  void whenBothDayFieldsAreRestrictedEitherMatches() {
    // POSIX crontab: "any day matching either the month and day of month, or the day of week,
    // shall be matched". The 15th, or a Monday (5, 12, 19 January).
    assertThat(next("0 6 15 * MON", 4))
        .containsExactly(
            "2026-01-05T06:00", "2026-01-12T06:00", "2026-01-15T06:00", "2026-01-19T06:00");
    // With the day of the week '*', only the day of the month decides.
    assertThat(next("0 6 15 * *", 2)).containsExactly("2026-01-15T06:00", "2026-02-15T06:00");
  }

  @Test
  void expressionsThatFireAtTheSameTimesAreEqual() {
    assertThat(CronExpression.parse("0 6 * * 7")).isEqualTo(CronExpression.parse("0 06 * * SUN"));
    assertThat(CronExpression.parse("0 6 * * 1-5"))
        .isEqualTo(CronExpression.parse(" 0  6 * *  mon,tue,wed,thu,fri"))
        .hasSameHashCodeAs(CronExpression.parse("0 6 * * mon-fri"));
    assertThat(CronExpression.parse("0 6 * * *")).isNotEqualTo(CronExpression.parse("0 7 * * *"));
  }

  @Test
  void theNextMinuteIsStrictlyAfterAndThePreviousStrictlyBefore() {
    CronExpression daily = CronExpression.parse("0 6 * * *");
    LocalDateTime six = LocalDateTime.of(2026, 3, 1, 6, 0);
    assertThat(daily.next(six)).contains(six.plusDays(1));
    assertThat(daily.next(six.minusSeconds(1))).contains(six);
    assertThat(daily.previous(six)).contains(six.minusDays(1));
    assertThat(daily.previous(six.plusSeconds(1))).contains(six);
    // Back over a month boundary and a year: the last 06:00 before 1 January is 31 December's.
    assertThat(daily.previous(NEW_YEAR)).contains(LocalDateTime.of(2025, 12, 31, 6, 0));
  }

  @Test
  void twentyNinthFebruaryIsFoundInTheNextLeapYearAndThirtiethNever() {
    assertThat(CronExpression.parse("0 0 29 2 *").next(NEW_YEAR))
        .contains(LocalDateTime.of(2028, 2, 29, 0, 0));
    // 2100 is not a leap year (divisible by 100, not by 400): after 2096 comes 2104.
    assertThat(CronExpression.parse("0 0 29 2 *").next(LocalDateTime.of(2096, 3, 1, 0, 0)))
        .contains(LocalDateTime.of(2104, 2, 29, 0, 0));
    assertThat(CronExpression.parse("0 0 30 2 *").next(NEW_YEAR)).isEmpty();
    assertThat(CronExpression.parse("0 0 30 2 *").previous(NEW_YEAR)).isEmpty();
  }

  @ParameterizedTest(name = "\"{0}\" is refused: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "0 6 * *         | it has 4 fields, not five",
        "61 6 * * *      | '61' is not a minute (0-59)",
        "0 24 * * *      | '24' is not an hour (0-23)",
        "0 6 0 * *       | '0' is not a day of the month (1-31)",
        "0 6 * 13 *      | '13' is not a month (1-12)",
        "0 6 * * 8       | '8' is not a day of the week (0-7)",
        "0 6 * FOO *     | 'FOO' is not a month (names: jan feb mar apr may jun jul aug sep oct nov dec)",
        "0 6 * * MON-SUNDAY | 'SUNDAY' is not a day of the week (names: sun mon tue wed thu fri sat)",
        "0 6 * * 5-1     | the day of the week range '5-1' runs backwards",
        "*/0 6 * * *     | the minute step in '*/0' is 0; a step is 1 or more",
        "0 6 1,,2 * *    | the day of the month field '1,,2' has an empty item in its list",
        "0 6 L * *       | 'L' is not a day of the month, a range, a step or '*'",
        "0 6 ? * *       | '?' is not a day of the month, a range, a step or '*'",
        "0 -6 * * *      | '-6' is not an hour, a range, a step or '*'",
      })
  void aBadExpressionIsRefusedNamingTheFieldAndTheFault(String expression, String message) {
    assertThatThrownBy(() -> CronExpression.parse(expression.trim()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message.trim());
  }
}
