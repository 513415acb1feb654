package org.mailassure.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mailassure.config.CronExpression;

class ScheduleTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");

  static Schedule schedule(String cron) {
    return new Schedule(CronExpression.parse(cron), LONDON);
  }

  /** Every slot in [from, to). */
  static List<Instant> slots(Schedule s, Instant from, Instant to) {
    List<Instant> out = new ArrayList<>();
    Instant t = from.minusNanos(1);
    while (true) {
      Instant n = s.next(t).orElseThrow();
      if (!n.isBefore(to)) {
        return out;
      }
      assertThat(n).isAfter(t);
      out.add(n);
      t = n;
    }
  }

  private static Instant startOfDay(LocalDate d) {
    return d.atStartOfDay(LONDON).toInstant();
  }

  @ParameterizedTest(name = "\"{0}\" on {1} gives exactly one slot, at {2}")
  @CsvSource({
    "0 6 * * *,  2026-03-29, 2026-03-29T05:00:00Z",
    "0 6 * * *,  2026-10-25, 2026-10-25T06:00:00Z",
    "30 1 * * *, 2026-03-29, 2026-03-29T01:30:00Z",
    "30 1 * * *, 2026-10-25, 2026-10-25T00:30:00Z",
    "0 1 * * *,  2026-10-25, 2026-10-25T00:00:00Z",
    "0 6 * * *,  2026-11-29, 2026-11-29T06:00:00Z",
  })
  void eachLondonDayHasExactlyOneSlotOfADailySchedule(
      String cron, LocalDate day, Instant expected) {
    Schedule s = schedule(cron);
    assertThat(slots(s, startOfDay(day), startOfDay(day.plusDays(1)))).containsExactly(expected);
  }

  @Test
  void aYearOfADailyScheduleHasOneSlotADay() {
    Schedule s = schedule("30 1 * * *");
    List<Instant> year =
        slots(s, startOfDay(LocalDate.of(2026, 1, 1)), startOfDay(LocalDate.of(2027, 1, 1)));
    assertThat(year).hasSize(365).doesNotHaveDuplicates().isSorted();
  }

  @Test
  void theNextSlotIsStrictlyAfterTheTimeAskedAbout() {
    Schedule s = schedule("0 6 * * *");
    Instant six = Instant.parse("2026-11-29T06:00:00Z");
    assertThat(s.next(six)).contains(Instant.parse("2026-11-30T06:00:00Z"));
    assertThat(s.next(six.minusMillis(1))).contains(six);
  }

  @Test
  void theNextSlotDuringTheRepeatedHourIsNotTheFirstOccurrenceAgain() {
    Schedule s = schedule("30 1 * * *");
    // 01:10 GMT on 25 October 2026 is the second 01:10 of the day; 01:30 BST has already passed.
    assertThat(s.next(Instant.parse("2026-10-25T01:10:00Z")))
        .contains(Instant.parse("2026-10-26T01:30:00Z"));
  }

  @ParameterizedTest(name = "latest slot at or before {0} is {1}")
  @CsvSource({
    "2026-11-29T06:00:00Z, 2026-11-29T06:00:00Z",
    "2026-11-29T05:59:59Z, 2026-11-28T06:00:00Z",
    "2026-07-01T12:00:00Z, 2026-07-01T05:00:00Z",
    "2026-03-29T05:00:00Z, 2026-03-29T05:00:00Z",
    "2026-03-29T04:59:00Z, 2026-03-28T06:00:00Z",
  })
  void theLatestSlotIsTheLastAtOrBeforeNow(Instant now, Instant expected) {
    assertThat(schedule("0 6 * * *").latest(now)).contains(expected);
  }

  @Test
  void theLatestSlotOnTheSkippedHourIsTheShiftedOne() {
    Schedule s = schedule("30 1 * * *");
    assertThat(s.latest(Instant.parse("2026-03-29T02:00:00Z")))
        .contains(Instant.parse("2026-03-29T01:30:00Z"));
  }
}
