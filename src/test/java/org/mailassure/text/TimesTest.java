package org.mailassure.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Times for people: the config's zone by its usual abbreviation, UTC by name. */
class TimesTest {
  @Test
  void londonIsGmtInWinterAndBstInSummer() {
    ZoneId london = ZoneId.of("Europe/London");
    assertThat(Times.minutes(Instant.parse("2026-11-29T06:00:00Z"), london))
        .isEqualTo("2026-11-29 06:00 GMT");
    // British Summer Time is UTC+1: 05:00 UTC is 06:00 in London on 1 July.
    assertThat(Times.minutes(Instant.parse("2026-07-01T05:00:00Z"), london))
        .isEqualTo("2026-07-01 06:00 BST");
  }

  @Test
  void utcIsNamedAndSecondsAreShownWhenAsked() {
    assertThat(Times.seconds(Instant.parse("2026-11-29T21:06:09.831406429Z"), ZoneOffset.UTC))
        .isEqualTo("2026-11-29 21:06:09 UTC");
    assertThat(Times.minutes(null, ZoneOffset.UTC)).isNull();
  }

  /**
   * The expected text is the JDK's own formatter's (its CLDR zone names), which Times used to call
   * for every time and still calls for zones it does not write itself: every hour of 2020-2031,
   * both sides of every London clock change from 1900 to 2100, and random times from year 1 to 9999
   * and beyond, in the zones written directly and in two that are not.
   */
  @Test
  void everyTimeReadsAsTheJdkFormatterWritesIt() {
    DateTimeFormatter minutes = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z", Locale.ROOT);
    DateTimeFormatter seconds = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z", Locale.ROOT);
    ZoneId london = ZoneId.of("Europe/London");
    List<Instant> times = new ArrayList<>();
    for (Instant t = Instant.parse("2020-01-01T00:00:00Z");
        t.isBefore(Instant.parse("2032-01-01T00:00:00Z"));
        t = t.plus(Duration.ofMinutes(61))) {
      times.add(t);
    }
    for (ZoneOffsetTransition change : london.getRules().getTransitions()) {
      Instant at = change.getInstant();
      if (at.isAfter(Instant.parse("1900-01-01T00:00:00Z"))) {
        times.addAll(List.of(at.minusSeconds(1), at, at.plusSeconds(59)));
      }
    }
    Random random = new Random(20261207);
    long from = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
    long to = Instant.parse("+12000-01-01T00:00:00Z").getEpochSecond();
    for (int i = 0; i < 5_000; i++) {
      times.add(Instant.ofEpochSecond(from + (long) (random.nextDouble() * (to - from))));
    }
    List<ZoneId> zones =
        List.of(
            london,
            ZoneId.of("UTC"),
            ZoneId.of("Etc/UTC"),
            ZoneOffset.ofHours(1),
            ZoneOffset.ofHoursMinutes(-5, -30),
            ZoneId.of("Europe/Paris"),
            ZoneId.of("America/New_York"));
    for (ZoneId zone : zones) {
      for (Instant t : times) {
        assertThat(Times.minutes(t, zone))
            .as("%s in %s", t, zone)
            .isEqualTo(minutes.format(t.atZone(zone)));
        assertThat(Times.seconds(t, zone))
            .as("%s in %s", t, zone)
            .isEqualTo(seconds.format(t.atZone(zone)));
      }
    }
  }
}
