package org.mailassure.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
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
}
