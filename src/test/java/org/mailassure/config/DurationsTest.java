package org.mailassure.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Durations as the config and the options write them; ISO-8601 forms as java.time reads them. */
class DurationsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "30s, PT30S",
    "5m, PT5M",
    "6h, PT6H",
    "1d, PT24H",
    "250ms, PT0.25S",
    "0, PT0S",
    "PT6H, PT6H",
    "p1d, PT24H",
    "36500d, PT876000H",
  })
  void aDurationIsReadAsWritten(String text, String iso) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "36501d, true",
    "P36501D, true",
    "PT9223372036854775807S, true",
    "999999999d, true",
    "-PT5M, false",
    "5 minutes, false",
    "yesterday, false",
  })
  void whatIsNotADurationHereIsNull(String text, boolean onlyTooLong) {
    assertThat(Durations.parse(text)).isNull();
    assertThat(Durations.isTooLong(text)).isEqualTo(onlyTooLong);
  }
}
